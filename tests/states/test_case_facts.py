"""The facts the guards read from a case's own rows (shukko.cases.facts)."""

from __future__ import annotations

from models import CaseEvent
from shukko.cases.facts import load_facts
from tests.helpers import ACTOR, TODAY, give_worker, make_case, to_preparing


def test_a_consent_counts_only_for_a_worker_on_that_case(session):
    """A consent in a case's log naming a worker who is on another case (a log replayed or
    imported by hand) does not make this case's workers consented: signing would otherwise
    go ahead without the consent of its own worker."""
    case, other = make_case(session, headcount=1), make_case(session)
    to_preparing(session, case)
    to_preparing(session, other)
    give_worker(session, case, consent=False)
    stranger = give_worker(session, other, consent=True)
    session.add(
        CaseEvent(
            case_id=case.id, seq=case.last_seq + 1, event="record_consent",
            from_state=case.state, to_state=case.state, actor=ACTOR, occurred_on=TODAY,
            worker_id=stranger,
        )
    )  # fmt: skip
    session.commit()

    facts = load_facts(session=session, cases=[case, other], max_period_months=24)

    assert facts[case.id].workers_assigned == 1
    assert facts[case.id].workers_consented == 0
    assert facts[other.id].workers_consented == 1
