"""Sign-in and sign-out (ログイン・ログアウト)."""

from __future__ import annotations

import logging
import secrets

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse

from shukko.clock import utcnow
from shukko.service.accounts import SignInRefused, sign_in, sign_out
from shukko.web.auth import LOGIN_CSRF_COOKIE, SESSION_COOKIE, CsrfRefused, set_cookie
from shukko.web.deps import Database, Form, Posting
from shukko.web.forms import FormReader
from shukko.web.pages import local, render
from shukko.web.refusals import japanese

router = APIRouter()
log = logging.getLogger("shukko.web")


@router.get("/login")
def login_form(request: Request, next: str = "/"):
    token = secrets.token_urlsafe(32)
    response = render(request, "login.html", login_csrf=token, next=local(next))
    set_cookie(request, response, LOGIN_CSRF_COOKIE, token, 3600)
    return response


@router.post("/login")
def login(request: Request, form: Form, session: Database):
    reader = FormReader(form)
    name, password = reader.text("name") or "", form.get("password") or ""
    target = local(reader.text("next") or "/")
    sent, cookie = reader.text("csrf_token") or "", request.cookies.get(LOGIN_CSRF_COOKIE, "")
    if not cookie or not secrets.compare_digest(sent, cookie):
        raise CsrfRefused
    policy = request.app.state.policy
    try:
        token, _account = sign_in(
            session=session, name=name, password=str(password), now=utcnow(), policy=policy
        )
    except SignInRefused as refusal:
        session.commit()  # the failure count stays counted
        log.info("sign-in refused")
        fresh = secrets.token_urlsafe(32)
        response = render(
            request, "login.html", 401, error=japanese(refusal), name=name, next=target,
            login_csrf=fresh,
        )  # fmt: skip
        set_cookie(request, response, LOGIN_CSRF_COOKIE, fresh, 3600)
        return response
    session.commit()
    response = RedirectResponse(target, status_code=303)
    set_cookie(request, response, SESSION_COOKIE, token, policy.session_hours * 3600)
    response.delete_cookie(LOGIN_CSRF_COOKIE, path="/")
    return response


@router.post("/logout")
def logout(request: Request, _account: Posting, session: Database):
    sign_out(session=session, token=request.cookies.get(SESSION_COOKIE))
    session.commit()
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response
