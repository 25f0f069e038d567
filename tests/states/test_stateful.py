"""Hypothesis fires random events and facts at random cases and checks, after every step:
no case is contracted without all four guards, a final state accepts nothing, sequence
numbers are gapless and increasing, and the log replays to the stored state."""

from __future__ import annotations

from datetime import date

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    initialize,
    invariant,
    rule,
    run_state_machine_as_test,
)
from sqlalchemy import select
from sqlmodel import Session

from models import Case, CaseEvent, CaseKind, CaseWorker
from shukko.cases.facts import load_facts, pending_consent
from shukko.cases.records import set_terms
from shukko.cases.replay import replay
from shukko.cases.terms import parse_terms
from shukko.cases.transitions import EventRequest, fire
from shukko.errors import EventNotAllowed, InvalidInput
from shukko.service.cases import add_worker
from states import event_names, final_states, transition_table
from tests.helpers import TODAY, make_case, terms_data

ALL_EVENTS = sorted(set(event_names("secondment")) | set(event_names("transfer")) | {"fly"})
REACHED: set[str] = set()
FACTS = ["consent", "record_union_agreement", "record_rules_update", "terms"]
DATES = st.sampled_from([date(2024, 6, 1), date(2024, 7, 1), date(2025, 6, 30), date(2026, 1, 1)])


def test_random_events_keep_every_invariant(engine):
    class CaseLifecycles(RuleBasedStateMachine):
        cases = Bundle("cases")

        @initialize()
        def open_session(self):
            self.session = Session(engine, expire_on_commit=False)
            self.opened: list[int] = []

        def teardown(self):
            self.session.close()

        @rule(
            target=cases,
            kind=st.sampled_from(list(CaseKind)),
            headcount=st.integers(1, 2),
            has_union=st.sampled_from([True, False, None]),
        )
        def open_case(self, kind, headcount, has_union):
            case = make_case(self.session, kind=kind, headcount=headcount, has_union=has_union)
            self.opened.append(case.id)
            return case.id

        @rule(case_id=cases, missing=st.one_of(st.none(), st.sampled_from(FACTS)), on=DATES)
        def prepare_and_sign(self, case_id, missing, on):
            """Walk to preparing, record all the contract needs or all but one, then sign."""
            self.send_event(case_id, "schedule_interview", TODAY, None, None)
            self.send_event(case_id, "agree_to_proceed", TODAY, None, None)
            for fact in FACTS:
                if fact == missing:
                    continue
                if fact == "consent":
                    for _ in range(2):
                        self.assign(case_id)
                    for worker_id in pending_consent(session=self.session, case_id=case_id):
                        self.send_event(case_id, "record_consent", TODAY, None, None, worker_id)
                elif fact == "terms":
                    self.hand_in_terms(case_id, valid=True)
                else:
                    self.send_event(case_id, fact, TODAY, None, None)
            case = self.session.get(Case, case_id)
            was = case.state
            signing = "sign_contract" if case.kind == CaseKind.secondment else "hire"
            needed = FACTS if signing == "sign_contract" else ["consent", "terms"]
            ready = all(self.fact_recorded(case, fact) for fact in needed)
            self.send_event(case_id, signing, TODAY, None, None)
            if was == "preparing":
                assert (case.state != "preparing") == ready, (signing, missing, case.state)
            self.send_event(case_id, "start", on, None, None)

        def fact_recorded(self, case, fact) -> bool:
            """Read straight from the log, independently of the guards' own loader."""
            events = self.session.scalars(
                select(CaseEvent).where(CaseEvent.case_id == case.id)
            ).all()
            if fact == "consent":
                assigned = set(
                    self.session.scalars(
                        select(CaseWorker.worker_id).where(CaseWorker.case_id == case.id)
                    )
                )
                consents = {e.worker_id for e in events if e.event == "record_consent"}
                return len(assigned) == case.headcount and assigned <= consents
            if fact == "terms":
                return any(e.event == "fix_terms" for e in events)
            return any(e.event == fact for e in events)

        @rule(case_id=cases)
        def assign(self, case_id):
            try:
                add_worker(
                    session=self.session,
                    case_id=case_id,
                    name="仮名",
                    actor="h",
                    birth_date=date(1980, 1, 1),
                    today=TODAY,
                )
                self.session.commit()
            except (EventNotAllowed, InvalidInput):
                self.session.rollback()

        @rule(case_id=cases, valid=st.booleans())
        def hand_in_terms(self, case_id, valid):
            changes = {} if valid else {"end_date": "2030-01-01"}
            try:
                set_terms(
                    session=self.session,
                    case_id=case_id,
                    actor="h",
                    today=TODAY,
                    terms=parse_terms(terms_data(**changes)),
                )
                self.session.commit()
            except (EventNotAllowed, InvalidInput):
                self.session.rollback()

        @rule(
            case_id=cases,
            event=st.sampled_from(ALL_EVENTS),
            on=DATES,
            note=st.sampled_from([None, "理由"]),
            end_date=st.sampled_from([None, date(2025, 12, 31), date(2030, 1, 1)]),
        )
        def send_event(self, case_id, event, on, note, end_date, worker_id=None):
            case = self.session.get(Case, case_id)
            was = case.state
            facts = load_facts(session=self.session, cases=[case], max_period_months=36)[case_id]
            request = EventRequest(
                case_id=case_id,
                event=event,
                actor="h",
                on=on,
                note=note,
                end_date=end_date,
                worker_id=worker_id,
            )
            try:
                fire(session=self.session, request=request, today=on)
                self.session.commit()
            except (EventNotAllowed, InvalidInput):
                self.session.rollback()
                return
            REACHED.add(case.state)
            assert was not in final_states(case.kind), f"{event} accepted in final {was}"
            if event in ("sign_contract", "hire"):
                assert facts.workers_consented >= case.headcount
                assert facts.terms_fixed
                if event == "sign_contract":
                    assert facts.union_agreed and facts.rules_updated

        @rule(case_id=cases, data=st.data(), on=DATES)
        def send_allowed_event(self, case_id, data, on):
            """Mostly walk forward, so that contracts, starts and returns are reached."""
            case = self.session.get(Case, case_id)
            allowed = [e for (s, e) in transition_table(case.kind) if s == case.state]
            if allowed:
                event = data.draw(st.sampled_from(allowed))
                self.send_event(case_id, event, on, note="理由", end_date=date(2025, 12, 31))

        @invariant()
        def logs_are_gapless_and_replay(self):
            if not hasattr(self, "session"):
                return
            for case in self.session.scalars(select(Case).where(Case.id.in_(self.opened))):
                log = self.session.scalars(
                    select(CaseEvent).where(CaseEvent.case_id == case.id).order_by(CaseEvent.seq)
                ).all()
                assert [e.seq for e in log] == list(range(1, len(log) + 1))
                assert case.last_seq == len(log)
                assert replay(case.kind, log) == case.state

    run_state_machine_as_test(
        CaseLifecycles,
        settings=settings(
            max_examples=25,
            stateful_step_count=40,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
        ),
    )
    # The walk must have gone deep enough for the invariants to mean something.
    assert {"contracted", "active", "hired", "withdrawn"} <= REACHED
