"""The web worklist as a FastAPI application: server-rendered pages (Jinja2), plain forms, no
JavaScript and nothing from another host. Every change goes through the service layer with
the version the page was rendered from; every page checks the account's office."""

from __future__ import annotations

import logging
from datetime import date
from pathlib import Path
from urllib.parse import quote

from fastapi import Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from starlette.datastructures import FormData
from starlette.exceptions import HTTPException

from models.common import utcnow
from models.db import session_scope
from shukko.case_rules import case_rules
from shukko.clock import today as today_in
from shukko.errors import ConcurrentChange, EventNotAllowed, InvalidInput, NotFound, ShukkoError
from shukko.letters import era_date
from shukko.limits import input_limits
from shukko.service.accounts import (
    ROLES,
    Account,
    LockoutPolicy,
    SignInRefused,
    record_personal_data_view,
    sign_in,
    sign_out,
)
from shukko.web import labels
from shukko.web.auth import (
    LOGIN_CSRF_COOKIE,
    SESSION_COOKIE,
    CsrfRefused,
    SignInRequired,
    account_of,
    check_csrf,
    set_cookie,
)
from shukko.web.forms import FIELD_LABELS, FormErrors, FormReader, event_request
from shukko.web.refusals import japanese, refusal_words

HERE = Path(__file__).resolve().parent
CONFLICT = "他の担当者が更新しました。最新の内容を確認してください"
READ_ONLY = "この案件を更新する権限がありません（閲覧のみ）。"
PERSONAL_DATA_REFUSED = "個人情報は、この案件を担当する事務所の相談員・管理者だけが閲覧できます。"
MAX_BODY_BYTES = 1024 * 1024  # a form, or a terms file (its own limit is lower)
log = logging.getLogger("shukko.web")


