"""Cases as the front ends show them: listings by state and office, and one case with its
facts, what blocks each next step, its history, its plan filing and its wages after return.
Workers appear by id only; names and birth dates only when asked for."""

from __future__ import annotations

from dataclasses import dataclass
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
from shukko.case_rules import CaseRules
from shukko.cases.facts import load_facts, pending_consent
from shukko.cases.transitions import (
    allowed_now,
    blocking_guards,
    guard_arguments,
)
from shukko.errors import NotFound
from shukko.refusals import Refusal
from shukko.service.listing import listing
from shukko.service.owners import Subject, notes_of, owner_name
from shukko.service.schemas import (
    CaseRow,
    CaseView,
    FactsView,
    HistoryEntry,
    Listing,
    NextStep,
    OfferSummary,
    PlanFilingView,
    PostReturnView,
    RefusalEntry,
    WageMonthView,
    WorkerEntry,
    WorkerWagesView,
)
from shukko.subsidies.notices import PLAN_FILED_EVENT
from states import final_states, guard_reason, state_labels
from states.guards import FACT_EVENTS

# Guards satisfied by what the operator passes with the event, not by recorded facts.
INPUT_GUARDS = {
    "interview_date_given",
    "reason_given",
    "terms_handed_in",
    "extension_within_maximum",
    "worker_awaiting_consent",
    "receipt_given",
}
# Guards no recorded fact or input can satisfy on this case: their events are not offered.
NOT_APPLICABLE_GUARDS = {"under_a_programme"}


@dataclass(frozen=True)
class CaseFilter:
    """Which cases a listing shows: by state, and by the office of either offer."""

    state: str | None = None
    office: str | None = None  # prefecture code


def case_rows(where: CaseFilter = CaseFilter()):
    """The select of cases with both offers' offices, filtered by state and office: id,
    kind, state, headcount, sending office, receiving office, start, end, version. The
    offices are the case's own columns (indexed with the state): no offer is read."""
    statement = select(
        Case.id,
        Case.kind,
        Case.state,
        Case.headcount,
        Case.sending_office_code,
        Case.receiving_office_code,
        Case.start_date,
        Case.end_date,
        Case.version,
    )
    if where.state:
        statement = statement.where(Case.state == where.state)
    if where.office:
        statement = statement.where(
            or_(
                Case.sending_office_code == where.office,
                Case.receiving_office_code == where.office,
            )
        )
    return statement


def list_cases(
    *, session: Session, where: CaseFilter = CaseFilter(), limit: int | None = None
) -> Listing[CaseRow]:
    """Cases newest first; the listing counts them all and yields at most `limit`."""
    return listing(session, case_rows(where).order_by(Case.id.desc()), case_row, limit)


def case_row(row) -> CaseRow:
    """A row of `case_rows` as the listings show it."""
    case_id, kind, state, headcount, sending, receiving, start, end, version = row
    return CaseRow(
        id=case_id,
        kind=str(kind),
        state=state,
        state_label=state_labels(kind)[state],
        headcount=headcount,
        sending_office=sending,
        receiving_office=receiving,
        start_date=start,
        end_date=end,
        version=version,
    )


def _get_case(session: Session, case_id: int) -> Case:
    case = session.get(Case, case_id)
    if case is None:
        raise NotFound(code="not_found.case", case_id=case_id)
    return case


def case_offices(*, session: Session, case_id: int) -> tuple[str, str]:
    """The sending and the receiving office of a case (who may see and act on it)."""
    row = session.execute(
        select(Case.sending_office_code, Case.receiving_office_code).where(Case.id == case_id)
    ).first()
    if row is None:
        raise NotFound(code="not_found.case", case_id=case_id)
    return row[0], row[1]


def _offer_summary(session: Session, table, offer_id: int) -> OfferSummary:
    offer, company = session.execute(
        select(table, Company)
        .join(Company, Company.id == table.company_id)
        .where(table.id == offer_id)
    ).one()
    return OfferSummary(
        office=offer.office_code,
        offer_id=offer.offer_id,
        company=company.name,
        industry=company.industry_code,
        prefecture=company.prefecture_code,
        headcount=offer.headcount,
    )


# Steps that record a fact (states.FACT_EVENTS, the terms, the plan's filing): once the fact
# is recorded, the step is a correction.
RECORDED_BY = {**FACT_EVENTS, "fix_terms": "terms_fixed", PLAN_FILED_EVENT: "plan_filed"}


