"""A case's page (案件), its steps as forms, its workers' personal data on request, and a case
opened from an offer's page."""

from __future__ import annotations

import logging
from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from shukko.errors import ConcurrentChange, EventNotAllowed, InvalidInput, NotFound, ShukkoError
from shukko.service import case_views
from shukko.service import cases as case_service
from shukko.service.accounts import record_personal_data_view
from shukko.service.followthrough import list_notices
from shukko.service.inputs import TermsUpload
from shukko.service.reference import state_names
from shukko.service.sessions import Account
from shukko.web import labels
from shukko.web.deps import Database, Form, Posting, RowId, SignedIn
from shukko.web.forms import FormErrors, FormReader, event_request
from shukko.web.pages import (
    CONFLICT,
    PERSONAL_DATA_REFUSED,
    READ_ONLY,
    Page,
    business_day,
    client_address,
    flash,
    local,
    not_found,
    owner_context,
    refusal_of,
    render,
)
from shukko.web.refusals import japanese

router = APIRouter()
log = logging.getLogger("shukko.web")
TERMS_SUFFIXES = (".json", ".yaml", ".yml")
WORKER_FIELDS = ("name", "birth_date", "gender", "qualifications")
GENDERS = {"female": "女性", "male": "男性", "other": "その他"}  # none: not given


def case_page(
    request: Request, session, account: Account, case_id: int, status: int = 200, **context
) -> HTMLResponse:
    """The case as `account` may see it (404 otherwise), with its notices and the workers
    waiting to consent; the workers' personal data only on the page right after it was asked
    for (and its reading recorded: show_personal_data)."""
    personal = account.personal_granted
    try:
        view = case_views.case_view(
            session=session, case_id=case_id, today=business_day(request),
            rules=request.app.state.rules, with_personal_data=personal,
        )  # fmt: skip
    except NotFound:
        raise not_found() from None
    if not account.sees(view.sending.office, view.receiving.office):
        raise not_found()
    notices = list(list_notices(session=session, case_id=case_id).rows)
    offices = (view.sending.office, view.receiving.office)
    return render(
        request, "case.html", status, account=account, case=view, notices=notices,
        waiting=[w.worker_id for w in view.workers if not w.consented], personal=personal,
        may_act=account.acts_on(*offices), states=state_names(view.kind),
        **owner_context(session, account, offices, view, request.app.state.limits), **context,
    )  # fmt: skip


def acting_on_case(session, account: Account, case_id: int, refusal: str) -> None:
    """404 unless the account sees the case, 403 (`refusal`) unless it may act on it."""
    try:
        offices = case_views.case_offices(session=session, case_id=case_id)
    except NotFound:
        raise not_found() from None
    if not account.sees(*offices):
        raise not_found()
    if not account.acts_on(*offices):
        raise Page(403, refusal)


@router.get("/cases/{case_id}")
def show_case(request: Request, case_id: RowId, account: SignedIn, session: Database):
    return case_page(request, session, account, case_id)


@router.post("/cases/{case_id}/personal-data")
def show_personal_data(request: Request, case_id: RowId, account: Posting, session: Database):
    """The reading is recorded here, once; the case's page then shows the names once (POST,
    redirect, GET: Back and a reload neither fail nor record a second reading)."""
    acting_on_case(session, account, case_id, PERSONAL_DATA_REFUSED)
    record_personal_data_view(
        session=session, account=account, case_id=case_id, address=client_address(request)
    )
    flash(request, session, f"/cases/{case_id}",
          "個人情報を表示しています。この閲覧は記録されました。", personal=True)  # fmt: skip
    session.commit()  # the reading is recorded before the names are shown
    log.info("personal data of case %s shown to %s", case_id, account.name)
    return RedirectResponse(f"/cases/{case_id}", status_code=303)


@router.post("/cases/{case_id}/events/{event}")
def case_event(
    request: Request, case_id: RowId, event: str, account: Posting, form: Form,
    session: Database,
):
    acting_on_case(session, account, case_id, READ_ONLY)
    values = {key: form.get(key) for key in form if key != "terms"}
    state = request.app.state
    try:
        step = event_request(form, case_id=case_id, event=event, actor=account.name)
        if event == "fix_terms":
            _hand_in_terms(request, session, form, step)
        else:
            case_service.fire_event(
                session=session, request=step, today=business_day(request), rules=state.rules,
                limits=state.limits,
            )  # fmt: skip
        words = labels.EVENTS.get(event, event)
        flash(request, session, f"/cases/{case_id}", f"記録しました: {words}")
        session.commit()
    except FormErrors as exc:
        session.rollback()
        return case_page(request, session, account, case_id, 422, form_event=event,
                         errors=exc.errors, values=values)  # fmt: skip
    except ConcurrentChange:
        session.rollback()
        if case_service.saved_already(session=session, request=step):
            # The same form sent again after it was saved (reload, Back, a second click).
            words = labels.EVENTS.get(event, event)
            flash(request, session, f"/cases/{case_id}", f"記録済みです: {words}")
            session.commit()
            return RedirectResponse(f"/cases/{case_id}", status_code=303)
        return case_page(request, session, account, case_id, 409, conflict=CONFLICT)
    except (EventNotAllowed, InvalidInput, NotFound) as exc:
        session.rollback()
        field, message = refusal_of(exc, {*form, "terms"} if event == "fix_terms" else form)
        return case_page(request, session, account, case_id, 422, form_event=event,
                         refusal=None if field else message,
                         errors={field: message} if field else {}, values=values)  # fmt: skip
    log.info("case %s: %s by %s", case_id, event, account.name)
    return RedirectResponse(f"/cases/{case_id}", status_code=303)


