"""Typed parameters of every flow: pydantic models, so the Prefect UI shows each flow's form
and the server validates what an operator types. Ids and dates only: never personal data."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, ConfigDict, Field

from config import get_settings
from shukko.clock import today

AS_OF = "the Center's business day to run for (default: today in Asia/Tokyo)"


class FlowParameters(BaseModel):
    """What every flow takes: the day it runs for, so a whole year can be replayed."""

    model_config = ConfigDict(extra="forbid")
    as_of: date | None = Field(default=None, description=AS_OF)

    def day(self) -> date:
        return self.as_of or today(get_settings().timezone)


class IntakeParameters(FlowParameters):
    """受付: import every file in the inbox."""


class MatchingParameters(FlowParameters):
    """マッチング: propose pairs of open offers as cases."""

    office: str | None = Field(
        default=None,
        pattern=r"^(0[1-9]|[1-3][0-9]|4[0-7])$",
        description="only this office's offers (JIS prefecture code 01-47)",
    )


class NoticeParameters(FlowParameters):
    """助成金のご案内: notices and reminders due on the day."""

    case_id: int | None = Field(default=None, ge=1, description="only this case")


class FollowUpParameters(FlowParameters):
    """フォローアップ: start, close, schedule and flag overdue follow-ups."""


class ReportParameters(FlowParameters):
    """統計: the Center's tables for a fiscal year (April to March)."""

    fiscal_year: int | None = Field(
        default=None,
        ge=2000,
        le=2100,
        description="fiscal year (年度) starting in April of this year; default: as_of's",
    )


class NightlyParameters(FlowParameters):
    """The nightly run: intake, matching, notices, follow-up, report, in that order."""