def next_steps(
    session: Session, case: Case, facts, today: date, plan_filed: bool = False
) -> list[NextStep]:
    """Events allowed now, each with the recorded facts it still lacks (blocked_by), what
    the operator must pass with it (needs), and whether its fact is recorded already."""
    recorded = {**vars(facts), "plan_filed": plan_filed}
    waiting = pending_consent(session=session, case_id=case.id)
    no_input = guard_arguments(on=today, worker_id=waiting[0] if waiting else None)
    steps = []
    for event in allowed_now(case):
        missing = blocking_guards(case, facts, event, no_input)
        if NOT_APPLICABLE_GUARDS & set(missing):
            continue
        blocked = [Refusal(*guard_reason(g, facts)) for g in missing if g not in INPUT_GUARDS]
        needs = [Refusal(*guard_reason(g, facts)) for g in missing if g in INPUT_GUARDS]
        steps.append(
            NextStep(
                event=event,
                blocked_by=[str(reason) for reason in blocked],
                needs=[str(reason) for reason in needs],
                blocked_by_reasons=[RefusalEntry.of(reason) for reason in blocked],
                needs_reasons=[RefusalEntry.of(reason) for reason in needs],
                recorded=recorded.get(RECORDED_BY.get(event, ""), False) is True,
            )
        )
    return steps


def case_view(
    *,
    session: Session,
    case_id: int,
    today: date,
    rules: CaseRules = CaseRules(),
    with_personal_data: bool = False,
) -> CaseView:
    """State, facts, what blocks the next step, events allowed now, the full history."""
    case = _get_case(session, case_id)
    facts = load_facts(session=session, cases=[case], max_period_months=rules.max_period_months)[
        case.id
    ]
    history = session.scalars(
        select(CaseEvent).where(CaseEvent.case_id == case.id).order_by(CaseEvent.seq)
    ).all()
    consented = {e.worker_id for e in history if e.event == "record_consent"}
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
        workers.append(WorkerEntry(**entry))
    terms = session.scalar(select(ContractTerms).where(ContractTerms.case_id == case.id))
    return CaseView(
        id=case.id,
        kind=str(case.kind),
        state=case.state,
        state_label=state_labels(case.kind)[case.state],
        final=case.state in final_states(case.kind),
        version=case.version,
        headcount=case.headcount,
        start_date=case.start_date,
        end_date=case.end_date,
        subsidy_programme=case.subsidy_programme,
        score=case.score,
        score_breakdown=case.score_breakdown,
        sending=_offer_summary(session, SendingOffer, case.sending_offer_id),
        receiving=_offer_summary(session, ReceivingOffer, case.receiving_offer_id),
        facts=FactsView(
            **{name: getattr(facts, name) for name in FactsView.model_fields},
        ),
        workers=workers,
        terms=(
            {key: getattr(terms, key) for key in ContractTermsBase.model_fields} if terms else None
        ),
        next_steps=next_steps(session, case, facts, today, plan_filed=_filed(history)),
        post_return=_post_return(session, case, today),
        plan_filing=_plan_filing(case, history),
        owner=owner_name(session, case.owner_id),
        notes=notes_of(session, Subject("case", case.id)),
        history=[
            HistoryEntry(
                **HistoryEntry.common(e),
                doc=e.doc_ref,
                worker_id=e.worker_id,
                recorded_at=e.recorded_at,
            )
            for e in history
        ],
    )


def _post_return(session: Session, case: Case, today: date) -> PostReturnView | None:
    from shukko.subsidies.post_return import wage_check

    check = wage_check(session, case, today)
    if check is None:
        return None
    return PostReturnView(
        returned_on=check.returned_on,
        pre_secondment_wage_yen=check.pre_secondment_wage_yen,
        required_wage_yen=check.required_wage_yen,
        raise_pct=check.raise_pct,
        recorded=check.recorded,
        of=len(check.months),
        condition_holds=check.holds,
        months=_month_views(check.months),
        workers=[
            WorkerWagesView(
                worker_id=w.worker_id, months=_month_views(w.months), condition_holds=w.holds
            )
            for w in check.workers
        ],
    )


def _filed(history) -> bool:
    """Whether the plan's filing (出向実施計画届) is recorded in the case's log."""
    return any(entry.event == PLAN_FILED_EVENT for entry in history)


def _plan_filing(case: Case, history) -> PlanFilingView | None:
    """The plan's deadline for a case under a programme that has one, and its filing."""
    from shukko.subsidies.notices import PLAN_FILED_EVENT
    from shukko.subsidies.programmes import filing_dates, programme_by_key

    if case.subsidy_programme is None or case.start_date is None:
        return None
    filed = [e for e in history if e.event == PLAN_FILED_EVENT]
    dates = filing_dates(programme_by_key(case.subsidy_programme), case.start_date)
    return PlanFilingView(
        due=dates.due,
        recommended=dates.recommended,
        filed_on=filed[-1].occurred_on if filed else None,
        receipt=filed[-1].doc_ref if filed else None,
    )


def _month_views(months) -> list[WageMonthView]:
    return [
        WageMonthView(month=f"{m.month:%Y-%m}", wage_yen=m.wage_yen, due=m.due, meets=m.meets)
        for m in months
    ]
