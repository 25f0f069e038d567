"""The transition service: the one place where a case's machine is bound, fired and logged.

Every transition and every recorded fact appends a CaseEvent with the next sequence number
and bumps the case's version, so two operators acting on one case at once cannot both win.
Functions here flush but do not commit: the caller (a CLI command or a flow task) owns the
transaction, which lets the nightly path fire many events in one commit.
"""

from __future__ import annotations

import inspect
from dataclasses import dataclass
from datetime import date
from functools import cache
from types import SimpleNamespace

from sqlalchemy import bindparam, func, insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError
from sqlmodel import Session

from models import Case, CaseEvent, CaseKind, CaseWorker, ContractTerms, Worker
from models.common import utcnow
from shukko.errors import ConcurrentChange, EventNotAllowed, InvalidInput, NotFound
from shukko.facts import FACT_EVENTS, load_facts, pending_consent
from shukko.followups import SCHEDULE_EVENTS, refresh
from shukko.subsidy import programme_on
from shukko.terms import ContractTermsIn
from states import (
    CREATE_EVENT,
    CaseFacts,
    GuardCheck,
    RowHandle,
    event_names,
    final_states,
    guard_message,
    initial_state,
    machine_class,
    state_labels,
    transition_table,
)

ASSIGN_WORKER_EVENT = "assign_worker"  # a recorded fact outside the machine: state unchanged
DEFAULT_MAX_PERIOD_MONTHS = 36


@dataclass
class EventRequest:
    """One event to send to one case, with what the operator said about it."""

    case_id: int
    event: str
    actor: str
    on: date | None = None  # the date of the step or fact (--at); today when None
    note: str | None = None
    doc_ref: str | None = None
    worker_id: int | None = None
    end_date: date | None = None  # extend: the new end date
    terms_valid: bool = False  # fix_terms: set only by set_terms after validating a file
    expected_version: int | None = None  # optimistic check against what the operator saw


def get_case(*, session: Session, case_id: int) -> Case:
    """A case by id, or a NotFound that says so."""
    case = session.get(Case, case_id)
    if case is None:
        raise NotFound(f"case {case_id} does not exist (see `shukko case list`)")
    return case


def allowed_now(case: Case) -> list[str]:
    """Events the case's state accepts, before any guard is asked."""
    return [event for (state, event) in transition_table(case.kind) if state == case.state]


def blocking_guards(case: Case, facts: CaseFacts, event: str, arguments: dict) -> list[str]:
    """Names of the guards of `event` that do not hold now (empty when it may fire)."""
    target = transition_table(case.kind).get((case.state, event))
    if target is None:
        return []
    check = GuardCheck(facts)
    missing = []
    for guard in target[1]:
        wanted = _guard_parameters(guard)
        if not getattr(check, guard)(**{name: arguments.get(name) for name in wanted}):
            missing.append(guard)
    return missing


@cache
def _guard_parameters(guard: str) -> tuple[str, ...]:
    return tuple(inspect.signature(getattr(GuardCheck, guard)).parameters)[1:]


class MachinePool:
    """One machine per case kind for a batch, re-pointed at each case through a RowHandle."""

    def __init__(self) -> None:
        self._machines: dict[str, tuple[RowHandle, object]] = {}

    def send(self, case: Case, facts: CaseFacts, event: str, arguments: dict) -> None:
        kind = str(case.kind)
        if kind not in self._machines:
            handle = RowHandle(case)
            self._machines[kind] = (handle, machine_class(kind)(handle, facts))
        handle, machine = self._machines[kind]
        handle.row = case
        machine.facts = facts
        machine.send(event, **arguments)
        if case.state in final_states(kind):
            # A machine that reached a final state stops its engine: build a fresh one next.
            del self._machines[kind]


def _refuse_unknown_or_disallowed(case: Case, event: str) -> None:
    kind = str(case.kind)
    if event not in event_names(kind):
        raise EventNotAllowed(
            f"'{event}' is not an event of a {kind} case; its events are: "
            + ", ".join(event_names(kind))
        )
    if (case.state, event) not in transition_table(kind):
        label = state_labels(kind)[case.state]
        if case.state in final_states(kind):
            raise EventNotAllowed(
                f"case {case.id} is {case.state} ({label}), a final state: it accepts no events"
            )
        raise EventNotAllowed(
            f"'{event}' is not allowed while case {case.id} is {case.state} ({label}); "
            f"allowed now: {', '.join(allowed_now(case))}"
        )


