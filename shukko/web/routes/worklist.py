"""The worklist (業務一覧): an office's open cases and registrants by what they need next."""

from __future__ import annotations

from fastapi import APIRouter, Request

from shukko.service import worklist as worklists
from shukko.web import labels
from shukko.web.deps import Database, SignedIn
from shukko.web.pages import business_day, not_found, render

router = APIRouter()


@router.get("/")
def home(
    request: Request, account: SignedIn, session: Database, office: str | None = None,
    group: str | None = None, page: int = 1, sort: str = "asc",
):  # fmt: skip
    shown = account.office
    if office and office != account.office:
        if account.role != "hq" or office not in labels.PREFECTURES_BY_CODE:
            raise not_found()
        shown = office
    query = worklists.WorklistQuery(
        office=shown,
        as_of=business_day(request),
        group=group if group in worklists.GROUPS else None,
        page=max(1, page),
        newest_first=sort == "desc",
    )
    work = worklists.worklist(session=session, query=query, rules=request.app.state.rules)
    return render(
        request, "worklist.html", account=account, work=work, groups=worklists.GROUPS, sort=sort,
        offices=labels.PREFECTURES_BY_CODE, selected=query.group,
    )  # fmt: skip
