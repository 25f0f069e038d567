"""Read a case's recorded facts from the database into the snapshot its guards evaluate."""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy import select
from sqlmodel import Session

from models import Case, CaseEvent, CaseWorker, Company, ContractTerms, SendingOffer
from states.guards import CaseFacts

# Events whose mere presence in the log is a fact a guard needs.
FACT_EVENTS = {
    "record_union_agreement": "union_agreed",
    "record_rules_update": "rules_updated",
    "record_transfer_consent": "transfer_consented",
}


def load_facts(
    *, session: Session, cases: list[Case], max_period_months: int
) -> dict[int, CaseFacts]:
    """CaseFacts for many cases at once, in a fixed number of queries (the nightly path)."""
    ids = [case.id for case in cases]
    facts = {
        case.id: CaseFacts(
            headcount=case.headcount,
            start_date=case.start_date,
            end_date=case.end_date,
            max_period_months=max_period_months,
        )
        for case in cases
    }
    if not ids:
        return facts

    assigned: dict[int, set[int]] = defaultdict(set)
    for case_id, worker_id in session.execute(
        select(CaseWorker.case_id, CaseWorker.worker_id).where(CaseWorker.case_id.in_(ids))
    ):
        assigned[case_id].add(worker_id)

    consented: dict[int, set[int]] = defaultdict(set)
    wanted = [*FACT_EVENTS, "record_consent"]
    for case_id, event, worker_id in session.execute(
        select(CaseEvent.case_id, CaseEvent.event, CaseEvent.worker_id).where(
            CaseEvent.case_id.in_(ids), CaseEvent.event.in_(wanted)
        )
    ):
        if event == "record_consent":
            consented[case_id].add(worker_id)
        else:
            setattr(facts[case_id], FACT_EVENTS[event], True)

    for (case_id,) in session.execute(
        select(ContractTerms.case_id).where(ContractTerms.case_id.in_(ids))
    ):
        facts[case_id].terms_fixed = True

    for case_id, has_union in session.execute(
        select(Case.id, Company.has_union)
        .join(SendingOffer, SendingOffer.id == Case.sending_offer_id)
        .join(Company, Company.id == SendingOffer.company_id)
        .where(Case.id.in_(ids))
    ):
        facts[case_id].sending_has_union = has_union

    for case_id, fact in facts.items():
        fact.workers_assigned = len(assigned[case_id])
        fact.workers_consented = len(consented[case_id] & assigned[case_id])
    return facts


def pending_consent(*, session: Session, case_id: int) -> list[int]:
    """Ids of workers assigned to a case who have not consented yet."""
    assigned = set(
        session.scalars(select(CaseWorker.worker_id).where(CaseWorker.case_id == case_id))
    )
    consented = set(
        session.scalars(
            select(CaseEvent.worker_id).where(
                CaseEvent.case_id == case_id, CaseEvent.event == "record_consent"
            )
        )
    )
    return sorted(assigned - consented)
