"""担当者 and メモ on a case's or a registrant's page: taking it, assigning it (office admins),
writing a note. Neither is a lifecycle step: no version is checked."""

from __future__ import annotations

import logging

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse

from shukko.errors import ConcurrentChange, InvalidInput, NotFound
from shukko.service import owners
from shukko.service.sessions import Account
from shukko.web.deps import Database, Form, Posting, RowId
from shukko.web.forms import FormReader
from shukko.web.pages import CONFLICT, Page, business_day, flash, not_found, refusal_of
from shukko.web.routes.cases import case_page
from shukko.web.routes.registrants import registrant_page

router = APIRouter()
log = logging.getLogger("shukko.web")
KINDS = {"cases": "case", "registrants": "registrant"}
READ_ONLY = "この担当・メモを更新する権限がありません（閲覧のみ）。"


def _subject(session, account: Account, kind: str, subject_id: int) -> owners.Subject:
    """The case or registrant, 404 unless the account sees it, 403 unless it acts on it."""
    if kind not in KINDS:
        raise not_found()
    subject = owners.Subject(KINDS[kind], subject_id)
    try:
        offices, _owner = owners.offices_and_owner(session, subject)
    except NotFound:
        raise not_found() from None
    if not account.sees(*offices):
        raise not_found()
    if not account.acts_on(*offices):
        raise Page(403, READ_ONLY)
    return subject


def _page(request: Request, session, account: Account, subject, status: int, **context):
    if subject.kind == "case":
        return case_page(request, session, account, subject.id, status, **context)
    return registrant_page(request, session, account, subject.id, status, **context)


@router.post("/{kind}/{subject_id}/owner")
def take_or_assign(
    request: Request, kind: str, subject_id: RowId, account: Posting, form: Form,
    session: Database,
):  # fmt: skip
    """A consultant takes it (to = themselves); an office admin assigns anyone of its offices."""
    subject = _subject(session, account, kind, subject_id)
    to = FormReader(form).text("to") or account.name
    try:
        changed = owners.assign_owner(
            session=session, subject=subject, to=to, by=account, actor=account.name,
            today=business_day(request), limits=request.app.state.limits,
        )  # fmt: skip
        flash(request, session, f"/{kind}/{subject_id}", f"担当者: {changed.owner}")
        session.commit()
    except ConcurrentChange:
        session.rollback()
        return _page(request, session, account, subject, 409, conflict=CONFLICT)
    except (InvalidInput, NotFound) as exc:
        session.rollback()
        _field, message = refusal_of(exc, form)
        return _page(request, session, account, subject, 422, owner_refusal=message)
    log.info("%s %s: owner %s by %s", subject.kind, subject_id, changed.owner, account.name)
    return RedirectResponse(f"/{kind}/{subject_id}", status_code=303)


@router.post("/{kind}/{subject_id}/notes")
def write_note(
    request: Request, kind: str, subject_id: RowId, account: Posting, form: Form,
    session: Database,
):  # fmt: skip
    subject = _subject(session, account, kind, subject_id)
    text = FormReader(form).text("text") or ""
    try:
        owners.add_note(
            session=session, subject=subject, text=text, actor=account.name,
            today=business_day(request), limits=request.app.state.limits,
        )  # fmt: skip
        flash(request, session, f"/{kind}/{subject_id}", "メモを記録しました")
        session.commit()
    except InvalidInput as exc:
        session.rollback()
        _field, message = refusal_of(exc, form)
        return _page(request, session, account, subject, 422, note_refusal=message,
                     note_text=text)  # fmt: skip
    log.info("%s %s: note by %s", subject.kind, subject_id, account.name)
    return RedirectResponse(f"/{kind}/{subject_id}", status_code=303)
