"""統計: the Center's figures for a fiscal year (April to March), out of the data.

Monthly 受入情報 and 送出情報 are persons offered (headcount, by the date each office received
the offer) in secondment offers (出向, and いずれも); 成立数 is persons in cases that reached a
contract (sign_contract for a secondment, hire for a transfer), by the contract's date. The
brochure's own monthly rows are shown beside them where it has them.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import aliased
from sqlmodel import Session

from models import (
    Case,
    CaseEvent,
    Company,
    ContractTerms,
    Partner,
    ReceivingOffer,
    SendingOffer,
)
from models.reference import (
    BROCHURE_MONTHS,
    BROCHURE_YEARS,
    INDUSTRY_DIVISIONS,
    industry_division,
)
from shukko.bank.stats import bank_tables
from shukko.cases.offers import join_offers_and_companies
from shukko.reporting.transfers import seekers_hired, transfer_tables
from shukko.subsidies.programmes import PURPOSE_LABELS
from states import state_labels

SECONDMENT_OFFER_KINDS = ("secondment", "either")
CONTRACT_EVENTS = {"secondment": "sign_contract", "transfer": "hire"}
FISCAL_MONTHS = (4, 5, 6, 7, 8, 9, 10, 11, 12, 1, 2, 3)


def fiscal_year_bounds(fiscal_year: int) -> tuple[date, date]:
    return date(fiscal_year, 4, 1), date(fiscal_year + 1, 3, 31)


def _month_key(day: date) -> int:
    return day.month


def build_report(session: Session, fiscal_year: int) -> dict:
    """Every table of the report as plain data (no personal data: workers are not read)."""
    first, last = fiscal_year_bounds(fiscal_year)
    offered = {"receiving_info": Counter(), "sending_info": Counter()}
    for key, table in (("receiving_info", ReceivingOffer), ("sending_info", SendingOffer)):
        for received_on, headcount in session.execute(
            select(table.received_on, table.headcount).where(
                table.received_on.between(first, last), table.kind.in_(SECONDMENT_OFFER_KINDS)
            )
        ):
            offered[key][_month_key(received_on)] += headcount

    established = _established(session, first, last)
    monthly_established = Counter()
    for row in established:
        if row["kind"] == "secondment":
            monthly_established[row["on"].month] += row["persons"]

    monthly = []
    for month in FISCAL_MONTHS:
        brochure = BROCHURE_MONTHS.get((fiscal_year, month))
        monthly.append(
            {
                "month": f"{fiscal_year + (month < 4)}-{month:02d}",
                "label": f"{month}月",
                "receiving_info": offered["receiving_info"][month],
                "sending_info": offered["sending_info"][month],
                "established": monthly_established[month],
                "brochure_receiving_info": brochure.receiving_info if brochure else None,
                "brochure_sending_info": brochure.sending_info if brochure else None,
                "brochure_established": brochure.established if brochure else None,
            }
        )
    totals = {
        key: sum(m[key] for m in monthly)
        for key in ("receiving_info", "sending_info", "established")
    }
    by_kind = Counter()
    sending_divisions, receiving_divisions = Counter(), Counter()
    cross = 0
    for row in established:
        by_kind[row["kind"]] += row["persons"]
        sending_divisions[row["sending_division"]] += row["persons"]
        receiving_divisions[row["receiving_division"]] += row["persons"]
        cross += row["persons"] * (row["sending_division"] != row["receiving_division"])
    all_persons = sum(by_kind.values())
    transfers = transfer_tables(
        fiscal_year,
        [row for row in established if row["kind"] == "transfer"],
        seekers_hired(session, first, last),
    )
    transfers["sending_by_division"] = _divisions(transfers.pop("sending"))
    transfers["receiving_by_division"] = _divisions(transfers.pop("receiving"))
    by_kind["transfer"] = transfers["persons"]  # the cases' persons and the job seekers hired
    annual = _annual(session, fiscal_year, first, last, by_kind)
    return {
        "fiscal_year": fiscal_year,
        "from": first,
        "to": last,
        "monthly": monthly,
        "totals": totals,
        "annual": annual,
        "established_by_kind": [
            {"kind": kind, "label": label, "persons": by_kind[kind]}
            for kind, label in (("secondment", "在籍型出向"), ("transfer", "移籍"))
        ],
        "sending_by_division": _divisions(sending_divisions),
        "receiving_by_division": _divisions(receiving_divisions),
        "cross_industry": {
            "persons": cross,
            "of_persons": all_persons,
            "share": round(cross / all_persons, 4) if all_persons else None,
        },
        "secondments_by_purpose": _by_purpose(established),
        "referrals": _referrals(session, first, last, established),
        "cases_by_state": _cases_by_state(session, first, last),
        "transfers": transfers,
        "bank": bank_tables(session, fiscal_year, first, last),
        "notes": _notes(fiscal_year),
    }


ANNUAL_ROWS = (
    ("receiving_info", "受入情報（全区分）"),
    ("sending_info", "送出情報（全区分）"),
    ("secondment_established", "出向成立"),
    ("transfer_established", "移籍成立"),
    ("total_established", "成立合計"),
)


def _annual(session: Session, fiscal_year: int, first: date, last: date, by_kind) -> list[dict]:
    """The year beside the brochure's annual table: persons offered in offers of every kind
    (出向, 移籍, いずれも) by the day received, and persons placed by kind."""
    figures = {
        "secondment_established": by_kind["secondment"],
        "transfer_established": by_kind["transfer"],
        "total_established": by_kind["secondment"] + by_kind["transfer"],
    }
    for key, table in (("receiving_info", ReceivingOffer), ("sending_info", SendingOffer)):
        figures[key] = int(
            session.scalar(
                select(func.coalesce(func.sum(table.headcount), 0)).where(
                    table.received_on.between(first, last)
                )
            )
        )
    brochure = BROCHURE_YEARS.get(fiscal_year)
    return [
        {
            "key": key,
            "label": label,
            "persons": figures[key],
            "brochure": getattr(brochure, key) if brochure else None,
        }
        for key, label in ANNUAL_ROWS
    ]


PURPOSES = tuple(PURPOSE_LABELS.items())  # 雇用維持, 人材育成, 技術支援・交流等


def _by_purpose(established: list[dict]) -> list[dict]:
    """Secondments that reached a contract, by purpose (雇用維持, 人材育成型 or other)."""
    cases, persons = Counter(), Counter()
    for row in established:
        if row["kind"] == "secondment":
            cases[row["purpose"]] += 1
            persons[row["purpose"]] += row["persons"]
    return [
        {"purpose": key, "label": label, "cases": cases[key], "persons": persons[key]}
        for key, label in PURPOSES
    ]


def _notes(fiscal_year: int) -> list[str]:
    """What a reader of the year's tables needs to know."""
    if any(year == fiscal_year for year, _month in BROCHURE_MONTHS):
        return []
    return [
        f"{fiscal_year}年度はパンフレットの月次実績が公表されていません（比較の列は空欄です）。"
    ]


