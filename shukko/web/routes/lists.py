"""Lists a consultant pages through: offers (送出情報・受入情報: by side, office, open or
closed, part of the company's name; every office's, as the national network reads them) and
the office's registrants of the career bank (by state), each linking to its page."""

from __future__ import annotations

from urllib.parse import urlencode

from fastapi import APIRouter, Request

from shukko.service.bank import RegistrantFilter, list_registrants
from shukko.service.offers import list_offers
from shukko.service.reference import state_names
from shukko.web import labels
from shukko.web.deps import Database, SignedIn
from shukko.web.pages import render

router = APIRouter()
LIST_ROWS = 50
REGISTRANT_STATES = state_names("registrant")


def _page_of(listing_from, page: int) -> tuple[int, int, int, list]:
    """A page of a listing, `listing_from(offset)`: the page asked for (the last one when it
    lies past the end, known from the first call's count). Total, page, pages, rows."""
    page = max(1, page)
    listed = listing_from((page - 1) * LIST_ROWS)
    pages = max(1, -(-listed.total // LIST_ROWS))
    if page > pages:
        page = pages
        listed = listing_from((page - 1) * LIST_ROWS)
    return listed.total, page, pages, list(listed.rows)


@router.get("/offers")
def offers_list(
    request: Request, account: SignedIn, session: Database, side: str = "receiving",
    office: str | None = None, status: str = "open", q: str = "", page: int = 1,
):  # fmt: skip
    side = side if side in ("sending", "receiving") else "receiving"
    office = office if office in labels.PREFECTURES_BY_CODE else None
    status = status if status in ("open", "all") else "open"
    q = q[:100]
    total, page, pages, rows = _page_of(
        lambda offset: list_offers(session=session, kind=side, office=office,
                                   only_open=status == "open", company=q or None,
                                   limit=LIST_ROWS, offset=offset),
        page,
    )  # fmt: skip
    kept = {"side": side, "office": office, "status": status, "q": q}

    def link(**changes) -> str:
        return "/offers?" + urlencode({k: v for k, v in {**kept, **changes}.items() if v})

    return render(
        request, "offers.html", account=account, rows=rows, total=total, page=page,
        pages=pages, side=side, office=office, offer_status=status, q=q, link=link,
        offices=labels.PREFECTURES_BY_CODE,
    )  # fmt: skip


@router.get("/registrants")
def registrants_list(
    request: Request, account: SignedIn, session: Database, state: str | None = None,
    office: str | None = None, page: int = 1,
):  # fmt: skip
    shown = office if account.role == "hq" and office in labels.PREFECTURES_BY_CODE else None
    shown = shown or account.office
    where = RegistrantFilter(state=state if state in REGISTRANT_STATES else None, office=shown)
    total, page, pages, rows = _page_of(
        lambda offset: list_registrants(session=session, where=where, limit=LIST_ROWS,
                                        offset=offset),
        page,
    )  # fmt: skip
    kept = {"state": where.state, "office": shown if shown != account.office else None}

    def link(**changes) -> str:
        return "/registrants?" + urlencode({k: v for k, v in {**kept, **changes}.items() if v})

    return render(
        request, "registrants.html", account=account, rows=rows, total=total, page=page,
        pages=pages, state=where.state, office=shown, link=link, states=REGISTRANT_STATES,
    )  # fmt: skip
