"""Web worklist accounts (利用者): adding, listing, disabling, passwords (argon2 hashes only),
signing in with a lockout after repeated failures, sessions, and the personal-data access
log (個人情報の閲覧記録). Plain functions over a session: the CLI's user and audit
commands and the web front end call them."""

from __future__ import annotations

import hashlib
import re
import secrets
from contextlib import suppress
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import cache

from sqlalchemy import delete, select
from sqlmodel import Session

from models import PersonalDataAccess, UserAccount, WebSession
from models.common import utcnow
from shukko.errors import InvalidInput, NotFound, ShukkoError
from shukko.service.cases import office_code
from shukko.service.schemas import AccessRow, UserRow

ROLES = {
    "consultant": "相談員",
    "office_admin": "事務所管理者",
    "hq": "本部",
}
NAME_PATTERN = re.compile(r"[A-Za-z0-9._@-]{1,64}")
MIN_PASSWORD_CHARS = 12
MAX_PASSWORD_CHARS = 1024  # argon2 hashes anything; a megabyte "password" is an attack


class SignInRefused(ShukkoError):
    """A failed sign-in; the message never says whether the name exists."""


@dataclass(frozen=True)
class LockoutPolicy:
    """How many failed sign-ins lock an account, for how long, and how long a sign-in lasts."""

    failures: int = 5
    minutes: int = 15
    session_hours: int = 10

    @classmethod
    def from_settings(cls, settings) -> LockoutPolicy:
        return cls(
            failures=settings.web_lockout_failures,
            minutes=settings.web_lockout_minutes,
            session_hours=settings.web_session_hours,
        )


@dataclass(frozen=True)
class Account:
    """A signed-in user as the web front end sees it."""

    name: str
    office: str
    role: str
    csrf_token: str

    @property
    def may_change(self) -> bool:
        """Headquarters reads every office and changes nothing."""
        return self.role in ("consultant", "office_admin")

    def sees(self, *offices: str) -> bool:
        """A case or offer is visible to headquarters, and to its own offices' staff."""
        return self.role == "hq" or self.office in offices

    def acts_on(self, *offices: str) -> bool:
        return self.may_change and self.office in offices

    @property
    def sees_flows(self) -> bool:
        return self.role in ("office_admin", "hq")


@cache
def _hasher():
    from argon2 import PasswordHasher

    return PasswordHasher()  # argon2id with the library's current defaults (RFC 9106)


# A hash to verify against when the name is unknown, so both answers take as long.
@cache
def _dummy_hash() -> str:
    return _hasher().hash(secrets.token_hex(16))


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
    locked = _aware(user.locked_until)
    return UserRow(
        name=user.name,
        office=user.office_code,
        role=user.role,
        role_label=ROLES[user.role],
        disabled=user.disabled,
        locked_until=locked if locked and locked > now else None,
    )


def _aware(moment: datetime | None) -> datetime | None:
    """SQLite hands timestamps back naive; they were stored in UTC."""
    if moment is not None and moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment


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
        password_hash=_hasher().hash(check_password(password)),
    )
    session.add(user)
    session.flush()
    return _row(user, utcnow())


def list_users(*, session: Session, now: datetime | None = None) -> list[UserRow]:
    """Every user by name; a lock shows while it lasts (at `now`, by default the clock's)."""
    now = now or utcnow()
    return [_row(u, now) for u in session.scalars(select(UserAccount).order_by(UserAccount.name))]


def disable_user(*, session: Session, name: str) -> UserRow:
    """無効化: the user can no longer sign in, and their open sessions end now."""
    user = _user(session, name)
    user.disabled = True
    user.updated_at = utcnow()
    session.execute(delete(WebSession).where(WebSession.user_id == user.id))
    return _row(user, utcnow())


def set_password(*, session: Session, name: str, password: str) -> UserRow:
    """A new password; it also lifts a lock and ends the user's open sessions."""
    user = _user(session, name)
    user.password_hash = _hasher().hash(check_password(password))
    user.failed_logins = 0
    user.locked_until = None
    user.updated_at = utcnow()
    session.execute(delete(WebSession).where(WebSession.user_id == user.id))
    return _row(user, utcnow())


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def sign_in(
    *,
    session: Session,
    name: str,
    password: str,
    now: datetime,
    policy: LockoutPolicy = LockoutPolicy(),
) -> tuple[str, Account]:
    """Check a name and password; on success open a session and return its cookie token.
    The `policy.failures`-th failure in a row locks the account for `policy.minutes`; a
    locked account is refused even with the right password until the lock ends. A failure
    is counted (flushed) before SignInRefused is raised: catch it inside the transaction, so
    that the count is committed rather than rolled back with the refusal."""
    from argon2.exceptions import InvalidHashError, VerificationError

    refused = SignInRefused(code="signin.refused")
    user = session.scalar(select(UserAccount).where(UserAccount.name == name))
    if user is None or len(password) > MAX_PASSWORD_CHARS:
        _verify_quietly(password)  # as slow as a real check: the name's existence stays hidden
        raise refused
    locked = _aware(user.locked_until)
    if locked and locked > now:
        minutes = max(1, int((locked - now).total_seconds() // 60) + 1)
        raise SignInRefused(code="signin.locked", minutes=minutes)
    try:
        _hasher().verify(user.password_hash, password)
        ok = not user.disabled
    except (VerificationError, InvalidHashError):
        ok = False
    if not ok:
        if not user.disabled:
            user.failed_logins += 1
            if user.failed_logins >= policy.failures:
                user.failed_logins = 0
                user.locked_until = now + timedelta(minutes=policy.minutes)
        session.flush()
        raise refused
    user.failed_logins = 0
    user.locked_until = None
    if _hasher().check_needs_rehash(user.password_hash):
        user.password_hash = _hasher().hash(password)
    token = secrets.token_urlsafe(32)
    csrf = secrets.token_urlsafe(32)
    session.add(
        WebSession(
            token_hash=_token_hash(token),
            user_id=user.id,
            csrf_token=csrf,
            expires_at=now + timedelta(hours=policy.session_hours),
        )
    )
    session.flush()
    return token, Account(user.name, user.office_code, user.role, csrf)


def _verify_quietly(password: str) -> None:
    from argon2.exceptions import VerificationError

    with suppress(VerificationError):
        _hasher().verify(_dummy_hash(), password[:MAX_PASSWORD_CHARS])


def signed_in(*, session: Session, token: str | None, now: datetime) -> Account | None:
    """The account of a session cookie, or None when it is unknown, expired or disabled."""
    if not token or len(token) > 128:
        return None
    found = session.execute(
        select(WebSession, UserAccount)
        .join(UserAccount, UserAccount.id == WebSession.user_id)
        .where(WebSession.token_hash == _token_hash(token))
    ).first()
    if found is None:
        return None
    web_session, user = found
    if user.disabled or _aware(web_session.expires_at) <= now:
        return None
    return Account(user.name, user.office_code, user.role, web_session.csrf_token)


def sign_out(*, session: Session, token: str | None) -> None:
    if token:
        session.execute(delete(WebSession).where(WebSession.token_hash == _token_hash(token)))


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
            at=_aware(row.viewed_at),
            user=row.user_name,
            office=row.office_code,
            case_id=row.case_id,
            address=row.address,
        )
        for row in session.scalars(statement)
    ]
