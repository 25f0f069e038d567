"""Who is asking: the session cookie (HttpOnly, SameSite=Lax, a browser-session cookie; over
TLS Secure and `__Host-` prefixed, so that no other host or port can set it), the signed-in
account it names, the CSRF token every form carries, and the origin every POST comes from."""

from __future__ import annotations

import secrets
from urllib.parse import urlsplit

from fastapi import Request
from starlette.responses import Response

from shukko.service.sessions import Account

SESSION_COOKIE = "shukko_session"
LOGIN_COOKIE = "shukko_login"  # names the sign-in form this server handed out (pre-session)
# Fetch Metadata: a form posted from this origin, or typed by the user; never from another
# site or another port of this host ("same-site").
ALLOWED_FETCH_SITES = {"same-origin", "none"}


class SignInRequired(Exception):
    """No valid session: the page sends the browser to the sign-in form."""


class CsrfRefused(Exception):
    """A form sent without the token of this session (another site's form, or a stale one)."""


def check_csrf(account: Account, form) -> None:
    sent = form.get("csrf_token")
    if not isinstance(sent, str) or not secrets.compare_digest(sent, account.csrf_token):
        raise CsrfRefused


def from_this_origin(request: Request) -> bool:
    """Whether a POST comes from a page of this server: the browser's Sec-Fetch-Site, or
    where a browser sends none, its Origin against the Host it asked. A page on another
    port of the same host is another origin (its cookies are not: hence this check)."""
    site = request.headers.get("sec-fetch-site")
    if site is not None:
        return site in ALLOWED_FETCH_SITES
    origin = request.headers.get("origin")
    if origin is None or origin == "null":
        return origin is None  # scripts and old browsers send none; "null" is a sandbox
    return urlsplit(origin).netloc == request.headers.get("host", "")


def cookie_name(request: Request, name: str) -> str:
    """`__Host-` cookies (over TLS) can be set only by this host and port, with path /."""
    return f"__Host-{name}" if request.app.state.settings.web_secure_cookie else name


def read_cookie(request: Request, name: str) -> str | None:
    return request.cookies.get(cookie_name(request, name))


def set_cookie(request: Request, response: Response, name: str, value: str) -> None:
    """A cookie for this browser session only (no Max-Age: it ends with the browser; the
    server ends the session itself when unused or old)."""
    response.set_cookie(
        cookie_name(request, name),
        value,
        httponly=True,
        samesite="lax",
        secure=request.app.state.settings.web_secure_cookie,
        path="/",
    )


def delete_cookie(request: Request, response: Response, name: str) -> None:
    response.delete_cookie(
        cookie_name(request, name),
        path="/",
        secure=request.app.state.settings.web_secure_cookie,
        httponly=True,
        samesite="lax",
    )
