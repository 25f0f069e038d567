"""Offers (送出情報・受入情報): looking them up, listing them, and creating them by hand."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Literal

from sqlalchemy import func, select
from sqlmodel import Session

from models import Case, Company, Introduction, ReceivingOffer, Registrant, SendingOffer
from models.reference import prefecture_code
from shukko.errors import InvalidInput, NotFound

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


def persons_in_cases(session: Session, side: Side, offer_id: int) -> int:
    """The persons of an offer's cases (withdrawn cases free theirs)."""
    return persons_taken_by_offer(session, side, offer_id).get(offer_id, 0)


def persons_taken(session: Session, side: Side, offer_id: int) -> int:
    """The persons of an offer no longer to be placed: those in its cases and its job seekers
    (移籍の求職者: a request's employees registered, a receiving offer's places they filled)."""
    cases = persons_taken_by_offer(session, side, offer_id)
    seekers = job_seekers_by_offer(session, side, offer_id)
    return cases.get(offer_id, 0) + seekers.get(offer_id, 0)


def persons_taken_by_offer(
    session: Session, side: Side, offer_id: int | None = None
) -> dict[int, int]:
    """Persons in cases per offer of a side (one offer's, or every offer's)."""
    column = Case.sending_offer_id if side == "sending" else Case.receiving_offer_id
    query = select(column, func.sum(Case.headcount)).where(Case.state != "withdrawn")
    if offer_id is not None:
        query = query.where(column == offer_id)
    return {key: int(n) for key, n in session.execute(query.group_by(column)) if key}


def job_seekers_by_offer(
    session: Session, side: Side, offer_id: int | None = None
) -> dict[int, int]:
    """Job seekers per offer: registered from a request (sending), hired through a receiving
    offer or holding its offer (内定: the place is theirs until they start or decline;
    receiving); one offer's or every offer's."""
    if side == "sending":
        column, query = Registrant.request_id, select(Registrant.request_id, func.count())
    else:
        column = Introduction.receiving_offer_id
        query = select(column, func.count()).where(holds_a_place())
    query = query.where(column.is_not(None))
    if offer_id is not None:
        query = query.where(column == offer_id)
    return {key: int(n) for key, n in session.execute(query.group_by(column))}


def holds_a_place():
    """An introduction that fills or holds one of a receiving offer's places: hired, or
    offered (内定) and not declined."""
    return Introduction.hired_on.is_not(None) | (Introduction.outcome == "offered")


def persons_taken_all(session: Session, side: Side) -> dict[int, int]:
    """`persons_taken` of every offer of a side that has any, in two queries."""
    taken = persons_taken_by_offer(session, side)
    for key, n in job_seekers_by_offer(session, side).items():
        taken[key] = taken.get(key, 0) + n
    return taken


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
