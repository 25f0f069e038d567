"""Subsidy programmes as dated data: selection by date, rates, the daily cap, initial costs,
and the filing deadlines with Japanese holidays and the 3-month window."""

from __future__ import annotations

from datetime import date
from fractions import Fraction

import pytest

from shukko.subsidy import estimate, filing_window, is_business_day, programme_on, rate_for

KOYO = programme_on(date(2022, 4, 1))
SKILL = programme_on(date(2024, 4, 1))


def test_the_programme_in_force_on_the_start_date():
    assert programme_on(date(2020, 12, 31)) is None
    assert programme_on(date(2021, 1, 1)).key == "koyo-iji"
    assert programme_on(date(2023, 10, 31)).key == "koyo-iji"
    assert programme_on(date(2023, 11, 1)).key != "koyo-iji"  # 雇用維持支援コース has ended
    assert SKILL.key == "skill-up" and SKILL.paid_to == ["sending"]


@pytest.mark.parametrize(
    ("sme", "dismissals", "group", "start", "rate"),
    [
        (True, False, False, date(2022, 4, 1), "9/10"),
        (True, True, False, date(2022, 4, 1), "4/5"),
        (False, False, False, date(2022, 4, 1), "3/4"),
        (False, True, False, date(2022, 4, 1), "2/3"),
        (True, False, True, date(2022, 4, 1), "2/3"),  # within a group, from 2021-08-01
        (False, False, True, date(2022, 4, 1), "1/2"),
        (True, False, True, date(2021, 7, 31), "9/10"),  # group rates not yet in force
    ],
)
def test_rates_by_company_kind(sme, dismissals, group, start, rate):
    assert rate_for(
        KOYO, sme=sme, dismissals=dismissals, within_group=group, start=start
    ) == Fraction(rate)


def test_skill_up_rates():
    assert rate_for(
        SKILL, sme=True, dismissals=False, within_group=False, start=date(2024, 4, 1)
    ) == Fraction(2, 3)
    assert rate_for(
        SKILL, sme=False, dismissals=False, within_group=False, start=date(2024, 4, 1)
    ) == Fraction(1, 2)


def one_person(programme=KOYO, **changes) -> dict:
    """An estimate for one person, a month of September 2022 at 300,000 yen split 50/50."""
    values = dict(start=date(2022, 9, 1), end=date(2022, 9, 30), persons=1,
                  monthly_wage_yen=300_000, sending_share_pct=50, sending_sme=True,
                  receiving_sme=False)  # fmt: skip
    return estimate(programme, **{**values, **changes})


def test_estimate_splits_the_burden_and_applies_the_daily_cap_to_both_sides():
    assert one_person()["months"] == [
        {"month": "2022-09", "days": 30, "sending_yen": 135_000, "receiving_yen": 112_500,
         "capped": False}
    ]  # fmt: skip
    month = one_person(persons=2, monthly_wage_yen=600_000, receiving_sme=True)["months"][0]
    assert month["capped"]
    assert month["sending_yen"] + month["receiving_yen"] == 2 * 12_000 * 30  # cap, both sides


def test_estimate_is_limited_to_the_programmes_months_and_prorates_part_months():
    long = one_person(start=date(2021, 4, 16), end=date(2024, 3, 31), monthly_wage_yen=310_000,
                      sending_share_pct=100, sending_sme=False)  # fmt: skip
    assert len(long["months"]) == 25 and long["months"][0]["days"] == 15  # 2 years from 4/16
    assert long["months"][-1] == {
        "month": "2023-04",
        "days": 15,
        "sending_yen": 116_250,  # 310,000 x 15/30 x 3/4
        "receiving_yen": 0,
        "capped": False,
    }
    skill = one_person(SKILL, start=date(2024, 4, 1), end=date(2026, 3, 31),
                       sending_share_pct=100, receiving_sme=True)  # fmt: skip
    assert len(skill["months"]) == 12 and skill["operating_total_yen"]["receiving"] == 0


def test_initial_costs_per_side_with_add_ons_and_none_within_a_group():
    year = dict(end=date(2023, 8, 31), persons=2, receiving_sme=True)
    assert one_person(**year)["initial_costs_yen"] == {
        "sending_yen": 200_000,
        "receiving_yen": 200_000,
    }
    both = one_person(surplus_industry=True, other_industry=True, **year)
    assert both["initial_costs_yen"] == {"sending_yen": 300_000, "receiving_yen": 300_000}
    group = one_person(within_group=True, surplus_industry=True, **year)
    assert group["initial_costs_yen"] == {"sending_yen": 0, "receiving_yen": 0}


@pytest.mark.parametrize(
    ("start", "earliest", "latest"),
    [
        (date(2022, 6, 1), None, date(2022, 5, 31)),  # before the 3-month window rule
        (date(2022, 9, 1), date(2022, 6, 1), date(2022, 8, 31)),
        (date(2022, 11, 4), date(2022, 8, 4), date(2022, 11, 2)),  # 11/3 文化の日 is a holiday
        (date(2023, 5, 8), date(2023, 2, 8), date(2023, 5, 2)),  # after Golden Week and a weekend
        (date(2023, 1, 4), date(2022, 10, 4), date(2022, 12, 28)),  # year-end closure
    ],
)
def test_filing_deadline_is_the_last_business_day_before_the_start(start, earliest, latest):
    assert filing_window(KOYO, start) == (earliest, latest)


def test_business_days_follow_japanese_holidays():
    assert not is_business_day(date(2024, 5, 3))  # 憲法記念日
    assert not is_business_day(date(2024, 5, 4))  # a Saturday
    assert is_business_day(date(2024, 5, 7))


@pytest.mark.parametrize(
    ("start", "programme"),
    [("2022-07-01", "koyo-iji"), ("2023-11-01", "skill-up"), ("2020-10-01", None)],
)
def test_a_case_records_the_programme_in_force_on_its_start_date(session, start, programme):
    from tests.helpers import fix_terms, make_case, to_preparing

    case = make_case(session)
    to_preparing(session, case)
    end = {"2022-07-01": "2023-06-30", "2023-11-01": "2024-10-31", "2020-10-01": "2021-09-30"}
    fix_terms(session, case, start_date=start, end_date=end[start])
    assert case.subsidy_programme == programme
