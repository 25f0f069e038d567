"""Signing in to the web worklist (ログイン) and the sessions it opens: the sign-in form handed
out by this server (a pre-session, used once), the checks of a name and password with a lock
per account and a throttle per address, sessions that end when unused or old, and the
message a page leaves for the next one (flash). Plain functions over a session."""

from __future__ import annotations

import hashlib
import json
import secrets
from contextlib import suppress
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cache

from sqlalchemy import bindparam, delete, func, select, update
from sqlmodel import Session

from models import SignInFailure, SignInForm, UserAccount, WebSession
from shukko.errors import ShukkoError

MAX_PASSWORD_CHARS = 1024  # argon2 hashes anything; a megabyte "password" is an attack
MAX_TOKEN_CHARS = 128
SIGN_IN_FORM_MINUTES = 60
ADDRESS_WINDOW = timedelta(minutes=1)
TOUCH_EVERY = timedelta(minutes=1)  # last_seen_at is written at most this often
SESSION_CHANGED = "shukko.session_changed"  # in Session.info: signed_in wrote, to commit


class SignInRefused(ShukkoError):
    """A failed sign-in. `signin.refused` whatever the cause (unknown name, wrong password,
    locked or disabled account), so that the answer never tells which names exist;
    `signin.throttled` when the address failed too often."""


@dataclass(frozen=True)
class SignInPolicy:
    """Failed sign-ins that lock an account and for how long; failed sign-ins from one
    address within a minute before it is refused; how long a sign-in lasts at most and
    unused."""

    failures: int = 5
    minutes: int = 15
    session_hours: int = 10
    idle_minutes: int = 30
    address_failures: int = 10

    @classmethod
    def from_settings(cls, settings) -> SignInPolicy:
        return cls(
            failures=settings.web_lockout_failures,
            minutes=settings.web_lockout_minutes,
            session_hours=settings.web_session_hours,
            idle_minutes=settings.web_idle_minutes,
            address_failures=settings.web_address_failures,
        )


@dataclass(frozen=True)
class Account:
    """A signed-in user as the web front end sees it; `flash` is the message the previous
    step left for this page (shown once)."""

    name: str
    office: str
    role: str
    csrf_token: str
    flash: str | None = None
    user_id: int | None = None  # whose cases are 自分の担当
    personal_granted: bool = False  # this page shows the personal data asked for (recorded)

    @property
    def may_change(self) -> bool:
        """Headquarters reads every office and changes nothing."""
        return self.role in ("consultant", "office_admin")

    def sees(self, *offices: str) -> bool:
        """A case is visible to headquarters, and to its own offices' staff."""
        return self.role == "hq" or self.office in offices

    def acts_on(self, *offices: str) -> bool:
        return self.may_change and self.office in offices

    @property
    def sees_flows(self) -> bool:
        return self.role in ("office_admin", "hq")

    def manages(self, office: str) -> bool:
        """Office admins manage their own office's users (lifting a lock)."""
        return self.role == "office_admin" and self.office == office


@cache
def password_hasher():
    from argon2 import PasswordHasher

    return PasswordHasher()  # argon2id with the library's current defaults (RFC 9106)


@cache
def _dummy_hash() -> str:
    """A hash to verify against when there is no real one, so every answer takes as long."""
    return password_hasher().hash(secrets.token_hex(16))


def aware(moment: datetime | None) -> datetime | None:
    """SQLite hands timestamps back naive; they were stored in UTC."""
    if moment is not None and moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def new_sign_in_form(*, session: Session, now: datetime) -> tuple[str, str]:
    """A sign-in form of this server: (the cookie's token, the token the form carries).
    Only its hash is stored; forms older than an hour are removed here."""
    session.execute(delete(SignInForm).where(SignInForm.expires_at < now))
    cookie, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
    session.add(
        SignInForm(
            token_hash=token_hash(cookie),
            csrf_token=csrf,
            expires_at=now + timedelta(minutes=SIGN_IN_FORM_MINUTES),
        )
    )
    session.flush()
    return cookie, csrf


def use_sign_in_form(*, session: Session, cookie: str | None, sent: str, now: datetime) -> bool:
    """Whether `sent` is the token of the form this server handed to the browser holding
    `cookie`, unexpired; the form is used up either way. A cookie set by another page (a
    tossed cookie) names no form of this server."""
    if not cookie or len(cookie) > MAX_TOKEN_CHARS:
        return False
    form = session.get(SignInForm, token_hash(cookie))
    if form is None:
        return False
    session.delete(form)
    session.flush()
    return aware(form.expires_at) > now and secrets.compare_digest(sent, form.csrf_token)


def _throttled(session: Session, address: str, now: datetime, policy: SignInPolicy) -> int:
    """Seconds until `address` may try again (0: it may now)."""
    recent = session.execute(
        select(func.count(), func.min(SignInFailure.failed_at)).where(
            SignInFailure.address == address, SignInFailure.failed_at > now - ADDRESS_WINDOW
        )
    ).one()
    if recent[0] < policy.address_failures:
        return 0
    return max(1, int((aware(recent[1]) + ADDRESS_WINDOW - now).total_seconds()) + 1)


def _count_failure(session: Session, address: str, now: datetime) -> None:
    session.execute(delete(SignInFailure).where(SignInFailure.failed_at <= now - ADDRESS_WINDOW))
    session.add(SignInFailure(address=address[:64], failed_at=now))
    session.flush()


