"""助成額の試算: why a secondment is not eligible (each reason a sentence for the letter), the
facts still to confirm, and the estimate month by month (pro rata, capped per person per day)
with the initial costs; the establishment's yearly cap across its cases."""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta
from fractions import Fraction

from shukko.clock import add_months, fiscal_year_of
from shukko.subsidies.programmes import (
    Programme,
    filing_dates,
    group_eligible,
    paid_period,
    rate_for,
)


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
        programme, start=start, end=end, monthly_wage_yen=monthly_wage_yen,
        within_group=within_group, pre_secondment_monthly_wage_yen=pre_secondment_monthly_wage_yen,
        dismissals=dismissals, skills_promoter=skills_promoter,
    )  # fmt: skip
    facts = {"dismissals": dismissals, "skills_promoter": skills_promoter}
    pending = [] if reasons else pending_facts(programme, **facts)
    eligible = not reasons and not pending
    rates = _rates(programme, start, sending_sme, receiving_sme, bool(dismissals), within_group)
    paid = paid_period(programme, start, end)
    review_end = _review_end(programme, start)
    months = []
    if eligible:
        months = _operating_months(
            programme,
            paid,
            review_end,
            rates,
            persons=persons,
            monthly_wage_yen=monthly_wage_yen,
            sending_share_pct=sending_share_pct,
            pre_wage=pre_secondment_monthly_wage_yen,
        )
    initial = (
        _initial_costs(programme, persons, within_group, surplus_industry, other_industry)
        if eligible
        else {"sending_yen": 0, "receiving_yen": 0}
    )
    return {
        "programme": programme.name,
        "eligible": eligible,
        "refusals": reasons,
        "pending": pending,
        "paid_from": paid.first,
        "paid_until": paid.last if months else None,
        "paid_stop": paid.reason,
        "max_months": paid.max_months,
        "base_months": paid.base_months,
        "extension_until": paid.extension_until,
        "review_until": review_end,
        "sending_rate": str(rates.sending) if rates.sending is not None else None,
        "receiving_rate": (
            str(rates.receiving) if rates.pays_receiver and rates.receiving is not None else None
        ),
        "months": months,
        "operating_total_yen": _totals(months),
        "cap_unknown_months": sum(1 for m in months if m["daily_cap_yen"] is None),
        "initial_costs_yen": initial,
        **_filing(programme, start),
    }


def _filing(programme: Programme, start: date) -> dict:
    """出向実施計画届: the first day a filing may cover this start, the rule's last day, the
    recommended day and the last business day on or before the last day."""
    dates = filing_dates(programme, start)
    return {
        "filing_earliest": dates.earliest,
        "filing_due": dates.due,
        "filing_deadline": dates.recommended,
        "filing_last_business_day": dates.last_business_day,
    }


def _operating_months(
    programme: Programme, paid, review_end: date | None, rates: _Rates, *, persons: int,
    monthly_wage_yen: int, sending_share_pct: int, pre_wage: int | None,
) -> list[dict]:  # fmt: skip
    """Each calendar month of the paid period: both sides' amounts, capped, and whether the
    month lies past the plan's 審査対象期間."""
    receiving_rate = rates.receiving if rates.pays_receiver else Fraction(0)
    return [
        _month(
            programme,
            first,
            last,
            persons=persons,
            monthly_wage_yen=monthly_wage_yen,
            sending_share_pct=sending_share_pct,
            sending_rate=rates.sending,
            receiving_rate=receiving_rate,
            pre_wage=pre_wage,
        )
        | {"review": review_end is not None and first > review_end}
        for first, last in _months(paid.first, paid.last)
    ]


@dataclass(frozen=True)
class _Rates:
    sending: Fraction | None
    receiving: Fraction | None
    pays_receiver: bool


def _rates(
    programme: Programme, start: date, sending_sme: bool, receiving_sme: bool,
    dismissals: bool, within_group: bool,
) -> _Rates:  # fmt: skip
    """Each side's 助成率 (the receiver's lowered by dismissals only where the programme
    says so), and whether the programme pays the receiver at all."""
    sending = rate_for(
        programme, sme=sending_sme, dismissals=dismissals, within_group=within_group, start=start
    )
    receiving = rate_for(
        programme,
        sme=receiving_sme,
        dismissals=dismissals and programme.dismissals_lower_both_rates,
        within_group=within_group,
        start=start,
    )
    return _Rates(sending, receiving, "receiving" in programme.paid_to)


def _initial_costs(
    programme: Programme, persons: int, within_group: bool, surplus_industry: bool,
    other_industry: bool,
) -> dict:  # fmt: skip
    """初期経費: per person and side, with the 加算 for a surplus or another industry (none
    within a group unless the programme pays them there)."""
    costs = programme.initial_costs
    if not costs or (within_group and not programme.group.initial_costs):
        return {"sending_yen": 0, "receiving_yen": 0}
    surplus = costs.surplus_industry_addon_yen if surplus_industry else 0
    other = costs.other_industry_addon_yen if other_industry else 0
    return {
        "sending_yen": persons * (costs.per_person_each_side_yen + surplus),
        "receiving_yen": persons * (costs.per_person_each_side_yen + other),
    }


def _totals(months: list[dict]) -> dict:
    return {
        "sending": sum(m["sending_yen"] for m in months),
        "receiving": sum(m["receiving_yen"] for m in months),
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


def apply_yearly_cap(figures: dict, used_by_year: dict[int, int], cap_yen: int) -> dict:
    """The sender's months limited to what is left of the establishment's yearly cap, after
    what its earlier cases use (`used_by_year`: fiscal year -> yen); updates `used_by_year`
    with this case's share. Returns the figures with the months and totals adjusted."""
    months, limited = [], False
    for month in figures["months"]:
        year = fiscal_year_of(date.fromisoformat(month["month"] + "-01"))
        room = max(0, cap_yen - used_by_year.get(year, 0))
        amount = min(month["sending_yen"], room)
        limited |= amount < month["sending_yen"]
        used_by_year[year] = used_by_year.get(year, 0) + amount
        months.append({**month, "sending_yen": amount})
    return {
        **figures,
        "months": months,
        "operating_total_yen": _totals(months),
        "yearly_cap_applied": limited,
    }
