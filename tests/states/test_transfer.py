"""The transfer (移籍) lifecycle: shorter, with consent and terms guarding `hire`."""

from __future__ import annotations

import pytest

from models import CaseKind
from shukko.errors import EventNotAllowed
from tests.helpers import fix_terms, give_worker, make_case, send, to_preparing


def test_hire_after_consent_and_terms(session):
    case = make_case(session, kind=CaseKind.transfer)
    to_preparing(session, case)
    give_worker(session, case)
    fix_terms(session, case, end_date=None, return_conditions=None)
    send(session, case, "hire", doc_ref="雇用契約書-1")
    assert case.state == "hired"


@pytest.mark.parametrize("missing", ["worker_consented", "terms_fixed"])
def test_hire_names_the_missing_guard(session, missing):
    case = make_case(session, kind=CaseKind.transfer)
    to_preparing(session, case)
    if missing != "worker_consented":
        give_worker(session, case)
    if missing != "terms_fixed":
        fix_terms(session, case)
    with pytest.raises(EventNotAllowed) as refusal:
        send(session, case, "hire")
    assert refusal.value.missing == [missing]


def test_secondment_events_are_not_transfer_events(session):
    case = make_case(session, kind=CaseKind.transfer)
    to_preparing(session, case)
    for event in ("sign_contract", "record_union_agreement", "start"):
        with pytest.raises(EventNotAllowed, match="not an event of this case") as refused:
            send(session, case, event)
        assert refused.value.params["kind"] == "transfer"


def test_withdraw_then_nothing(session):
    case = make_case(session, kind=CaseKind.transfer)
    send(session, case, "schedule_interview")
    send(session, case, "withdraw", note="条件不一致")
    assert case.state == "withdrawn"
    with pytest.raises(EventNotAllowed, match="final state"):
        send(session, case, "agree_to_proceed")
