"""Matching against the database: open offers with their remaining headcounts, proposals
written as `proposed` cases with their score broken down, and alternatives for one offer."""

from __future__ import annotations

import json
from datetime import date
from functools import lru_cache

import numpy as np
from sqlalchemy import Text, cast, select
from sqlmodel import Session

from models import Case, Company, ReceivingOffer, SendingOffer
from shukko.cases.offers import persons_taken_all
from shukko.cases.records import NewCase, open_cases
from shukko.faults import crash_point
from shukko.matching.candidates import OfferRecord, breakdown, generate
from shukko.matching.propose import Proposal, propose
from shukko.matching.rules import MatchingRules

ACTOR = "matching"


def load_open_offers(
    *, session: Session, as_of: date
) -> tuple[list[OfferRecord], list[OfferRecord]]:
    """Open offers whose start window has not closed, with remaining headcounts (which may
    be zero: see `propose`): a case's persons and job seekers (a request's employees
    registered, a receiving offer's places they filled) are not placed twice. Read as
    plain columns, not ORM objects: there are many."""
    sides = []
    for table in (SendingOffer, ReceivingOffer):
        is_sending = table is SendingOffer
        used = persons_taken_all(session, "sending" if is_sending else "receiving")
        if is_sending:
            lists = [table.skills, table.qualifications, table.acceptable_area]
        else:
            lists = [table.skills, table.required_qualifications]
        columns = [
            table.id, table.company_id, table.kind, table.occupation, table.received_on,
            table.start_from, table.start_until, table.headcount, table.period_months_min,
            table.period_months_max, table.monthly_wage_yen, table.office_code,
            Company.industry_code,
            Company.prefecture_code if is_sending else table.work_prefecture,
            # JSON lists as their text, decoded once per distinct value: most repeat.
            *(cast(column, Text) for column in lists),
        ]  # fmt: skip
        query = (
            select(*columns)
            .join(Company, Company.id == table.company_id)
            .where(table.is_open, table.start_until >= as_of)
            .order_by(table.id)
        )
        records = []
        for row in session.connection().execute(query):
            (offer_id, company_id, kind, occupation, received_on, start_from, start_until,
             headcount, period_min, period_max, wage, office, industry, prefecture, skills,
             qualifications, *area) = row  # fmt: skip
            records.append(
                OfferRecord(
                    id=offer_id,
                    company_id=company_id,
                    kind=str(kind),
                    prefecture=prefecture,
                    industry=industry,
                    occupation=occupation,
                    received_on=received_on,
                    start_from=start_from,
                    start_until=start_until,
                    remaining=max(headcount - int(used.get(offer_id, 0)), 0),
                    period_min=period_min,
                    period_max=period_max,
                    wage=wage,
                    skills=_decoded(skills),
                    qualifications=_decoded(qualifications),
                    area=_decoded(area[0]) if area else (),
                    office=office,
                )
            )
        sides.append(records)
    return sides[0], sides[1]


@lru_cache(maxsize=4096)
def _decoded(text: str) -> tuple[str, ...]:
    """A JSON list column's text as a tuple."""
    return tuple(json.loads(text))


def paired_before(session: Session) -> set[tuple[int, int]]:
    """Offer pairs that already have a case, in any state (withdrawn ones included)."""
    return set(session.execute(select(Case.sending_offer_id, Case.receiving_offer_id)).all())


def run_matching(
    *,
    session: Session,
    rules: MatchingRules,
    as_of: date,
    office: str | None = None,
    block_overrides: dict[str, str] | None = None,
) -> tuple[list[dict], dict]:
    """Propose optimally and write each proposal as a `proposed` case; idempotent."""
    sending, receiving = load_open_offers(session=session, as_of=as_of)
    proposals, figures = propose(
        sending, receiving, rules=rules, as_of=as_of, block_overrides=block_overrides,
        excluded=paired_before(session), office=office,
    )  # fmt: skip
    written = write_proposals(session=session, proposals=proposals, as_of=as_of)
    crash_point("matching")  # proposals written, not committed
    return written, figures


