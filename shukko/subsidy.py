"""助成金: the programme in force for a secondment, the estimate and the filing deadlines.

Programmes are data (config/subsidies.toml, every figure with its public source), not code:
a case takes the programme for its purpose (雇用維持 or 人材育成) in force on its start date.
Business days follow Japanese public holidays (jpholiday).
"""

from __future__ import annotations

import calendar
import tomllib
from dataclasses import dataclass
from datetime import date, timedelta
from fractions import Fraction
from functools import lru_cache
from pathlib import Path
from typing import Literal

import jpholiday
from pydantic import BaseModel, ConfigDict, Field

from config.settings import CONFIG_DIR
from shukko.clock import add_months

PURPOSES = ("employment_retention", "skill_development")
PURPOSE_LABELS = {"employment_retention": "雇用維持", "skill_development": "人材育成"}


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


class Documents(_Strict):
    """The documents each side prepares."""

    sending: list[str] = []
    receiving: list[str] = []


class Dated(_Strict):
    valid_from: date = Field(alias="from")


class DailyCap(Dated):
    yen: int | None = None  # None: the value for this period is not sourced (to confirm)


class MaxMonths(Dated):
    months: int


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
    valid_until: date | None = None
    paid_to: list[Literal["sending", "receiving"]]
    cap_shared_by_both_sides: bool = False
    dismissals_lower_both_rates: bool = False
    base: Literal["sender_share", "lower_of_sender_share_and_half_pre_wage"] = "sender_share"
    wage_not_below_pre_secondment: bool = False
    min_period_months: int | None = None
    max_period_months: int | None = None
    yearly_cap_per_establishment_yen: int | None = None
    to_confirm: list[str] = []
    daily_cap: list[DailyCap]
    max_months: list[MaxMonths]
    rates: Rates
    group: GroupRule = GroupRule(eligible=False)
    initial_costs: InitialCosts | None = None
    plan_notification: PlanNotification = PlanNotification()
    post_return: PostReturn | None = None
    documents: Documents = Documents()

    def in_force(self, day: date) -> bool:
        return self.valid_from <= day and (self.valid_until is None or day <= self.valid_until)

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
) -> Programme | None:
    """The programme for a secondment's purpose in force on its start date, or None."""
    for programme in programmes if programmes is not None else load_programmes():
        if programme.purpose == purpose and programme.in_force(day):
            return programme
    return None


def programme_by_key(key: str) -> Programme:
    return next(p for p in load_programmes() if p.key == key)


@lru_cache(maxsize=8192)
def is_business_day(day: date) -> bool:
    """Not a Saturday, Sunday, Japanese public holiday or year-end/new-year closure."""
    closed = (day.month == 12 and day.day >= 29) or (day.month == 1 and day.day <= 3)
    return day.weekday() < 5 and not jpholiday.is_holiday(day) and not closed


def previous_business_day(day: date) -> date:
    while not is_business_day(day):
        day -= timedelta(days=1)
    return day


@dataclass(frozen=True)
class FilingDates:
    """出向実施計画届: the rule's last day, the recommended day (the last business day on or
    before it), the advised day, and the earliest day a filing may cover this start."""

    due: date | None
    recommended: date | None
    advised: date | None
    earliest: date | None


def filing_dates(programme: Programme, start: date) -> FilingDates:
    rule = programme.plan_notification
    due = recommended = advised = earliest = None
    if rule.due_days_before_start is not None:
        due = start - timedelta(days=rule.due_days_before_start)
        recommended = previous_business_day(due)
    if rule.advised_days_before_start is not None:
        advised = previous_business_day(start - timedelta(days=rule.advised_days_before_start))
    if rule.window_from and rule.window_months and start >= rule.window_from:
        earliest = add_months(start, -rule.window_months)
    return FilingDates(due, recommended, advised, earliest)


def filing_window(programme: Programme, start: date) -> tuple[date | None, date | None]:
    """(earliest, recommended) day to file the plan notification for a start date: the
    recommended day is the last business day on or before the rule's last day."""
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


