"""Who works on a case or a registrant (担当者), and the notes (メモ) consultants write on them.

An owner is a user of one of the subject's offices. A consultant takes an unowned subject
(to themselves); an office admin assigns and reassigns within their office; at the server,
an operator (no account) assigns anyone of those offices. Neither an owner nor a note is a
lifecycle event: each is a WorkNote beside the log, and the subject's version is not bumped
(a step's form rendered before a note is still current)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select, update
from sqlmodel import Session

from models import Case, Registrant, UserAccount, WorkNote
from shukko.errors import ConcurrentChange, InvalidInput, NotFound
from shukko.limits import InputLimits, check_text
from shukko.service.schemas import NoteEntry, OwnerChanged
from shukko.service.sessions import Account


@dataclass(frozen=True)
class Subject:
    """A case or a registrant, by id."""

    kind: str  # "case" or "registrant"
    id: int

    @property
    def table(self):
        return Case if self.kind == "case" else Registrant

    @property
    def column(self):
        return WorkNote.case_id if self.kind == "case" else WorkNote.registrant_id


def offices_and_owner(session: Session, subject: Subject) -> tuple[tuple[str, ...], int | None]:
    """The subject's offices (a case's two, a registrant's one) and its owner's user id."""
    if subject.kind == "case":
        columns = (Case.sending_office_code, Case.receiving_office_code, Case.owner_id)
        row = session.execute(select(*columns).where(Case.id == subject.id)).first()
        if row is None:
            raise NotFound(code="not_found.case", case_id=subject.id)
        return (row[0], row[1]), row[2]
    columns = (Registrant.office_code, Registrant.owner_id)
    row = session.execute(select(*columns).where(Registrant.id == subject.id)).first()
    if row is None:
        raise NotFound(code="not_found.registrant", registrant_id=subject.id)
    return (row[0],), row[1]


def assign_owner(
    *, session: Session, subject: Subject, to: str, by: Account | None, actor: str, today: date,
    limits: InputLimits = InputLimits(),
) -> OwnerChanged:  # fmt: skip
    """Make the user named `to` the subject's owner. `by` is the account acting (None: an
    operator at the server). Refused with the reason as data: a user of another office, a
    consultant assigning someone else or taking an owned subject, an office admin of
    another office; the owner changed meanwhile by someone else is a conflict."""
    check_text(actor, "actor", limits)
    offices, owner_id = offices_and_owner(session, subject)
    user = session.scalar(select(UserAccount).where(UserAccount.name == to))
    if user is None or user.disabled:
        raise NotFound(code="not_found.user", fields=("to",), name=to)
    if user.role == "hq":
        raise InvalidInput(code="owner.headquarters", fields=("to",), name=to)
    if user.office_code not in offices:
        raise InvalidInput(
            code="owner.other_office", fields=("to",), name=to, office=user.office_code,
            offices=" / ".join(offices),
        )  # fmt: skip
    if by is not None:
        _check_may_assign(session, by, offices, owner_id, user)
    if owner_id == user.id:  # already theirs (a second click): nothing to record
        return OwnerChanged(kind=subject.kind, id=subject.id, owner=user.name, previous=to)
    changed = session.execute(
        update(subject.table)
        .where(subject.table.id == subject.id, _owner_is(subject.table, owner_id))
        .values(owner_id=user.id)
    )  # the session's own copy of the row follows (synchronize_session "auto")
    if changed.rowcount != 1:
        raise ConcurrentChange(subject.id, what=subject.kind)
    previous = session.get(UserAccount, owner_id).name if owner_id is not None else None
    note = WorkNote(
        kind="owner", owner_id=user.id, actor=actor, written_on=today,
        **{subject.column.key: subject.id},
    )  # fmt: skip
    session.add(note)
    session.flush()
    return OwnerChanged(kind=subject.kind, id=subject.id, owner=user.name, previous=previous)


def _owner_is(table, owner_id: int | None):
    """The owner read is still the owner (a second taker finds the row changed)."""
    return table.owner_id.is_(None) if owner_id is None else table.owner_id == owner_id


def _check_may_assign(
    session: Session, by: Account, offices: tuple[str, ...], owner_id: int | None, user
) -> None:
    if by.role == "office_admin" and by.office in offices:
        return
    if by.role == "consultant" and by.office in offices and user.name == by.name:
        if owner_id is None or owner_id == user.id:
            return
        owner = session.get(UserAccount, owner_id)
        raise InvalidInput(code="owner.taken", fields=("to",), owner=owner.name)
    raise InvalidInput(code="owner.not_allowed", fields=("to",), role=by.role)


def add_note(
    *, session: Session, subject: Subject, text: str, actor: str, today: date,
    limits: InputLimits = InputLimits(),
) -> NoteEntry:  # fmt: skip
    """メモ: a consultant's words on the subject, bounded like other free text."""
    offices_and_owner(session, subject)  # the subject exists
    check_text(actor, "actor", limits)
    words = (check_text(text, "text", limits) or "").strip()
    if not words:
        raise InvalidInput(code="input.note_empty", fields=("text",))
    note = WorkNote(
        kind="note", text=words, actor=actor, written_on=today,
        **{subject.column.key: subject.id},
    )  # fmt: skip
    session.add(note)
    session.flush()
    return NoteEntry(kind="note", text=words, by=actor, on=today, at=note.written_at)


def notes_of(session: Session, subject: Subject) -> list[NoteEntry]:
    """The subject's notes and owner changes, oldest first."""
    owner = UserAccount.name.label("owner")
    rows = session.execute(
        select(WorkNote.kind, WorkNote.text, WorkNote.actor, WorkNote.written_on,
               WorkNote.written_at, owner)
        .outerjoin(UserAccount, UserAccount.id == WorkNote.owner_id)
        .where(subject.column == subject.id)
        .order_by(WorkNote.id)
    )  # fmt: skip
    return [
        NoteEntry(kind=kind, text=text, by=by, on=on, at=at, owner=owner)
        for kind, text, by, on, at, owner in rows
    ]


def assignable_users(session: Session, offices: tuple[str, ...]) -> list[str]:
    """The names of the users who may own a subject of these offices (not disabled)."""
    return list(office_users(session, offices))


def office_users(session: Session, offices: tuple[str, ...]) -> dict[str, int]:
    """The users who may own a subject of these offices (not disabled), by name: their ids."""
    rows = session.execute(
        select(UserAccount.name, UserAccount.id)
        .where(UserAccount.office_code.in_(offices), UserAccount.role != "hq",
               ~UserAccount.disabled)
        .order_by(UserAccount.name)
    )  # fmt: skip
    return {name: user_id for name, user_id in rows}


def owner_name(session: Session, owner_id: int | None) -> str | None:
    if owner_id is None:
        return None
    return session.scalar(select(UserAccount.name).where(UserAccount.id == owner_id))