def write_proposals(*, session: Session, proposals: list[Proposal], as_of: date) -> list[dict]:
    """Each proposal as a `proposed` case with its score breakdown, opened in bulk."""
    ids = open_cases(
        session=session,
        cases=[
            NewCase(
                kind=proposal.kind,
                sending_offer_id=proposal.sending_id,
                receiving_offer_id=proposal.receiving_id,
                headcount=proposal.persons,
                score=proposal.score,
                score_breakdown=proposal.breakdown,
                note=f"score {proposal.score}",
            )
            for proposal in proposals
        ],
        actor=ACTOR,
        today=as_of,
    )
    keys = _offer_keys(session, proposals)
    return [
        {
            "case_id": case_id,
            "kind": p.kind,
            "persons": p.persons,
            "sending": keys["sending"][p.sending_id],
            "receiving": keys["receiving"][p.receiving_id],
            "score": p.score,
            "breakdown": p.breakdown,
        }
        for case_id, p in zip(ids, proposals, strict=True)
    ]


def _offer_keys(session: Session, proposals: list[Proposal]) -> dict[str, dict[int, str]]:
    """OFFICE:OFFER_ID of the offers in the proposals, in two queries."""
    keys: dict[str, dict[int, str]] = {}
    for side, table, wanted in (
        ("sending", SendingOffer, {p.sending_id for p in proposals}),
        ("receiving", ReceivingOffer, {p.receiving_id for p in proposals}),
    ):
        keys[side] = {
            row_id: f"{office}:{offer_id}"
            for row_id, office, offer_id in session.execute(
                select(table.id, table.office_code, table.offer_id).where(table.id.in_(wanted))
            )
        }
    return keys


def best_counterparts(
    *,
    session: Session,
    rules: MatchingRules,
    as_of: date,
    side: str,
    offer_id: int,
    top: int,
    block_overrides: dict[str, str] | None = None,
) -> dict:
    """One offer's feasible counterparts open on `as_of`; creates nothing. `rows`: the best
    `top` with persons left and no case with this offer, each with its breakdown;
    `proposed`: those already in a case with this offer (case id, state, kind; best first);
    `taken`: how many more have all their persons in other cases; `open`: whether the
    offer itself is open on `as_of` (its start window not ended)."""
    sending, receiving = load_open_offers(session=session, as_of=as_of)
    mine = [o for o in (sending if side == "sending" else receiving) if o.id == offer_id]
    if not mine:
        return {"open": False, "rows": [], "proposed": [], "taken": 0}
    column, other_column = (
        (Case.sending_offer_id, Case.receiving_offer_id)
        if side == "sending"
        else (Case.receiving_offer_id, Case.sending_offer_id)
    )
    cases = {
        other: {"case_id": case_id, "state": str(state), "kind": str(kind)}
        for other, case_id, state, kind in session.execute(
            select(other_column, Case.id, Case.state, Case.kind)
            .where(column == offer_id)
            .order_by(Case.id)
        )
    }
    wide = rules.model_copy(deep=True)
    wide.pruning.per_sending_offer = wide.pruning.per_receiving_offer = 10**9
    if side == "sending":
        edges = generate(mine, receiving, rules=wide, as_of=as_of, block_overrides=block_overrides)
        others, other_index = receiving, edges.receiving
    else:
        edges = generate(sending, mine, rules=wide, as_of=as_of, block_overrides=block_overrides)
        others, other_index = sending, edges.sending
    table = ReceivingOffer if side == "sending" else SendingOffer
    result: dict = {"open": True, "rows": [], "proposed": [], "taken": 0}
    for k in np.lexsort((other_index, -edges.total)).tolist():
        other = others[int(other_index[k])]
        case = cases.get(other.id)
        if case is None and other.remaining <= 0:
            result["taken"] += 1
            continue
        if case is None and len(result["rows"]) >= top:
            continue
        offer = session.get(table, other.id)
        row = {
            "offer": f"{offer.office_code}:{offer.offer_id}",
            "remaining": other.remaining,
            "score": round(float(edges.total[k]), 3),
            "breakdown": breakdown(edges, k, rules),
        }
        if case is None:
            result["rows"].append(row)
        else:
            result["proposed"].append({**row, **case})
    return result
