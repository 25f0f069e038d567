"""Web worklist accounts (利用者): adding, listing, disabling, passwords (argon2 hashes only),
lifting a lock, ending a user's sessions, and the personal-data access log (個人情報の閲覧記録).
Plain functions over a session: the CLI's user and audit commands and the web front end call
them; signing in and the sessions themselves are shukko.service.sessions."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time

from sqlalchemy import select
from sqlmodel import Session

from models import PersonalDataAccess, UserAccount
from models.common import utcnow
from shukko.errors import InvalidInput, NotFound
from shukko.service.cases import office_code
from shukko.service.schemas import AccessRow, UserRow
from shukko.service.sessions import (
    MAX_PASSWORD_CHARS,
    Account,
    aware,
    end_sessions,
    password_hasher,
)

ROLES = {
    "consultant": "相談員",
    "office_admin": "事務所管理者",
    "hq": "本部",
}
NAME_PATTERN = re.compile(r"[A-Za-z0-9._@-]{1,64}")
MIN_PASSWORD_CHARS = 12


def check_password(password: str) -> str:
    if len(password) < MIN_PASSWORD_CHARS:
        raise InvalidInput(
            code="input.password_short", fields=("password",), limit=MIN_PASSWORD_CHARS
        )
    if len(password) > MAX_PASSWORD_CHARS:
        raise InvalidInput(
            code="input.password_long", fields=("password",), limit=MAX_PASSWORD_CHARS
        )
    return password


def _user(session: Session, name: str) -> UserAccount:
    user = session.scalar(select(UserAccount).where(UserAccount.name == name))
    if user is None:
        raise NotFound(code="not_found.user", name=name)
    return user


def _row(user: UserAccount, now: datetime) -> UserRow:
    locked = aware(user.locked_until)
    return UserRow(
        name=user.name,
        office=user.office_code,
        role=user.role,
        role_label=ROLES[user.role],
        disabled=user.disabled,
        locked_until=locked if locked and locked > now else None,
    )


def add_user(*, session: Session, name: str, office: str, role: str, password: str) -> UserRow:
    """利用者の追加: a name of letters, digits and . _ @ -; an office (code or name); a role."""
    if not NAME_PATTERN.fullmatch(name):
        raise InvalidInput(code="input.user_name", fields=("user",), value=name)
    if role not in ROLES:
        raise InvalidInput(code="input.role", fields=("role",), value=role, roles=", ".join(ROLES))
    code = office_code(office)
    if session.scalar(select(UserAccount.id).where(UserAccount.name == name)) is not None:
        raise InvalidInput(code="input.user_exists", fields=("user",), value=name)
    user = UserAccount(
        name=name,
        office_code=code,
        role=role,
        password_hash=password_hasher().hash(check_password(password)),
    )
    session.add(user)
    session.flush()
    return _row(user, utcnow())


def list_users(
    *, session: Session, now: datetime | None = None, office: str | None = None
) -> list[UserRow]:
    """Every user by name, or one office's (the office admin's list); a lock shows while it
    lasts (at `now`, by default the clock's)."""
    now = now or utcnow()
    statement = select(UserAccount).order_by(UserAccount.name)
    if office is not None:
        statement = statement.where(UserAccount.office_code == office)
    return [_row(u, now) for u in session.scalars(statement)]


def disable_user(*, session: Session, name: str) -> UserRow:
    """無効化: the user can no longer sign in, and their open sessions end now."""
    user = _user(session, name)
    user.disabled = True
    user.updated_at = utcnow()
    end_sessions(session=session, user_id=user.id)
    return _row(user, utcnow())


def set_password(*, session: Session, name: str, password: str) -> UserRow:
    """A new password; it also lifts a lock and ends the user's open sessions."""
    user = _user(session, name)
    user.password_hash = password_hasher().hash(check_password(password))
    user.failed_logins = 0
    user.locked_until = None
    user.updated_at = utcnow()
    end_sessions(session=session, user_id=user.id)
    return _row(user, utcnow())


def unlock_user(*, session: Session, name: str, by: Account | None = None) -> UserRow:
    """ロック解除: the user may sign in again at once (their failures forgotten). From the
    web, `by` is the office admin doing it, who manages only their own office's users."""
    user = _user(session, name)
    if by is not None and not by.manages(user.office_code):
        raise NotFound(code="not_found.user", name=name)
    user.failed_logins = 0
    user.locked_until = None
    user.updated_at = utcnow()
    return _row(user, utcnow())


def end_user_sessions(*, session: Session, name: str) -> int:
    """Sign a user out everywhere (their sessions end now; the account stays usable)."""
    return end_sessions(session=session, user_id=_user(session, name).id)


def record_personal_data_view(
    *, session: Session, account: Account, case_id: int, address: str
) -> None:
    """個人情報の閲覧記録: one row per view of a case's workers' names and birth dates."""
    session.add(
        PersonalDataAccess(
            user_name=account.name,
            office_code=account.office,
            case_id=case_id,
            address=address[:64],
        )
    )
    session.flush()


def personal_data_views(*, session: Session, since: date | None = None) -> list[AccessRow]:
    """The access log, oldest first; from a day on (in UTC) when `since` is given."""
    statement = select(PersonalDataAccess).order_by(PersonalDataAccess.id)
    if since is not None:
        statement = statement.where(
            PersonalDataAccess.viewed_at >= datetime.combine(since, time(), tzinfo=UTC)
        )
    return [
        AccessRow(
            at=aware(row.viewed_at),
            user=row.user_name,
            office=row.office_code,
            case_id=row.case_id,
            address=row.address,
        )
        for row in session.scalars(statement)
    ]
