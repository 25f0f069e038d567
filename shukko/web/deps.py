"""The dependencies of every route (FastAPI's Depends): one database session per request,
the signed-in account read through it, and the posted form parsed within its bounds."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Path, Request
from sqlmodel import Session
from starlette.datastructures import FormData

from shukko.clock import utcnow
from shukko.service.sessions import SESSION_CHANGED, Account, signed_in
from shukko.web.auth import SESSION_COOKIE, SignInRequired, check_csrf, read_cookie

MAX_BODY_BYTES = 1024 * 1024  # a form, or a terms file (its own limit is lower)
MAX_ROW_ID = 2**63 - 1  # a row id is a 64-bit integer: a larger one names no page

# A case's or registrant's id in a path: past 64 bits, "no such page" (404), not a crash.
RowId = Annotated[int, Path(ge=1, le=MAX_ROW_ID)]


def database(request: Request) -> Iterator[Session]:
    """The request's one session. A route commits what it writes before it answers; what is
    left uncommitted (a refused step) is rolled back when the session closes."""
    with Session(request.app.state.engine, expire_on_commit=False) as session:
        yield session


Database = Annotated[Session, Depends(database)]


def current_account(request: Request, session: Database) -> Account:
    """The signed-in account, or SignInRequired (the page sends the browser to sign in).
    Its last use, the message it takes for this page or its end are committed here, when
    there is any (most requests change nothing: no commit, no round trip)."""
    account = signed_in(
        session=session, token=read_cookie(request, SESSION_COOKIE), now=utcnow(),
        policy=request.app.state.policy, path=request.url.path,
    )  # fmt: skip
    if session.info.pop(SESSION_CHANGED, False):
        session.commit()
    if account is None:
        raise SignInRequired
    return account


SignedIn = Annotated[Account, Depends(current_account)]


async def form_of(request: Request) -> FormData:
    """The posted form, parsed before the handler runs. Handlers are plain functions, which
    FastAPI runs in its thread pool, so that database work never blocks the event loop."""
    return await request.form(max_files=1, max_fields=50, max_part_size=MAX_BODY_BYTES)


Form = Annotated[FormData, Depends(form_of)]


def posting_account(account: SignedIn, form: Form) -> Account:
    """The signed-in account posting a form carrying its CSRF token."""
    check_csrf(account, form)
    return account


Posting = Annotated[Account, Depends(posting_account)]
