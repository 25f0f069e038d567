"""What an operator sees of cases: plain dicts for Rich tables and --json alike.

Workers appear by id only; their names and birth dates are shown only when asked for.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import or_, select
from sqlmodel import Session

from models import (
    Case,
    CaseEvent,
    CaseWorker,
    Company,
    ContractTerms,
    ReceivingOffer,
    SendingOffer,
    Worker,
)
from models.cases import ContractTermsBase
from shukko.cases import allowed_now, blocking_guards, get_case
from shukko.facts import load_facts, pending_consent
from states import final_states, guard_message, state_labels

# Guards satisfied by what the operator passes with the event, not by recorded facts.
INPUT_GUARDS = {
    "interview_date_given",
    "reason_given",
    "terms_handed_in",
    "extension_within_maximum",
    "worker_awaiting_consent",
}


def _offer_summary(offer: SendingOffer | ReceivingOffer, company: Company) -> dict:
    return {
        "office": offer.office_code,
        "offer_id": offer.offer_id,
        "company": company.name,
        "industry": company.industry_code,
        "prefecture": company.prefecture_code,
        "headcount": offer.headcount,
    }


def list_cases(
    *, session: Session, state: str | None = None, office: str | None = None, limit: int = 500
) -> list[dict]:
    """Cases newest first, filtered by state and by the office of either offer."""
    query = (
        select(Case, SendingOffer.office_code, ReceivingOffer.office_code)
        .join(SendingOffer, SendingOffer.id == Case.sending_offer_id)
        .join(ReceivingOffer, ReceivingOffer.id == Case.receiving_offer_id)
        .order_by(Case.id.desc())
        .limit(limit)
    )
    if state:
        query = query.where(Case.state == state)
    if office:
        query = query.where(
            or_(SendingOffer.office_code == office, ReceivingOffer.office_code == office)
        )
    rows = []
    for case, sending_office, receiving_office in session.execute(query):
        rows.append(
            {
                "id": case.id,
                "kind": str(case.kind),
                "state": case.state,
                "state_label": state_labels(case.kind)[case.state],
                "headcount": case.headcount,
                "sending_office": sending_office,
                "receiving_office": receiving_office,
                "start_date": case.start_date,
                "end_date": case.end_date,
                "version": case.version,
            }
        )
    return rows


def show_case(
    *,
    session: Session,
    case_id: int,
    today: date,
    max_period_months: int,
    with_personal_data: bool = False,
) -> dict:
    """State, facts, blocking guards, events allowed now and the full history of one case."""
    case = get_case(session=session, case_id=case_id)
    facts = load_facts(session=session, cases=[case], max_period_months=max_period_months)[case.id]
    sending = session.get(SendingOffer, case.sending_offer_id)
    receiving = session.get(ReceivingOffer, case.receiving_offer_id)
    waiting = pending_consent(session=session, case_id=case.id)
    no_input = {
        "on": today,
        "note": None,
        "date_given": False,
        "worker_id": waiting[0] if waiting else None,
        "terms_valid": False,
        "end_date": None,
    }
    next_steps = []
    for event in allowed_now(case):
        missing = blocking_guards(case, facts, event, no_input)
        next_steps.append(
            {
                "event": event,
                "blocked_by": [guard_message(g, facts) for g in missing if g not in INPUT_GUARDS],
                "needs": [guard_message(g, facts) for g in missing if g in INPUT_GUARDS],
            }
        )
    history = session.scalars(
        select(CaseEvent).where(CaseEvent.case_id == case.id).order_by(CaseEvent.seq)
    ).all()
    consented = set(
        session.scalars(
            select(CaseEvent.worker_id).where(
                CaseEvent.case_id == case.id, CaseEvent.event == "record_consent"
            )
        )
    )
    workers = []
    for worker in session.scalars(
        select(Worker)
        .join(CaseWorker, CaseWorker.worker_id == Worker.id)
        .where(CaseWorker.case_id == case.id)
        .order_by(Worker.id)
    ):
        entry = {"worker_id": worker.id, "consented": worker.id in consented}
        if with_personal_data:
            entry.update(name=worker.name, birth_date=worker.birth_date, gender=worker.gender)
        workers.append(entry)
    terms = session.scalar(select(ContractTerms).where(ContractTerms.case_id == case.id))
    return {
        "id": case.id,
        "kind": str(case.kind),
        "state": case.state,
        "state_label": state_labels(case.kind)[case.state],
        "final": case.state in final_states(case.kind),
        "version": case.version,
        "headcount": case.headcount,
        "start_date": case.start_date,
        "end_date": case.end_date,
        "subsidy_programme": case.subsidy_programme,
        "score": case.score,
        "score_breakdown": case.score_breakdown,
        "sending": _offer_summary(sending, session.get(Company, sending.company_id)),
        "receiving": _offer_summary(receiving, session.get(Company, receiving.company_id)),
        "facts": {
            "workers_assigned": facts.workers_assigned,
            "workers_consented": facts.workers_consented,
            "sending_has_union": facts.sending_has_union,
            "union_agreed": facts.union_agreed,
            "rules_updated": facts.rules_updated,
            "terms_fixed": facts.terms_fixed,
            "transfer_consented": facts.transfer_consented,
        },
        "workers": workers,
        "terms": (
            {key: getattr(terms, key) for key in ContractTermsBase.model_fields} if terms else None
        ),
        "next_steps": next_steps,
        "history": [
            {
                "seq": e.seq,
                "event": e.event,
                "from": e.from_state,
                "to": e.to_state,
                "on": e.occurred_on,
                "by": e.actor,
                "note": e.note,
                "doc": e.doc_ref,
                "worker_id": e.worker_id,
                "recorded_at": e.recorded_at,
            }
            for e in history
        ],
    }
