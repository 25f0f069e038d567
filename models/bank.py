"""キャリア人材バンク: registrants aged 60 and over (登録者), their personal data kept apart,
their append-only log, the companies' openings (求人), introductions and suggestions."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import JSON, CheckConstraint, Column, Integer, String, UniqueConstraint
from sqlmodel import Field, SQLModel

from models.common import list_field, timestamp_field


class LeavingReason(StrEnum):
    """離職理由."""

    teinen = "teinen"  # 定年
    keizoku = "keizoku"  # 継続雇用期間・雇用確保措置の終了
    adjustment = "adjustment"  # 雇用調整 (a transfer's company request)
    other = "other"  # その他


class EmploymentType(StrEnum):
    """雇用形態 of an opening."""

    full_time = "full_time"  # 正社員
    part_time = "part_time"  # パート
    contract = "contract"  # 契約社員・嘱託


class WantedEmployment(StrEnum):
    """The employment type a registrant wants."""

    full_time = "full_time"
    part_time = "part_time"
    either = "either"


_registrant_version = Column("version", Integer, nullable=False, default=1)


def _one_target(table: str) -> tuple:
    """A row names one opening or one receiving offer, each at most once per person."""
    return (
        UniqueConstraint("registrant_id", "opening_id"),
        UniqueConstraint(
            "registrant_id", "receiving_offer_id", name=f"uq_{table}_registrant_receiving_offer"
        ),
        CheckConstraint(
            "(opening_id IS NULL) <> (receiving_offer_id IS NULL)", name=f"ck_{table}_one_target"
        ),
    )


class Registrant(SQLModel, table=True):
    """登録者: what the bank knows of a person's work and wishes; no name here."""

    __tablename__ = "registrant"
    __mapper_args__ = {"version_id_col": _registrant_version}

    id: int | None = Field(default=None, primary_key=True)
    office_code: str = Field(foreign_key="office.code", max_length=2, index=True)
    state: str = Field(index=True)
    version: int = Field(default=1, sa_column=_registrant_version)
    last_seq: int = 0
    programme: str = Field(
        default="career_bank", sa_type=String(16),
        sa_column_kwargs={"server_default": "career_bank"},
        description="career_bank (キャリア人材バンク) or transfer (移籍の求職者)",
    )  # fmt: skip
    route: str = Field(sa_type=String(16), description="via_company (支援依頼) or self")
    request_id: int | None = Field(
        default=None, foreign_key="sending_offer.id", index=True,
        description="a job seeker's company request (再就職支援の依頼: a sending offer)",
    )  # fmt: skip
    former_company_id: int | None = Field(default=None, foreign_key="company.id")
    registered_on: date
    leaving_on: date
    leaving_reason: LeavingReason = Field(sa_type=String(16))
    age_at_leaving: int = Field(description="whole years: the age the rules look at")
    occupations: list[str] = list_field("職業分類 major groups of experience")
    qualifications: list[str] = list_field()
    areas: list[str] = list_field("desired prefecture codes, block names or 全国")
    employment_type: WantedEmployment = Field(sa_type=String(16))
    desired_monthly_wage_yen: int | None = None
    desired_hourly_wage_yen: int | None = None
    hours_per_week: int | None = None
    last_activity_on: date = Field(index=True, description="the newest event's date")
    owner_id: int | None = Field(
        default=None, foreign_key="user_account.id", index=True,
        description="担当者: the consultant responsible (none: unowned)",
    )  # fmt: skip
    created_at: datetime | None = timestamp_field()
    updated_at: datetime | None = timestamp_field()


class RegistrantPerson(SQLModel, table=True):
    """個人情報 of a registrant: name, birth date, contact. Read only when asked for
    (and the reading recorded); never logged."""

    __tablename__ = "registrant_person"

    registrant_id: int = Field(foreign_key="registrant.id", primary_key=True)
    name: str
    birth_date: date
    contact: str | None = None


