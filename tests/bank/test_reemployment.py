"""The re-employment lifecycle a person goes through, shared by the career bank's registrants
and a transfer's job seekers: introductions, the receiving company's interview (採用面接), its
offer (内定) or not (不採用・辞退), and the first day at the new employer."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from models import Introduction
from shukko.errors import EventNotAllowed
from states import machine_class, transition_table
from states.bank import GUARD_FIELDS
from tests.bank.test_bank import TODAY, enrol, opening, step

LATER = TODAY + timedelta(days=7)


def introduced_to(session, registrant, *keys):
    for key in keys:
        opening(session, key, headcount=2)
    step(session, registrant, "counsel")
    step(session, registrant, "record_consent")  # for any company introduced
    for key in keys:
        step(session, registrant, "introduce", opening=f"13:{key}")


def outcomes(session, registrant) -> list[str | None]:
    rows = session.execute(
        select(Introduction.opening_id, Introduction.outcome)
        .where(Introduction.registrant_id == registrant.id)
        .order_by(Introduction.opening_id)
    ).all()
    return [outcome for _, outcome in rows]


def test_two_applications_one_rejected_one_offered_and_the_hire(session):
    registrant = enrol(session)
    introduced_to(session, registrant, "A", "B")
    assert step(session, registrant, "schedule_interview", opening="13:A",
                on=TODAY - timedelta(days=3))["to"] == "interviewing"  # fmt: skip
    # The day of an interview may lie ahead.
    step(session, registrant, "schedule_interview", opening="13:B", on=LATER)
    with pytest.raises(EventNotAllowed, match=r"no interview .* with opening 13:B on or before"):
        step(session, registrant, "offer", opening="13:B")
    # 不採用 at A: another interview waits (B), so the person stays in 採用面接.
    result = step(session, registrant, "record_outcome", opening="13:A", outcome="rejected")
    assert result["to"] == "interviewing"
    with pytest.raises(EventNotAllowed, match="13:A has ended"):
        step(session, registrant, "schedule_interview", opening="13:A", on=LATER)
    step(session, registrant, "schedule_interview", opening="13:B", on=TODAY - timedelta(days=1))
    assert step(session, registrant, "offer", opening="13:B",
                start_on=date(2024, 7, 1))["to"] == "offered"  # fmt: skip
    assert outcomes(session, registrant) == ["rejected", "offered"]
    with pytest.raises(EventNotAllowed, match="13:A has made no offer"):
        step(session, registrant, "hire", opening="13:A")
    assert step(session, registrant, "hire", opening="13:B")["to"] == "hired"
    hired = session.scalar(select(Introduction).where(Introduction.hired_on.is_not(None)))
    assert (hired.start_on, hired.hired_on) == (date(2024, 7, 1), TODAY)


def test_an_outcome_leaves_the_person_where_another_application_stands(session):
    registrant = enrol(session)
    introduced_to(session, registrant, "A", "B", "C")
    for key in ("A", "B"):
        step(session, registrant, "schedule_interview", opening=f"13:{key}", on=TODAY)
    step(session, registrant, "offer", opening="13:A")
    # 辞退 of the only offer while B's interview waits: back to 採用面接.
    with pytest.raises(EventNotAllowed, match="outcome is needed"):
        step(session, registrant, "record_outcome", opening="13:A")
    assert step(session, registrant, "record_outcome", opening="13:A",
                outcome="declined")["to"] == "interviewing"  # fmt: skip
    # B's 不採用 with nothing else waiting: back to 紹介中 (C is still introduced).
    assert step(session, registrant, "record_outcome", opening="13:B",
                outcome="rejected")["to"] == "introduced"  # fmt: skip
    assert outcomes(session, registrant) == ["declined", "rejected", None]


def test_the_first_day_comes_on_or_after_the_leaving_day(session):
    registrant = enrol(session, via_company=None, leaving_on=TODAY)
    introduced_to(session, registrant, "A")
    with pytest.raises(EventNotAllowed, match="before the leaving day 2024-06-03"):
        step(session, registrant, "hire", opening="13:A", on=TODAY - timedelta(days=1))
    assert step(session, registrant, "hire", opening="13:A", on=TODAY)["to"] == "hired"


def test_an_events_alternatives_differ_only_by_the_guards_that_route():
    """Where one event leads from one state to different states, the alternatives are tried
    in order; the last has the event's own guards (the ones a refusal names), the others add
    routing guards only, which never refuse (they are not worded)."""
    machine = machine_class("registrant")
    table = transition_table("registrant")
    for state in machine.states:
        by_event: dict[str, list] = {}
        for transition in state.transitions:
            for event in transition.events:
                guards = [str(spec.func) for spec in transition.cond]
                by_event.setdefault(event.id, []).append(guards)
        for event, alternatives in by_event.items():
            last = alternatives[-1]
            assert table[(state.value, event)][1] == tuple(last)
            for guards in alternatives[:-1]:
                extra = set(guards) - set(last)
                assert set(last) <= set(guards) and not extra & set(GUARD_FIELDS), (
                    state.value, event, extra,
                )  # fmt: skip
