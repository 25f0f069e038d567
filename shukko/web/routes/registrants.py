"""A registrant of the career bank (キャリア人材バンクの登録者): the page, without the name, and
each step as a form."""

from __future__ import annotations

import logging

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from shukko.errors import ConcurrentChange, EventNotAllowed, InvalidInput, NotFound
from shukko.service import bank as bank_service
from shukko.service.reference import state_names
from shukko.service.sessions import Account
from shukko.web import labels
from shukko.web.deps import Database, Form, Posting, RowId, SignedIn
from shukko.web.forms import FormErrors, FormReader, bank_event
from shukko.web.pages import (
    CONFLICT,
    Page,
    business_day,
    flash,
    not_found,
    owner_context,
    refusal_of,
    render,
)

router = APIRouter()
log = logging.getLogger("shukko.web")
READ_ONLY = "この登録者を更新する権限がありません（閲覧のみ）。"


def registrant_page(
    request: Request, session, account: Account, registrant_id: int, status: int = 200,
    **context,
) -> HTMLResponse:  # fmt: skip
    try:
        view = bank_service.registrant_view(session=session, registrant_id=registrant_id)
    except NotFound:
        raise not_found() from None
    if not account.sees(view.office):
        raise not_found()
    return render(
        request, "registrant.html", status, account=account, person=view,
        may_act=account.acts_on(view.office), states=state_names("registrant"),
        **owner_context(session, account, (view.office,), view, request.app.state.limits),
        **context,
    )  # fmt: skip


@router.get("/registrants/{registrant_id}")
def show_registrant(request: Request, registrant_id: RowId, account: SignedIn, session: Database):
    return registrant_page(request, session, account, registrant_id)


def _may_act(session, account, registrant_id: int) -> None:
    """404 for a registrant of an office the account does not see (none told apart from
    one that does not exist), 403 where it only reads."""
    try:
        office = bank_service.registrant_office(session=session, registrant_id=registrant_id)
    except NotFound:
        raise not_found() from None
    if not account.sees(office):
        raise not_found()
    if not account.acts_on(office):
        raise Page(403, READ_ONLY)


@router.post("/registrants/{registrant_id}/events/{event}")
def registrant_event(
    request: Request, registrant_id: RowId, event: str, account: Posting, form: Form,
    session: Database,
):  # fmt: skip
    _may_act(session, account, registrant_id)
    try:
        step = bank_event(form, registrant_id=registrant_id, event=event, actor=account.name)
        bank_service.fire(
            session=session, request=step, today=business_day(request),
            limits=request.app.state.limits, rules=request.app.state.bank_rules,
        )  # fmt: skip
        words = labels.BANK_EVENTS.get(event, event)
        flash(request, session, f"/registrants/{registrant_id}", f"記録しました: {words}")
        session.commit()
    except FormErrors as exc:
        session.rollback()
        return registrant_page(request, session, account, registrant_id, 422, form_event=event,
                               errors=exc.errors)  # fmt: skip
    except ConcurrentChange:
        session.rollback()
        return registrant_page(request, session, account, registrant_id, 409, conflict=CONFLICT)
    except (EventNotAllowed, InvalidInput, NotFound) as exc:
        session.rollback()
        field, message = refusal_of(exc, form)
        return registrant_page(request, session, account, registrant_id, 422, form_event=event,
                               refusal=None if field else message,
                               errors={field: message} if field else {})  # fmt: skip
    log.info("registrant %s: %s by %s", registrant_id, event, account.name)
    return RedirectResponse(f"/registrants/{registrant_id}", status_code=303)


@router.post("/registrants/{registrant_id}/follow-up")
def registrant_follow_up(
    request: Request, registrant_id: RowId, account: Posting, form: Form, session: Database
):
    """定着確認: the earliest open follow-up after a job seeker's hire, done."""
    _may_act(session, account, registrant_id)
    try:
        reader = FormReader(form)
        day, note = reader.day("at"), reader.text("note")
        reader.done()
        bank_service.record_follow_up(
            session=session, registrant_id=registrant_id, on=day, actor=account.name, note=note,
            today=business_day(request), limits=request.app.state.limits,
        )  # fmt: skip
        flash(request, session, f"/registrants/{registrant_id}", "記録しました: 定着確認")
        session.commit()
    except FormErrors as exc:
        session.rollback()
        return registrant_page(request, session, account, registrant_id, 422,
                               form_event="follow_up", errors=exc.errors)  # fmt: skip
    except InvalidInput as exc:
        session.rollback()
        field, message = refusal_of(exc, form)
        return registrant_page(request, session, account, registrant_id, 422,
                               form_event="follow_up", refusal=None if field else message,
                               errors={field: message} if field else {})  # fmt: skip
    log.info("registrant %s: follow_up by %s", registrant_id, account.name)
    return RedirectResponse(f"/registrants/{registrant_id}", status_code=303)
