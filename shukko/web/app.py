"""The web worklist as a FastAPI application: server-rendered pages (Jinja2), plain forms, no
JavaScript and nothing from another host. Every change goes through the service layer with
the version the page was rendered from; every page checks the account's office. The routes
live in shukko.web.routes by area; this module builds the application around them."""

from __future__ import annotations

from contextlib import asynccontextmanager
from datetime import date
from pathlib import Path
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import RedirectResponse
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from starlette.exceptions import HTTPException

from shukko.case_rules import case_rules
from shukko.clock import era_date
from shukko.limits import input_limits
from shukko.service.accounts import ROLES
from shukko.service.bank import rules_from as bank_rules_from
from shukko.service.reference import programme_name
from shukko.service.sessions import SignInPolicy
from shukko.web import labels
from shukko.web.auth import CsrfRefused, SignInRequired
from shukko.web.forms import FIELD_LABELS
from shukko.web.guard import CSRF_REFUSED, Guard, crashed
from shukko.web.pages import Page, not_found, render
from shukko.web.refusals import refusal_words
from shukko.web.routes import (
    cases,
    flows,
    lists,
    offers,
    owners,
    registrants,
    search,
    signin,
    worklist,
)

HERE = Path(__file__).resolve().parent


def create_app(settings, *, engine=None, as_of: date | None = None) -> FastAPI:
    """The application for these settings. `as_of` fixes the business day (the demo year's);
    by default it is today in the Center's timezone."""
    from shukko.service.database import current_engine

    app = FastAPI(docs_url=None, redoc_url=None, openapi_url=None, lifespan=_lifespan)
    app.state.settings = settings
    app.state.engine = engine or current_engine(settings)
    app.state.rules = case_rules(settings)
    app.state.bank_rules = bank_rules_from(settings)
    app.state.limits = input_limits(settings)
    app.state.policy = SignInPolicy.from_settings(settings)
    app.state.as_of = as_of
    app.state.templates = _templates()
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    for area in (signin, worklist, lists, cases, registrants, offers, flows, owners, search):
        app.include_router(area.router)
    app.add_middleware(Guard, in_flight=in_flight(app.state.engine, settings.web_threads))
    _answer_errors(app)
    proxies = trusted_proxies(settings)
    if proxies:
        from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

        # Outermost: the client's address is settled before anything reads it.
        app.add_middleware(ProxyHeadersMiddleware, trusted_hosts=proxies)
    return app


@asynccontextmanager
async def _lifespan(app: FastAPI):
    """Pages are rendered in the thread pool, `web_threads` at a time per process (2: one
    renders while the other waits on the database). anyio's default of 40 let every waiting
    request share the core (one GIL) and stretched each under load: measured on two cores,
    ten consultants, PostgreSQL, the worklist's 95th percentile fell from 308-362 ms to
    233-280 ms in paired runs (bench/web.py). The flows page, which waits on the Prefect
    server, has threads of its own (routes/flows.py)."""
    import anyio.to_thread

    limiter = anyio.to_thread.current_default_thread_limiter()
    limiter.total_tokens = app.state.settings.web_threads
    yield


def in_flight(engine, threads: int) -> int:
    """Requests let into the application at once: a few per page thread, and fewer than
    the connections the engine's pool can open (see shukko.web.guard)."""
    pool = engine.pool
    size = getattr(pool, "size", lambda: 5)() + max(0, getattr(pool, "_max_overflow", 0))
    return max(1, min(4 * threads, size - 1))


def trusted_proxies(settings) -> list[str]:
    """The reverse proxies whose X-Forwarded-For is believed: none unless listed."""
    return [part.strip() for part in settings.web_trusted_proxies.split(",") if part.strip()]


# How shukko's web app is served (the web command, and the tests' server): the forwarded client
# address is the app's to believe (above), never uvicorn's, which believes 127.0.0.1.
SERVER_OPTIONS = {"proxy_headers": False, "server_header": False}


def _templates() -> Jinja2Templates:
    templates = Jinja2Templates(directory=HERE / "templates")
    templates.env.globals.update(
        labels=labels, roles=ROLES, field_labels=FIELD_LABELS, refusal_words=refusal_words
    )
    templates.env.filters["office"] = labels.office_name
    templates.env.filters["industry"] = labels.industry_name
    templates.env.filters["occupation"] = labels.occupation_name
    templates.env.filters["area"] = labels.area_name
    templates.env.filters["programme"] = programme_name
    templates.env.filters["notice_kind"] = labels.notice_kind
    templates.env.filters["yen"] = lambda value: "" if value is None else f"{value:,}円"
    templates.env.filters["era"] = lambda value: "" if value is None else era_date(value)
    return templates


def _answer_errors(app: FastAPI) -> None:
    """Every answer other than the page asked for, as a page in Japanese."""

    @app.exception_handler(SignInRequired)
    async def _sign_in(request: Request, _exc):
        target = quote(request.url.path, safe="/")
        return RedirectResponse(f"/login?next={target}", status_code=303)

    @app.exception_handler(CsrfRefused)
    async def _csrf(request: Request, _exc):
        return render(request, "error.html", 403, message=CSRF_REFUSED)

    @app.exception_handler(Page)
    async def _page(request: Request, exc: Page):
        return render(request, "error.html", exc.status, message=exc.message)

    @app.exception_handler(HTTPException)
    async def _http(request: Request, exc: HTTPException):
        message = "ページが見つかりません。" if exc.status_code == 404 else "要求を処理できません。"
        return render(request, "error.html", exc.status_code, message=message)

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, _exc):
        # A path such as /cases/abc: no such page.
        return render(request, "error.html", 404, message=not_found().message)

    @app.exception_handler(Exception)
    async def _crash(request: Request, exc: Exception):
        return crashed(request, exc)