def _established(session: Session, first: date, last: date) -> list[dict]:
    """Cases that reached a contract in the period: persons, date, both industries, partners."""
    sender, receiver = aliased(Company), aliased(Company)
    query = join_offers_and_companies(
        select(
            Case.kind,
            Case.headcount,
            CaseEvent.event,
            CaseEvent.occurred_on,
            sender.industry_code,
            receiver.industry_code,
            SendingOffer.partner_id,
            ReceivingOffer.partner_id,
            ContractTerms.purpose,
        )
        .join(Case, Case.id == CaseEvent.case_id)
        .outerjoin(ContractTerms, ContractTerms.case_id == Case.id),
        sender,
        receiver,
    ).where(
        CaseEvent.event.in_(tuple(CONTRACT_EVENTS.values())),
        CaseEvent.occurred_on.between(first, last),
    )
    rows = []
    for row in session.execute(query):
        kind, persons, event, on, s_industry, r_industry, s_partner, r_partner, purpose = row
        if CONTRACT_EVENTS[str(kind)] != event:
            continue
        rows.append(
            {
                "kind": str(kind),
                "persons": persons,
                "on": on,
                "sending_division": industry_division(s_industry),
                "receiving_division": industry_division(r_industry),
                "partners": {p for p in (s_partner, r_partner) if p is not None},
                "purpose": str(purpose or "employment_retention"),
            }
        )
    return rows


def _divisions(counts: Counter) -> list[dict]:
    total = sum(counts.values())
    return [
        {
            "division": code,
            "name": INDUSTRY_DIVISIONS[code].name,
            "persons": persons,
            "share": round(persons / total, 4) if total else None,
        }
        for code, persons in sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    ]


def _referrals(session: Session, first: date, last: date, established: list[dict]) -> list[dict]:
    """Offers received in the period through partners (トスアップ), by the partner's kind."""
    kinds = dict(session.execute(select(Partner.id, Partner.kind)).all())
    offers, persons = Counter(), Counter()
    for table in (SendingOffer, ReceivingOffer):
        for partner_id, headcount in session.execute(
            select(table.partner_id, table.headcount).where(
                table.received_on.between(first, last), table.partner_id.is_not(None)
            )
        ):
            offers[kinds[partner_id]] += 1
            persons[kinds[partner_id]] += headcount
    placed = Counter()
    for row in established:
        for kind in {kinds[p] for p in row["partners"]}:
            placed[kind] += row["persons"]
    return [
        {
            "partner_kind": kind,
            "offers": offers[kind],
            "persons_offered": persons[kind],
            "persons_established": placed[kind],
        }
        for kind in sorted(set(offers) | set(placed))
    ]


def _cases_by_state(session: Session, first: date, last: date) -> list[dict]:
    """Cases opened in the period, by kind and current state."""
    opened = defaultdict(lambda: [0, 0])
    for kind, state, headcount in session.execute(
        select(Case.kind, Case.state, Case.headcount)
        .join(CaseEvent, (CaseEvent.case_id == Case.id) & (CaseEvent.seq == 1))
        .where(CaseEvent.occurred_on.between(first, last))
    ):
        opened[(str(kind), state)][0] += 1
        opened[(str(kind), state)][1] += headcount
    return [
        {
            "kind": kind,
            "state": state,
            "label": state_labels(kind)[state],
            "cases": cases,
            "persons": persons,
        }
        for (kind, state), (cases, persons) in sorted(opened.items())
    ]