def sign_in(
    *,
    session: Session,
    name: str,
    password: str,
    now: datetime,
    policy: SignInPolicy = SignInPolicy(),
    address: str = "",
) -> tuple[str, Account]:
    """Check a name and password; on success open a session and return its cookie token.

    An address with `policy.address_failures` failures in the last minute is refused at
    once (`signin.throttled`). Otherwise the password is checked against a hash whatever
    the case, so that an unknown name, a wrong password and a locked or disabled account
    take as long and get the same `signin.refused`. The `policy.failures`-th failure in a
    row locks the account for `policy.minutes`. Failures are flushed before the refusal is
    raised: catch it inside the transaction and commit, so that they stay counted."""
    wait = _throttled(session, address, now, policy)
    if wait:
        raise SignInRefused(code="signin.throttled", seconds=wait)
    user = session.scalar(select(UserAccount).where(UserAccount.name == name))
    right = _verify(user.password_hash if user else None, password)
    locked = user is not None and (aware(user.locked_until) or now) > now
    if user is None or user.disabled or locked or not right:
        if user is not None and not user.disabled and not locked:
            user.failed_logins += 1
            if user.failed_logins >= policy.failures:
                user.failed_logins = 0
                user.locked_until = now + timedelta(minutes=policy.minutes)
        _count_failure(session, address, now)
        raise SignInRefused(code="signin.refused")
    user.failed_logins = 0
    user.locked_until = None
    if password_hasher().check_needs_rehash(user.password_hash):
        user.password_hash = password_hasher().hash(password)
    token, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
    session.add(
        WebSession(
            token_hash=token_hash(token),
            user_id=user.id,
            csrf_token=csrf,
            expires_at=now + timedelta(hours=policy.session_hours),
            last_seen_at=now,
        )
    )
    session.flush()
    return token, Account(user.name, user.office_code, user.role, csrf, user_id=user.id)


def _verify(stored: str | None, password: str) -> bool:
    """Whether `password` matches `stored` (a dummy hash when there is none: as slow)."""
    from argon2.exceptions import InvalidHashError, VerificationError

    if len(password) > MAX_PASSWORD_CHARS:
        password, stored = password[:MAX_PASSWORD_CHARS], None
    with suppress(VerificationError, InvalidHashError):
        return password_hasher().verify(stored or _dummy_hash(), password) and stored is not None
    return False


def signed_in(
    *,
    session: Session,
    token: str | None,
    now: datetime,
    policy: SignInPolicy = SignInPolicy(),
    path: str | None = None,
) -> Account | None:
    """The account of a session cookie, or None when it is unknown, past its lifetime,
    unused for `policy.idle_minutes`, or its user is disabled. A message left for `path`
    is handed over once (Account.flash). When it wrote (the last use, the message taken, an
    idle session removed) it says so in `session.info[SESSION_CHANGED]`, for the caller to
    commit."""
    if not token or len(token) > MAX_TOKEN_CHARS:
        return None
    hashed = token_hash(token)
    found = session.connection().execute(_SESSION_OF_TOKEN, {"token": hashed}).first()
    if found is None:
        return None
    last_seen = aware(found.last_seen_at or found.created_at)
    idle = last_seen is not None and now - last_seen > timedelta(minutes=policy.idle_minutes)
    if found.disabled or aware(found.expires_at) <= now or idle:
        if idle:
            session.execute(delete(WebSession).where(WebSession.token_hash == hashed))
            session.info[SESSION_CHANGED] = True
        return None
    changes = {}
    if last_seen is None or now - last_seen >= TOUCH_EVERY:
        changes["last_seen_at"] = now
    flash, personal = _flash_for(found.flash, path)
    if flash is not None:
        changes["flash"] = None
    if changes:
        session.execute(update(WebSession).where(WebSession.token_hash == hashed), changes)
        session.info[SESSION_CHANGED] = True
    return Account(found.name, found.office_code, found.role, found.csrf_token, flash,
                   user_id=found.user_id, personal_granted=personal)  # fmt: skip


# Every request reads its session: the statement is built once, its columns only (no ORM
# objects to load and track).
_SESSION_OF_TOKEN = (
    select(
        WebSession.csrf_token,
        WebSession.created_at,
        WebSession.expires_at,
        WebSession.last_seen_at,
        WebSession.flash,
        WebSession.user_id,
        UserAccount.name,
        UserAccount.office_code,
        UserAccount.role,
        UserAccount.disabled,
    )
    .join(UserAccount, UserAccount.id == WebSession.user_id)
    .where(WebSession.token_hash == bindparam("token"))
)


def _flash_for(stored: str | None, path: str | None) -> tuple[str | None, bool]:
    """The message left for this page, and whether it grants the personal data asked for."""
    if not stored or path is None:
        return None, False
    with suppress(ValueError, TypeError, KeyError):
        message = json.loads(stored)
        if message["path"] == path:
            return str(message["text"]), bool(message.get("personal"))
    return None, False


def leave_message(
    *, session: Session, token: str | None, path: str, text: str, personal: bool = False
) -> None:
    """A message for the next page at `path` of this session (shown there once): the words
    are ours, never the query string's. `personal`: that page shows the personal data just
    asked for (its reading recorded), once: Back or a reload shows the page without it."""
    if token:
        message = {"path": path, "text": text[:300], **({"personal": True} if personal else {})}
        stored = json.dumps(message, ensure_ascii=False)
        session.execute(
            update(WebSession).where(WebSession.token_hash == token_hash(token)),
            {"flash": stored[:400]},
        )


def sign_out(*, session: Session, token: str | None) -> None:
    if token:
        session.execute(delete(WebSession).where(WebSession.token_hash == token_hash(token)))


def end_sessions(*, session: Session, user_id: int) -> int:
    """End every session of a user (signed out everywhere); how many there were."""
    return session.execute(delete(WebSession).where(WebSession.user_id == user_id)).rowcount
