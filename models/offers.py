"""Sending offers (送出情報) and receiving offers (受入情報), keyed by (office, offer_id)."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import JSON, String, UniqueConstraint
from sqlmodel import Field, SQLModel

from models.common import list_field, timestamp_field


class OfferKind(StrEnum):
    """区分: what the offer is open to."""

    secondment = "secondment"  # 出向
    transfer = "transfer"  # 移籍
    either = "either"  # いずれも


class OfferBase(SQLModel):
    # Looked up through the unique (office_code, offer_id) index: no index of its own.
    office_code: str = Field(foreign_key="office.code", max_length=2)
    offer_id: str = Field(index=True, description="受付番号, the office's own id")
    received_on: date
    company_id: int = Field(foreign_key="company.id", index=True)
    kind: OfferKind = Field(sa_type=String(16))
    headcount: int = Field(ge=1)
    occupation: str = Field(max_length=1, description="日本標準職業分類 major group A-L")
    job_title: str | None = None
    skills: list[str] = list_field()
    qualifications: list[str] = list_field()
    period_months_min: int = 1
    period_months_max: int = 24
    start_from: date
    start_until: date
    monthly_wage_yen: int | None = None
    notes: str | None = None
    extra: dict = Field(
        default_factory=dict,
        sa_type=JSON,
        sa_column_kwargs={"nullable": False, "server_default": "{}"},
        description="unknown columns of the intake file, kept as notes",
    )
    partner_id: int | None = Field(default=None, foreign_key="partner.id", index=True)
    intake_file_id: int | None = Field(default=None, foreign_key="intake_file.id")
    is_open: bool = Field(default=True)  # no index: nearly every row holds the same value


class SendingOffer(OfferBase, table=True):
    """送出情報: "we can send N people"."""

    __tablename__ = "sending_offer"
    __table_args__ = (UniqueConstraint("office_code", "offer_id"),)

    id: int | None = Field(default=None, primary_key=True)
    acceptable_area: list[str] = list_field(
        "prefecture codes, block names or 全国; empty = the company's own block"
    )
    reason: str | None = None
    dismissals: bool | None = None
    created_at: datetime | None = timestamp_field()
    updated_at: datetime | None = timestamp_field()


class ReceivingOffer(OfferBase, table=True):
    """受入情報: "we can take N people"."""

    __tablename__ = "receiving_offer"
    __table_args__ = (UniqueConstraint("office_code", "offer_id"),)

    id: int | None = Field(default=None, primary_key=True)
    work_prefecture: str = Field(max_length=2)
    required_qualifications: list[str] = list_field()
    conditions: list[str] = list_field()
    created_at: datetime | None = timestamp_field()
    updated_at: datetime | None = timestamp_field()
