"""Cases (案件), their append-only event log (履歴) and their contract terms (出向契約)."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import JSON, Column, Index, Integer, String, UniqueConstraint, text
from sqlmodel import Field, SQLModel

from models.common import timestamp_field


class CaseKind(StrEnum):
    """在籍型出向 or 移籍."""

    secondment = "secondment"
    transfer = "transfer"


# The Column object itself must be handed to the mapper for optimistic locking.
_case_version = Column("version", Integer, nullable=False)

# The final states of both kinds (states.final_states; a test keeps them equal): a pair of
# offers has at most one case that is not in one of them.
CASE_FINAL_STATES = ("hired", "returned", "transferred", "withdrawn")
_open_case = text("state NOT IN ({})".format(", ".join(f"'{s}'" for s in CASE_FINAL_STATES)))


class Case(SQLModel, table=True):
    """One secondment or transfer between a sending and a receiving offer, for N persons.

    The row is the single source of truth for the state; its machine is bound to it.
    """

    __tablename__ = "cases"  # "case" is an SQL keyword
    __mapper_args__ = {"version_id_col": _case_version}
    __table_args__ = (
        Index(
            "uq_case_open_pair",
            "sending_offer_id",
            "receiving_offer_id",
            unique=True,
            sqlite_where=_open_case,
            postgresql_where=_open_case,
        ),
        # An office's cases by state (the worklist, case lists): one index per side.
        Index("ix_cases_sending_office_state", "sending_office_code", "state"),
        Index("ix_cases_receiving_office_state", "receiving_office_code", "state"),
    )

    id: int | None = Field(default=None, primary_key=True)
    kind: CaseKind = Field(sa_type=String(16))
    state: str = Field(index=True)
    version: int = Field(default=1, sa_column=_case_version)
    last_seq: int = Field(default=0, description="sequence number of the newest event")
    sending_offer_id: int = Field(foreign_key="sending_offer.id", index=True)
    receiving_offer_id: int = Field(foreign_key="receiving_offer.id", index=True)
    sending_office_code: str = Field(
        max_length=2, description="the sending offer's office, kept with the case (never changes)"
    )
    receiving_office_code: str = Field(
        max_length=2, description="the receiving offer's office, kept with the case"
    )
    headcount: int = Field(ge=1)
    owner_id: int | None = Field(
        default=None, foreign_key="user_account.id", index=True,
        description="担当者: the consultant responsible (none: unowned, as proposals start)",
    )  # fmt: skip
    start_date: date | None = Field(default=None, description="from the fixed contract terms")
    end_date: date | None = Field(default=None, description="from the terms, moved by extend")
    subsidy_programme: str | None = Field(
        default=None, max_length=32, description="助成金: programme in force on the start date"
    )
    score: float | None = Field(default=None, description="matching score when proposed")
    score_breakdown: dict | None = Field(
        default=None, sa_type=JSON, description="weighted score components (why proposed)"
    )
    created_by: str = "system"
    created_at: datetime | None = timestamp_field()
    updated_at: datetime | None = timestamp_field()


class CaseEvent(SQLModel, table=True):
    """An entry of the append-only case log: a transition or a recorded fact.

    Facts (consent, union agreement, rules update, tour, terms) are events too, so the
    guards read the same log that the audit shows.
    """

    __tablename__ = "case_event"
    __table_args__ = (UniqueConstraint("case_id", "seq"),)

    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="cases.id", index=True)
    seq: int
    event: str
    from_state: str | None
    to_state: str
    actor: str
    occurred_on: date = Field(description="the date the fact or step took place")
    recorded_at: datetime | None = timestamp_field()
    note: str | None = None
    doc_ref: str | None = None
    worker_id: int | None = Field(default=None, foreign_key="worker.id")


class WagePayer(StrEnum):
    sending = "sending"
    receiving = "receiving"
    split = "split"


class InsuranceSide(StrEnum):
    sending = "sending"
    receiving = "receiving"


class SecondmentPurpose(StrEnum):
    """出向の目的: 雇用維持 (the default), 人材育成型 (skill-building), or other (技術支援・
    交流: a company doing well lends a skilled worker to a partner; no subsidy)."""

    employment_retention = "employment_retention"
    skill_development = "skill_development"
    other = "other"


class ContractTermsBase(SQLModel):
    start_date: date
    end_date: date | None = None
    workplace_prefecture: str = Field(max_length=2)
    workplace: str
    duties: str
    working_hours: str
    holidays: str
    overtime_allowed: bool
    wage_payer: WagePayer = Field(sa_type=String(16))
    sending_share_pct: int
    receiving_share_pct: int
    monthly_wage_yen: int
    social_insurance: InsuranceSide = Field(sa_type=String(16))
    annual_leave: str
    return_conditions: str | None = None
    purpose: SecondmentPurpose = Field(
        default=SecondmentPurpose.employment_retention, sa_type=String(24)
    )
    pre_secondment_monthly_wage_yen: int | None = Field(
        default=None, description="出向前賃金 (月額); required for skill_development"
    )
    within_corporate_group: bool = Field(
        default=False, description="企業グループ内 (独立性が認められない事業主間) の出向"
    )
    skills_promoter_appointed: bool | None = Field(
        default=None,
        description="出向元が職業能力開発推進者を選任 (スキルアップ支援コース); None: unknown",
    )


class ContractTerms(ContractTermsBase, table=True):
    """出向契約: the terms agreed between the two companies, one current set per case."""

    __tablename__ = "contract_terms"

    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="cases.id", unique=True)
    fixed_by: str
    fixed_on: date
    doc_ref: str | None = None
    updated_at: datetime | None = timestamp_field()


class PostReturnWage(SQLModel, table=True):
    """復帰後の賃金: the wage paid to one worker in one of the months after a skill-development
    secondment returned (スキルアップ支援コース checks each worker's six months against the wage
    before). The worker by id, never by name."""

    __tablename__ = "post_return_wage"
    __table_args__ = (
        UniqueConstraint("case_id", "worker_id", "month", name="uq_post_return_wage_month"),
    )

    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="cases.id", index=True)
    worker_id: int = Field(foreign_key="worker.id", description="whose wage (never a name)")
    month: date = Field(description="the first day of the month the wage was paid for")
    wage_yen: int
    recorded_by: str
    recorded_on: date
    event_seq: int = Field(description="the record_wage event that logged it")