class Page(Exception):
    """An answer other than the page asked for: status and a message in Japanese."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def not_found() -> Page:
    return Page(404, "ページが見つかりません（存在しないか、この事務所の担当ではありません）。")


async def form_of(request: Request) -> FormData:
    """The posted form, parsed before the handler runs. Handlers are plain functions, which
    FastAPI runs in its thread pool, so that database work never blocks the event loop."""
    return await request.form(max_files=1, max_fields=50, max_part_size=MAX_BODY_BYTES)


def create_app(settings, *, engine=None, as_of: date | None = None) -> FastAPI:
    """The application for these settings. `as_of` fixes the business day (the demo year's);
    by default it is today in the Center's timezone."""
    from shukko.service.database import current_engine

    app = FastAPI(docs_url=None, redoc_url=None, openapi_url=None)
    app.state.settings = settings
    app.state.engine = engine or current_engine(settings)
    app.state.rules = case_rules(settings)
    app.state.limits = input_limits(settings)
    app.state.policy = LockoutPolicy.from_settings(settings)
    app.state.as_of = as_of
    templates = Jinja2Templates(directory=HERE / "templates")
    templates.env.globals.update(
        labels=labels, roles=ROLES, field_labels=FIELD_LABELS, refusal_words=refusal_words
    )
    templates.env.filters["office"] = labels.office_name
    templates.env.filters["yen"] = lambda value: "" if value is None else f"{value:,}円"
    templates.env.filters["era"] = lambda value: "" if value is None else era_date(value)
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")

    def business_day() -> date:
        return app.state.as_of or today_in(settings.timezone)

    def render(request: Request, template: str, status: int = 200, **context) -> HTMLResponse:
        context.setdefault("account", None)
        context.setdefault("as_of", business_day())
        return templates.TemplateResponse(request, template, context, status_code=status)

    def db():
        return session_scope(app.state.engine)

    @app.middleware("http")
    async def bounded_body(request: Request, call_next):
        length = request.headers.get("content-length")
        if length and length.isdigit() and int(length) > MAX_BODY_BYTES:
            return HTMLResponse("送信された内容が大きすぎます。", status_code=413)
        try:
            response = await call_next(request)
        except Exception as exc:
            # Answered here, so that no traceback (whose message could quote a form) reaches
            # the server's log: the exception's type only.
            response = crashed(request, exc)
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault(
            "Content-Security-Policy", "default-src 'self'; form-action 'self'"
        )
        response.headers.setdefault("Cache-Control", "no-store")
        return response

    @app.exception_handler(SignInRequired)
    async def _sign_in(request: Request, _exc):
        target = quote(request.url.path, safe="/")
        return RedirectResponse(f"/login?next={target}", status_code=303)

    @app.exception_handler(CsrfRefused)
    async def _csrf(request: Request, _exc):
        message = "フォームの確認用トークンがありません。ページを開き直してから送信してください。"
        return render(request, "error.html", 403, message=message)

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

    def crashed(request: Request, exc: Exception) -> HTMLResponse:
        # The type only: a message may quote personal data typed into a form.
        log.error("internal error on %s %s: %s", request.method, request.url.path, type(exc))
        message = "内部エラーが発生しました。入力は保存されていません。管理者に連絡してください。"
        return render(request, "error.html", 500, message=message)

    @app.exception_handler(Exception)
    async def _crash(request: Request, exc: Exception):
        return crashed(request, exc)

    # ---- sign-in --------------------------------------------------------------------------

    @app.get("/login")
    def login_form(request: Request, next: str = "/"):
        import secrets

        token = secrets.token_urlsafe(32)
        response = render(request, "login.html", login_csrf=token, next=_local(next))
        set_cookie(request, response, LOGIN_CSRF_COOKIE, token, 3600)
        return response

    @app.post("/login")
    def login(request: Request, form: FormData = Depends(form_of)):
        import secrets

        reader = FormReader(form)
        name, password = reader.text("name") or "", form.get("password") or ""
        target = _local(reader.text("next") or "/")
        sent, cookie = reader.text("csrf_token") or "", request.cookies.get(LOGIN_CSRF_COOKIE, "")
        if not cookie or not secrets.compare_digest(sent, cookie):
            raise CsrfRefused
        refusal = None
        with db() as session:
            try:
                token, _account = sign_in(
                    session=session,
                    name=name,
                    password=str(password),
                    now=utcnow(),
                    policy=app.state.policy,
                )
            except SignInRefused as exc:  # caught inside: the failure count is committed
                refusal = exc
        if refusal is not None:
            log.info("sign-in refused")
            fresh = secrets.token_urlsafe(32)
            response = render(
                request, "login.html", 401, error=str(refusal), name=name, next=target,
                login_csrf=fresh,
            )  # fmt: skip
            set_cookie(request, response, LOGIN_CSRF_COOKIE, fresh, 3600)
            return response
        response = RedirectResponse(target, status_code=303)
        set_cookie(request, response, SESSION_COOKIE, token, app.state.policy.session_hours * 3600)
        response.delete_cookie(LOGIN_CSRF_COOKIE, path="/")
        return response

    @app.post("/logout")
    def logout(request: Request, form: FormData = Depends(form_of)):
        account = account_of(request)
        check_csrf(account, form)
        with db() as session:
            sign_out(session=session, token=request.cookies.get(SESSION_COOKIE))
        response = RedirectResponse("/login", status_code=303)
        response.delete_cookie(SESSION_COOKIE, path="/")
        return response

    # ---- the worklist -----------------------------------------------------------------------

    @app.get("/")
    def home(
        request: Request, office: str | None = None, group: str | None = None, page: int = 1,
        sort: str = "asc",
    ):  # fmt: skip
        from shukko.service.worklist import GROUPS, WorklistQuery, worklist

        account = account_of(request)
        shown = account.office
        if office and office != account.office:
            if account.role != "hq" or office not in labels.PREFECTURES_BY_CODE:
                raise not_found()
            shown = office
        query = WorklistQuery(
            office=shown,
            as_of=business_day(),
            group=group if group in GROUPS else None,
            page=max(1, page),
            newest_first=sort == "desc",
        )
        with db() as session:
            work = worklist(session=session, query=query, rules=app.state.rules)
        return render(
            request, "worklist.html", account=account, work=work, groups=GROUPS, sort=sort,
            offices=labels.PREFECTURES_BY_CODE,
        )  # fmt: skip

    # ---- cases ------------------------------------------------------------------------------

    def case_page(
        request: Request, account: Account, case_id: int, status: int = 200, **context
    ) -> HTMLResponse:
        from shukko.service.cases import case_view
        from shukko.service.followthrough import list_notices

        personal = context.pop("personal", False)
        with db() as session:
            try:
                view = case_view(
                    session=session, case_id=case_id, today=business_day(),
                    rules=app.state.rules, with_personal_data=personal,
                )  # fmt: skip
            except NotFound:
                raise not_found() from None
            if not account.sees(view.sending.office, view.receiving.office):
                raise not_found()
            notices = list(list_notices(session=session, case_id=case_id).rows)
            waiting = [w.worker_id for w in view.workers if not w.consented]
            if personal:
                record_personal_data_view(
                    session=session, account=account, case_id=case_id,
                    address=request.client.host if request.client else "",
                )  # fmt: skip
                log.info("personal data of case %s shown to %s", case_id, account.name)
        return render(
            request, "case.html", status, account=account, case=view, notices=notices,
            waiting=waiting, personal=personal,
            may_act=account.acts_on(view.sending.office, view.receiving.office),
            **context,
        )  # fmt: skip

    @app.get("/cases/{case_id}")
    def show_case(request: Request, case_id: int):
        return case_page(request, account_of(request), case_id)

    @app.post("/cases/{case_id}/personal-data")
    def show_personal_data(request: Request, case_id: int, form: FormData = Depends(form_of)):
        account = acting_on_case(request, form, case_id, PERSONAL_DATA_REFUSED)
        return case_page(request, account, case_id, personal=True)

    def acting_on(request: Request, form, offices_of, refusal: str) -> Account:
        """The account posting a form for a case or a registrant (whose offices
        `offices_of(session)` reads): its CSRF token checked, 404 unless it sees them, 403
        (`refusal`) unless it may act on them (headquarters reads only)."""
        account = account_of(request)
        check_csrf(account, form)
        with db() as session:
            try:
                offices = offices_of(session)
            except NotFound:
                raise not_found() from None
        if not account.sees(*offices):
            raise not_found()
        if not account.acts_on(*offices):
            raise Page(403, refusal)
        return account

    def acting_on_case(request: Request, form, case_id: int, refusal: str) -> Account:
        from shukko.service.cases import case_offices

        return acting_on(
            request, form, lambda session: case_offices(session=session, case_id=case_id), refusal
        )

    @app.post("/cases/{case_id}/events/{event}")
    def case_event(
        request: Request, case_id: int, event: str, form: FormData = Depends(form_of)
    ):
        from shukko.service.cases import fire_event

        account = acting_on_case(request, form, case_id, READ_ONLY)
        values = {key: form.get(key) for key in form if key != "terms"}
        try:
            request_ = event_request(form, case_id=case_id, event=event, actor=account.name)
            with db() as session:
                if event == "fix_terms":
                    _hand_in_terms(session, form, request_)
                else:
                    fire_event(
                        session=session, request=request_, today=business_day(),
                        rules=app.state.rules, limits=app.state.limits,
                    )  # fmt: skip
        except FormErrors as exc:
            return case_page(request, account, case_id, 422, form_event=event,
                             errors=exc.errors, values=values)  # fmt: skip
        except ConcurrentChange:
            return case_page(request, account, case_id, 409, conflict=CONFLICT)
        except (EventNotAllowed, InvalidInput, NotFound) as exc:
            field, message = _refusal_of(exc, {*form, "terms"} if event == "fix_terms" else form)
            errors = {field: message} if field else {}
            return case_page(request, account, case_id, 422, form_event=event,
                             refusal=None if field else message, errors=errors,
                             values=values)  # fmt: skip
        log.info("case %s: %s by %s", case_id, event, account.name)
        return RedirectResponse(f"/cases/{case_id}?done={quote(event)}", status_code=303)

    def _hand_in_terms(session, form, request_) -> None:
        from shukko.service.cases import hand_in_terms
        from shukko.terms import TermsFile

        upload = form.get("terms")
        if upload is None or isinstance(upload, str) or not upload.filename:
            raise FormErrors({"terms": "契約条件ファイル（JSON または YAML）を選んでください"})
        suffix = Path(upload.filename).suffix.lower()
        if suffix not in (".json", ".yaml", ".yml"):
            raise FormErrors({"terms": f"「{upload.filename}」は JSON または YAML ではありません"})
        data = upload.file.read(app.state.limits.max_terms_file_bytes + 1)
        hand_in_terms(
            session=session, case_id=request_.case_id, file=TermsFile(upload.filename, data),
            actor=request_.actor, today=business_day(), doc_ref=request_.doc_ref,
            rules=app.state.rules, limits=app.state.limits,
            expected_version=request_.expected_version,
        )  # fmt: skip

    @app.post("/cases")
    def open_case(request: Request, form: FormData = Depends(form_of)):
        from shukko.service.cases import open_case_between
        from shukko.service.offers import find_offer_by_key

        account = account_of(request)
        check_csrf(account, form)
        reader = FormReader(form)
        sending, receiving = reader.text("sending") or "", reader.text("receiving") or ""
        kind = reader.text("kind") or "secondment"
        headcount = reader.number("headcount", required=True, least=1)
        back = _local(reader.text("back") or "/")
        try:
            reader.done()
            with db() as session:
                offices = [
                    find_offer_by_key(session=session, key=key, side=side)[1].office_code
                    for key, side in ((sending, "sending"), (receiving, "receiving"))
                ]
                if not account.acts_on(*offices):
                    raise Page(403, "この組み合わせの案件を開く権限がありません。")
                opened = open_case_between(
                    session=session, kind=kind, sending=sending, receiving=receiving,
                    headcount=headcount, actor=account.name, today=business_day(),
                )  # fmt: skip
        except (FormErrors, ShukkoError) as exc:
            words = japanese(exc) if isinstance(exc, ShukkoError) else str(exc)
            raise Page(
                422, f"案件を開けませんでした: {words}（{back} に戻って確認してください）"
            ) from None
        return RedirectResponse(f"/cases/{opened.id}", status_code=303)

    # ---- career-bank registrants -------------------------------------------------------------

    def registrant_page(
        request: Request, account: Account, registrant_id: int, status: int = 200, **context
    ) -> HTMLResponse:
        from shukko.service.bank import registrant_view

        with db() as session:
            try:
                view = registrant_view(session=session, registrant_id=registrant_id)
            except NotFound:
                raise not_found() from None
        if not account.sees(view.office):
            raise not_found()
        return render(
            request, "registrant.html", status, account=account, person=view,
            may_act=account.acts_on(view.office), **context,
        )  # fmt: skip

    @app.get("/registrants/{registrant_id}")
    def show_registrant(request: Request, registrant_id: int):
        return registrant_page(request, account_of(request), registrant_id)

    @app.post("/registrants/{registrant_id}/events/{event}")
    def registrant_event(
        request: Request, registrant_id: int, event: str, form: FormData = Depends(form_of)
    ):
        from shukko.service.bank import fire as fire_bank
        from shukko.service.bank import registrant_office
        from shukko.web.forms import bank_event

        account = acting_on(
            request, form,
            lambda session: (registrant_office(session=session, registrant_id=registrant_id),),
            "この登録者を更新する権限がありません（閲覧のみ）。",
        )  # fmt: skip
        try:
            step = bank_event(form, registrant_id=registrant_id, event=event, actor=account.name)
            with db() as session:
                fire_bank(session=session, request=step, today=business_day(),
                          limits=app.state.limits)  # fmt: skip
        except FormErrors as exc:
            return registrant_page(request, account, registrant_id, 422, form_event=event,
                                   errors=exc.errors)  # fmt: skip
        except ConcurrentChange:
            return registrant_page(request, account, registrant_id, 409, conflict=CONFLICT)
        except (EventNotAllowed, InvalidInput, NotFound) as exc:
            field, message = _refusal_of(exc, form)
            return registrant_page(request, account, registrant_id, 422, form_event=event,
                                   refusal=None if field else message,
                                   errors={field: message} if field else {})  # fmt: skip
        log.info("registrant %s: %s by %s", registrant_id, event, account.name)
        target = f"/registrants/{registrant_id}?done={quote(event)}"
        return RedirectResponse(target, status_code=303)

    # ---- offers -----------------------------------------------------------------------------

    @app.get("/offers/{key}")
    def show_offer(request: Request, key: str, side: str | None = None, top: int = 10):
        from shukko.service.offers import counterparts, find_offer_by_key

        account = account_of(request)
        with db() as session:
            try:
                offer_side, offer = find_offer_by_key(
                    session=session,
                    key=key,
                    side=side if side in ("sending", "receiving") else None,
                )
            except (NotFound, InvalidInput):
                raise not_found() from None
            if not account.sees(offer.office_code):
                raise not_found()
            found = counterparts(
                session=session, key=key, as_of=None, today=business_day(),
                top=max(1, min(top, 50)), side=offer_side,
                block_overrides=settings.block_overrides,
            )  # fmt: skip
        return render(
            request, "offer.html", account=account, offer=offer, side=offer_side, found=found,
            key=key, may_open=account.may_change,
        )  # fmt: skip

    # ---- flows ------------------------------------------------------------------------------

    @app.get("/flows")
    def flows(request: Request, started: str | None = None):
        from shukko.web.flows_page import flows_status

        account = account_of(request)
        if not account.sees_flows:
            raise not_found()
        status = flows_status()
        return render(
            request, "flows.html", account=account, flows=status, started=started,
            may_start=account.role == "office_admin",
        )  # fmt: skip

    @app.post("/flows/{flow}/run")
    def start_flow(request: Request, flow: str, form: FormData = Depends(form_of)):
        from shukko.web.flows_page import start

        account = account_of(request)
        check_csrf(account, form)
        if account.role != "office_admin":
            raise not_found() if not account.sees_flows else Page(403, "実行の権限がありません。")
        try:
            # A plain handler runs in a worker thread: Prefect's run_deployment there does the
            # call itself rather than hand an event loop a coroutine.
            run_id = start(flow, business_day())
        except KeyError:
            raise not_found() from None
        except Exception as exc:  # no server, or it refused: say so, start nothing
            raise Page(
                503, f"実行を開始できませんでした: {type(exc).__name__}: {exc}"[:300]
            ) from None
        log.info("flow %s started by %s: flow run %s", flow, account.name, run_id)
        return RedirectResponse(f"/flows?started={quote(run_id)}", status_code=303)

    return app


def _local(target: str) -> str:
    """Only a path on this site (never //host or a scheme): no open redirect."""
    if not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target


def _refusal_of(exc: ShukkoError, form_fields) -> tuple[str | None, str]:
    """The form field a refusal concerns (None: the whole form) and its words on the page,
    in Japanese: beside the first field it names that the form has."""
    field = next((name for name in exc.fields if name in form_fields), None)
    return field, japanese(exc)