def _resolve_consenting_worker(session: Session, request: EventRequest) -> int | None:
    pending = pending_consent(session=session, case_id=request.case_id)
    if request.worker_id is not None:
        if request.worker_id not in pending:
            assigned = session.scalar(
                select(CaseWorker.id).where(
                    CaseWorker.case_id == request.case_id,
                    CaseWorker.worker_id == request.worker_id,
                )
            )
            reason = "has already consented" if assigned else "is not assigned to this case"
            raise InvalidInput(f"worker {request.worker_id} {reason}")
        return request.worker_id
    if len(pending) > 1:
        raise InvalidInput(
            "several workers have not consented yet (ids "
            + ", ".join(map(str, pending))
            + "): name one with --worker"
        )
    return pending[0] if pending else None


def fire(
    *,
    session: Session,
    request: EventRequest,
    today: date,
    max_period_months: int = DEFAULT_MAX_PERIOD_MONTHS,
    case: Case | None = None,
) -> CaseEvent:
    """Send one event to one case, append its log entry and flush (the CLI path), so that a
    lost race shows at once; raise a plain-words refusal when the event may not fire."""
    case = case or get_case(session=session, case_id=request.case_id)
    row = _transition(session, case, request, today, max_period_months, None, None)
    entry = CaseEvent(**row)
    session.add(entry)
    flush_or_conflict(session, case.id)
    if request.event in SCHEDULE_EVENTS:
        # Keep the case's follow-ups current at once (the nightly run does it in bulk).
        from config import get_settings

        refresh(session, [case.id], as_of=today, settings=get_settings())
    return entry


def fire_many(
    *,
    session: Session,
    requests: list[EventRequest],
    today: date,
    max_period_months: int = DEFAULT_MAX_PERIOD_MONTHS,
) -> tuple[list[dict], list[tuple[EventRequest, str]]]:
    """Fire a batch of events (the nightly path): facts loaded in bulk, machines reused, the
    log rows inserted in one statement, one flush for the batch.

    Returns the log rows written and the refused requests with their reasons; a refusal does
    not stop the batch. A lost race with an operator raises ConcurrentChange for the whole
    batch (rolled back), so that a re-run starts from what is stored.
    """
    ids = sorted({request.case_id for request in requests})
    table = Case.__table__
    # Plain rows rather than ORM objects: the batch writes them back in one statement.
    cases = {
        row["id"]: SimpleNamespace(**row)
        for row in session.execute(select(table).where(table.c.id.in_(ids))).mappings()
    }
    read_version = {case_id: case.version for case_id, case in cases.items()}
    facts = load_facts(
        session=session, cases=list(cases.values()), max_period_months=max_period_months
    )
    pool = MachinePool()
    rows: list[dict] = []
    refused: list[tuple[EventRequest, str]] = []
    for request in requests:
        case = cases.get(request.case_id)
        if case is None:
            refused.append((request, f"case {request.case_id} does not exist"))
            continue
        try:
            rows.append(
                _transition(session, case, request, today, max_period_months, facts[case.id], pool)
            )
        except (EventNotAllowed, InvalidInput) as exc:
            refused.append((request, str(exc)))
    if rows:
        _write_back(
            session, [cases[i] for i in dict.fromkeys(r["case_id"] for r in rows)], read_version
        )
        try:
            session.execute(insert(CaseEvent), rows)
        except IntegrityError:
            session.rollback()
            raise ConcurrentChange(None) from None
    return rows, refused


def _write_back(session: Session, cases: list, read_version: dict[int, int]) -> None:
    """One UPDATE statement for the batch, each row guarded by the version it was read at."""
    table = Case.__table__
    statement = (
        table.update()
        .where(table.c.id == bindparam("b_id"), table.c.version == bindparam("b_read"))
        .values(
            state=bindparam("b_state"),
            version=bindparam("b_version"),
            last_seq=bindparam("b_seq"),
            start_date=bindparam("b_start"),
            end_date=bindparam("b_end"),
            updated_at=bindparam("b_updated"),
        )
    )
    params = [
        {
            "b_id": case.id,
            "b_read": read_version[case.id],
            "b_state": case.state,
            "b_version": read_version[case.id] + 1,
            "b_seq": case.last_seq,
            "b_start": case.start_date,
            "b_end": case.end_date,
            "b_updated": case.updated_at,
        }
        for case in cases
    ]
    result = session.connection().execute(statement, params)
    if result.rowcount != len(params):
        session.rollback()
        raise ConcurrentChange(None)
    for case in cases:  # the session may hold these cases as objects: read them afresh
        loaded = session.identity_map.get(session.identity_key(Case, case.id))
        if loaded is not None:
            session.expire(loaded)


