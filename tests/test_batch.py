"""The nightly path: many events in one transaction, with the same rules as one at a time."""

from __future__ import annotations

import pytest
from sqlalchemy import event, select, text
from sqlmodel import Session

from models import Case, CaseEvent
from shukko.cases.replay import replay
from shukko.cases.transitions import EventRequest, fire_many
from shukko.errors import ConcurrentChange
from tests.helpers import TODAY, fix_terms, give_worker, make_case, to_preparing


def _requests(case_ids, event, **options):
    return [
        EventRequest(case_id=i, event=event, actor="nightly", on=TODAY, **options) for i in case_ids
    ]


def test_a_batch_applies_good_events_and_reports_refusals(session):
    ready = make_case(session)
    to_preparing(session, ready)
    give_worker(session, ready)
    fix_terms(session, ready)
    blocked = make_case(session)
    to_preparing(session, blocked)
    ids = [ready.id, blocked.id, 999]
    requests = (
        _requests(ids, "record_union_agreement")
        + _requests(ids, "record_rules_update")
        + _requests(ids, "sign_contract")  # facts recorded earlier in the same batch count
    )
    rows, refused = fire_many(session=session, requests=requests, today=TODAY)
    session.commit()
    session.expire_all()
    assert session.get(Case, ready.id).state == "contracted"
    assert session.get(Case, blocked.id).state == "preparing"
    reasons = [reason for _request, reason in refused]
    assert sum("case 999 does not exist" in r for r in reasons) == 3
    assert any("worker consent" in r and "contract terms not fixed" in r for r in reasons)
    assert len(rows) == 5
    for case_id in (ready.id, blocked.id):
        case = session.get(Case, case_id)
        log = session.scalars(
            select(CaseEvent).where(CaseEvent.case_id == case_id).order_by(CaseEvent.seq)
        ).all()
        assert replay(case.kind, log) == case.state
        assert case.last_seq == len(log)


def test_final_transitions_in_a_batch(session):
    cases = [make_case(session) for _ in range(3)]
    fire_many(
        session=session,
        requests=_requests([c.id for c in cases], "withdraw", note="一括辞退"),
        today=TODAY,
    )
    session.commit()
    session.expire_all()
    assert {session.get(Case, c.id).state for c in cases} == {"withdrawn"}


def test_an_operator_writing_meanwhile_voids_the_whole_batch(engine, session):
    cases = [make_case(session) for _ in range(2)]
    ids = [c.id for c in cases]

    acted = []

    def operator_acts_first(conn, cursor, statement, parameters, context, executemany):
        if statement.lstrip().upper().startswith("UPDATE CASES") and not acted:
            acted.append(True)
            # The operator's commit lands between the batch's read and its write.
            with engine.connect() as other:
                other.execute(
                    text("UPDATE cases SET version = version + 1 WHERE id = :i"), {"i": ids[1]}
                )
                other.commit()

    event.listen(engine, "before_cursor_execute", operator_acts_first)
    with pytest.raises(ConcurrentChange, match="nothing of the batch was saved"):
        fire_many(session=session, requests=_requests(ids, "schedule_interview"), today=TODAY)
    event.remove(engine, "before_cursor_execute", operator_acts_first)
    with Session(engine) as fresh:
        assert {fresh.get(Case, i).state for i in ids} == {"proposed"}
        assert (
            fresh.scalar(select(CaseEvent.id).where(CaseEvent.event == "schedule_interview"))
            is None
        )
