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

    def run_name(self, flow: str) -> str:
        """The flow run's name in the UI, e.g. `matching-2024-06-03-office-13`."""
        return "-".join([flow, self.day().isoformat(), *self.name_parts()])

    def name_parts(self) -> list[str]:
        return []


class IntakeParameters(FlowParameters):
    """受付: import every file in the inbox."""


class MatchingParameters(FlowParameters):
    """マッチング: propose pairs of open offers as cases."""

    office: str | None = Field(
        default=None,
        pattern=r"^(0[1-9]|[1-3][0-9]|4[0-7])$",
        description="only this office's offers (JIS prefecture code 01-47)",
    )

    def name_parts(self) -> list[str]:
        return [f"office-{self.office}"] if self.office else []


class BankMatchingParameters(MatchingParameters):
    """キャリア人材バンク: openings suggested to counselled registrants who consented."""


class NoticeParameters(FlowParameters):
    """助成金のご案内: notices and reminders due on the day."""

    case_id: int | None = Field(default=None, ge=1, description="only this case")

    def name_parts(self) -> list[str]:
        return [f"case-{self.case_id}"] if self.case_id else []


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

    def name_parts(self) -> list[str]:
        return [f"fy{self.fiscal_year}"] if self.fiscal_year else []


class NightlyParameters(FlowParameters):
    """The nightly run: intake, matching, bank matching, notices, follow-up, report, in
    that order."""


def run_namer(flow: str, model: type[FlowParameters]):
    """A `flow_run_name` callable: names each run for what it does, from its parameters, so
    that the night of 3 June reads `nightly-2024-06-03` in the UI's run list."""

    def name() -> str:
        from prefect.runtime import flow_run

        given = flow_run.parameters.get("parameters")
        if isinstance(given, FlowParameters):
            parameters = given
        else:
            parameters = model.model_validate(given or {})
        return parameters.run_name(flow)

    return name
