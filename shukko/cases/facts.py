"""Read cases and their recorded facts from the database into the snapshot the guards
evaluate: one query for any number of cases, whose every fact is a subquery on the case's
own rows (its log, its workers, its terms), so one case costs one round trip."""

from __future__ import annotations

from types import SimpleNamespace

from sqlalchemy import Boolean, Date, DateTime, bindparam, select, text
from sqlmodel import Session

from models import Case, CaseEvent, CaseWorker
from states.guards import CaseFacts

# Events whose mere presence in the log is a fact a guard needs.
FACT_EVENTS = {
    "record_union_agreement": "union_agreed",
    "record_rules_update": "rules_updated",
    "record_transfer_consent": "transfer_consented",
}
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
    logged = "".join(
        f",\n  EXISTS (SELECT 1 FROM case_event e WHERE e.case_id = c.id"
        f" AND e.event = '{event}') AS {fact}"
        for event, fact in FACT_EVENTS.items()
    )
    sql = f"""
SELECT {", ".join(f"c.{name}" for name in CASE_COLUMNS)},
  co.has_union AS sending_has_union,
  (SELECT count(*) FROM case_worker w WHERE w.case_id = c.id) AS workers_assigned,
  (SELECT count(DISTINCT e.worker_id) FROM case_event e
    WHERE e.case_id = c.id AND e.event = 'record_consent'
      AND e.worker_id IN (SELECT w.worker_id FROM case_worker w WHERE w.case_id = c.id)
  ) AS workers_consented,
  EXISTS (SELECT 1 FROM contract_terms t WHERE t.case_id = c.id) AS terms_fixed{logged}
FROM cases c
JOIN sending_offer s ON s.id = c.sending_offer_id
JOIN company co ON co.id = s.company_id
WHERE c.id IN :ids"""
    return (
        text(sql)
        .bindparams(bindparam("ids", expanding=True))
        .columns(
            start_date=Date,
            end_date=Date,
            updated_at=DateTime(timezone=True),
            sending_has_union=Boolean,
        )
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
        for row in session.connection().execute(CASES_WITH_FACTS, {"ids": part}):
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