@router.post("/cases/{case_id}/workers")
def assign_worker(
    request: Request, case_id: RowId, account: Posting, form: Form, session: Database
):
    """出向対象労働者: a worker chosen for the case, with the checks of the CLI. The name and
    birth date go to their own table and never to the log; the page names the worker by
    number."""
    acting_on_case(session, account, case_id, READ_ONLY)
    reader = FormReader(form)
    name, born = reader.text("name"), reader.day("birth_date")
    for field, value in (("name", name), ("birth_date", born)):
        if value is None and field not in reader.errors:
            reader.errors[field] = "入力してください"
    qualifications = case_service.listed(reader.text("qualifications"))
    values = {key: form.get(key) for key in WORKER_FIELDS}
    try:
        reader.done()
        assigned = case_service.add_worker(
            session=session, case_id=case_id, name=name, birth_date=born,
            gender=GENDERS.get(reader.text("gender") or ""),
            qualifications=qualifications, actor=account.name,
            today=business_day(request), limits=request.app.state.limits,
        )  # fmt: skip
        flash(request, session, f"/cases/{case_id}",
              f"対象労働者を登録しました: 労働者 {assigned.worker_id}")  # fmt: skip
        session.commit()
    except FormErrors as exc:
        session.rollback()
        return case_page(request, session, account, case_id, 422, form_event="assign_worker",
                         errors=exc.errors, values=values)  # fmt: skip
    except (EventNotAllowed, InvalidInput, NotFound) as exc:
        session.rollback()
        field, message = refusal_of(exc, form)
        return case_page(request, session, account, case_id, 422, form_event="assign_worker",
                         refusal=None if field else message,
                         errors={field: message} if field else {}, values=values)  # fmt: skip
    log.info("case %s: worker %s assigned by %s", case_id, assigned.worker_id, account.name)
    return RedirectResponse(f"/cases/{case_id}", status_code=303)


def _hand_in_terms(request: Request, session, form, step) -> None:
    """出向契約: the uploaded terms file, handed to the service as its name and bytes."""
    upload = form.get("terms")
    if upload is None or isinstance(upload, str) or not upload.filename:
        raise FormErrors({"terms": "契約条件ファイル（JSON または YAML）を選んでください"})
    if Path(upload.filename).suffix.lower() not in TERMS_SUFFIXES:
        raise FormErrors({"terms": f"「{upload.filename}」は JSON または YAML ではありません"})
    state = request.app.state
    data = upload.file.read(state.limits.max_terms_file_bytes + 1)
    case_service.hand_in_terms(
        session=session, case_id=step.case_id, file=TermsUpload(upload.filename, data),
        actor=step.actor, today=business_day(request), doc_ref=step.doc_ref, rules=state.rules,
        limits=state.limits, expected_version=step.expected_version,
    )  # fmt: skip


@router.post("/cases")
def open_case(request: Request, account: Posting, form: Form, session: Database):
    """A case between two offers, opened from an offer's page by an office of both."""
    reader = FormReader(form)
    sending, receiving = reader.text("sending") or "", reader.text("receiving") or ""
    kind = reader.text("kind") or "secondment"
    headcount = reader.number("headcount", required=True, least=1)
    back = local(reader.text("back") or "/")
    try:
        reader.done()
        pair = case_service.offer_pair(session=session, sending=sending, receiving=receiving)
        if not account.acts_on(*pair.offices):
            raise Page(403, "この組み合わせの案件を開く権限がありません。")
        opened = case_service.open_case_for_pair(
            session=session, pair=pair, kind=kind, headcount=headcount, actor=account.name,
            today=business_day(request),
        )  # fmt: skip
        session.commit()
    except InvalidInput as exc:
        session.rollback()
        if exc.code != "case.pair_open":
            raise _not_opened(exc, back) from None
        # A second click, a form sent again, or a colleague first: the case that is open.
        existing = exc.params["case_id"]
        flash(request, session, f"/cases/{existing}",
              f"この組み合わせにはすでに案件 #{existing} があります（新しい案件は開いていません）")
        session.commit()
        return RedirectResponse(f"/cases/{existing}", status_code=303)
    except (FormErrors, ShukkoError) as exc:
        raise _not_opened(exc, back) from None
    return RedirectResponse(f"/cases/{opened.id}", status_code=303)


def _not_opened(exc: FormErrors | ShukkoError, back: str) -> Page:
    words = japanese(exc) if isinstance(exc, ShukkoError) else str(exc)
    return Page(422, f"案件を開けませんでした: {words}（{back} に戻って確認してください）")
