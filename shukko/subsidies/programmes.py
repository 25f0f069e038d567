"""助成金: the programme in force for a secondment, the estimate and the filing deadlines.

Programmes are data (config/subsidies.toml, every figure with its public source), not code:
a case takes the programme for its purpose (雇用維持 or 人材育成) in force on its start date
whose 出向実施計画届 can still be filed (雇用維持支援コース took plans filed by 2023-10-31, also
for secondments starting after). Business days follow Japanese public holidays (jpholiday).
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from datetime import date, timedelta
from fractions import Fraction
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from config.settings import CONFIG_DIR
from shukko.clock import add_months, previous_business_day

PURPOSES = ("employment_retention", "skill_development", "other")
PURPOSE_LABELS = {
    "employment_retention": "雇用維持",
    "skill_development": "人材育成",
    "other": "技術支援・交流等",
}


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)


class Rates(_Strict):
    """Operating-cost rates, written as fractions ("9/10") in the config; the rates where the
    sender made dismissals only where the programme has them."""

    sme: Fraction
    large: Fraction
    sme_with_dismissals: Fraction | None = None
    large_with_dismissals: Fraction | None = None


class GroupRule(_Strict):
    """Secondments within a corporate group (独立性が認められない事業主間)."""

    eligible: bool = True
    eligible_from: date | None = None
    sme: Fraction | None = None
    large: Fraction | None = None
    initial_costs: bool = False


class InitialCosts(_Strict):
    per_person_each_side_yen: int
    surplus_industry_addon_yen: int = 0
    other_industry_addon_yen: int = 0


class PlanNotification(_Strict):
    """出向実施計画届: who files it and by when (None where no source gives the day)."""

    filed_by: Literal["sending", "receiving"] = "sending"
    due_days_before_start: int | None = None
    advised_days_before_start: int | None = None
    window_from: date | None = None
    window_months: int | None = None
    review_months: int | None = None  # 審査対象期間 from window_from: longer needs a 変更届


class Documents(_Strict):
    """The documents each side prepares."""

    sending: list[str] = []
    receiving: list[str] = []


class Dated(_Strict):
    valid_from: date = Field(alias="from")


class DailyCap(Dated):
    yen: int | None = None  # None: the value for this period is not sourced (to confirm)


class MaxMonths(Dated):
    """The longest payment for a start date; with `until`, the months beyond the earlier
    rule's length count only up to that day (an extension for a limited time)."""

    months: int
    until: date | None = None


class Condition(_Strict):
    """A requirement the labour bureau checks and we cannot (the company confirms it): for
    one side, for plans filed from a day on where it was introduced then."""

    side: Literal["sending", "receiving"]
    text: str
    filed_from: date | None = None


class PostReturn(_Strict):
    """The wage condition after return (スキルアップ支援コース)."""

    months: int
    raise_pct: int
    claim_within_months: int


class Programme(_Strict):
    """One subsidy programme and its figures while it is in force."""

    key: str
    name: str
    purpose: Literal["employment_retention", "skill_development"]
    valid_from: date
    plans_filed_until: date | None = None  # the last day a 計画届 is accepted
    abolished_on: date | None = None
    abolition_announced_on: date | None = None  # letters tell of the abolition from then
    paid_to: list[Literal["sending", "receiving"]]
    cap_shared_by_both_sides: bool = False
    dismissals_lower_both_rates: bool = False
    base: Literal["sender_share", "lower_of_sender_share_and_half_pre_wage"] = "sender_share"
    wage_not_below_pre_secondment: bool = False
    min_period_months: int | None = None
    max_period_months: int | None = None
    yearly_cap_per_establishment_yen: int | None = None
    sender_without_dismissals: bool = False  # a sender that dismissed is not eligible
    skills_promoter_required: bool = False  # 職業能力開発推進者 appointed by the sender
    to_confirm: list[str] = []
    to_confirm_past_abolition: list[str] = []  # for a paid period running past abolished_on
    surplus_industry_addon_condition: str | None = None  # 出向元の加算: when it is paid
    other_industry_addon_condition: str | None = None  # 出向先の加算: when it is paid
    condition: list[Condition] = []
    daily_cap: list[DailyCap]
    max_months: list[MaxMonths]
    rates: Rates
    group: GroupRule = GroupRule(eligible=False)
    initial_costs: InitialCosts | None = None
    plan_notification: PlanNotification = PlanNotification()
    post_return: PostReturn | None = None
    documents: Documents = Documents()

    def conditions_for(self, side: str, filed_on: date) -> list[str]:
        """The requirements the bureau checks for this side of a plan filed on a day."""
        return [
            c.text
            for c in self.condition
            if c.side == side and (c.filed_from is None or filed_on >= c.filed_from)
        ]

    def daily_cap_on(self, day: date) -> int | None:
        """The cap per person per day in force on a day; None where it is not known."""
        return _dated(self.daily_cap, day).yen

    def max_months_on(self, start: date) -> int:
        return _dated(self.max_months, start).months


def _dated(entries, day: date):
    current = entries[0]
    for entry in entries:
        if entry.valid_from <= day:
            current = entry
    return current


