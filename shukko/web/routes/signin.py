"""Sign-in and sign-out (ログイン・ログアウト), and the office admin's list of the office's
users, where a lock is lifted (ロック解除)."""

from __future__ import annotations

import logging

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse

from shukko.clock import utcnow
from shukko.errors import NotFound
from shukko.service.accounts import list_users, unlock_user
from shukko.service.sessions import (
    SignInRefused,
    new_sign_in_form,
    sign_in,
    sign_out,
    use_sign_in_form,
)
from shukko.web.auth import (
    LOGIN_COOKIE,
    SESSION_COOKIE,
    CsrfRefused,
    delete_cookie,
    read_cookie,
    set_cookie,
)
from shukko.web.deps import Database, Form, Posting, SignedIn
from shukko.web.forms import FormReader
from shukko.web.pages import client_address, flash, local, not_found, render
from shukko.web.refusals import japanese

router = APIRouter()
log = logging.getLogger("shukko.web")


def _login_page(request: Request, session, status: int = 200, **context):
    """The sign-in form, handed out by this server: its token is stored (hashed) and named
    by the browser's cookie, so that a cookie set by another page names no form."""
    cookie, token = new_sign_in_form(session=session, now=utcnow())
    session.commit()
    response = render(request, "login.html", status, login_csrf=token, **context)
    set_cookie(request, response, LOGIN_COOKIE, cookie)
    return response


@router.get("/login")
def login_form(request: Request, session: Database, next: str = "/"):
    return _login_page(request, session, next=local(next))


@router.post("/login")
def login(request: Request, form: Form, session: Database):
    reader = FormReader(form)
    name, password = reader.text("name") or "", form.get("password") or ""
    target = local(reader.text("next") or "/")
    sent = reader.text("csrf_token") or ""
    now = utcnow()
    # A form this server handed to this browser (a cookie set by another page names none).
    if not use_sign_in_form(
        session=session, cookie=read_cookie(request, LOGIN_COOKIE), sent=sent, now=now
    ):
        session.commit()  # the form is used up
        raise CsrfRefused
    address = client_address(request)
    try:
        token, _account = sign_in(
            session=session, name=name, password=str(password), now=now,
            policy=request.app.state.policy, address=address,
        )  # fmt: skip
    except SignInRefused as refusal:
        session.commit()  # the failure stays counted
        log.info("sign-in refused (%s) from %s", refusal.code, address)
        status = 429 if refusal.code == "signin.throttled" else 401
        return _login_page(request, session, status, error=japanese(refusal), name=name,
                           next=target)  # fmt: skip
    session.commit()
    log.info("sign-in of %s from %s", name, address)
    response = RedirectResponse(target, status_code=303)
    set_cookie(request, response, SESSION_COOKIE, token)
    delete_cookie(request, response, LOGIN_COOKIE)
    return response


@router.post("/logout")
def logout(request: Request, _account: Posting, session: Database):
    sign_out(session=session, token=read_cookie(request, SESSION_COOKIE))
    session.commit()
    response = RedirectResponse("/login", status_code=303)
    delete_cookie(request, response, SESSION_COOKIE)
    return response


@router.get("/users")
def users(request: Request, account: SignedIn, session: Database):
    """利用者: the office's users and their locks (office admins only)."""
    if account.role != "office_admin":
        raise not_found()
    rows = list_users(session=session, office=account.office)
    return render(request, "users.html", account=account, users=rows)


@router.post("/users/{name}/unlock")
def unlock(request: Request, name: str, account: Posting, session: Database):
    """ロック解除 by the office admin of the user's office."""
    if account.role != "office_admin":
        raise not_found()
    try:
        unlock_user(session=session, name=name, by=account)
    except NotFound:
        raise not_found() from None
    flash(request, session, "/users", f"{name} のロックを解除しました。")
    session.commit()
    log.info("user %s unlocked by %s", name, account.name)
    return RedirectResponse("/users", status_code=303)
