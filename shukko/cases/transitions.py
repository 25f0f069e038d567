"""The transition service: the one place where a case's machine is fired and its log written.

One event (`fire`, an operator's command or a web form) and a batch (`fire_many`, the nightly
run and the demo's consultants) take the same path: the cases are read as plain rows, their
facts loaded, each event checked and sent through the case kind's machine, and the cases
written back by one UPDATE that is guarded by the version each was read at, their log rows
appended by one INSERT, and the follow-ups of cases whose plan moved derived again. So two
operators acting on one case at once cannot both win, whichever path they come by.

Functions here flush but do not commit: the caller owns the transaction.
"""

from __future__ import annotations

import inspect
import threading
from dataclasses import dataclass
from datetime import date
from functools import cache
from types import SimpleNamespace

from sqlalchemy import select
from sqlmodel import Session

from models import Case, CaseWorker
from shukko.case_rules import CaseRules
from shukko.cases.facts import CASE_COLUMNS, pending_consent, read_cases_with_facts
from shukko.cases.followups import SCHEDULE_EVENTS, refresh
from shukko.cases.log import SETTABLE, EventRequest, append_log, next_log_row, write_back
from shukko.errors import ConcurrentChange, EventNotAllowed, InvalidInput, NotFound
from shukko.refusals import Refusal
from states import (
    FACT_EVENTS,
    CaseFacts,
    GuardCheck,
    RowHandle,
    event_names,
    final_states,
    guard_reason,
    machine_class,
    state_labels,
    transition_table,
)


@dataclass(frozen=True)
class LoggedEvent:
    """An entry appended to a case's log (履歴)."""

    case_id: int
    seq: int
    event: str
    from_state: str | None
    to_state: str
    actor: str
    occurred_on: date
    note: str | None = None
    doc_ref: str | None = None
    worker_id: int | None = None


def guard_arguments(
    *,
    on: date,
    date_given: bool = False,
    note: str | None = None,
    worker_id: int | None = None,
    terms_valid: bool = False,
    end_date: date | None = None,
    doc_ref: str | None = None,
) -> dict:
    """The arguments every guard and callback may ask for: built here and nowhere else."""
    return {
        "on": on,
        "note": note,
        "date_given": date_given,
        "worker_id": worker_id,
        "terms_valid": terms_valid,
        "end_date": end_date,
        "doc_ref": doc_ref,
    }


def request_arguments(request: EventRequest, today: date) -> dict:
    return guard_arguments(
        on=request.on or today,
        date_given=request.on is not None,
        note=request.note,
        worker_id=request.worker_id,
        terms_valid=request.terms_valid,
        end_date=request.end_date,
        doc_ref=request.doc_ref,
    )


def allowed_in(kind: str, state: str) -> list[str]:
    """Events a machine's state accepts, before any guard is asked."""
    return [event for (source, event) in transition_table(kind) if source == state]


def allowed_now(case) -> list[str]:
    """Events the case's state accepts, before any guard is asked."""
    return allowed_in(str(case.kind), case.state)


def failing_guards(check, guards: tuple[str, ...], arguments: dict) -> list[str]:
    """Names of `guards` that do not hold, asked of `check` (an object with the machine's
    guard methods and its facts) with the event's arguments each guard takes."""
    missing = []
    for guard in guards:
        wanted = _guard_parameters(type(check), guard)
        if not getattr(check, guard)(**{name: arguments.get(name) for name in wanted}):
            missing.append(guard)
    return missing


def blocking_guards(case, facts: CaseFacts, event: str, arguments: dict) -> list[str]:
    """Names of the guards of `event` that do not hold now (empty when it may fire)."""
    target = transition_table(case.kind).get((case.state, event))
    if target is None:
        return []
    return failing_guards(GuardCheck(facts), target[1], arguments)


@cache
def _guard_parameters(check_class: type, guard: str) -> tuple[str, ...]:
    return tuple(inspect.signature(getattr(check_class, guard)).parameters)[1:]


