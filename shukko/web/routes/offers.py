"""An offer's page (受入情報・送出情報): its counterparts by score, and the cases it is in.

The Center works as one national network: an offer's business details (company, conditions;
never personal data) are readable by every office, and a case between two offers is opened
by an office of either offer. Cases stay with their offices: the page links only the ones
the account sees."""

from __future__ import annotations

from fastapi import APIRouter, Request

from shukko.errors import InvalidInput, NotFound
from shukko.service.offers import counterparts, find_offer_by_key, offer_company
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
    found = counterparts(
        session=session, key=key, as_of=None, today=business_day(request),
        top=max(1, min(top, 50)), side=offer_side,
        block_overrides=request.app.state.settings.block_overrides,
    )  # fmt: skip
    visible = {
        row.case_id for row in found.proposed
        if account.sees(offer.office_code, row.offer.partition(":")[0])
    }  # fmt: skip
    return render(
        request, "offer.html", account=account, offer=offer, side=offer_side, found=found,
        key=key, visible_cases=visible, company=offer_company(session=session, offer=offer),
        may_open=lambda other: account.acts_on(offer.office_code, other.partition(":")[0]),
    )  # fmt: skip