@lru_cache(maxsize=4)
def load_programmes(path: Path = CONFIG_DIR / "subsidies.toml") -> tuple[Programme, ...]:
    """The programmes in config/subsidies.toml (validated; a typo fails loudly)."""
    with path.open("rb") as handle:
        data = tomllib.load(handle)
    return tuple(Programme.model_validate(p) for p in data["programme"])


def programme_on(
    day: date,
    purpose: str = "employment_retention",
    programmes: tuple[Programme, ...] | None = None,
    *,
    as_of: date | None = None,
    filed_on: date | None = None,
) -> Programme | None:
    """The programme for a secondment's purpose starting on `day`, or None: in force on the
    start date, and its plan filed (`filed_on`) or still fileable from `as_of` (any day, when
    not given) within the programme's filing window and before it stopped taking plans."""
    for programme in programmes if programmes is not None else load_programmes():
        if programme.purpose != purpose or day < programme.valid_from:
            continue
        if can_file(programme, day, as_of=as_of, filed_on=filed_on):
            return programme
    return None


def can_file(
    programme: Programme, start: date, *, as_of: date | None = None, filed_on: date | None = None
) -> bool:
    """True when the plan for a start date was filed in time, or can still be."""
    dates = filing_dates(programme, start)
    if filed_on is not None:
        return (dates.due is None or filed_on <= dates.due) and (
            dates.earliest is None or filed_on >= dates.earliest
        )
    first = max(d for d in (as_of, dates.earliest, date.min) if d is not None)
    last = dates.due if dates.due is not None else programme.plans_filed_until
    if last is None:  # no day is sourced: a plan before the start, while the course lasts
        return as_of is None or as_of < start
    return first <= last


def programme_by_key(key: str) -> Programme:
    return next(p for p in load_programmes() if p.key == key)


@dataclass(frozen=True)
class FilingDates:
    """出向実施計画届: the last day (the rule's day before the start, or the day the
    programme stopped taking plans if earlier: `cut_off` says so), the last business day on
    or before it, the recommended day (the advised weeks before that last day, on a business
    day), and the earliest day a filing may cover this start."""

    due: date | None
    last_business_day: date | None
    recommended: date | None
    earliest: date | None
    cut_off: bool = False


def filing_dates(programme: Programme, start: date) -> FilingDates:
    rule = programme.plan_notification
    due = last_business = recommended = earliest = None
    cut_off = False
    if rule.due_days_before_start is not None:
        due = start - timedelta(days=rule.due_days_before_start)
        if programme.plans_filed_until and programme.plans_filed_until < due:
            due, cut_off = programme.plans_filed_until, True
        last_business = previous_business_day(due)
        if rule.advised_days_before_start is not None:
            lead = rule.advised_days_before_start - rule.due_days_before_start
            recommended = previous_business_day(due - timedelta(days=lead))
    if rule.window_from and rule.window_months and start >= rule.window_from:
        earliest = add_months(start, -rule.window_months)
    return FilingDates(due, last_business, recommended, earliest, cut_off)


def filing_window(programme: Programme, start: date) -> tuple[date | None, date | None]:
    """(earliest, recommended) day to file the plan notification for a start date."""
    dates = filing_dates(programme, start)
    return dates.earliest, dates.recommended


def rate_for(
    programme: Programme, *, sme: bool, dismissals: bool, within_group: bool, start: date
) -> Fraction | None:
    """The operating-cost rate for one company; None where the secondment is not eligible."""
    if within_group:
        if not group_eligible(programme, start):
            return None
        group = programme.group
        return group.sme if sme else group.large
    rates = programme.rates
    if dismissals and rates.sme_with_dismissals is not None:
        return rates.sme_with_dismissals if sme else rates.large_with_dismissals
    return rates.sme if sme else rates.large


def group_eligible(programme: Programme, start: date) -> bool:
    group = programme.group
    if not group.eligible:
        return False
    return group.eligible_from is None or start >= group.eligible_from


@dataclass(frozen=True)
class PaidPeriod:
    """The days an estimate counts, and why it stops where it does: `period_end` (the
    secondment ends first), `max_months` (the longest payment), `extension_until` (the
    longer payment counts only up to a day and the earlier length runs past it)."""

    first: date
    last: date
    reason: Literal["period_end", "max_months", "extension_until"]
    max_months: int
    base_months: int | None = None
    extension_until: date | None = None


def paid_period(programme: Programme, start: date, end: date) -> PaidPeriod:
    entries = programme.max_months
    rule = _dated(entries, start)
    stop = add_months(start, rule.months) - timedelta(days=1)
    reason, base_months = "max_months", None
    if rule.until is not None and stop > rule.until:
        earlier = [e for e in entries if e.valid_from < rule.valid_from]
        base_months = earlier[-1].months if earlier else 0
        base_stop = add_months(start, base_months) - timedelta(days=1)
        stop, reason = max(base_stop, rule.until), "extension_until"
    if end <= stop:
        return PaidPeriod(start, end, "period_end", rule.months, base_months, rule.until)
    return PaidPeriod(start, stop, reason, rule.months, base_months, rule.until)