class MachinePool:
    """One machine per machine kind (a case's, or a registrant's: `row.kind`), re-pointed at
    each row through a RowHandle (building a
    python-statemachine machine costs about 0.7 ms; sending through one about 0.07 ms)."""

    def __init__(self) -> None:
        self._machines: dict[str, tuple[RowHandle, object]] = {}

    def send(self, case, facts: CaseFacts, event: str, arguments: dict) -> None:
        kind = str(case.kind)
        if kind not in self._machines:
            handle = RowHandle(case)
            self._machines[kind] = (handle, machine_class(kind)(handle, facts))
        handle, machine = self._machines[kind]
        handle.row = case
        machine.facts = facts
        try:
            machine.send(event, **arguments)
        except BaseException:
            del self._machines[kind]  # never reuse a machine left midway
            raise
        if case.state in final_states(kind):
            # A machine that reached a final state stops its engine: build a fresh one next.
            del self._machines[kind]


_local = threading.local()


def thread_machines() -> MachinePool:
    """The machines of this thread, kept between single events (a request, a command, a
    registrant's step)."""
    if not hasattr(_local, "pool"):
        _local.pool = MachinePool()
    return _local.pool


def refuse_unknown_or_disallowed(case, event: str) -> None:
    """Raise EventNotAllowed unless the case's state accepts the event."""
    refuse_disallowed(str(case.kind), case.state, event, "case", case.id)


def refuse_disallowed(kind: str, state: str, event: str, subject: str, subject_id: int) -> None:
    """Raise EventNotAllowed unless the machine `kind` accepts `event` in `state`;
    `subject` and `subject_id` name the one asked ("case", 7)."""
    if event not in event_names(kind):
        raise EventNotAllowed(
            code="event.unknown",
            event=event,
            kind=kind,
            subject=subject,
            events=", ".join(event_names(kind)),
        )
    if (state, event) not in transition_table(kind):
        where = {"subject": subject, "subject_id": subject_id, "state": state,
                 "state_label": state_labels(kind)[state]}  # fmt: skip
        if state in final_states(kind):
            raise EventNotAllowed(code="event.final", **where)
        raise EventNotAllowed(
            code="event.not_allowed",
            event=event,
            allowed=", ".join(allowed_in(kind, state)),
            **where,
        )


def fire(
    *, session: Session, request: EventRequest, today: date, rules: CaseRules = CaseRules()
) -> LoggedEvent:
    """Send one event to one case and append its log entry (the operator's path); raise a
    plain-words refusal when it may not fire, ConcurrentChange when someone else won."""
    rows, _refused = _fire(session, [request], today, rules, single=True)
    return LoggedEvent(**rows[0])


def fire_many(
    *,
    session: Session,
    requests: list[EventRequest],
    today: date,
    rules: CaseRules = CaseRules(),
    follow_up_counts: dict[str, int] | None = None,
) -> tuple[list[dict], list[tuple[EventRequest, str]]]:
    """Fire a batch of events (the nightly path) through the same write as `fire`.

    Returns the log rows written and the refused requests with their reasons; a refusal does
    not stop the batch. A lost race raises ConcurrentChange for the whole batch (rolled
    back), so that a re-run starts from what is stored. `follow_up_counts` adds up what the
    follow-up refresh did (scheduled, cancelled, done), for a run that reports it.
    """
    return _fire(session, requests, today, rules, single=False, counts=follow_up_counts)


