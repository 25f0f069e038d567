"""Two operators act on one case at once: exactly one wins, the other is told to reload,
and the log stays consistent — on SQLite and on PostgreSQL."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import select
from sqlmodel import Session

from models import Case, CaseEvent
from models.db import make_engine
from shukko.cases.replay import replay
from shukko.cases.transitions import EventRequest, fire
from shukko.errors import ConcurrentChange
from tests.conftest import postgres_url_or_skip
from tests.helpers import TODAY, make_case, to_preparing


@pytest.fixture(params=["sqlite", "postgresql"])
def any_db_url(request, tmp_path):
    """Both databases, whatever --db says; PostgreSQL is skipped visibly when not given."""
    from tests.conftest import sqlite_copy

    if request.param == "postgresql":
        postgres_url_or_skip()
        return request.getfixturevalue("postgres_database")
    return sqlite_copy(request.getfixturevalue("sqlite_template"), tmp_path)


def _prepared_case(url: str) -> int:
    engine = make_engine(url)
    with Session(engine, expire_on_commit=False) as session:
        case = make_case(session)
        to_preparing(session, case)
        case_id = case.id
    engine.dispose()
    return case_id


def _log(engine, case_id):
    with Session(engine) as session:
        case = session.get(Case, case_id)
        events = session.scalars(
            select(CaseEvent).where(CaseEvent.case_id == case_id).order_by(CaseEvent.seq)
        ).all()
        return case, events


def test_interleaved_operators_one_wins(any_db_url):
    case_id = _prepared_case(any_db_url)
    engine_a, engine_b = make_engine(any_db_url), make_engine(any_db_url)
    with Session(engine_a) as alice, Session(engine_b) as bob:
        # Both hold the case as read (version n) before either writes.
        seen_by_alice = alice.get(Case, case_id)
        seen_by_bob = bob.get(Case, case_id)
        assert seen_by_alice.version == seen_by_bob.version
        fire(
            session=alice,
            today=TODAY,
            request=EventRequest(case_id=case_id, event="record_tour", actor="alice"),
        )
        alice.commit()
        with pytest.raises(ConcurrentChange, match=r"changed by someone else.*reload"):
            fire(
                session=bob,
                today=TODAY,
                request=EventRequest(case_id=case_id, event="withdraw", actor="bob", note="辞退"),
            )
    case, events = _log(engine_a, case_id)
    assert case.state == "preparing"
    assert [e.actor for e in events][-1] == "alice"
    assert replay("secondment", events) == case.state
    engine_a.dispose()
    engine_b.dispose()


def test_simultaneous_threads_exactly_one_succeeds(any_db_url):
    case_id = _prepared_case(any_db_url)
    setup_engine = make_engine(any_db_url)
    setup_events = len(_log(setup_engine, case_id)[1])
    setup_engine.dispose()
    barrier = threading.Barrier(2)
    outcomes: dict[str, str] = {}

    def operator(name: str, event: str, note: str | None) -> None:
        engine = make_engine(any_db_url)
        try:
            with Session(engine) as session:
                seen = session.get(Case, case_id)  # noqa: F841  (held: the operator's view)
                barrier.wait()
                try:
                    fire(
                        session=session,
                        today=TODAY,
                        request=EventRequest(case_id=case_id, event=event, actor=name, note=note),
                    )
                    session.commit()
                    outcomes[name] = "won"
                except ConcurrentChange:
                    outcomes[name] = "conflict"
        finally:
            engine.dispose()

    threads = [
        threading.Thread(target=operator, args=("alice", "record_tour", None)),
        threading.Thread(target=operator, args=("bob", "withdraw", "辞退")),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(outcomes.values()) == ["conflict", "won"]
    engine = make_engine(any_db_url)
    case, events = _log(engine, case_id)
    winner = next(name for name, outcome in outcomes.items() if outcome == "won")
    assert events[-1].actor == winner
    # only the setup's events and the one reported as won: the loser left nothing behind
    assert len(events) == setup_events + 1
    assert [e.seq for e in events] == list(range(1, len(events) + 1))
    assert replay("secondment", events) == case.state
    engine.dispose()


def test_at_once_hands_a_failing_run_to_the_test():
    from tests.helpers import at_once

    with pytest.raises(ExceptionGroup) as raised:
        at_once(lambda: 1 / 0)
    assert raised.group_contains(ZeroDivisionError)
    assert at_once(lambda: 7) == [7, 7]