def _transition(
    session: Session,
    case: Case,
    request: EventRequest,
    today: date,
    max_period_months: int,
    facts: CaseFacts | None,
    pool: MachinePool | None,
) -> dict:
    """Check, send and account for one event; returns the log row to append."""
    if request.expected_version is not None and case.version != request.expected_version:
        raise ConcurrentChange(case.id)
    _refuse_unknown_or_disallowed(case, request.event)
    if request.event == "record_consent":
        request.worker_id = _resolve_consenting_worker(session, request)
    if facts is None:
        facts = load_facts(session=session, cases=[case], max_period_months=max_period_months)[
            case.id
        ]
    arguments = {
        "on": request.on or today,
        "note": request.note,
        "date_given": request.on is not None,
        "worker_id": request.worker_id,
        "terms_valid": request.terms_valid,
        "end_date": request.end_date,
    }
    missing = blocking_guards(case, facts, request.event, arguments)
    if missing:
        raise EventNotAllowed(
            f"case {case.id}: cannot {request.event}: "
            + "; ".join(guard_message(name, facts) for name in missing),
            missing=missing,
        )
    before = case.state
    if pool is None:
        machine_class(case.kind)(case, facts).send(request.event, **arguments)
    else:
        pool.send(case, facts, request.event, arguments)
    _learn(facts, case, request)
    return _next_log_row(case, request, before, arguments["on"])


def _learn(facts: CaseFacts, case: Case, request: EventRequest) -> None:
    """Keep a batch's fact snapshot true after an event, without reading the log again."""
    if request.event in FACT_EVENTS:
        setattr(facts, FACT_EVENTS[request.event], True)
    elif request.event == "record_consent":
        facts.workers_consented += 1
    elif request.event == "fix_terms":
        facts.terms_fixed = True
    facts.start_date, facts.end_date = case.start_date, case.end_date


def _next_log_row(case: Case, request: EventRequest, before: str | None, on: date) -> dict:
    """Advance the case's sequence and describe its new log entry."""
    case.last_seq += 1
    case.updated_at = utcnow()  # always an UPDATE, so the version check always runs
    return {
        "case_id": case.id,
        "seq": case.last_seq,
        "event": request.event,
        "from_state": before,
        "to_state": case.state,
        "actor": request.actor,
        "occurred_on": on,
        "note": request.note,
        "doc_ref": request.doc_ref,
        "worker_id": request.worker_id,
    }


def _append(
    session: Session, case: Case, request: EventRequest, before: str | None, on: date
) -> CaseEvent:
    """Log a recorded fact outside the machine (creation, worker assignment) and flush."""
    entry = CaseEvent(**_next_log_row(case, request, before, on))
    session.add(entry)
    flush_or_conflict(session, case.id)
    return entry


def flush_or_conflict(session: Session, case_id: int | None) -> None:
    """Flush; a lost optimistic-locking race becomes a ConcurrentChange."""
    try:
        session.flush()
    except (StaleDataError, IntegrityError) as exc:
        session.rollback()
        if isinstance(exc, IntegrityError) and "seq" not in str(exc.orig).lower():
            raise
        raise ConcurrentChange(case_id) from None


def open_case(
    *,
    session: Session,
    kind: CaseKind,
    sending_offer_id: int,
    receiving_offer_id: int,
    headcount: int,
    actor: str,
    today: date,
    note: str | None = None,
) -> Case:
    """Create a case in its initial state and log its creation as event 1."""
    from models import ReceivingOffer, SendingOffer

    sending = session.get(SendingOffer, sending_offer_id)
    receiving = session.get(ReceivingOffer, receiving_offer_id)
    if sending is None or receiving is None:
        raise NotFound("the sending or receiving offer does not exist")
    problems = []
    for side, offer in (("sending", sending), ("receiving", receiving)):
        if offer.kind not in (kind.value, "either"):
            problems.append(f"the {side} offer is for {offer.kind}, not {kind.value}")
        if headcount > offer.headcount:
            problems.append(f"headcount {headcount} exceeds the {side} offer's {offer.headcount}")
    if sending.company_id == receiving.company_id:
        problems.append("the sending and receiving company are the same company")
    if headcount < 1:
        problems.append("headcount must be at least 1")
    if problems:
        raise InvalidInput("cannot open the case: " + "; ".join(problems))
    initial = initial_state(str(kind))
    case = Case(
        kind=kind,
        state=initial,
        sending_offer_id=sending_offer_id,
        receiving_offer_id=receiving_offer_id,
        headcount=headcount,
        created_by=actor,
    )
    session.add(case)
    session.flush()
    request = EventRequest(case_id=case.id, event=CREATE_EVENT, actor=actor, note=note)
    _append(session, case, request, None, today)
    return case