def _months(start: date, end: date, limit: int) -> list[tuple[date, date]]:
    """The calendar-month slices of a period, at most `limit` months from the start."""
    stop = min(end, add_months(start, limit) - timedelta(days=1))
    slices, cursor = [], start
    while cursor <= stop:
        month_end = date(
            cursor.year, cursor.month, calendar.monthrange(cursor.year, cursor.month)[1]
        )
        slices.append((cursor, min(month_end, stop)))
        cursor = month_end + timedelta(days=1)
    return slices


def period_months(start: date, end: date) -> int:
    """Whole months from start to end (a period ending the day before a month-day counts
    that month)."""
    months = (end.year - start.year) * 12 + end.month - start.month
    return months + (1 if end.day >= start.day else 0)


def refusals(
    programme: Programme,
    *,
    start: date,
    end: date,
    monthly_wage_yen: int,
    within_group: bool,
    pre_secondment_monthly_wage_yen: int | None,
) -> list[str]:
    """Why this secondment is not eligible, each reason a sentence for the letter."""
    reasons = []
    if within_group and not group_eligible(programme, start):
        since = programme.group.eligible_from
        reasons.append(
            f"企業グループ内（独立性が認められない事業主間）の出向は、{programme.name}の対象外です"
            + (
                f"（{since.year}年{since.month}月{since.day}日以降に開始するものに限り対象）。"
                if since
                else "。"
            )
        )
    lower_of = programme.base == "lower_of_sender_share_and_half_pre_wage"
    if lower_of and pre_secondment_monthly_wage_yen is None:
        reasons.append("出向前の賃金（月額）が登録されていないため、助成額を試算できません。")
    pre = pre_secondment_monthly_wage_yen
    if programme.wage_not_below_pre_secondment and pre and monthly_wage_yen < pre:
        reasons.append(
            f"出向中の賃金（月額{monthly_wage_yen:,}円）が出向前の賃金"
            f"（月額{pre:,}円）を下回っています。"
        )
    months = period_months(start, end)
    if programme.min_period_months and months < programme.min_period_months:
        reasons.append(f"出向期間が{programme.min_period_months}か月に満たないため対象外です。")
    if programme.max_period_months and months > programme.max_period_months:
        reasons.append(f"出向期間が{programme.max_period_months}か月を超えるため対象外です。")
    return reasons


def estimate(
    programme: Programme,
    *,
    start: date,
    end: date,
    persons: int,
    monthly_wage_yen: int,
    sending_share_pct: int,
    sending_sme: bool,
    receiving_sme: bool,
    dismissals: bool = False,
    within_group: bool = False,
    surplus_industry: bool = False,
    other_industry: bool = False,
    pre_secondment_monthly_wage_yen: int | None = None,
) -> dict:
    """Operating costs per month and in total, and initial costs per side (an estimate).

    Each side's base (its wage burden, or for スキルアップ支援コース the lower of the sender's
    burden and half the wage before the secondment; pro rata for part months) times its rate,
    capped per person per day (sender and receiver together where the programme says so). A
    month whose cap is not known is marked and counted before any cap.
    """
    reasons = refusals(
        programme,
        start=start,
        end=end,
        monthly_wage_yen=monthly_wage_yen,
        within_group=within_group,
        pre_secondment_monthly_wage_yen=pre_secondment_monthly_wage_yen,
    )
    pays_receiver = "receiving" in programme.paid_to
    sending_rate = rate_for(
        programme, sme=sending_sme, dismissals=dismissals, within_group=within_group, start=start
    )
    receiving_rate = rate_for(
        programme,
        sme=receiving_sme,
        dismissals=dismissals and programme.dismissals_lower_both_rates,
        within_group=within_group,
        start=start,
    )
    months = []
    if not reasons:
        limit = programme.max_months_on(start)
        for first, last in _months(start, end, limit):
            months.append(
                _month(
                    programme,
                    first,
                    last,
                    persons=persons,
                    monthly_wage_yen=monthly_wage_yen,
                    sending_share_pct=sending_share_pct,
                    sending_rate=sending_rate,
                    receiving_rate=receiving_rate if pays_receiver else Fraction(0),
                    pre_wage=pre_secondment_monthly_wage_yen,
                )
            )
    initial = {"sending_yen": 0, "receiving_yen": 0}
    costs = programme.initial_costs
    if costs and not reasons and (not within_group or programme.group.initial_costs):
        initial = {
            "sending_yen": persons
            * (
                costs.per_person_each_side_yen
                + (costs.surplus_industry_addon_yen if surplus_industry else 0)
            ),
            "receiving_yen": persons
            * (
                costs.per_person_each_side_yen
                + (costs.other_industry_addon_yen if other_industry else 0)
            ),
        }
    dates = filing_dates(programme, start)
    return {
        "programme": programme.name,
        "eligible": not reasons,
        "refusals": reasons,
        "sending_rate": str(sending_rate) if sending_rate is not None else None,
        "receiving_rate": (
            str(receiving_rate) if pays_receiver and receiving_rate is not None else None
        ),
        "months": months,
        "operating_total_yen": {
            "sending": sum(m["sending_yen"] for m in months),
            "receiving": sum(m["receiving_yen"] for m in months),
        },
        "cap_unknown_months": sum(1 for m in months if m["daily_cap_yen"] is None),
        "initial_costs_yen": initial,
        "filing_earliest": dates.earliest,
        "filing_due": dates.due,
        "filing_deadline": dates.recommended,
        "filing_advised": dates.advised,
    }


