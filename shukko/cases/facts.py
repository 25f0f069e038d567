"""Read cases and their recorded facts from the database into the snapshot the guards
evaluate: one query for any number of cases, whose every fact is a subquery on the case's
own rows (its log, its workers, its terms), so one case costs one round trip."""

from __future__ import annotations

from types import SimpleNamespace

from sqlalchemy import bindparam, distinct, exists, func, select
from sqlmodel import Session

from models import Case, CaseEvent, CaseWorker, Company, ContractTerms, SendingOffer
from states.guards import FACT_EVENTS, CaseFacts

CASE_COLUMNS = (
    "id",
    "kind",
    "state",
    "version",
    "last_seq",
    "headcount",
    "start_date",
    "end_date",
    "subsidy_programme",
    "updated_at",
)
_IN_BATCH = 2000  # cases per query (SQLite allows 32,766 parameters)


def _statement():
    """One row per case: its columns, then each fact as a correlated subquery on its own
    rows: the sender's union, workers assigned and consented, terms fixed, and each logged
    fact of states.FACT_EVENTS (in that order)."""
    case, event, worker = Case.__table__, CaseEvent.__table__, CaseWorker.__table__
    offer, company = SendingOffer.__table__, Company.__table__
    on_case = worker.c.case_id == case.c.id
    # The consent of a worker still on the case: found by the (case, worker) key. Correlated
    # by name: nested two deep, the case would otherwise become a FROM of its own (any case).
    on_case_still = (
        exists().where(on_case, worker.c.worker_id == event.c.worker_id).correlate(case, event)
    )
    consented = select(func.count(distinct(event.c.worker_id))).where(
        event.c.case_id == case.c.id,
        event.c.event == "record_consent",
        on_case_still,
    )
    logged = [
        exists().where(event.c.case_id == case.c.id, event.c.event == name).label(fact)
        for name, fact in FACT_EVENTS.items()
    ]
    return (
        select(
            *(case.c[name] for name in CASE_COLUMNS),
            company.c.has_union.label("sending_has_union"),
            select(func.count()).where(on_case).scalar_subquery().label("workers_assigned"),
            consented.scalar_subquery().label("workers_consented"),
            # A count, not EXISTS: PostgreSQL turns an EXISTS here into a hash of every
            # case's terms (a scan of the table); a count is looked up per case by its key.
            select(func.count())
            .where(ContractTerms.__table__.c.case_id == case.c.id)
            .scalar_subquery()
            .label("terms_fixed"),
            *logged,
        )
        .join_from(case, offer, offer.c.id == case.c.sending_offer_id)
        .join(company, company.c.id == offer.c.company_id)
        .where(case.c.id.in_(bindparam("ids", expanding=True)))
    )


CASES_WITH_FACTS = _statement()


def read_cases_with_facts(
    session: Session, ids: list[int], max_period_months: int
) -> tuple[dict[int, SimpleNamespace], dict[int, CaseFacts]]:
    """The cases as plain rows and their facts, by case id (missing ids are left out)."""
    cases: dict[int, SimpleNamespace] = {}
    facts: dict[int, CaseFacts] = {}
    for start in range(0, len(ids), _IN_BATCH):
        part = ids[start : start + _IN_BATCH]
        # On the connection: a plain statement needs none of the ORM's execution.
        for row in session.connection().execute(CASES_WITH_FACTS, {"ids": part}).all():
            case = SimpleNamespace(**dict(zip(CASE_COLUMNS, row, strict=False)))
            has_union, assigned, consented, terms, *logged = row[len(CASE_COLUMNS) :]
            cases[case.id] = case
            facts[case.id] = CaseFacts(
                headcount=case.headcount,
                workers_assigned=assigned,
                workers_consented=consented,
                sending_has_union=has_union,
                terms_fixed=bool(terms),
                start_date=case.start_date,
                end_date=case.end_date,
                subsidy_programme=case.subsidy_programme,
                max_period_months=max_period_months,
                **{
                    fact: bool(value)
                    for fact, value in zip(FACT_EVENTS.values(), logged, strict=True)
                },
            )
    return cases, facts


def load_facts(
    *, session: Session, cases: list[Case], max_period_months: int
) -> dict[int, CaseFacts]:
    """CaseFacts for many cases at once (views, the nightly checks)."""
    return read_cases_with_facts(session, [case.id for case in cases], max_period_months)[1]


_PENDING_CONSENT = select(CaseWorker.worker_id).where(
    CaseWorker.case_id == bindparam("case_id"),
    CaseWorker.worker_id.not_in(
        select(CaseEvent.worker_id).where(
            CaseEvent.case_id == bindparam("case_id"),
            CaseEvent.event == "record_consent",
            CaseEvent.worker_id.is_not(None),
        )
    ),
)


def pending_consent(*, session: Session, case_id: int) -> list[int]:
    """Ids of workers assigned to a case who have not consented yet."""
    found = session.connection().execute(_PENDING_CONSENT, {"case_id": case_id}).scalars()
    return sorted(found)