def open_cases_bulk(*, session: Session, cases: list[dict], actor: str, today: date) -> list[int]:
    """Open many checked cases at once (matching's proposals), each logged as event 1.

    Each dict holds kind, sending_offer_id, receiving_offer_id, headcount and may hold score,
    score_breakdown and note. The caller has checked the pairs (kinds, headcounts,
    companies), as the matching constraints do.
    """
    if not cases:
        return []
    now = utcnow()
    table = Case.__table__
    rows = [
        {
            "kind": str(c["kind"]),
            "state": initial_state(str(c["kind"])),
            "version": 1,
            "last_seq": 1,
            "sending_offer_id": c["sending_offer_id"],
            "receiving_offer_id": c["receiving_offer_id"],
            "headcount": c["headcount"],
            "score": c.get("score"),
            "score_breakdown": c.get("score_breakdown"),
            "created_by": actor,
            "created_at": now,
            "updated_at": now,
        }
        for c in cases
    ]
    ids = list(
        session.execute(
            table.insert().returning(table.c.id, sort_by_parameter_order=True), rows
        ).scalars()
    )
    session.execute(
        CaseEvent.__table__.insert(),
        [
            {
                "case_id": case_id,
                "seq": 1,
                "event": CREATE_EVENT,
                "from_state": None,
                "to_state": row["state"],
                "actor": actor,
                "occurred_on": today,
                "note": case.get("note"),
                "recorded_at": now,
            }
            for case_id, row, case in zip(ids, rows, cases, strict=True)
        ],
    )
    return ids


def assign_worker(
    *,
    session: Session,
    case_id: int,
    name: str,
    birth_date: date,
    actor: str,
    today: date,
    gender: str | None = None,
    qualifications: list[str] | None = None,
) -> Worker:
    """出向対象労働者: record the worker selected for a case (personal data in its own table)."""
    person = {
        "name": name,
        "birth_date": birth_date,
        "gender": gender,
        "qualifications": qualifications or [],
    }
    return assign_workers(
        session=session, case_id=case_id, people=[person], actor=actor, today=today
    )[0]


def assign_workers(
    *, session: Session, case_id: int, people: list[dict], actor: str, today: date
) -> list[Worker]:
    """Several workers for one case at once (name, birth_date, optional gender and
    qualifications each), each logged as an assign_worker event; one flush."""
    case = get_case(session=session, case_id=case_id)
    if case.state in final_states(case.kind) or case.state in ("contracted", "active"):
        raise EventNotAllowed(
            f"case {case_id} is {case.state}: workers are assigned before the contract"
        )
    for person in people:
        if not person["name"].strip():
            raise InvalidInput("--name: the worker's name is empty")
        if person["birth_date"] >= today:
            raise InvalidInput(f"--birth-date: {person['birth_date']} is not in the past")
    assigned = session.scalar(
        select(func.count()).select_from(CaseWorker).where(CaseWorker.case_id == case_id)
    )
    if assigned + len(people) > case.headcount:
        raise InvalidInput(
            f"case {case_id} is for {case.headcount} person(s) and "
            f"{assigned} worker(s) are already assigned"
        )
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
    for worker in workers:
        session.add(CaseWorker(case_id=case_id, worker_id=worker.id))
        request = EventRequest(
            case_id=case_id, event=ASSIGN_WORKER_EVENT, actor=actor, worker_id=worker.id
        )
        session.add(CaseEvent(**_next_log_row(case, request, case.state, today)))
    flush_or_conflict(session, case.id)
    return workers


def set_terms(
    *,
    session: Session,
    case_id: int,
    terms: ContractTermsIn,
    actor: str,
    today: date,
    doc_ref: str | None = None,
    max_period_months: int = DEFAULT_MAX_PERIOD_MONTHS,
) -> CaseEvent:
    """Store a validated terms file on a case and record fix_terms (内容確定)."""
    case = get_case(session=session, case_id=case_id)
    request = stage_terms(
        session=session,
        case=case,
        terms=terms,
        actor=actor,
        today=today,
        doc_ref=doc_ref,
        max_period_months=max_period_months,
    )
    return fire(
        session=session,
        request=request,
        today=today,
        max_period_months=max_period_months,
        case=case,
    )


def stage_terms(
    *,
    session: Session,
    case: Case,
    terms: ContractTermsIn,
    actor: str,
    today: date,
    doc_ref: str | None = None,
    max_period_months: int = DEFAULT_MAX_PERIOD_MONTHS,
) -> EventRequest:
    """Store the terms and the case's dates; return the fix_terms request to fire (alone by
    set_terms, or in a batch by fire_many after a flush)."""
    _refuse_unknown_or_disallowed(case, "fix_terms")
    terms.check_for_case(kind=str(case.kind), max_period_months=max_period_months)
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
    case.start_date, case.end_date = terms.start_date, terms.end_date
    # Each case uses the subsidy programme in force on its start date (none for a transfer).
    programme = programme_on(terms.start_date) if case.kind == CaseKind.secondment else None
    case.subsidy_programme = programme.key if programme else None
    return EventRequest(
        case_id=case.id,
        event="fix_terms",
        actor=actor,
        doc_ref=doc_ref,
        terms_valid=True,
        note=f"{terms.start_date}..{terms.end_date or ''}",
    )
