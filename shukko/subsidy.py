"""助成金: the programme in force on a start date, the estimate and the filing deadlines.

Programmes are data (config/subsidies.toml), not code; business days follow Japanese public
holidays (jpholiday).
"""

from __future__ import annotations

import calendar
import tomllib
from datetime import date, timedelta
from fractions import Fraction
from functools import lru_cache
from pathlib import Path

import jpholiday
from pydantic import BaseModel, ConfigDict, Field

from config.settings import CONFIG_DIR
from shukko.clock import add_months


class Rates(BaseModel):
    """Operating-cost rates, written as fractions ("9/10") in the config."""

    model_config = ConfigDict(extra="forbid")
    sme: Fraction
    sme_with_dismissals: Fraction
    large: Fraction
    large_with_dismissals: Fraction


class GroupRates(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)
    valid_from: date = Field(alias="from")
    sme: Fraction
    large: Fraction


class InitialCosts(BaseModel):
    model_config = ConfigDict(extra="forbid")
    per_person_each_side_yen: int
    surplus_industry_addon_yen: int = 0
    other_industry_addon_yen: int = 0


class PlanNotification(BaseModel):
    model_config = ConfigDict(extra="forbid")
    due_days_before_start: int = 1
    window_from: date | None = None
    window_months: int | None = None


class Programme(BaseModel):
    """One subsidy programme and its figures while it is in force."""

    model_config = ConfigDict(extra="forbid")
    key: str
    name: str
    valid_from: date
    valid_until: date | None = None
    max_months: int
    paid_to: list[str]
    cap_per_person_day_yen: int
    conditions: str | None = None
    rates: Rates
    group_rates: GroupRates | None = None
    initial_costs: InitialCosts | None = None
    plan_notification: PlanNotification = PlanNotification()

    def in_force(self, day: date) -> bool:
        return self.valid_from <= day and (self.valid_until is None or day <= self.valid_until)


@lru_cache(maxsize=4)
def load_programmes(path: Path = CONFIG_DIR / "subsidies.toml") -> tuple[Programme, ...]:
    """The programmes in config/subsidies.toml (validated; a typo fails loudly)."""
    with path.open("rb") as handle:
        data = tomllib.load(handle)
    return tuple(Programme.model_validate(p) for p in data["programme"])


def programme_on(day: date, programmes: tuple[Programme, ...] | None = None) -> Programme | None:
    """The programme in force on a case's start date, or None."""
    for programme in programmes if programmes is not None else load_programmes():
        if programme.in_force(day):
            return programme
    return None


@lru_cache(maxsize=8192)
def is_business_day(day: date) -> bool:
    """Not a Saturday, Sunday, Japanese public holiday or year-end/new-year closure."""
    closed = (day.month == 12 and day.day >= 29) or (day.month == 1 and day.day <= 3)
    return day.weekday() < 5 and not jpholiday.is_holiday(day) and not closed


def previous_business_day(day: date) -> date:
    while not is_business_day(day):
        day -= timedelta(days=1)
    return day


def filing_window(programme: Programme, start: date) -> tuple[date | None, date]:
    """(earliest, latest) day to file the plan notification for a start date."""
    rule = programme.plan_notification
    latest = previous_business_day(start - timedelta(days=rule.due_days_before_start))
    earliest = None
    if rule.window_from and rule.window_months and start >= rule.window_from:
        earliest = add_months(start, -rule.window_months)
    return earliest, latest


def rate_for(
    programme: Programme, *, sme: bool, dismissals: bool, within_group: bool, start: date
) -> Fraction:
    """The operating-cost rate for one company."""
    group = programme.group_rates
    if within_group and group and start >= group.valid_from:
        return group.sme if sme else group.large
    rates = programme.rates
    if sme:
        return rates.sme_with_dismissals if dismissals else rates.sme
    return rates.large_with_dismissals if dismissals else rates.large


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
) -> dict:
    """Operating costs per month and in total, and initial costs per side (an estimate).

    Each side's wage burden (monthly wage x its share, pro rata for part months) times its
    rate; sender and receiver together capped per person per day.
    """
    sending_rate = rate_for(
        programme, sme=sending_sme, dismissals=dismissals, within_group=within_group, start=start
    )
    receiving_rate = rate_for(
        programme, sme=receiving_sme, dismissals=False, within_group=within_group, start=start
    )
    months = []
    for first, last in _months(start, end, programme.max_months):
        days = (last - first).days + 1
        in_month = calendar.monthrange(first.year, first.month)[1]
        wage = Fraction(monthly_wage_yen * days, in_month)
        sending = wage * sending_share_pct / 100 * sending_rate
        receiving = (
            wage * (100 - sending_share_pct) / 100 * receiving_rate
            if "receiving" in programme.paid_to
            else Fraction(0)
        )
        cap = programme.cap_per_person_day_yen * days
        combined = sending + receiving
        if combined > cap:  # the cap is for both sides together: scale both down
            sending, receiving = sending * cap / combined, receiving * cap / combined
        months.append(
            {
                "month": first.strftime("%Y-%m"),
                "days": days,
                "sending_yen": int(sending * persons),
                "receiving_yen": int(receiving * persons),
                "capped": combined > cap,
            }
        )
    initial = {"sending_yen": 0, "receiving_yen": 0}
    if programme.initial_costs and not within_group:
        costs = programme.initial_costs
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
    earliest, latest = filing_window(programme, start)
    return {
        "programme": programme.name,
        "sending_rate": str(sending_rate),
        "receiving_rate": str(receiving_rate) if "receiving" in programme.paid_to else None,
        "months": months,
        "operating_total_yen": {
            "sending": sum(m["sending_yen"] for m in months),
            "receiving": sum(m["receiving_yen"] for m in months),
        },
        "initial_costs_yen": initial,
        "filing_earliest": earliest,
        "filing_deadline": latest,
    }
