"""Offers for the front ends: listings, lookup by OFFICE:OFFER_ID, and one offer's best
counterparts with their score broken down (creates nothing)."""

from __future__ import annotations

from datetime import date
from itertools import chain, islice

from sqlalchemy import select
from sqlmodel import Session

from models import Company, ReceivingOffer, SendingOffer
from shukko.errors import InvalidInput, NotFound
from shukko.service.listing import listing
from shukko.service.schemas import (
    Counterpart,
    Counterparts,
    Listing,
    OfferRow,
    ProposedCounterpart,
)

SIDES = {"sending": SendingOffer, "receiving": ReceivingOffer}


def check_side(side: str | None, field: str) -> str | None:
    if side not in (None, "sending", "receiving"):
        raise InvalidInput(code="input.side", fields=(field,), value=side)
    return side


def list_offers(
    *,
    session: Session,
    kind: str | None = None,
    office: str | None = None,
    only_open: bool = False,
    limit: int | None = None,
    offset: int = 0,
    company: str | None = None,
) -> Listing[OfferRow]:
    """Sending offers, then receiving offers, each newest first; at most `limit` rows from
    the `offset`-th; `company`: part of the company's name (as 検索 compares names)."""
    from shukko.service.search import name_matches

    check_side(kind, "kind")
    parts = []
    for side, table in SIDES.items():
        if kind and kind != side:
            continue
        statement = (
            select(table, Company.name, Company.industry_code, Company.prefecture_code)
            .join(Company, Company.id == table.company_id)
            .order_by(table.received_on.desc(), table.id.desc())
        )
        if office:
            statement = statement.where(table.office_code == office)
        if only_open:
            statement = statement.where(table.is_open)
        if company:
            statement = statement.where(name_matches(company))
        parts.append(
            listing(session, statement, lambda row, side=side: _offer_row(side, row), None)
        )
    total = sum(part.total for part in parts)
    rows = islice(chain.from_iterable(part.rows for part in parts), offset,
                  None if limit is None else offset + limit)  # fmt: skip
    return Listing(total, rows, limit)


def _offer_row(side: str, row) -> OfferRow:
    offer, company, industry, prefecture = row
    return OfferRow(
        side=side,
        office=offer.office_code,
        offer_id=offer.offer_id,
        received_on=offer.received_on,
        company=company,
        industry=industry,
        prefecture=prefecture,
        kind=str(offer.kind),
        headcount=offer.headcount,
        occupation=offer.occupation,
        start_from=offer.start_from,
        start_until=offer.start_until,
        open=offer.is_open,
    )


def offer_company(*, session: Session, offer) -> dict:
    """The company of an offer, as its page names it: name, industry, prefecture, union."""
    company = session.get(Company, offer.company_id)
    return {
        "name": company.name, "industry": company.industry_code,
        "prefecture": company.prefecture_code, "has_union": company.has_union,
        "employees": company.employees,
    }  # fmt: skip


def find_offer_by_key(
    *, session: Session, key: str, side: str | None = None
) -> tuple[str, SendingOffer | ReceivingOffer]:
    """An offer given as OFFICE:OFFER_ID on either side (or the side given): (side, row)."""
    from shukko.cases.offers import find_offer, parse_offer_key

    check_side(side, "side")
    office_code, offer_id = parse_offer_key(key)
    found = []
    for candidate in (side,) if side else tuple(SIDES):
        try:
            found.append(
                (
                    candidate,
                    find_offer(
                        session=session, side=candidate, office_code=office_code, offer_id=offer_id
                    ),
                )
            )
        except NotFound:
            continue
    if not found:
        raise NotFound(code="not_found.offer", offer=f"{office_code}:{offer_id}")
    if len(found) > 1:
        raise InvalidInput(
            code="input.offer_both_sides", fields=("side",), offer=f"{office_code}:{offer_id}"
        )
    return found[0]


def counterparts(
    *,
    session: Session,
    key: str,
    as_of: date | None,
    today: date | None = None,
    top: int = 10,
    side: str | None = None,
    block_overrides: dict[str, str] | None = None,
) -> Counterparts:
    """One offer's best `top` counterparts open on `as_of`, each score explained, those
    already in a case with it, and why none is shown when none is. Without `as_of`, the day
    is `today`, or the last day of the offer's start window when that has passed (said by
    `as_of_moved`)."""
    from shukko.matching.rules import load_rules
    from shukko.matching.run import best_counterparts
    from states import state_labels

    offer_side, row = find_offer_by_key(session=session, key=key, side=side)
    moved = False
    if as_of is None:
        as_of = today or date.today()
        if as_of > row.start_until:
            as_of, moved = row.start_until, True
    found = best_counterparts(
        session=session,
        rules=load_rules(),
        as_of=as_of,
        side=offer_side,
        offer_id=row.id,
        top=top,
        block_overrides=block_overrides,
    )
    remaining = _remaining(session, offer_side, row)
    why = None
    if not found["rows"]:
        if as_of > row.start_until:
            why = "window_ended"
        elif not row.is_open:
            why = "closed"
        elif remaining <= 0:
            why = "used_up"
        elif found["taken"]:
            why = "all_taken"
        else:
            why = "none_feasible"
    return Counterparts(
        offer=key,
        side=offer_side,
        rows=[Counterpart(**r) for r in found["rows"]],
        as_of=as_of,
        as_of_moved=moved,
        window=(row.start_from, row.start_until),
        remaining=remaining,
        proposed=[
            ProposedCounterpart(**r, state_label=state_labels(r["kind"])[r["state"]])
            for r in found["proposed"]
        ],
        taken=found["taken"],
        why_empty=why,
    )


def _remaining(session: Session, side: str, row) -> int:
    """The offer's persons not in a case (withdrawn cases free theirs) nor job seekers."""
    from shukko.cases.offers import persons_taken

    return max(row.headcount - persons_taken(session, side, row.id), 0)
