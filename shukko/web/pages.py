"""What every page shares: rendering a template with the account and the business day, the
answers other than the page asked for (Page), and where a refusal lands on a form."""

from __future__ import annotations

from datetime import date

from fastapi import Request
from fastapi.responses import HTMLResponse

from shukko.clock import today as today_in
from shukko.errors import ShukkoError
from shukko.service.sessions import leave_message
from shukko.web.auth import SESSION_COOKIE, read_cookie
from shukko.web.refusals import japanese

CONFLICT = "他の担当者が更新しました。最新の内容を確認してください"
READ_ONLY = "この案件を更新する権限がありません（閲覧のみ）。"
PERSONAL_DATA_REFUSED = "個人情報は、この案件を担当する事務所の相談員・管理者だけが閲覧できます。"


class Page(Exception):
    """An answer other than the page asked for: status and a message in Japanese."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def not_found() -> Page:
    return Page(404, "ページが見つかりません（存在しないか、この事務所の担当ではありません）。")


def business_day(request: Request) -> date:
    """The day the pages work on: the demo year's, or today in the Center's timezone."""
    state = request.app.state
    return state.as_of or today_in(state.settings.timezone)


def client_address(request: Request) -> str:
    """The client's address: the connection's, or the one a trusted proxy forwarded
    (SHUKKO_WEB_TRUSTED_PROXIES; see create_app)."""
    return request.client.host if request.client else ""


def flash(request: Request, session, path: str, text: str, personal: bool = False) -> None:
    """Leave `text` for the next page at `path` (written with the step it reports)."""
    leave_message(session=session, token=read_cookie(request, SESSION_COOKIE), path=path,
                  text=text, personal=personal)  # fmt: skip


def render(request: Request, template: str, status: int = 200, **context) -> HTMLResponse:
    context.setdefault("account", None)
    context.setdefault("as_of", business_day(request))
    templates = request.app.state.templates
    return templates.TemplateResponse(request, template, context, status_code=status)


def timeline(history: list, notes: list) -> list:
    """A page's history: the log's entries with the notes and owner changes, by day (a
    day's log entries first; each in its own order)."""
    entries = [(e.on, 0, i, e) for i, e in enumerate(history)]
    entries += [(n.on, 1, i, n) for i, n in enumerate(notes)]
    return [entry for *_order, entry in sorted(entries, key=lambda item: item[:3])]


def owner_context(session, account, offices: tuple[str, ...], view, limits) -> dict:
    """What a page's 担当者 and メモ forms need: whom an office admin may assign, the
    history with the notes, the lifecycle's state names, the note's bound."""
    from shukko.service.owners import assignable_users

    admin = account.role == "office_admin" and account.acts_on(*offices)
    return {
        "assignable": assignable_users(session, offices) if admin else [],
        "timeline": timeline(view.history, view.notes),
        "max_text": limits.max_text_chars,
    }


def local(target: str) -> str:
    """Only a path on this site (never //host or a scheme): no open redirect."""
    if not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target


def refusal_of(exc: ShukkoError, form_fields) -> tuple[str | None, str]:
    """The form field a refusal concerns (None: the whole form) and its words on the page,
    in Japanese: beside the first field it names that the form has."""
    field = next((name for name in exc.fields if name in form_fields), None)
    return field, japanese(exc)
