"""A registrant's steps through the machine: counsel, record_consent, introduce,
schedule_interview, offer, record_outcome, hire, close.

Every step reads what is recorded (consents by company, introductions), asks the guards and
names what is missing when they refuse, sends the event through the machine, appends the log
entry and writes the registrant with its version checked (optimistic locking, as for cases).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import cache
from types import SimpleNamespace

from sqlalchemy import bindparam, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from models import Company, Introduction, Opening, Registrant, RegistrantEvent
from models.bulk import DriverRows, DriverValues
from models.common import utcnow
from shukko.bank.retention import schedule_retention
from shukko.bank.rules import BankRules
from shukko.bank.targets import TARGETS
from shukko.cases.transitions import (
    allowed_in,
    failing_guards,
    refuse_disallowed,
    thread_machines,
)
from shukko.errors import ConcurrentChange, EventNotAllowed, InvalidInput, NotFound
from shukko.refusals import Refusal
from states import transition_table
from states.bank import (
    CLOSING_OUTCOMES,
    DECLINED,
    OFFERED,
    TRANSFER,
    RegistrantFacts,
    RegistrantGuards,
    bank_guard_reason,
)

KIND = "registrant"


@dataclass(frozen=True)
class BankEvent:
    """One step asked of a registrant."""

    registrant_id: int
    event: str
    actor: str
    on: date | None = None
    opening: str | None = None  # OFFICE:OPENING_ID
    note: str | None = None
    expected_version: int | None = None
    outcome: str | None = None  # record_outcome: rejected (不採用) or declined (辞退)
    start_on: date | None = None  # offer: the first day agreed (入社予定日)


# The step whose day may lie ahead: an interview is scheduled for a day to come.
DAY_AHEAD_EVENTS = ("schedule_interview",)


def hires_by_opening():
    """A subquery: (opening_id, hired) — the places each opening has filled."""
    return (
        select(Introduction.opening_id, func.count().label("hired"))
        .where(Introduction.hired_on.is_not(None))
        .group_by(Introduction.opening_id)
        .subquery()
    )


def open_on(day: date):
    """Openings open on a day: not closed, not past their date (有効期限)."""
    return Opening.is_open & (Opening.open_until.is_(None) | (Opening.open_until >= day))


@cache
def _facts_statements(programme: str):
    """A person's consents (by company; None: to every company) and introductions, as two
    statements built once per programme, not at every step (building them showed in a
    sampled profile of the demo year)."""
    target = TARGETS[programme]
    person = bindparam("registrant")
    consents = (
        select(target.table.company_id)
        .select_from(RegistrantEvent)
        .outerjoin(target.table, target.of(RegistrantEvent) == target.table.id)
        .where(RegistrantEvent.registrant_id == person, RegistrantEvent.event == "record_consent")
    )
    introductions = select(
        target.of(Introduction).label("target_id"),
        Introduction.interview_on,
        Introduction.outcome,
    ).where(Introduction.registrant_id == person)
    return consents, introductions


def registrant_facts(session: Session, registrant: Registrant) -> RegistrantFacts:
    consents, introduced = _facts_statements(registrant.programme)
    person = {"registrant": registrant.id}
    companies = list(session.execute(consents, person).scalars())
    introductions = session.execute(introduced, person).all()
    return RegistrantFacts(
        consented_all=None in companies,
        consented_companies={c for c in companies if c is not None},
        introduced_openings={row.target_id for row in introductions},
        interviews={
            row.target_id: row.interview_on for row in introductions if row.interview_on
        },
        outcomes={row.target_id: row.outcome for row in introductions if row.outcome},
        programme=registrant.programme,
        leaving_on=registrant.leaving_on,
    )


def get_registrant(session: Session, registrant_id: int) -> Registrant:
    registrant = session.get(Registrant, registrant_id)
    if registrant is None:
        raise NotFound(code="not_found.registrant", registrant_id=registrant_id)
    return registrant


STEP_COLUMNS = ("id", "state", "version", "last_seq", "last_activity_on", "programme",
                "leaving_on")  # fmt: skip


_STEP_VIEW = select(*(getattr(Registrant, name) for name in STEP_COLUMNS)).where(
    Registrant.id == bindparam("registrant")
)


def _step_view(session: Session, registrant_id: int):
    """What a step reads of a registrant: the session's own object where it holds one (its
    write is then checked against the version that object was read at), else the columns
    alone (loading the whole row as an object took about a fifth of a step in a sampled
    profile)."""
    held = session.identity_map.get(session.identity_key(Registrant, registrant_id))
    if held is not None:
        return held
    row = session.execute(_STEP_VIEW, {"registrant": registrant_id}).one_or_none()
    if row is None:
        raise NotFound(code="not_found.registrant", registrant_id=registrant_id)
    return SimpleNamespace(**dict(zip(STEP_COLUMNS, row, strict=True)))


def allowed_events(registrant: Registrant) -> list[str]:
    return allowed_in(KIND, registrant.state)


def blocking(registrant: Registrant, facts: RegistrantFacts, event: str, **arguments) -> list[str]:
    """Names of the guards of `event` that do not hold now, given the step's arguments
    (opening, note, on, outcome)."""
    target = transition_table(KIND).get((registrant.state, event))
    if target is None:
        return []
    check = RegistrantGuards()
    check.facts = facts
    return failing_guards(check, target[1], arguments)


# The write of a registrant, as a case's (shukko.cases.log): the values a step sets, then the
# row's id and the version it was read at (the WHERE).
REGISTRANT_WRITE = ("state", "version", "last_seq", "last_activity_on", "updated_at", "id",
                    "version")  # fmt: skip


def _write_registrant(session: Session, registrant, read_version: int) -> None:
    """One UPDATE guarded by the version the step read; a registrant changed meanwhile
    voids the step (ConcurrentChange, rolled back)."""
    writer = DriverRows(session, Registrant.__table__, REGISTRANT_WRITE)
    values = DriverValues(Registrant.__table__, REGISTRANT_WRITE, writer.connection.dialect)
    sets = {
        "state": registrant.state,
        "version": read_version + 1,
        "last_seq": registrant.last_seq,
        "last_activity_on": registrant.last_activity_on,
        "updated_at": registrant.updated_at,
    }
    row = values.row([sets[name] for name in REGISTRANT_WRITE[:-2]] + [registrant.id, read_version])
    if writer.update_where([tuple(row)], keys=2) != 1:
        session.rollback()
        raise ConcurrentChange(registrant.id, what=KIND)


def _record_introduction(session: Session, registrant, request: BankEvent, target_row,
                         on: date) -> None:  # fmt: skip
    """紹介, 採用面接, 内定, 不採用・辞退 and 採用 on the introduction to the target; a person who
    leaves the support while holding an offer declines it (its place is the offer's again)."""
    target = TARGETS[registrant.programme]
    if request.event == "close":
        session.execute(
            update(Introduction)
            .where(
                Introduction.registrant_id == registrant.id,
                Introduction.outcome == OFFERED,
                Introduction.hired_on.is_(None),
            )
            .values(outcome=DECLINED, outcome_on=on)
        )
        return
    if request.event == "introduce":
        introduction = Introduction(registrant_id=registrant.id, introduced_on=on)
        setattr(introduction, target.column, target_row.id)
        session.add(introduction)
        return
    if request.event == "schedule_interview":
        values = {"interview_on": on}
    elif request.event == "offer":
        values = {"outcome": OFFERED, "outcome_on": on, "start_on": request.start_on}
    elif request.event == "record_outcome":
        values = {"outcome": request.outcome, "outcome_on": on}
    elif request.event == "hire":
        values = {"hired_on": on}
    else:
        return
    session.execute(  # one UPDATE; an introduction this session holds is kept in step
        update(Introduction)
        .where(
            Introduction.registrant_id == registrant.id, target.of(Introduction) == target_row.id
        )
        .values(values)
    )


def fire_bank_event(
    *, session: Session, request: BankEvent, today: date, rules: BankRules = BankRules()
) -> dict:
    """Send one event to one registrant; returns the log entry as data (no name)."""
    registrant = _step_view(session, request.registrant_id)
    if request.expected_version is not None and registrant.version != request.expected_version:
        raise ConcurrentChange(registrant.id, what=KIND)
    refuse_disallowed(KIND, registrant.state, request.event, KIND, registrant.id)
    on = request.on or today
    if on > today and request.event not in DAY_AHEAD_EVENTS:
        raise InvalidInput(code="input.date_in_future", fields=("at",), field="at", day=on)
    if request.outcome is not None and request.outcome not in CLOSING_OUTCOMES:
        raise InvalidInput(code="input.outcome", fields=("outcome",), value=request.outcome)
    target = TARGETS[registrant.programme]
    opening = target.find(session, request.opening) if request.opening else None
    guards = transition_table(KIND).get((registrant.state, request.event), (None, ()))[1]
    snapshot = None
    if opening is not None:
        places = "opening_available" in guards
        snapshot = target.facts(session, opening, min(on, today), places=places,
                                holder=registrant.id)  # fmt: skip
    facts = registrant_facts(session, registrant)
    arguments = {"opening": snapshot, "note": request.note, "on": on, "outcome": request.outcome}
    missing = blocking(registrant, facts, request.event, **arguments)
    if missing:
        company = session.get(Company, opening.company_id).name if opening else ""
        reasons = [
            Refusal(*bank_guard_reason(g, snapshot, company, facts.leaving_on)) for g in missing
        ]
        raise EventNotAllowed(
            code="bank.blocked",
            fields=tuple(f for reason in reasons for f in reason.fields),
            missing=missing,
            registrant_id=registrant.id,
            event=request.event,
            reasons=reasons,
        )
    before, read_version = registrant.state, registrant.version
    # The machine moves a plain copy; the registrant is written below, version-checked as a
    # case is, and the session's object read afresh.
    moved = SimpleNamespace(
        id=registrant.id, state=before, last_seq=registrant.last_seq + 1, kind=KIND,
        last_activity_on=max(registrant.last_activity_on, min(on, today)), updated_at=utcnow(),
    )  # fmt: skip
    thread_machines().send(moved, facts, request.event, arguments)  # one machine, re-pointed
    _record_introduction(session, registrant, request, opening, on)
    if request.event == "hire" and registrant.programme == TRANSFER:
        schedule_retention(session, registrant.id, on, rules.retention_months)
    _write_registrant(session, moved, read_version)
    if isinstance(registrant, Registrant):
        session.expire(registrant)  # written around it: read afresh when next used
    entry = RegistrantEvent(
        registrant_id=moved.id,
        seq=moved.last_seq,
        event=request.event,
        from_state=before,
        to_state=moved.state,
        actor=request.actor,
        occurred_on=on,
        note=request.note,
    )
    if opening is not None:
        setattr(entry, target.column, opening.id)
    session.add(entry)
    try:
        session.flush()
    except IntegrityError:  # its (registrant, seq) taken meanwhile: a lost race
        session.rollback()
        raise ConcurrentChange(request.registrant_id, what=KIND) from None
    return {
        "registrant_id": moved.id,
        "seq": entry.seq,
        "event": entry.event,
        "from": before,
        "to": moved.state,
        "on": on,
        "opening": snapshot.key if snapshot else None,
        "version": read_version + 1,
    }
