"""Offices (事務所) and companies (企業)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger
from sqlmodel import Field, SQLModel

from models.common import timestamp_field


class Office(SQLModel, table=True):
    """One of the Center's 47 prefectural offices, keyed by its prefecture's JIS code."""

    code: str = Field(primary_key=True, max_length=2)
    name: str


class CompanyBase(SQLModel):
    name: str = Field(index=True)
    corporate_number: str | None = Field(default=None, max_length=13, unique=True)
    industry_code: str = Field(
        max_length=3, description="JSIC major group 01-99, minor group 010-999 or division A-T"
    )
    prefecture_code: str = Field(max_length=2)
    capital_yen: int | None = Field(default=None, sa_type=BigInteger)  # 資本金 can exceed 2^31
    employees: int | None = None
    has_union: bool | None = Field(default=None, description="労働組合の有無")
    is_sme: bool | None = Field(default=None, description="中小企業 for employment subsidies")


class Company(CompanyBase, table=True):
    """A sending (送出) or receiving (受入) company; deduplicated by corporate number."""

    id: int | None = Field(default=None, primary_key=True)
    created_at: datetime | None = timestamp_field()
