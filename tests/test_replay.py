"""The event log replays to the stored state, and a tampered log is caught."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from models import CaseEvent
from shukko.cases.replay import ReplayError, replay
from tests.helpers import make_case, to_preparing


def _log(session, case):
    return list(
        session.scalars(
            select(CaseEvent).where(CaseEvent.case_id == case.id).order_by(CaseEvent.seq)
        )
    )


def test_replay_reaches_the_stored_state(session):
    case = make_case(session)
    to_preparing(session, case)
    assert replay("secondment", _log(session, case)) == case.state == "preparing"


def test_a_gap_or_an_impossible_step_is_reported(session):
    case = make_case(session)
    to_preparing(session, case)
    log = _log(session, case)
    with pytest.raises(ReplayError, match="sequence gap"):
        replay("secondment", [log[0], log[2]])
    session.expunge_all()
    log[2].to_state = "contracted"
    with pytest.raises(ReplayError, match="is not a transition"):
        replay("secondment", log)
