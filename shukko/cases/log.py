"""A case's write and its log (履歴): one UPDATE for the cases a step or a batch moved, each
row guarded by the version it was read at, and one INSERT of their log rows, in the driver's
own terms (values through the columns' SQLAlchemy types), where SQLAlchemy's statement
handling cost more than the database's work on an operator's path."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from models import Case, CaseEvent
from models.bulk import DriverRows, DriverValues
from models.common import utcnow
from shukko.errors import ConcurrentChange

# The case values an event may set besides its state (fix_terms: the contract's dates).
SETTABLE = ("start_date", "end_date", "subsidy_programme")
# What the write sets on a case: its state, version, sequence and dates.
SETTABLE_ON_WRITE = ("state", "version", "last_seq", *SETTABLE, "updated_at")


@dataclass
class EventRequest:
    """One event to send to one case, with what the operator said about it."""

    case_id: int
    event: str
    actor: str
    on: date | None = None  # the date of the step or fact; today when None
    note: str | None = None
    doc_ref: str | None = None
    worker_id: int | None = None
    end_date: date | None = None  # extend: the new end date
    terms_valid: bool = False  # fix_terms: set only after validating a terms file
    expected_version: int | None = None  # optimistic check against what the operator saw
    case_values: dict = field(default_factory=dict)  # fix_terms: start, end, programme


def next_log_row(case, request: EventRequest, before: str | None, on: date) -> dict:
    """Advance the case's sequence and describe its new log entry."""
    case.last_seq += 1
    case.updated_at = utcnow()
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


CASE_WRITE = (*SETTABLE_ON_WRITE, "id", "version")
LOG_COLUMNS = (
    "case_id",
    "seq",
    "event",
    "from_state",
    "to_state",
    "actor",
    "occurred_on",
    "note",
    "doc_ref",
    "worker_id",
    "recorded_at",
)


@lru_cache(maxsize=8)
def _driver_values(dialect) -> tuple[DriverValues, DriverValues]:
    return (
        DriverValues(Case.__table__, CASE_WRITE, dialect),
        DriverValues(CaseEvent.__table__, LOG_COLUMNS, dialect),
    )


def write_back(
    session: Session, cases: list, read_version: dict[int, int], conflict: int | None
) -> None:
    """One UPDATE for all the cases, each row guarded by the version it was read at; a row
    that moved meanwhile voids the whole write (ConcurrentChange, rolled back)."""
    writer = DriverRows(session, Case.__table__, CASE_WRITE)
    values = _driver_values(writer.connection.dialect)[0]
    rows = [tuple(values.row(_case_write_row(case, read_version[case.id]))) for case in cases]
    if writer.update_where(rows, keys=2) != len(rows):
        session.rollback()
        raise ConcurrentChange(conflict)
    for case in cases:  # the session may hold these cases as objects: read them afresh
        held = session.identity_map.get(session.identity_key(Case, case.id))
        if held is not None:
            session.expire(held)


def _case_write_row(case, read_version: int) -> list:
    """A case's values in CASE_WRITE's order: what the write sets, named, then the row's id
    and the version it was read at (the WHERE)."""
    sets = {
        "state": case.state,
        "version": read_version + 1,
        "last_seq": case.last_seq,
        "start_date": case.start_date,
        "end_date": case.end_date,
        "subsidy_programme": case.subsidy_programme,
        "updated_at": case.updated_at,
    }
    return [sets[name] for name in SETTABLE_ON_WRITE] + [case.id, read_version]


def append_log(session: Session, rows: list[dict], conflict: int | None) -> None:
    """Append log rows; a (case_id, seq) taken meanwhile is a lost race."""
    writer = DriverRows(session, CaseEvent.__table__, LOG_COLUMNS)
    values = _driver_values(writer.connection.dialect)[1]
    now = utcnow()
    try:
        writer.insert(
            [
                tuple(values.row([row.get(name) for name in LOG_COLUMNS[:-1]] + [now]))  # by name
                for row in rows
            ]
        )
    except IntegrityError:
        session.rollback()
        raise ConcurrentChange(conflict) from None
