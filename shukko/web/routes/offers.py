"""An offer's page (受入情報・送出情報): its counterparts by score, and the cases it is in."""

from __future__ import annotations

from fastapi import APIRouter, Request

from shukko.errors import InvalidInput, NotFound
from shukko.service.offers import counterparts, find_offer_by_key
from shukko.web.deps import Database, SignedIn
from shukko.web.pages import business_day, not_found, render

router = APIRouter()


@router.get("/offers/{key}")
def show_offer(
    request: Request, key: str, account: SignedIn, session: Database, side: str | None = None,
    top: int = 10,
):  # fmt: skip
    try:
        offer_side, offer = find_offer_by_key(
            session=session, key=key, side=side if side in ("sending", "receiving") else None
        )
    except (NotFound, InvalidInput):
        raise not_found() from None
    if not account.sees(offer.office_code):
        raise not_found()
    found = counterparts(
        session=session, key=key, as_of=None, today=business_day(request),
        top=max(1, min(top, 50)), side=offer_side,
        block_overrides=request.app.state.settings.block_overrides,
    )  # fmt: skip
    return render(
        request, "offer.html", account=account, offer=offer, side=offer_side, found=found,
        key=key, may_open=account.may_change,
    )  # fmt: skip
