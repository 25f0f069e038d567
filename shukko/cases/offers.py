"""Offers (送出情報・受入情報): looking them up, listing them, and creating them by hand."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Literal

from sqlalchemy import func, select
from sqlmodel import Session

from models import Case, Company, Introduction, ReceivingOffer, Registrant, SendingOffer
from models.reference import prefecture_code
from shukko.errors import InvalidInput, NotFound
from states.bank import OFFERED

Side = Literal["sending", "receiving"]
OFFER_TABLES: dict[str, type[SendingOffer] | type[ReceivingOffer]] = {
    "sending": SendingOffer,
    "receiving": ReceivingOffer,
}


def parse_offer_key(
    text: str, field: str = "offer", code: str = "input.offer_key"
) -> tuple[str, str]:
    """'13:S-0001' or '東京:S-0001' -> ('13', 'S-0001'); a refusal (`code`) names `field`.
    The career bank's openings are keyed the same way (13:K-0001, input.opening_key)."""
    office, sep, offer_id = text.partition(":")
    if not sep or not offer_id.strip():
        raise InvalidInput(code=code, fields=(field,), value=text)
    try:
        return prefecture_code(office), offer_id.strip()
    except ValueError:
        raise InvalidInput(code=code, fields=(field,), value=text) from None


def persons_taken(session: Session, side: Side, offer_id: int) -> int:
    """The persons of an offer no longer to be placed (`persons_taken_of`)."""
    return int(session.scalar(select(persons_taken_of(side, offer_id))))


def persons_taken_of(side: Side, offer):
    """The persons of an offer (a row id, a bindparam, or a column to correlate with) no
    longer to be placed, as one SQL expression: those in its cases (withdrawn cases free
    theirs) and its job seekers (移籍の求職者: a request's employees registered; a receiving
    offer's places they filled or hold with an offer, 内定, until they start or decline)."""
    in_cases = (
        select(func.coalesce(func.sum(Case.headcount), 0))
        .where(_case_offer(side) == offer, Case.state != "withdrawn")
        .scalar_subquery()
    )
    column, holding = _seeker_offer(side)
    seekers = (
        select(func.count())
        .select_from(column.table)
        .where(column == offer, *holding)
        .scalar_subquery()
    )
    return in_cases + seekers


def persons_taken_all(session: Session, side: Side) -> dict[int, int]:
    """`persons_taken` of every offer of a side that has any, in two grouped queries (for
    matching's national run)."""
    column = _case_offer(side)
    taken = dict(
        session.execute(
            select(column, func.sum(Case.headcount))
            .where(Case.state != "withdrawn")
            .group_by(column)
        ).all()
    )
    column, holding = _seeker_offer(side)
    for key, n in session.execute(
        select(column, func.count()).where(column.is_not(None), *holding).group_by(column)
    ):
        taken[key] = taken.get(key, 0) + n
    return taken


def holds_a_place():
    """An introduction that fills or holds one of a receiving offer's places: hired, or
    offered (内定) and not declined."""
    return Introduction.hired_on.is_not(None) | (Introduction.outcome == OFFERED)


def _case_offer(side: Side):
    return Case.sending_offer_id if side == "sending" else Case.receiving_offer_id


def _seeker_offer(side: Side) -> tuple:
    """The column naming a job seeker's offer on a side, and what makes the seeker count."""
    if side == "sending":
        return Registrant.request_id, ()
    return Introduction.receiving_offer_id, (holds_a_place(),)


def find_offer(
    *, session: Session, side: Side, office_code: str, offer_id: str
) -> SendingOffer | ReceivingOffer:
    """The offer an office registered under its own id (受付番号)."""
    table = OFFER_TABLES[side]
    offer = session.scalar(
        select(table).where(table.office_code == office_code, table.offer_id == offer_id)
    )
    if offer is None:
        key = f"{office_code}:{offer_id}"
        raise NotFound(code="not_found.side_offer", fields=(side,), side=side, offer=key)
    return offer


def add_company(*, session: Session, **values) -> Company:
    """A company row (callers validate first; table models do not)."""
    company = Company(**values)
    session.add(company)
    session.flush()
    return company


def add_offer(
    *,
    session: Session,
    side: Side,
    office_code: str,
    offer_id: str,
    company: Company,
    received_on: date,
    headcount: int = 1,
    kind: str = "either",
    occupation: str = "H",
    **values,
) -> SendingOffer | ReceivingOffer:
    """A sending or receiving offer with the intake format's defaults for the start window."""
    values.setdefault("start_from", received_on)
    values.setdefault("start_until", values["start_from"] + timedelta(days=183))
    if side == "receiving":
        values.setdefault("work_prefecture", company.prefecture_code)
    offer = OFFER_TABLES[side](
        office_code=office_code,
        offer_id=offer_id,
        company_id=company.id,
        received_on=received_on,
        headcount=headcount,
        kind=kind,
        occupation=occupation,
        **values,
    )
    session.add(offer)
    session.flush()
    return offer


def join_offers_and_companies(query, sender, receiver):
    """Join a query that reads cases to both offers and to both companies (`sender` and
    `receiver` are aliases of Company)."""
    from models import Case

    return (
        query.join(SendingOffer, SendingOffer.id == Case.sending_offer_id)
        .join(ReceivingOffer, ReceivingOffer.id == Case.receiving_offer_id)
        .join(sender, sender.id == SendingOffer.company_id)
        .join(receiver, receiver.id == ReceivingOffer.company_id)
    )
