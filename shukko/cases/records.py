"""Opening cases, assigning their workers and handing in their contract terms.

Every change goes through the transition service's write (shukko/cases/transitions.py): the case
row updated under its version check, the log row appended, in the caller's transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from models import Case, CaseKind, CaseWorker, ContractTerms, ReceivingOffer, SendingOffer, Worker
from models.bulk import DriverRows, DriverValues, select_in
from models.cases import CASE_FINAL_STATES
from models.common import utcnow
from shukko.case_rules import CaseRules
from shukko.cases.terms import ContractTermsIn, check_programme_wage
from shukko.cases.transitions import (
    EventRequest,
    LoggedEvent,
    append_log,
    fire,
    next_log_row,
    read_cases,
    refuse_unknown_or_disallowed,
    write_back,
)
from shukko.errors import EventNotAllowed, InvalidInput, NotFound
from shukko.refusals import Refusal
from shukko.subsidies.programmes import programme_on
from states import CREATE_EVENT, final_states, initial_state, state_labels

ASSIGN_WORKER_EVENT = "assign_worker"  # a recorded fact outside the machine: state unchanged


@dataclass(frozen=True)
class NewCase:
    """A case to open between a sending and a receiving offer (offer row ids)."""

    kind: str
    sending_offer_id: int
    receiving_offer_id: int
    headcount: int = 1
    score: float | None = None
    score_breakdown: dict | None = None
    note: str | None = None


def get_case(*, session: Session, case_id: int) -> Case:
    """A case by id, or a NotFound that says so."""
    case = session.get(Case, case_id)
    if case is None:
        raise NotFound(code="not_found.case", case_id=case_id)
    return case


def _offers(session: Session, table, ids: set[int]) -> dict[int, tuple]:
    """(kind, headcount, company_id, office_code) of the offers with these row ids."""
    columns = ("id", "kind", "headcount", "company_id", "office_code")
    return {
        offer_id: (str(kind), headcount, company, office)
        for offer_id, kind, headcount, company, office in select_in(
            session, table.__table__, columns, "id", ids
        )
    }


def check_new_case(new: NewCase, sending: tuple | None, receiving: tuple | None) -> list[Refusal]:
    """What is wrong with opening this case (empty when it may be opened)."""
    if sending is None or receiving is None:
        return [Refusal("case.offer_missing")]
    problems = []
    kind = str(new.kind)
    if kind not in ("secondment", "transfer"):
        problems.append(Refusal("input.case_kind", {"value": kind}, ("kind",)))
    for side, (offer_kind, headcount, *_) in (("sending", sending), ("receiving", receiving)):
        if offer_kind not in (kind, "either"):
            params = {"side": side, "offer_kind": offer_kind, "kind": kind}
            problems.append(Refusal("case.offer_kind", params, (side,)))
        if new.headcount > headcount:
            params = {"side": side, "headcount": new.headcount, "offer_headcount": headcount}
            problems.append(Refusal("case.headcount_exceeds", params, ("headcount",)))
    if sending[2] == receiving[2]:
        problems.append(Refusal("case.same_company", {}, ("sending", "receiving")))
    if new.headcount < 1:
        problems.append(Refusal("case.headcount_below_one", {}, ("headcount",)))
    return problems


def open_cases(*, session: Session, cases: list[NewCase], actor: str, today: date) -> list[int]:
    """Open cases in their initial state, each logged as event 1 (`create`): one by an
    operator or thousands of matching's proposals, with the same checks and log rows.
    Nothing is opened when any of them is refused."""
    if not cases:
        return []
    sending = _offers(session, SendingOffer, {c.sending_offer_id for c in cases})
    receiving = _offers(session, ReceivingOffer, {c.receiving_offer_id for c in cases})
    for new in cases:
        problems = check_new_case(
            new, sending.get(new.sending_offer_id), receiving.get(new.receiving_offer_id)
        )
        if problems:
            raise InvalidInput(
                code="case.cannot_open",
                fields=tuple(dict.fromkeys(f for problem in problems for f in problem.fields)),
                reasons=problems,
            )
    now = utcnow()
    table = Case.__table__
    rows = [
        {
            "kind": str(c.kind),
            "state": initial_state(str(c.kind)),
            "version": 1,
            "last_seq": 1,
            "sending_offer_id": c.sending_offer_id,
            "receiving_offer_id": c.receiving_offer_id,
            "sending_office_code": sending[c.sending_offer_id][3],
            "receiving_office_code": receiving[c.receiving_offer_id][3],
            "headcount": c.headcount,
            "score": c.score,
            "score_breakdown": c.score_breakdown,
            "created_by": actor,
            "created_at": now,
            "updated_at": now,
        }
        for c in cases
    ]
    ids = _insert_cases(session, table, rows)
    log = [
        {
            "case_id": case_id,
            "seq": 1,
            "event": CREATE_EVENT,
            "from_state": None,
            "to_state": row["state"],
            "actor": actor,
            "occurred_on": today,
            "note": new.note,
            "doc_ref": None,
            "worker_id": None,
        }
        for case_id, row, new in zip(ids, rows, cases, strict=True)
    ]
    append_log(session, log, None)
    return ids


def _insert_cases(session: Session, table, rows: list[dict]) -> list[int]:
    """The new cases' ids in the rows' order: on SQLite through the driver (SQLAlchemy
    inserts row by row there when it must return ids in order), elsewhere by RETURNING."""
    if session.connection().dialect.name != "sqlite":
        return list(
            session.execute(
                table.insert().returning(table.c.id, sort_by_parameter_order=True), rows
            ).scalars()
        )
    columns = list(rows[0])
    writer = DriverRows(session, table, columns)
    values = DriverValues(table, columns, writer.connection.dialect)
    return writer.insert_with_ids([tuple(values.row([row[c] for c in columns])) for row in rows])


def open_case(
    *,
    session: Session,
    kind: CaseKind | str,
    sending_offer_id: int,
    receiving_offer_id: int,
    headcount: int,
    actor: str,
    today: date,
    note: str | None = None,
) -> Case:
    """Open one case (see open_cases) and return its row; refused while the pair has an open
    case (one not in a final state). The database's unique index on open pairs decides a
    race between two consultants: the loser gets the same refusal."""
    _refuse_open_pair(session, sending_offer_id, receiving_offer_id)
    new = NewCase(str(kind), sending_offer_id, receiving_offer_id, headcount, note=note)
    try:
        with session.begin_nested():
            (case_id,) = open_cases(session=session, cases=[new], actor=actor, today=today)
    except IntegrityError:
        _refuse_open_pair(session, sending_offer_id, receiving_offer_id)
        raise
    return get_case(session=session, case_id=case_id)


def _refuse_open_pair(session: Session, sending_offer_id: int, receiving_offer_id: int) -> None:
    open_case_id = session.scalar(
        select(Case.id).where(
            Case.sending_offer_id == sending_offer_id,
            Case.receiving_offer_id == receiving_offer_id,
            Case.state.not_in(CASE_FINAL_STATES),
        )
    )
    if open_case_id is not None:
        raise InvalidInput(
            code="case.pair_open", fields=("sending", "receiving"), case_id=open_case_id
        )


def assign_workers(
    *, session: Session, case_id: int, people: list[dict], actor: str, today: date
) -> list[Worker]:
    """Several workers for one case at once (name, birth_date, optional gender and
    qualifications each), each logged as an assign_worker event."""
    case = read_cases(session, [case_id])[0].get(case_id)
    if case is None:
        raise NotFound(code="not_found.case", case_id=case_id)
    if case.state in final_states(case.kind) or case.state in ("contracted", "active"):
        raise EventNotAllowed(
            code="event.workers_after_contract", case_id=case_id, state=case.state,
            state_label=state_labels(str(case.kind))[case.state],
        )  # fmt: skip
    for person in people:
        if not person["name"].strip():
            raise InvalidInput(code="input.name_empty", fields=("name",), whose="worker's")
        if person["birth_date"] >= today:
            raise InvalidInput(
                code="input.birth_date", fields=("birth_date",), value=person["birth_date"]
            )
    assigned = session.scalar(
        select(func.count()).select_from(CaseWorker).where(CaseWorker.case_id == case_id)
    )
    if assigned + len(people) > case.headcount:
        raise InvalidInput(
            code="input.too_many_workers", case_id=case_id, headcount=case.headcount,
            assigned=assigned,
        )  # fmt: skip
    workers = [
        Worker(
            name=p["name"].strip(),
            birth_date=p["birth_date"],
            gender=p.get("gender"),
            qualifications=p.get("qualifications") or [],
        )
        for p in people
    ]
    session.add_all(workers)
    session.flush()
    session.add_all(CaseWorker(case_id=case_id, worker_id=w.id) for w in workers)
    session.flush()
    read_version = {case_id: case.version}
    log = [
        next_log_row(
            case,
            EventRequest(case_id=case_id, event=ASSIGN_WORKER_EVENT, actor=actor, worker_id=w.id),
            case.state,
            today,
        )
        for w in workers
    ]
    write_back(session, [case], read_version, case_id)
    append_log(session, log, case_id)
    return workers


def set_terms(
    *,
    session: Session,
    case_id: int,
    terms: ContractTermsIn,
    actor: str,
    today: date,
    doc_ref: str | None = None,
    rules: CaseRules = CaseRules(),
    expected_version: int | None = None,
) -> LoggedEvent:
    """Store a validated terms file on a case and record fix_terms (内容確定); refused as a
    concurrent change when the case is no longer at `expected_version`."""
    case = read_cases(session, [case_id])[0].get(case_id)
    if case is None:
        raise NotFound(code="not_found.case", case_id=case_id)
    request = stage_terms(
        session=session,
        case=case,
        terms=terms,
        actor=actor,
        today=today,
        doc_ref=doc_ref,
        max_period_months=rules.max_period_months,
    )
    request.expected_version = expected_version
    return fire(session=session, request=request, today=today, rules=rules)


def stage_terms(
    *,
    session: Session,
    case,
    terms: ContractTermsIn,
    actor: str,
    today: date,
    doc_ref: str | None = None,
    max_period_months: int = 36,
) -> EventRequest:
    """Store the terms; return the fix_terms request that sets the case's dates and subsidy
    programme (fired alone by set_terms, or in a batch by fire_many)."""
    refuse_unknown_or_disallowed(case, "fix_terms")
    terms.check_for_case(kind=str(case.kind), max_period_months=max_period_months)
    # Each case uses the subsidy programme for its purpose in force on its start date (none
    # for a transfer).
    programme = (
        programme_on(terms.start_date, terms.purpose.value)
        if str(case.kind) == "secondment"
        else None
    )
    check_programme_wage(terms, programme)
    row = session.scalar(select(ContractTerms).where(ContractTerms.case_id == case.id))
    values = terms.model_dump()
    if row is None:
        row = ContractTerms(case_id=case.id, fixed_by=actor, fixed_on=today, **values)
        session.add(row)
    else:
        for key, value in values.items():
            setattr(row, key, value)
        row.fixed_by, row.fixed_on, row.updated_at = actor, today, utcnow()
    row.doc_ref = doc_ref
    return EventRequest(
        case_id=case.id,
        event="fix_terms",
        actor=actor,
        doc_ref=doc_ref,
        terms_valid=True,
        note=f"{terms.start_date}..{terms.end_date or ''}",
        case_values={
            "start_date": terms.start_date,
            "end_date": terms.end_date,
            "subsidy_programme": programme.key if programme else None,
        },
    )