class RegistrantEvent(SQLModel, table=True):
    """An entry of a registrant's append-only log: a step or a recorded fact."""

    __tablename__ = "registrant_event"
    __table_args__ = (UniqueConstraint("registrant_id", "seq"),)

    id: int | None = Field(default=None, primary_key=True)
    registrant_id: int = Field(foreign_key="registrant.id", index=True)
    seq: int
    event: str
    from_state: str | None
    to_state: str
    actor: str
    occurred_on: date
    recorded_at: datetime | None = timestamp_field()
    note: str | None = None
    opening_id: int | None = Field(default=None, foreign_key="opening.id")
    receiving_offer_id: int | None = Field(default=None, foreign_key="receiving_offer.id")


class Opening(SQLModel, table=True):
    """求人: a company's opening for a registrant of the bank, keyed by (office, opening_id)."""

    __tablename__ = "opening"
    __table_args__ = (UniqueConstraint("office_code", "opening_id"),)

    id: int | None = Field(default=None, primary_key=True)
    office_code: str = Field(foreign_key="office.code", max_length=2)
    opening_id: str = Field(index=True, description="求人番号, the office's own id")
    received_on: date
    company_id: int = Field(foreign_key="company.id", index=True)
    occupation: str = Field(max_length=1, description="日本標準職業分類 major group A-L")
    work_prefecture: str = Field(max_length=2)
    employment_type: EmploymentType = Field(sa_type=String(16))
    hours_per_week: int | None = None
    monthly_wage_yen: int | None = None
    hourly_wage_yen: int | None = None
    headcount: int = Field(ge=1)
    required_qualifications: list[str] = list_field()
    open_until: date | None = None
    notes: str | None = None
    extra: dict = Field(
        default_factory=dict,
        sa_type=JSON,
        sa_column_kwargs={"nullable": False, "server_default": "{}"},
        description="unknown columns of the intake file, kept as notes",
    )
    partner_id: int | None = Field(default=None, foreign_key="partner.id")
    intake_file_id: int | None = Field(default=None, foreign_key="intake_file.id")
    is_open: bool = Field(default=True)
    created_at: datetime | None = timestamp_field()
    updated_at: datetime | None = timestamp_field()


class Introduction(SQLModel, table=True):
    """紹介 (応募): an opening introduced to a registrant (with consent), its interview
    (採用面接), its outcome (内定, 不採用, 辞退) and the day it led to a hire."""

    __tablename__ = "bank_introduction"
    __table_args__ = _one_target("bank_introduction")

    id: int | None = Field(default=None, primary_key=True)
    registrant_id: int = Field(foreign_key="registrant.id", index=True)
    # What was introduced: an opening (the career bank) or a receiving offer (a job seeker).
    opening_id: int | None = Field(default=None, foreign_key="opening.id", index=True)
    receiving_offer_id: int | None = Field(
        default=None, foreign_key="receiving_offer.id", index=True
    )
    introduced_on: date
    interview_on: date | None = None  # 採用面接: the day scheduled last
    outcome: str | None = Field(
        default=None, sa_type=String(16), description="offered (内定), rejected, declined"
    )  # rejected: 不採用 (the company's), declined: 辞退 (the person's)
    outcome_on: date | None = None
    start_on: date | None = None  # 入社予定日, agreed with the offer
    hired_on: date | None = None


class Suggestion(SQLModel, table=True):
    """A suggestion for the consultant: an opening that fits a registrant, with its score
    broken down. Never an introduction; never made twice for the same pair."""

    __tablename__ = "bank_suggestion"
    __table_args__ = _one_target("bank_suggestion")

    id: int | None = Field(default=None, primary_key=True)
    registrant_id: int = Field(foreign_key="registrant.id", index=True)
    opening_id: int | None = Field(default=None, foreign_key="opening.id")
    receiving_offer_id: int | None = Field(
        default=None, foreign_key="receiving_offer.id", index=True
    )
    score: float
    breakdown: dict = Field(default_factory=dict, sa_type=JSON)
    suggested_on: date
