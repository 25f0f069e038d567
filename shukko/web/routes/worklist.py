"""The worklist (業務一覧): an office's open cases and registrants by what they need next, the
user's own first (自分の担当), with filters and sorting kept in the URL."""

from __future__ import annotations

from urllib.parse import urlencode

from fastapi import APIRouter, Request

from shukko.service import worklist as worklists
from shukko.service.owners import office_users
from shukko.service.reference import state_names
from shukko.web import labels
from shukko.web.deps import Database, SignedIn
from shukko.web.pages import business_day, not_found, render

router = APIRouter()
CASE_STATES = {
    state: label
    for kind in labels.KINDS
    for state, label in state_names(kind).items()
    if state in worklists.OPEN_STATES
}


@router.get("/")
def home(
    request: Request, account: SignedIn, session: Database, office: str | None = None,
    group: str | None = None, page: int = 1, sort: str = "asc", view: str | None = None,
    kind: str | None = None, state: str | None = None, other: str | None = None,
    overdue: str | None = None, only: str | None = None, owner: str | None = None,
):  # fmt: skip
    shown = account.office
    if office and office != account.office:
        if account.role != "hq" or office not in labels.PREFECTURES_BY_CODE:
            raise not_found()
        shown = office
    if view not in worklists.VIEWS:  # headquarters owns nothing: the office as a whole
        view = "all" if account.role == "hq" else "mine"
    # One colleague's cases: a choice in the whole office's view only.
    colleagues = office_users(session, (shown,)) if view == "all" else {}
    owner = owner if view == "all" and owner in colleagues else None
    query = worklists.WorklistQuery(
        office=shown,
        as_of=business_day(request),
        group=group if group in worklists.GROUPS else None,
        page=max(1, page),
        newest_first=sort == "desc",
        view=view,
        user_id=account.user_id,
        kind=kind if kind in labels.KINDS else None,
        state=state if state in CASE_STATES else None,
        other_office=other if other in labels.PREFECTURES_BY_CODE else None,
        overdue_only=overdue == "1",
        owner_id=colleagues.get(owner) if owner else None,
    )
    work = worklists.worklist(session=session, query=query, rules=request.app.state.rules)
    # The view and filters as the URL keeps them: each link changes one thing.
    kept = {"office": shown if shown != account.office else None, "view": view,
            "kind": query.kind, "state": query.state, "other": query.other_office,
            "overdue": "1" if query.overdue_only else None, "owner": owner,
            "sort": sort}  # fmt: skip

    def link(**changes) -> str:
        values = {**kept, **changes}
        return "/?" + urlencode({k: v for k, v in values.items() if v})

    return render(
        request, "worklist.html", account=account, work=work, groups=worklists.GROUPS, sort=sort,
        offices=labels.PREFECTURES_BY_CODE, selected=query.group, query=query, link=link,
        views=worklists.VIEWS, case_states=CASE_STATES, colleagues=list(colleagues),
        owner=owner,
        only=only == "1" and query.group is not None,  # one group alone, to print
    )  # fmt: skip
