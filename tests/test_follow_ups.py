"""The follow-up run: auto start and close, the follow-up schedule, done and overdue ones."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select
from sqlmodel import Session

from config import Settings
from models import Case, CaseEvent, FollowUp
from shukko.case_rules import case_rules
from shukko.cases.follow_up_run import run_follow_up
from shukko.cases.followups import list_follow_ups, planned
from shukko.service.database import run_in_transaction
from tests.helpers import at_once, contracted_case, send

SETTINGS = Settings()


def night(session: Session, as_of: date) -> dict:
    result = run_follow_up(session, as_of=as_of, rules=case_rules(SETTINGS))
    session.commit()
    return result


def events(session: Session, case: Case) -> list[tuple[str, date, str]]:
    rows = session.execute(
        select(CaseEvent.event, CaseEvent.occurred_on, CaseEvent.actor)
        .where(CaseEvent.case_id == case.id)
        .order_by(CaseEvent.seq)
    )
    return [tuple(row) for row in rows]


def test_the_plan_one_month_after_start_then_every_three_months_and_a_decision_before_the_end():
    plan = planned(date(2024, 7, 1), date(2025, 6, 30), first_months=1, every_months=3,
                   decision_months=1, horizon=date(2024, 7, 1))  # fmt: skip
    assert plan == [
        ("periodic", date(2024, 8, 1)),
        ("periodic", date(2024, 11, 1)),
        ("periodic", date(2025, 2, 1)),
        ("periodic", date(2025, 5, 1)),
        ("end_decision", date(2025, 5, 30)),
    ]


def test_a_contracted_case_starts_on_its_start_date_once(session):
    case = contracted_case(session, start="2024-07-01", end="2025-06-30")
    assert night(session, date(2024, 6, 30))["started"] == []
    result = night(session, date(2024, 7, 1))
    assert result["started"] == [case.id] and result["follow_ups"]["scheduled"] == 5
    again = night(session, date(2024, 7, 1))
    assert again["started"] == [] and again["follow_ups"]["scheduled"] == 0
    session.refresh(case)
    assert case.state == "active"
    assert events(session, case)[-1] == ("start", date(2024, 7, 1), "system")
    assert session.scalar(select(func.count()).select_from(FollowUp)) == 5


def test_a_missed_night_starts_the_case_with_its_own_start_date(session):
    case = contracted_case(session, start="2024-07-01", end="2025-06-30")
    night(session, date(2024, 7, 8))
    assert events(session, case)[-1] == ("start", date(2024, 7, 1), "system")


def test_a_case_still_missing_a_guard_does_not_start_and_is_flagged(session):
    case = contracted_case(session, start="2024-07-01", end="2025-06-30", skip="union_agreed")
    result = night(session, date(2024, 7, 2))
    session.refresh(case)
    assert case.state == "preparing" and result["started"] == []
    (flag,) = result["blocked"]
    assert flag["case_id"] == case.id and flag["missing"] == ["union_agreed"]
    assert "union agreement" in flag["reason"] and flag["days_late"] == 1


def test_recorded_follow_ups_are_done_and_missed_ones_overdue(session):
    case = contracted_case(session, start="2024-07-01", end="2025-06-30")
    night(session, date(2024, 7, 1))
    send(session, case, "record_follow_up", on=date(2024, 8, 2), note="面談済み、問題なし")
    result = night(session, date(2024, 11, 5))
    assert [f["due_on"] for f in result["overdue"]] == [date(2024, 11, 1)]
    assert result["newly_overdue"] == 1 and night(session, date(2024, 11, 6))["newly_overdue"] == 0
    listed = list_follow_ups(session=session, as_of=date(2024, 11, 5), include_done=True)
    assert [(f["due_on"], f["status"], f["overdue"]) for f in listed[:2]] == [
        (date(2024, 8, 1), "done", False),
        (date(2024, 11, 1), "scheduled", True),
    ]
    due_soon = list_follow_ups(session=session, as_of=date(2024, 7, 1), due_before=date(2025, 3, 1))
    assert [f["due_on"] for f in due_soon] == [date(2024, 11, 1), date(2025, 2, 1)]


def test_an_extension_moves_the_decision_and_the_end(session):
    case = contracted_case(session, start="2024-07-01", end="2025-06-30")
    night(session, date(2024, 7, 1))
    send(session, case, "extend", end_date=date(2025, 12, 31), on=date(2024, 7, 1))
    decisions = session.execute(
        select(FollowUp.due_on, FollowUp.status).where(FollowUp.kind == "end_decision")
    ).all()
    assert sorted(decisions) == [
        (date(2025, 5, 30), "cancelled"),
        (date(2025, 11, 30), "scheduled"),
    ]
    assert night(session, date(2025, 7, 1))["closed"] == []


def test_a_case_whose_end_has_passed_returns_to_origin(session):
    case = contracted_case(session, start="2024-07-01", end="2025-06-30")
    night(session, date(2024, 7, 1))
    assert night(session, date(2025, 6, 30))["closed"] == []
    assert night(session, date(2025, 7, 1))["closed"] == [case.id]
    session.refresh(case)
    assert case.state == "returned"
    assert events(session, case)[-1] == ("return_to_origin", date(2025, 6, 30), "system")
    open_ones = list_follow_ups(session=session, as_of=date(2025, 7, 1))
    assert open_ones == []  # what was not done is cancelled with the case
    assert night(session, date(2025, 7, 2))["closed"] == []


def test_overlapping_runs_start_each_case_once_and_schedule_each_follow_up_once(engine, session):
    cases = [contracted_case(session, start="2024-07-01", end="2025-06-30") for _ in range(5)]
    session.close()
    at_once(
        lambda: run_in_transaction(
            engine, lambda s: run_follow_up(s, as_of=date(2024, 7, 1), rules=case_rules(SETTINGS))
        )
    )
    with Session(engine) as check:
        starts = check.scalar(
            select(func.count()).select_from(CaseEvent).where(CaseEvent.event == "start")
        )
        assert starts == len(cases)
        assert check.scalar(select(func.count()).select_from(FollowUp)) == 5 * len(cases)
