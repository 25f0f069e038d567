"""The secondment lifecycle: every transition and every guard, through the service."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from models import CaseEvent
from shukko.cases.replay import replay
from shukko.errors import EventNotAllowed, InvalidInput
from tests.helpers import (
    GUARD_FACTS,
    fix_terms,
    give_worker,
    make_case,
    record_guard_facts,
    send,
    to_preparing,
)


def contracted_case(session, **kwargs):
    case = make_case(session, **kwargs)
    to_preparing(session, case)
    record_guard_facts(session, case)
    send(session, case, "sign_contract", doc_ref="契約-1")
    return case


def active_case(session):
    case = contracted_case(session)
    send(session, case, "start", on=date(2024, 7, 1))
    return case


def log_of(session, case):
    return session.scalars(
        select(CaseEvent).where(CaseEvent.case_id == case.id).order_by(CaseEvent.seq)
    ).all()


def test_happy_path_to_return_is_logged_and_replays(session):
    case = active_case(session)
    send(session, case, "record_follow_up", note="順調")
    send(session, case, "return_to_origin", on=date(2025, 6, 30))
    assert case.state == "returned"
    log = log_of(session, case)
    assert [e.seq for e in log] == list(range(1, len(log) + 1))
    assert [e.event for e in log if e.from_state != e.to_state] == [
        "create",
        "schedule_interview",
        "agree_to_proceed",
        "sign_contract",
        "start",
        "return_to_origin",
    ]
    assert replay("secondment", log) == "returned"
    assert case.last_seq == len(log)


@pytest.mark.parametrize("missing", GUARD_FACTS)
def test_each_missing_guard_names_itself(session, missing):
    case = make_case(session)
    to_preparing(session, case)
    record_guard_facts(session, case, skip=missing)
    with pytest.raises(EventNotAllowed) as refusal:
        send(session, case, "sign_contract")
    assert refusal.value.missing == [missing]
    words = {
        "worker_consented": "worker consent (労働者の同意)",
        "union_agreed": "union agreement (労働組合との合意)",
        "rules_updated": "employment rules not updated",
        "terms_fixed": "contract terms not fixed",
    }[missing]
    assert words in str(refusal.value)
    session.refresh(case)
    assert case.state == "preparing"


def test_all_guards_missing_are_all_named(session):
    case = make_case(session)
    to_preparing(session, case)
    with pytest.raises(EventNotAllowed) as refusal:
        send(session, case, "sign_contract")
    assert refusal.value.missing == list(GUARD_FACTS)


def test_without_union_the_majority_representative_is_asked_for(session):
    case = make_case(session, has_union=False)
    to_preparing(session, case)
    with pytest.raises(EventNotAllowed, match="過半数代表者との合意"):
        send(session, case, "sign_contract")
    record_guard_facts(session, case)
    send(session, case, "sign_contract")
    assert case.state == "contracted"


def test_consent_counts_every_worker_of_the_headcount(session):
    case = make_case(session, headcount=2)
    to_preparing(session, case)
    give_worker(session, case)
    second = give_worker(session, case, consent=False)
    send(session, case, "record_union_agreement")
    send(session, case, "record_rules_update")
    fix_terms(session, case)
    with pytest.raises(EventNotAllowed, match="1 of 2 workers have consented"):
        send(session, case, "sign_contract")
    send(session, case, "record_consent", worker_id=second)
    send(session, case, "sign_contract")
    assert case.state == "contracted"


def test_consent_needs_an_assigned_worker_and_only_once(session):
    case = make_case(session)
    to_preparing(session, case)
    with pytest.raises(EventNotAllowed, match="no assigned worker is waiting to consent"):
        send(session, case, "record_consent")
    worker = give_worker(session, case)
    with pytest.raises(InvalidInput, match=f"worker {worker} has already consented"):
        send(session, case, "record_consent", worker_id=worker)


def test_more_workers_than_the_headcount_are_refused(session):
    case = make_case(session)
    to_preparing(session, case)
    give_worker(session, case)
    with pytest.raises(InvalidInput, match="already assigned"):
        give_worker(session, case)


def test_interview_needs_a_date(session):
    case = make_case(session)
    with pytest.raises(EventNotAllowed, match="interview date is required"):
        send(session, case, "schedule_interview", on=None)
    assert case.state == "proposed"


def test_start_waits_for_the_contract_start_date(session):
    case = contracted_case(session)
    with pytest.raises(EventNotAllowed, match=r"start date \(2024-07-01\) has not come"):
        send(session, case, "start", on=date(2024, 6, 30))
    send(session, case, "start", on=date(2024, 7, 1))
    assert case.state == "active"


def test_extend_moves_the_end_date_within_the_maximum(session):
    case = active_case(session)
    with pytest.raises(EventNotAllowed, match="within 36 months"):
        send(session, case, "extend", end_date=date(2027, 12, 31))
    with pytest.raises(EventNotAllowed, match="must be after the current end"):
        send(session, case, "extend", end_date=date(2025, 1, 31))
    send(session, case, "extend", end_date=date(2026, 3, 31))
    assert case.state == "active" and case.end_date == date(2026, 3, 31)
    with pytest.raises(EventNotAllowed, match="end date"):
        send(session, case, "return_to_origin", on=date(2025, 6, 30))


def test_early_return_needs_a_reason(session):
    case = active_case(session)
    with pytest.raises(EventNotAllowed, match="early return needs a reason"):
        send(session, case, "return_to_origin", on=date(2024, 9, 1))
    send(session, case, "return_to_origin", on=date(2024, 9, 1), note="家族の事情")
    assert case.state == "returned"


def test_conversion_to_transfer_needs_the_workers_consent(session):
    case = active_case(session)
    with pytest.raises(EventNotAllowed, match="移籍への同意"):
        send(session, case, "convert_to_transfer")
    send(session, case, "record_transfer_consent", doc_ref="同意書-移籍")
    send(session, case, "convert_to_transfer")
    assert case.state == "transferred"


@pytest.mark.parametrize("steps", [0, 1, 2, 3])
def test_withdraw_from_every_state_before_active_needs_a_reason(session, steps):
    case = make_case(session)
    path = [
        lambda: to_preparing(session, case),
        lambda: record_guard_facts(session, case),
        lambda: send(session, case, "sign_contract"),
    ]
    if steps >= 1:
        send(session, case, "schedule_interview")
    if steps >= 2:
        send(session, case, "agree_to_proceed")
    if steps >= 3:
        path[1]()
        path[2]()
    with pytest.raises(EventNotAllowed, match="a reason is required"):
        send(session, case, "withdraw")
    send(session, case, "withdraw", note="受入先の事情")
    assert case.state == "withdrawn"


def test_no_withdraw_once_active(session):
    case = active_case(session)
    with pytest.raises(EventNotAllowed, match="'withdraw' is not allowed while case"):
        send(session, case, "withdraw", note="遅すぎる")


@pytest.mark.parametrize("event", ["return_to_origin", "withdraw", "start", "record_follow_up"])
def test_a_final_state_accepts_no_event(session, event):
    case = make_case(session)
    send(session, case, "withdraw", note="辞退")
    with pytest.raises(EventNotAllowed, match="a final state: it accepts no events"):
        send(session, case, event, note="x")


def test_facts_are_recorded_only_while_preparing(session):
    case = make_case(session)
    with pytest.raises(EventNotAllowed, match="allowed now: schedule_interview, withdraw"):
        send(session, case, "record_union_agreement")


def test_unknown_event_lists_the_events(session):
    case = make_case(session)
    with pytest.raises(EventNotAllowed, match="not an event of this case") as refused:
        send(session, case, "hire")
    assert refused.value.code == "event.unknown" and refused.value.params["kind"] == "secondment"
    assert "sign_contract" in refused.value.params["events"]


def test_the_open_pair_index_knows_every_final_state():
    """One open case per pair of offers is kept by an index over the states that are not
    final: a new final state must join it (models/cases.py and a migration)."""
    from models.cases import CASE_FINAL_STATES
    from states import final_states

    assert set(CASE_FINAL_STATES) == final_states("secondment") | final_states("transfer")
