"""Matching against the database: open offers with their remaining headcounts, proposals
written as `proposed` cases with their score broken down, and alternatives for one offer."""

from __future__ import annotations

from datetime import date

import numpy as np
from sqlalchemy import func, select
from sqlmodel import Session

from models import Case, CaseKind, Company, ReceivingOffer, SendingOffer
from shukko.cases import open_case
from shukko.matching.candidates import COMPONENTS, OfferRecord, generate
from shukko.matching.propose import Proposal, propose
from shukko.matching.rules import MatchingRules

ACTOR = "matching"


def _persons_in_cases(session: Session, column) -> dict[int, int]:
    """Persons already in cases per offer (withdrawn cases free their persons)."""
    return dict(
        session.execute(
            select(column, func.sum(Case.headcount))
            .where(Case.state != "withdrawn")
            .group_by(column)
        ).all()
    )


def load_open_offers(
    *, session: Session, as_of: date
) -> tuple[list[OfferRecord], list[OfferRecord]]:
    """Open offers whose start window has not closed, with remaining headcounts."""
    used_s = _persons_in_cases(session, Case.sending_offer_id)
    used_r = _persons_in_cases(session, Case.receiving_offer_id)
    sides = []
    for table, used in ((SendingOffer, used_s), (ReceivingOffer, used_r)):
        query = (
            select(table, Company.industry_code, Company.prefecture_code)
            .join(Company, Company.id == table.company_id)
            .where(table.is_open, table.start_until >= as_of)
            .order_by(table.id)
        )
        records = []
        for offer, industry, company_pref in session.execute(query):
            remaining = offer.headcount - int(used.get(offer.id, 0))
            if remaining <= 0:
                continue
            is_sending = table is SendingOffer
            records.append(
                OfferRecord(
                    id=offer.id,
                    company_id=offer.company_id,
                    kind=str(offer.kind),
                    prefecture=company_pref if is_sending else offer.work_prefecture,
                    industry=industry,
                    occupation=offer.occupation,
                    received_on=offer.received_on,
                    start_from=offer.start_from,
                    start_until=offer.start_until,
                    remaining=remaining,
                    period_min=offer.period_months_min,
                    period_max=offer.period_months_max,
                    wage=offer.monthly_wage_yen,
                    skills=tuple(offer.skills),
                    qualifications=tuple(
                        offer.qualifications if is_sending else offer.required_qualifications
                    ),
                    area=tuple(offer.acceptable_area) if is_sending else (),
                    office=offer.office_code,
                )
            )
        sides.append(records)
    return sides[0], sides[1]


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
    created = []
    for proposal in proposals:
        case = open_case(
            session=session,
            kind=CaseKind(proposal.kind),
            sending_offer_id=proposal.sending_id,
            receiving_offer_id=proposal.receiving_id,
            headcount=proposal.persons,
            actor=ACTOR,
            today=as_of,
            note=f"score {proposal.score}",
        )
        case.score, case.score_breakdown = proposal.score, proposal.breakdown
        created.append(_describe(session, case.id, proposal))
    session.flush()
    return created, figures


def _describe(session: Session, case_id: int | None, proposal: Proposal) -> dict:
    sending = session.get(SendingOffer, proposal.sending_id)
    receiving = session.get(ReceivingOffer, proposal.receiving_id)
    return {
        "case_id": case_id,
        "kind": proposal.kind,
        "persons": proposal.persons,
        "sending": f"{sending.office_code}:{sending.offer_id}",
        "receiving": f"{receiving.office_code}:{receiving.offer_id}",
        "score": proposal.score,
        "breakdown": proposal.breakdown,
    }


def best_counterparts(
    *,
    session: Session,
    rules: MatchingRules,
    as_of: date,
    side: str,
    offer_id: int,
    top: int,
    block_overrides: dict[str, str] | None = None,
) -> list[dict]:
    """The best `top` counterparts of one offer with their breakdown; creates nothing."""
    sending, receiving = load_open_offers(session=session, as_of=as_of)
    mine = [o for o in (sending if side == "sending" else receiving) if o.id == offer_id]
    if not mine:
        return []
    wide = rules.model_copy(deep=True)
    wide.pruning.per_offer = max(top, 1)
    if side == "sending":
        edges = generate(mine, receiving, rules=wide, as_of=as_of, block_overrides=block_overrides)
        others, other_index = receiving, edges.receiving
    else:
        edges = generate(sending, mine, rules=wide, as_of=as_of, block_overrides=block_overrides)
        others, other_index = sending, edges.sending
    weights = rules.weights.model_dump()
    order = np.lexsort((other_index, -edges.total))[:top]
    rows = []
    for k in order.tolist():
        other = others[int(other_index[k])]
        table = ReceivingOffer if side == "sending" else SendingOffer
        offer = session.get(table, other.id)
        rows.append(
            {
                "offer": f"{offer.office_code}:{offer.offer_id}",
                "remaining": other.remaining,
                "score": round(float(edges.total[k]), 3),
                "breakdown": {
                    name: round(weights[name] * float(edges.components[name][k]), 3)
                    for name in COMPONENTS
                },
            }
        )
    return rows
