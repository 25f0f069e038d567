"""定着確認: after a job seeker's first day at the new employer, the Center checks that they
stay — follow-ups due a configured number of months after the hire (1 and 6 by default),
scheduled when the hire is recorded, flagged overdue by the follow-up run like a case's, and
recorded done by the consultant (the earliest one open)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlmodel import Session

from models import FollowUp, WorkNote
from shukko.clock import add_months
from shukko.errors import InvalidInput

KIND = "retention"


def retention_key(registrant_id: int, due: date) -> str:
    return f"r{registrant_id}:{KIND}:{due.isoformat()}"


def schedule_retention(
    session: Session, registrant_id: int, hired_on: date, months: tuple[int, ...]
) -> list[FollowUp]:
    """The follow-ups after a hire, one per month offset."""
    days = sorted({add_months(hired_on, n) for n in months})
    rows = [
        FollowUp(key=retention_key(registrant_id, due), registrant_id=registrant_id,
                 kind=KIND, due_on=due)
        for due in days
    ]
    session.add_all(rows)
    return rows


def record_retention(
    session: Session, *, registrant_id: int, on: date, actor: str, note: str | None
) -> FollowUp:
    """The earliest open 定着確認 of the person, done on the day; the note kept with the
    person's notes (kind follow_up)."""
    follow_up = session.scalar(
        select(FollowUp)
        .where(FollowUp.registrant_id == registrant_id, FollowUp.status == "scheduled")
        .order_by(FollowUp.due_on, FollowUp.id)
        .limit(1)
    )
    if follow_up is None:
        raise InvalidInput(
            code="seeker.no_retention_due", fields=("registrant",), registrant_id=registrant_id
        )
    follow_up.status, follow_up.done_on = "done", on
    done = WorkNote(
        registrant_id=registrant_id, kind="follow_up", text=note, actor=actor, written_on=on
    )
    session.add(done)
    session.flush()
    return follow_up
