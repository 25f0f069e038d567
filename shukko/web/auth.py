"""Who is asking: the session cookie (HttpOnly, SameSite=Lax, Secure over TLS), the signed-in
account it names, and the CSRF token every form carries."""

from __future__ import annotations

import secrets

from fastapi import Request
from starlette.responses import Response

from shukko.service.accounts import Account

SESSION_COOKIE = "shukko_session"
LOGIN_CSRF_COOKIE = "shukko_login_csrf"  # the sign-in form's token, before any session exists


class SignInRequired(Exception):
    """No valid session: the page sends the browser to the sign-in form."""


class CsrfRefused(Exception):
    """A form sent without the token of this session (another site's form, or a stale one)."""


def check_csrf(account: Account, form) -> None:
    sent = form.get("csrf_token")
    if not isinstance(sent, str) or not secrets.compare_digest(sent, account.csrf_token):
        raise CsrfRefused


def set_cookie(request: Request, response: Response, name: str, value: str, max_age: int) -> None:
    response.set_cookie(
        name,
        value,
        max_age=max_age,
        httponly=True,
        samesite="lax",
        secure=request.app.state.settings.web_secure_cookie,
        path="/",
    )
