"""Subsidy notices (助成金のご案内) to companies; follow-ups (フォローアップ) of active cases."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, CheckConstraint, Index, String
from sqlmodel import Field, SQLModel

from models.common import timestamp_field


class Notice(SQLModel, table=True):
    """One notice or reminder written to one company of a case; written exactly once.

    `key` is unique: case, side, kind and the start date it was written for, so that re-runs
    never write it twice, while a case whose start moves gets notices for its new dates.
    """

    __tablename__ = "notice"
    __table_args__ = (
        CheckConstraint(
            "(case_id IS NULL) <> (registrant_id IS NULL)", name="ck_notice_one_subject"
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(max_length=96, unique=True)
    # A case's, or a person's (the receiver's letter after a job seeker's hire).
    case_id: int | None = Field(default=None, foreign_key="cases.id", index=True)
    registrant_id: int | None = Field(default=None, foreign_key="registrant.id", index=True)
    company_id: int = Field(foreign_key="company.id")
    side: str = Field(sa_type=String(16), description="sending or receiving")
    kind: str = Field(
        sa_type=String(24), description="notice, reminder-N (days before) or hiring"
    )
    programme: str | None = Field(default=None, max_length=32)
    start_date: date
    filing_deadline: date | None = None
    written_on: date = Field(description="the business day (as_of) the notice was written")
    estimate: dict | None = Field(default=None, sa_type=JSON, description="the figures as data")
    path: str = Field(description="the Markdown file in the outbox (the HTML file beside it)")
    document_number: str | None = Field(
        default=None, max_length=32, unique=True, description="文書番号: office, 年度, sequence"
    )
    created_at: datetime | None = timestamp_field()


class DocumentCounter(SQLModel, table=True):
    """The last 文書番号 sequence an office used in a fiscal year: numbers are never reused."""

    __tablename__ = "document_counter"

    office_code: str = Field(primary_key=True, max_length=2)
    fiscal_year: int = Field(primary_key=True)
    last_number: int = 0


class FollowUp(SQLModel, table=True):
    """A follow-up due on a date: for an active secondment, periodic or the decision one month
    before the end (return, extension or transfer); after a skill-development secondment,
    the wage of a month after return that is due and not recorded (wage_report); after a job
    seeker's hire, the check that they stay (定着確認, retention)."""

    __tablename__ = "follow_up"
    # The follow-ups scheduled up to a day (the worklist, the night): by status, then date.
    __table_args__ = (
        Index("ix_follow_up_status_due_on", "status", "due_on"),
        # A person's follow-ups by status and day (the worklist's 定着確認).
        Index("ix_follow_up_registrant_id", "registrant_id", "status", "due_on"),
        CheckConstraint(
            "(case_id IS NULL) <> (registrant_id IS NULL)", name="ck_follow_up_one_subject"
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(max_length=64, unique=True)
    # A case's, or a person's (a job seeker's 定着確認 after the hire).
    case_id: int | None = Field(default=None, foreign_key="cases.id", index=True)
    registrant_id: int | None = Field(default=None, foreign_key="registrant.id")
    kind: str = Field(
        sa_type=String(16), description="periodic, end_decision, wage_report or retention"
    )
    due_on: date = Field(index=True)
    status: str = Field(
        default="scheduled",
        sa_type=String(16),
        index=True,
        description="scheduled, done, or cancelled (the end date moved)",
    )
    done_on: date | None = None
    done_seq: int | None = Field(default=None, description="the record_follow_up event's seq")
    overdue_since: date | None = Field(default=None, description="first found overdue on")
    created_at: datetime | None = timestamp_field()


class Watermark(SQLModel, table=True):
    """How far a nightly job has read an append-only log (the newest case event it saw), so
    that it looks only at what came after."""

    __tablename__ = "watermark"

    name: str = Field(primary_key=True, max_length=32)
    last_event_id: int = 0