def _month(
    programme: Programme,
    first: date,
    last: date,
    *,
    persons: int,
    monthly_wage_yen: int,
    sending_share_pct: int,
    sending_rate: Fraction,
    receiving_rate: Fraction,
    pre_wage: int | None,
) -> dict:
    days = (last - first).days + 1
    in_month = calendar.monthrange(first.year, first.month)[1]
    wage = Fraction(monthly_wage_yen * days, in_month)
    sending_base = wage * sending_share_pct / 100
    if programme.base == "lower_of_sender_share_and_half_pre_wage":
        sending_base = min(sending_base, Fraction(pre_wage * days, in_month) / 2)
    sending = sending_base * sending_rate
    receiving = wage * (100 - sending_share_pct) / 100 * receiving_rate
    cap_per_day = programme.daily_cap_on(first)
    capped = False
    if cap_per_day is not None:
        cap = cap_per_day * days
        if programme.cap_shared_by_both_sides:
            combined = sending + receiving
            if combined > cap:  # the cap is for both sides together: scale both down
                sending, receiving = sending * cap / combined, receiving * cap / combined
                capped = True
        else:
            capped = sending > cap or receiving > cap
            sending, receiving = min(sending, cap), min(receiving, cap)
    return {
        "month": first.strftime("%Y-%m"),
        "days": days,
        "sending_yen": int(sending * persons),
        "receiving_yen": int(receiving * persons),
        "capped": capped,
        "daily_cap_yen": cap_per_day,
    }


def fiscal_year(month: str) -> int:
    """The fiscal year (年度, April to March) of a "YYYY-MM" month."""
    year, number = int(month[:4]), int(month[5:7])
    return year if number >= 4 else year - 1


def apply_yearly_cap(figures: dict, used_by_year: dict[int, int], cap_yen: int) -> dict:
    """The sender's months limited to what is left of the establishment's yearly cap, after
    what its earlier cases use (`used_by_year`: fiscal year -> yen); updates `used_by_year`
    with this case's share. Returns the figures with the months and totals adjusted."""
    months, limited = [], False
    for month in figures["months"]:
        year = fiscal_year(month["month"])
        room = max(0, cap_yen - used_by_year.get(year, 0))
        amount = min(month["sending_yen"], room)
        limited |= amount < month["sending_yen"]
        used_by_year[year] = used_by_year.get(year, 0) + amount
        months.append({**month, "sending_yen": amount})
    return {
        **figures,
        "months": months,
        "operating_total_yen": {
            "sending": sum(m["sending_yen"] for m in months),
            "receiving": sum(m["receiving_yen"] for m in months),
        },
        "yearly_cap_applied": limited,
    }
