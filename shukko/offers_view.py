"""Listing offers for operators (送出情報・受入情報)."""

from __future__ import annotations

from sqlalchemy import select
from sqlmodel import Session

from models import Company, ReceivingOffer, SendingOffer


def list_offers(
    *,
    session: Session,
    kind: str | None = None,
    office: str | None = None,
    only_open: bool = False,
    limit: int = 1000,
) -> list[dict]:
    """Offers of one or both kinds, newest first."""
    rows: list[dict] = []
    for side, table in (("sending", SendingOffer), ("receiving", ReceivingOffer)):
        if kind and kind != side:
            continue
        query = (
            select(table, Company.name, Company.industry_code, Company.prefecture_code)
            .join(Company, Company.id == table.company_id)
            .order_by(table.received_on.desc(), table.id.desc())
            .limit(limit)
        )
        if office:
            query = query.where(table.office_code == office)
        if only_open:
            query = query.where(table.is_open)
        for offer, company, industry, prefecture in session.execute(query):
            rows.append(
                {
                    "side": side,
                    "office": offer.office_code,
                    "offer_id": offer.offer_id,
                    "received_on": offer.received_on,
                    "company": company,
                    "industry": industry,
                    "prefecture": prefecture,
                    "kind": str(offer.kind),
                    "headcount": offer.headcount,
                    "occupation": offer.occupation,
                    "start_from": offer.start_from,
                    "start_until": offer.start_until,
                    "open": offer.is_open,
                }
            )
    return rows
