"""キャリア人材バンクの実績 for the report: re-employments by month (再就職数), the occupations
taken (受入職種) and, by office, registrations in the year and the share of them placed.
Reads no personal data."""

from __future__ import annotations

from collections import Counter
from datetime import date

from sqlalchemy import func, select
from sqlmodel import Session

from models import Introduction, Office, Opening, Registrant
from models.reference import OCCUPATIONS

FISCAL_MONTHS = (4, 5, 6, 7, 8, 9, 10, 11, 12, 1, 2, 3)
_BANK = Registrant.programme == "career_bank"  # a transfer's job seekers: the 移籍 tables


def bank_tables(session: Session, fiscal_year: int, first: date, last: date) -> dict:
    hires = session.execute(
        select(Introduction.hired_on, Opening.occupation)
        .join(Opening, Opening.id == Introduction.opening_id)
        .where(Introduction.hired_on.between(first, last))
    ).all()
    by_month = Counter(hired_on.month for hired_on, _ in hires)
    by_occupation = Counter(occupation for _, occupation in hires)
    total = len(hires)
    registered = dict(
        session.execute(
            select(Registrant.office_code, func.count())
            .where(Registrant.registered_on.between(first, last), _BANK)
            .group_by(Registrant.office_code)
        ).all()
    )
    placed = dict(
        session.execute(
            select(Registrant.office_code, func.count())
            .where(
                Registrant.registered_on.between(first, last), _BANK, Registrant.state == "hired"
            )
            .group_by(Registrant.office_code)
        ).all()
    )
    offices = dict(session.execute(select(Office.code, Office.name)).all())
    all_registered, all_placed = sum(registered.values()), sum(placed.values())
    return {
        "monthly_hires": [
            {
                "month": f"{fiscal_year + (month < 4)}-{month:02d}",
                "label": f"{month}月",
                "hires": by_month[month],
            }
            for month in FISCAL_MONTHS
        ],
        "hires": total,
        "occupations": [
            {
                "code": code,
                "name": OCCUPATIONS[code],
                "persons": persons,
                "share": round(persons / total, 4) if total else None,
            }
            for code, persons in sorted(by_occupation.items(), key=lambda kv: (-kv[1], kv[0]))
        ],
        "by_office": [
            {
                "office": code,
                "name": offices.get(code, code),
                "registrations": registered[code],
                "placed": placed.get(code, 0),
                "share_placed": round(placed.get(code, 0) / registered[code], 4),
            }
            for code in sorted(registered)
        ],
        "registrations": all_registered,
        "placed": all_placed,
        "share_placed": round(all_placed / all_registered, 4) if all_registered else None,
    }
