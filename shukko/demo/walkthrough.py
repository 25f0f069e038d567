"""A scripted walk of one secondment case through its lifecycle (the README's main command
until the demo year exists). It goes through the same service the CLI uses."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

from sqlalchemy import select
from sqlmodel import Session

from models import CaseKind, Company, ReceivingOffer, SendingOffer
from shukko.cases.offers import add_company, add_offer
from shukko.cases.records import open_case, set_terms
from shukko.cases.terms import parse_terms
from shukko.cases.transitions import EventRequest, fire
from shukko.errors import EventNotAllowed
from shukko.service.cases import add_worker

ACTOR = "demo-consultant"


def _demo_offers(session: Session, received_on: date) -> tuple[SendingOffer, ReceivingOffer]:
    sending = session.scalar(
        select(SendingOffer).where(
            SendingOffer.office_code == "23", SendingOffer.offer_id == "DEMO-S-1"
        )
    )
    receiving = session.scalar(
        select(ReceivingOffer).where(
            ReceivingOffer.office_code == "23", ReceivingOffer.offer_id == "DEMO-R-1"
        )
    )
    if sending and receiving:
        return sending, receiving
    sender = session.scalar(select(Company).where(Company.corporate_number == "5180001008846"))
    sender = sender or add_company(
        session=session,
        name="東海精密部品株式会社",
        corporate_number="5180001008846",
        industry_code="31",
        prefecture_code="23",
        capital_yen=200_000_000,
        employees=850,
        has_union=True,
        is_sme=True,
    )
    receiver = session.scalar(select(Company).where(Company.name == "中部ロジスティクス株式会社"))
    receiver = receiver or add_company(
        session=session,
        name="中部ロジスティクス株式会社",
        industry_code="44",
        prefecture_code="23",
        capital_yen=80_000_000,
        employees=240,
        has_union=False,
        is_sme=True,
    )
    sending = add_offer(
        session=session,
        side="sending",
        office_code="23",
        offer_id="DEMO-S-1",
        company=sender,
        received_on=received_on,
        headcount=1,
        kind="secondment",
        occupation="H",
        job_title="組立工",
        monthly_wage_yen=310_000,
    )
    receiving = add_offer(
        session=session,
        side="receiving",
        office_code="23",
        offer_id="DEMO-R-1",
        company=receiver,
        received_on=received_on,
        headcount=2,
        kind="either",
        occupation="K",
        job_title="倉庫内作業",
        monthly_wage_yen=290_000,
    )
    return sending, receiving


def _demo_terms(start: date, end: date) -> dict:
    """出向契約: a year at the receiver's logistics centre, the wage shared 40/60."""
    return {
        "start_date": start.isoformat(),
        "end_date": end.isoformat(),
        "workplace_prefecture": "愛知県",
        "workplace": "愛知県小牧市 中部ロジスティクス 小牧センター",
        "duties": "倉庫内の入出荷管理",
        "working_hours": "08:30-17:30",
        "holidays": "土日祝、年末年始",
        "overtime_allowed": True,
        "wage_payer": "split",
        "sending_share_pct": 40,
        "receiving_share_pct": 60,
        "monthly_wage_yen": 310_000,
        "social_insurance": "sending",
        "annual_leave": "出向元の規定による",
        "return_conditions": "期間満了時に出向元の原職に復帰",
    }


def walk_one_case(*, session: Session, today: date, say: Callable[[str], None] = print) -> int:
    """Open a case between two demo offers and walk it to 復帰; returns the case id."""
    start = today - timedelta(days=200)
    sending, receiving = _demo_offers(session, received_on=start - timedelta(days=90))
    case = open_case(
        session=session,
        kind=CaseKind.secondment,
        sending_offer_id=sending.id,
        receiving_offer_id=receiving.id,
        headcount=1,
        actor=ACTOR,
        today=start - timedelta(60),
        note="demo walk-through",
    )
    say(f"opened case {case.id}: 東海精密部品 (23:DEMO-S-1) -> 中部ロジスティクス (23:DEMO-R-1)")

    def step(event: str, on: date, **options) -> None:
        entry = fire(
            session=session,
            request=EventRequest(case_id=case.id, event=event, actor=ACTOR, on=on, **options),
            today=on,
        )
        say(f"  {on}  {event:24} {entry.from_state} -> {entry.to_state}")

    step("schedule_interview", start - timedelta(days=55), note="面談 at the receiver's depot")
    step("agree_to_proceed", start - timedelta(days=50))
    worker = add_worker(
        session=session,
        case_id=case.id,
        name="見本 太郎",
        birth_date=date(1985, 6, 1),
        actor=ACTOR,
        today=start - timedelta(days=45),
    )
    say(f"  {start - timedelta(days=45)}  assign_worker            worker {worker.worker_id}")
    step("record_consent", start - timedelta(days=40), doc_ref="同意書-001")
    step("record_union_agreement", start - timedelta(days=35), doc_ref="労使協定-2024-07")
    try:
        step("sign_contract", start - timedelta(days=33))
    except EventNotAllowed as refusal:
        say(f"  refused as expected: {refusal}")
    step("record_rules_update", start - timedelta(days=30), doc_ref="就業規則第52条")
    step("record_tour", start - timedelta(days=25), note="職場見学: HR, worker, union")
    terms = parse_terms(_demo_terms(start, end=today - timedelta(days=40)))
    set_terms(
        session=session,
        case_id=case.id,
        terms=terms,
        actor=ACTOR,
        today=start - timedelta(days=20),
        doc_ref="出向契約書-DEMO",
    )
    say(f"  {start - timedelta(days=20)}  fix_terms                preparing -> preparing")
    step("sign_contract", start - timedelta(days=15), doc_ref="出向契約書-DEMO")
    step("start", start)
    step("record_follow_up", start + timedelta(days=30), note="1か月後面談: 順調")
    step(
        "extend",
        today - timedelta(days=60),
        end_date=today - timedelta(days=10),
        note="受入先の繁忙期に合わせ延長",
    )
    step("return_to_origin", today - timedelta(days=10), note="期間満了")
    return case.id
