"""移籍の実績 for the report: persons placed by transfer in the fiscal year — the persons of
transfer cases hired (by the hire's day) and the job seekers hired (by their first day at
the new employer, 入社日) — by month, by the sending and the receiving company's industry
(JSIC division), and the job seekers by age at leaving. Reads no personal data (a job
seeker's age at leaving is kept with the registration; a case's workers are not read)."""

from __future__ import annotations

from collections import Counter
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import aliased
from sqlmodel import Session

from models import Company, Introduction, ReceivingOffer, Registrant
from models.reference import industry_division

FISCAL_MONTHS = (4, 5, 6, 7, 8, 9, 10, 11, 12, 1, 2, 3)
AGE_GROUPS = ((0, "29歳以下"), (30, "30〜39歳"), (40, "40〜49歳"), (50, "50〜59歳"),
              (60, "60歳以上"))  # fmt: skip


def seekers_hired(session: Session, first: date, last: date) -> list[dict]:
    """Job seekers hired in the period: the day, both companies' divisions, age at leaving."""
    sender, receiver = aliased(Company), aliased(Company)
    rows = session.execute(
        select(
            Introduction.hired_on,
            sender.industry_code,
            receiver.industry_code,
            Registrant.age_at_leaving,
        )
        .join(Registrant, Registrant.id == Introduction.registrant_id)
        .join(ReceivingOffer, ReceivingOffer.id == Introduction.receiving_offer_id)
        .join(receiver, receiver.id == ReceivingOffer.company_id)
        .outerjoin(sender, sender.id == Registrant.former_company_id)
        .where(Introduction.hired_on.between(first, last))
    ).all()
    return [
        {"on": on, "sending_division": industry_division(s) if s else None,
         "receiving_division": industry_division(r), "age": age}
        for on, s, r, age in rows
    ]  # fmt: skip


def age_group(age: int) -> str:
    return [label for least, label in AGE_GROUPS if age >= least][-1]


def transfer_tables(fiscal_year: int, cases: list[dict], seekers: list[dict]) -> dict:
    """The tables from the transfer cases hired (rows of the report's established cases of
    kind transfer) and the job seekers hired."""
    by_month_cases = Counter()
    sending, receiving = Counter(), Counter()
    for row in cases:
        by_month_cases[row["on"].month] += row["persons"]
        sending[row["sending_division"]] += row["persons"]
        receiving[row["receiving_division"]] += row["persons"]
    by_month_seekers = Counter(row["on"].month for row in seekers)
    for row in seekers:
        if row["sending_division"]:
            sending[row["sending_division"]] += 1
        receiving[row["receiving_division"]] += 1
    ages = Counter(age_group(row["age"]) for row in seekers)
    persons = sum(by_month_cases.values()) + len(seekers)
    return {
        "monthly": [
            {
                "month": f"{fiscal_year + (month < 4)}-{month:02d}",
                "label": f"{month}月",
                "cases": by_month_cases[month],
                "seekers": by_month_seekers[month],
                "persons": by_month_cases[month] + by_month_seekers[month],
            }
            for month in FISCAL_MONTHS
        ],
        "persons": persons,
        "cases_persons": sum(by_month_cases.values()),
        "seekers": len(seekers),
        "sending": sending,
        "receiving": receiving,
        "ages": [
            {
                "group": label,
                "persons": ages[label],
                "share": round(ages[label] / len(seekers), 4) if seekers else None,
            }
            for _least, label in AGE_GROUPS
        ],
    }