def _fire(
    session: Session,
    requests: list[EventRequest],
    today: date,
    rules: CaseRules,
    *,
    single: bool,
    counts: dict[str, int] | None = None,
) -> tuple[list[dict], list[tuple[EventRequest, str]]]:
    cases, facts = read_cases(session, sorted({r.case_id for r in requests}), rules)
    read_version = {case_id: case.version for case_id, case in cases.items()}
    pool = thread_machines() if single else MachinePool()
    rows: list[dict] = []
    refused: list[tuple[EventRequest, str]] = []
    for request in requests:
        case = cases.get(request.case_id)
        try:
            if case is None:
                raise NotFound(code="not_found.case", case_id=request.case_id)
            rows.append(_transition(session, case, request, today, facts[case.id], pool))
        except (NotFound, EventNotAllowed, InvalidInput) as exc:
            if single:
                raise
            refused.append((request, str(exc)))
    if rows:
        touched = list(dict.fromkeys(row["case_id"] for row in rows))
        conflict = requests[0].case_id if single else None
        write_back(session, [cases[i] for i in touched], read_version, conflict)
        append_log(session, rows, conflict)
        moved = sorted({row["case_id"] for row in rows if row["event"] in SCHEDULE_EVENTS})
        if moved:  # keep the cases' follow-ups current at once
            done = refresh(session, moved, as_of=today, plan=rules.follow_up)
            if counts is not None:
                for key, value in done.items():
                    counts[key] = counts.get(key, 0) + value
    return rows, refused


def read_cases(
    session: Session, ids: list[int], rules: CaseRules = CaseRules()
) -> tuple[dict[int, SimpleNamespace], dict[int, CaseFacts]]:
    """The cases as plain rows, with their facts, in one query. A case this session already
    holds is taken as held, so the write is checked against the version its reader saw (an
    operator's stale view loses)."""
    session.flush()  # workers assigned or terms stored in this transaction come first
    cases, facts = read_cases_with_facts(session, ids, rules.max_period_months)
    for case_id in cases:
        held = session.identity_map.get(session.identity_key(Case, case_id))
        if held is not None:
            cases[case_id] = SimpleNamespace(**{c: getattr(held, c) for c in CASE_COLUMNS})
    return cases, facts


def _transition(
    session: Session,
    case: SimpleNamespace,
    request: EventRequest,
    today: date,
    facts: CaseFacts,
    pool: MachinePool,
) -> dict:
    """Check, send and account for one event; returns the log row to append."""
    if request.expected_version is not None and case.version != request.expected_version:
        raise ConcurrentChange(case.id)
    refuse_unknown_or_disallowed(case, request.event)
    if request.event == "record_consent":
        request.worker_id = _resolve_consenting_worker(session, request)
    arguments = request_arguments(request, today)
    missing = blocking_guards(case, facts, request.event, arguments)
    if missing:
        raise EventNotAllowed(
            code="guard.blocked",
            fields=tuple(f for name in missing for f in guard_reason(name, facts).fields),
            missing=missing,
            case_id=case.id,
            event=request.event,
            reasons=[Refusal(*guard_reason(name, facts)) for name in missing],
        )
    before = case.state
    for name, value in request.case_values.items():
        if name not in SETTABLE:
            raise ValueError(f"an event cannot set the case's {name}")
        setattr(case, name, value)
    pool.send(case, facts, request.event, arguments)
    _learn(facts, case, request)
    return next_log_row(case, request, before, arguments["on"])


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
            code = "input.worker_already_consented" if assigned else "input.worker_not_assigned"
            raise InvalidInput(code=code, fields=("worker",), worker_id=request.worker_id)
        return request.worker_id
    if len(pending) > 1:
        raise InvalidInput(
            code="input.workers_pending", fields=("worker",), workers=", ".join(map(str, pending))
        )
    return pending[0] if pending else None


def _learn(facts: CaseFacts, case, request: EventRequest) -> None:
    """Keep a batch's fact snapshot true after an event, without reading the log again."""
    if request.event in FACT_EVENTS:
        setattr(facts, FACT_EVENTS[request.event], True)
    elif request.event == "record_consent":
        facts.workers_consented += 1
    elif request.event == "fix_terms":
        facts.terms_fixed = True
    facts.start_date, facts.end_date = case.start_date, case.end_date
