"""Typed results of the career bank's service (キャリア人材バンク): registrants as listed and
as shown (the name only when asked for), their steps, suggestions and openings."""

from __future__ import annotations

from datetime import date
from typing import Any

from pydantic import Field

from shukko.service.schemas import LogEntry, NoteEntry, Result


class RegistrantRow(Result):
    """登録者 as listed (no name)."""

    id: int
    office: str
    state: str
    state_label: str
    route: str
    registered_on: date
    leaving_on: date
    age_at_leaving: int
    occupations: list[str]
    employment_type: str
    last_activity_on: date


class FollowUpEntry(Result):
    """定着確認 after a job seeker's hire: due on a day, done or not."""

    kind: str
    due_on: date
    status: str
    done_on: date | None = None


class RetentionResult(Result):
    """定着確認 recorded: which follow-up (by its due day) was done, and when."""

    registrant_id: int
    due_on: date
    done_on: date


class IntroductionEntry(Result):
    """紹介 (応募): its interview, its outcome (offered 内定, rejected 不採用, declined 辞退)
    and the day it led to a hire."""

    opening: str
    company: str
    introduced_on: date
    interview_on: date | None = None
    outcome: str | None = None
    outcome_on: date | None = None
    start_on: date | None = None
    hired_on: date | None


class SuggestionEntry(Result):
    opening: str
    company: str | None = None
    score: float
    breakdown: dict[str, float]
    suggested_on: date | None = None


class BankHistoryEntry(LogEntry):
    opening: str | None


class RegistrantView(Result):
    """`bank show`: the registration, what is recorded, what may happen next, the history."""

    id: int
    state: str
    state_label: str
    final: bool
    version: int
    office: str
    route: str
    programme: str = "career_bank"  # or transfer: a job seeker (移籍の求職者)
    request: str | None = None  # a job seeker's company request, OFFICE:OFFER_ID
    former_company: str | None
    registered_on: date
    leaving_on: date
    leaving_reason: str
    age_at_leaving: int
    occupations: list[str]
    qualifications: list[str]
    areas: list[str]
    employment_type: str
    desired_monthly_wage_yen: int | None
    desired_hourly_wage_yen: int | None
    hours_per_week: int | None
    consent: dict[str, Any]
    introductions: list[IntroductionEntry]
    suggestions: list[SuggestionEntry]
    allowed_events: list[str]
    history: list[BankHistoryEntry]
    owner: str | None = None  # 担当者 (none: unowned)
    notes: list[NoteEntry] = Field(default_factory=list)  # メモ and owner changes
    follow_ups: list[FollowUpEntry] = Field(default_factory=list)  # 定着確認 after a hire
    # personal data: set only when asked for
    name: str | None = None
    birth_date: date | None = None
    contact: str | None = None


class BankEventResult(Result):
    registrant_id: int
    seq: int
    event: str
    from_: str | None = Field(alias="from")
    to: str
    on: date
    opening: str | None
    version: int


class OpeningRow(Result):
    office: str
    opening_id: str
    received_on: date
    company: str
    occupation: str
    work_prefecture: str
    employment_type: str
    hours_per_week: int | None
    monthly_wage_yen: int | None
    hourly_wage_yen: int | None
    headcount: int
    hired: int
    open_until: date | None
    is_open: bool
