"""スキルアップ支援コース after return: six months' wages against the wage before (+5%),
asked for by the follow-up run once due, and the claim notice once all six are in."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from config.settings import get_settings
from models import CaseEvent, FollowUp
from shukko.case_rules import case_rules
from shukko.cases.follow_up_run import run_follow_up
from shukko.errors import EventNotAllowed, InvalidInput
from shukko.service.case_views import case_view
from shukko.service.cases import record_post_return_wage
from tests.helpers import contracted_case, send

PRE = 300_000  # the wage before the secondment; +5% is 315,000


def returned_skill_case(session, headcount=1, **terms):
    case = contracted_case(session, start="2024-04-01", end="2025-03-31", employees=(50, 500),
                           headcount=headcount, dismissals=False,
                           terms={"purpose": "skill_development", "skills_promoter_appointed": True,
                                  "pre_secondment_monthly_wage_yen": PRE, **terms})  # fmt: skip
    send(session, case, "start", on=date(2024, 4, 1))
    send(session, case, "return_to_origin", on=date(2025, 3, 31))
    session.refresh(case)
    return case


def record(session, case, month: str, yen: int, today=date(2025, 11, 1), worker=None):
    result = record_post_return_wage(
        session=session, case_id=case.id, month=month, wage_yen=yen, actor="担当A", today=today,
        worker_id=worker,
    )  # fmt: skip
    session.commit()
    return result


def test_six_months_from_the_month_after_return_each_at_least_five_percent_above(session):
    case = returned_skill_case(session)
    assert case.state == "returned" and case.subsidy_programme == "skill-up"
    assert record(session, case, "2025-04", 315_000).meets  # exactly +5%
    assert not record(session, case, "2025-05", 312_000).meets  # +4%: fails the condition
    view = case_view(session=session, case_id=case.id, today=date(2025, 11, 1))
    wages = view.post_return
    assert (wages.recorded, wages.of, wages.required_wage_yen) == (2, 6, 315_000)
    assert wages.condition_holds is False  # one month at +4% is enough to fail
    assert [m.month for m in wages.months] == [f"2025-{n:02d}" for n in range(4, 10)]
    log = session.scalars(select(CaseEvent).where(CaseEvent.case_id == case.id)).all()
    assert [e.note for e in log if e.event == "record_wage"] == [
        "2025-04: 315,000円",
        "2025-05: 312,000円",
    ]


def test_months_outside_the_six_and_cases_without_the_condition_are_refused(session):
    case = returned_skill_case(session)
    with pytest.raises(InvalidInput, match="not one of the 6 months after the return"):
        record(session, case, "2025-03", 320_000)
    with pytest.raises(InvalidInput, match="not a month like 2024-05"):
        record(session, case, "May", 320_000)
    other = contracted_case(session, start="2024-04-01", end="2025-03-31")  # 雇用維持
    with pytest.raises(EventNotAllowed, match="not a skill-development secondment"):
        record(session, other, "2025-04", 320_000)


def test_follow_up_asks_for_due_months_then_writes_the_claim_notice(session, tmp_path):
    case = returned_skill_case(session)
    rules = case_rules(get_settings())

    def night(day):
        result = run_follow_up(session, as_of=day, rules=rules, outbox=tmp_path)
        session.commit()
        return result

    first = night(date(2025, 7, 1))  # April, May and June are over
    assert first["wage_reports"]["scheduled"] == 3
    asked = session.scalars(
        select(FollowUp.due_on).where(FollowUp.case_id == case.id, FollowUp.kind == "wage_report")
    ).all()
    assert sorted(asked) == [date(2025, 5, 31), date(2025, 6, 30), date(2025, 7, 31)]
    assert night(date(2025, 7, 1))["wage_reports"]["scheduled"] == 0  # re-run adds nothing
    for month in range(4, 10):
        record(session, case, f"2025-{month:02d}", 330_000)
    done = night(date(2025, 10, 2))
    assert done["wage_reports"]["done"] == 3
    (claim,) = done["claims"]
    assert claim["condition_holds"] is True
    text = (tmp_path / claim["path"]).read_text(encoding="utf-8")
    for words in ("支給申請のご案内", "すべてが条件を満たしています", "令和7年9月", "330,000円",
                  "2か月以内", "御中", "令和7年10月2日", "復帰日: 令和7年4月1日(火)",
                  "申請いただける額: 960,000円（1名分）", "令和7年11月30日(日)まで"):  # fmt: skip
        assert words in text, words
    assert "見込み" not in text  # the wages are recorded: nothing here is an estimate
    assert night(date(2025, 10, 3))["claims"] == []  # written once
    assert claim["path"].endswith(".md") and (tmp_path / claim["path"]).with_suffix(".pdf").exists()


def test_a_case_that_fails_the_condition_is_told_so_plainly(session, tmp_path):
    case = returned_skill_case(session)
    for month in range(4, 10):
        record(session, case, f"2025-{month:02d}", 312_000 if month == 6 else 320_000)
    result = run_follow_up(
        session, as_of=date(2025, 10, 2), rules=case_rules(get_settings()), outbox=tmp_path
    )
    (claim,) = result["claims"]
    text = (tmp_path / claim["path"]).read_text(encoding="utf-8")
    assert claim["condition_holds"] is False
    assert "いずれも条件を満たしていません" in text and "令和7年6月" in text
    assert "支給申請の期限" not in text


def test_a_claim_for_three_workers_counts_the_two_who_met_the_condition(session, tmp_path):
    # Three workers; the third misses +5% in August 2025 only: the claim is for two, and the
    # letter says why the third is left out. 2/3 (SME) of min(40% of 300,000, 150,000) =
    # 80,000 a month per worker, 12 months: 960,000 each, 1,920,000 for two.
    case = returned_skill_case(session, headcount=3)
    view = case_view(session=session, case_id=case.id, today=date(2025, 11, 1))
    workers = [w.worker_id for w in view.post_return.workers]
    assert len(workers) == 3
    with pytest.raises(InvalidInput, match=r"case .* has 3 workers") as refused:
        record(session, case, "2025-04", 330_000)  # which worker's wage? it must be said
    assert refused.value.fields == ("worker",)
    for worker in workers:
        for month in range(4, 10):
            short = worker == workers[2] and month == 8
            record(session, case, f"2025-{month:02d}", 314_000 if short else 330_000,
                   worker=worker)  # fmt: skip
    result = run_follow_up(
        session, as_of=date(2025, 10, 2), rules=case_rules(get_settings()), outbox=tmp_path
    )
    (claim,) = result["claims"]
    assert claim["claim_yen"] == 1_920_000
    text = (tmp_path / claim["path"]).read_text(encoding="utf-8")
    assert "3名のうち2名が条件を満たしています" in text
    assert f"労働者（番号{workers[2]}）は令和7年8月の賃金が315,000円に満たない" in text
    assert "申請いただける額: 1,920,000円（2名分）" in text
    headings = [line for line in text.splitlines() if line.startswith("## ")]
    numbered = [h.split(".")[0][3:] for h in headings if h[3:4].isdigit()]
    assert numbered == [str(n) for n in range(1, len(numbered) + 1)]  # no gap
