"""The service layer called directly, as the web worklist will: typed results, listings that
count everything and page, one transition write for one event and for a batch."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from models import Case, CaseEvent, Company, FollowUp, SendingOffer
from shukko.cases.offers import add_offer
from shukko.cases.records import NewCase, open_cases
from shukko.cases.transitions import EventRequest, fire_many
from shukko.errors import ConcurrentChange, InvalidInput
from shukko.service import case_views
from shukko.service import cases as service
from shukko.service.schemas import CaseView, EventResult, as_data
from tests.helpers import TODAY, contracted_case, make_case, to_preparing


def test_case_view_is_typed_and_explains_what_blocks_the_contract(session):
    case = make_case(session)
    to_preparing(session, case)
    view = case_views.case_view(session=session, case_id=case.id, today=TODAY)
    assert isinstance(view, CaseView) and view.state == "preparing"
    sign = next(step for step in view.next_steps if step.event == "sign_contract")
    assert len(sign.blocked_by) == 4
    data = as_data(view)
    assert data["history"][0]["from"] is None and data["history"][-1]["to"] == "preparing"


def test_listing_counts_every_case_and_yields_the_limit(session):
    ids = [make_case(session).id for _ in range(5)]
    session.commit()
    listing = case_views.list_cases(session=session, limit=2)
    assert listing.total == 5 and listing.shown == 2
    assert [row.id for row in listing.rows] == sorted(ids, reverse=True)[:2]
    every = case_views.list_cases(session=session, where=case_views.CaseFilter(state="proposed"))
    assert every.total == 5 and len(list(every.rows)) == 5


def test_an_event_fired_on_a_stale_version_saves_nothing(session):
    case = make_case(session)
    session.commit()
    result = service.fire_event(
        session=session,
        request=EventRequest(case.id, "schedule_interview", "a", on=TODAY, expected_version=1),
        today=TODAY,
    )
    session.commit()
    assert isinstance(result, EventResult) and (result.from_, result.to) == (
        "proposed",
        "interviewing",
    )
    with pytest.raises(ConcurrentChange):
        service.fire_event(
            session=session,
            request=EventRequest(case.id, "withdraw", "b", note="辞退", expected_version=1),
            today=TODAY,
        )
    session.rollback()
    assert session.get(Case, case.id).state == "interviewing"


def test_opening_in_bulk_checks_what_opening_one_checks(session):
    case = make_case(session)
    sender = session.get(SendingOffer, case.sending_offer_id)
    own = add_offer(
        session=session,
        side="receiving",
        office_code="23",
        offer_id="R-own",
        company=session.get(Company, sender.company_id),
        received_on=TODAY,
    )
    same_company = NewCase("secondment", case.sending_offer_id, own.id, 1)
    with pytest.raises(InvalidInput, match="same company"):
        open_cases(session=session, cases=[same_company], actor="m", today=TODAY)
    too_many = NewCase("secondment", case.sending_offer_id, case.receiving_offer_id, 99)
    with pytest.raises(InvalidInput, match="exceeds"):
        open_cases(session=session, cases=[too_many], actor="m", today=TODAY)


def test_a_batch_keeps_follow_ups_current_as_one_event_does(session):
    case = contracted_case(session, start="2024-07-01", end="2025-06-30")
    rows, refused = fire_many(
        session=session,
        requests=[EventRequest(case.id, "start", "system", on=date(2024, 7, 1))],
        today=date(2024, 7, 1),
    )
    assert refused == [] and rows[0]["to_state"] == "active"
    scheduled = session.scalar(
        select(func.count()).select_from(FollowUp).where(FollowUp.case_id == case.id)
    )
    assert scheduled == 5  # 4 periodic visits and the end decision, at once
    assert (
        session.scalar(
            select(func.count()).select_from(CaseEvent).where(CaseEvent.case_id == case.id)
        )
        == session.get(Case, case.id).last_seq
    )
