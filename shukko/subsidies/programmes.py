"""助成金: the programme in force for a secondment, the estimate and the filing deadlines.

Programmes are data (config/subsidies.toml, every figure with its public source), not code:
a case takes the programme for its purpose (雇用維持 or 人材育成) in force on its start date
whose 出向実施計画届 can still be filed (雇用維持支援コース took plans filed by 2023-10-31, also
for secondments starting after). Business days follow Japanese public holidays (jpholiday).
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


def _months(start: date, stop: date) -> list[tuple[date, date]]:
    """The calendar-month slices of a period from `start` to `stop`."""
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
    dismissals: bool | None = False,
    skills_promoter: bool | None = None,
) -> list[str]:
    """Why this secondment is not eligible, each reason a sentence for the letter (the
    sender's: its dismissals are never shown to the receiver)."""
    reasons = []
    if programme.sender_without_dismissals and dismissals:
        reasons.append(
            f"出向元で解雇等を行っている場合、{programme.name}の対象となりません"
            "（対象となる期間は労働局にご確認ください）。"
        )
    if programme.skills_promoter_required and skills_promoter is False:
        reasons.append(
            "出向元が職業能力開発推進者（職業能力開発促進法第12条）を選任していないため、"
            "対象となりません（選任したうえで計画届を提出すれば対象となり得ます）。"
        )
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


def pending_facts(
    programme: Programme, *, dismissals: bool | None, skills_promoter: bool | None
) -> list[str]:
    """Facts of the sender that decide eligibility and are not recorded: until they are,
    a letter states no amount and asks for them."""
    facts = []
    if programme.sender_without_dismissals and dismissals is None:
        facts.append("出向元で解雇等を行っていないこと")
    if programme.skills_promoter_required and skills_promoter is None:
        facts.append("出向元が職業能力開発推進者（職業能力開発促進法第12条）を選任していること")
    return facts


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
    skills_promoter: bool | None = None,
) -> dict:
    """Operating costs per month and in total, and initial costs per side (an estimate).

    Each side's base (its wage burden, or for スキルアップ支援コース the lower of the sender's
    burden and half the wage before the secondment; pro rata for part months) times its rate,
    capped per person per day (sender and receiver together where the programme says so). A
    month whose cap is not known is marked and counted before any cap. Only the months of
    the paid period count (`paid_period`); a month past the plan's 審査対象期間 is marked
    `review` (a 変更届 and a new review). While a fact that decides eligibility is unknown
    (`pending`), no amount is given.
    """
    reasons = refusals(
        programme,
        start=start,
        end=end,
        monthly_wage_yen=monthly_wage_yen,
        within_group=within_group,
        pre_secondment_monthly_wage_yen=pre_secondment_monthly_wage_yen,
        dismissals=dismissals,
        skills_promoter=skills_promoter,
    )
    pending = [] if reasons else pending_facts(
        programme, dismissals=dismissals, skills_promoter=skills_promoter
    )
    dismissals = bool(dismissals)
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
    paid = paid_period(programme, start, end)
    review_end = _review_end(programme, start)
    if not reasons and not pending:
        for first, last in _months(paid.first, paid.last):
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
                | {"review": review_end is not None and first > review_end}
            )
    initial = {"sending_yen": 0, "receiving_yen": 0}
    costs = programme.initial_costs
    if costs and not reasons and not pending and (
        not within_group or programme.group.initial_costs
    ):
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
        "eligible": not reasons and not pending,
        "refusals": reasons,
        "pending": pending,
        "paid_from": paid.first,
        "paid_until": paid.last if months else None,
        "paid_stop": paid.reason,
        "max_months": paid.max_months,
        "base_months": paid.base_months,
        "extension_until": paid.extension_until,
        "review_until": review_end,
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
        "filing_last_business_day": dates.last_business_day,
    }


def _review_end(programme: Programme, start: date) -> date | None:
    """The last day of the plan's 審査対象期間 for a start date, where the rule applies."""
    rule = programme.plan_notification
    if rule.review_months is None or rule.window_from is None or start < rule.window_from:
        return None
    return add_months(start, rule.review_months) - timedelta(days=1)


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
