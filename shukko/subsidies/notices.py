"""助成金のご案内: subsidy notices to both companies of a secondment heading to its start.

A notice gives the programme for the start date whose plan can still be filed (or was), an
estimate (the same figures as data), the documents to prepare and the filing deadline of the
出向実施計画届; reminders (再度のご案内) follow at configured offsets before the recommended
day, to the company that files it only, until its filing is recorded (`record_plan_filed`).
A secondment for another purpose (技術支援・交流) gets no notice: no subsidy is named. Each
notice is written exactly once: its row has a unique key, inserted before the files are
written, in the caller's transaction; the letter text is in shukko/subsidies/notice_letters.py.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import aliased
from sqlmodel import Session

from models import (
    Case,
    CaseEvent,
    CaseKind,
    Company,
    ContractTerms,
    Notice,
    ReceivingOffer,
    SendingOffer,
)
from models.db import insert_new
from models.reference import industry_division
from shukko.cases.offers import join_offers_and_companies
from shukko.documents import blocks as doc
from shukko.faults import crash_point
from shukko.subsidies import notice_letters
from shukko.subsidies.document_numbers import assign_document_numbers
from shukko.subsidies.estimate import apply_yearly_cap, estimate
from shukko.subsidies.programmes import Programme, filing_dates, programme_by_key, programme_on
from shukko.subsidies.sme import is_sme

PLAN_FILED_EVENT = "record_plan_filed"

HEADING_TO_START = ("preparing", "contracted")  # terms fixed, not started yet
SIDES = ("sending", "receiving")


@dataclass(frozen=True)
class CompanyFacts:
    id: int
    name: str
    industry_code: str
    sme: bool | None


@dataclass(frozen=True)
class NoticeCase:
    """What a notice needs to know about one case (companies are not personal data)."""

    case_id: int
    headcount: int
    start: date
    end: date
    monthly_wage_yen: int
    sending_share_pct: int
    dismissals: bool | None
    sending: CompanyFacts
    receiving: CompanyFacts
    purpose: str = "employment_retention"
    pre_secondment_monthly_wage_yen: int | None = None
    within_group: bool = False
    sending_office: str = "13"
    receiving_office: str = "13"
    skills_promoter: bool | None = None
    plan_filed_on: date | None = None  # 出向実施計画届 recorded as filed (record_plan_filed)
    plan_receipt: str | None = None  # the bureau's receipt number

    def office(self, side: str) -> str:
        """The Center's office that handles this side: the office that took its offer."""
        return self.sending_office if side == "sending" else self.receiving_office


COMPANY_COLUMNS = ("id", "name", "industry_code", "capital_yen", "employees", "is_sme")


def _company(values: tuple) -> CompanyFacts:
    company_id, name, industry, capital, employees, sme = values
    if sme is None:
        sme = is_sme(industry, capital, employees, name)
    return CompanyFacts(company_id, name, industry, sme)


def _plan_filing(column):
    """The latest record_plan_filed event's column of the case (a correlated subquery)."""
    return (
        select(column)
        .where(CaseEvent.case_id == Case.id, CaseEvent.event == PLAN_FILED_EVENT)
        .order_by(CaseEvent.seq.desc())
        .limit(1)
        .scalar_subquery()
    )


def notice_cases(session: Session, *conditions) -> list[NoticeCase]:
    """Secondments with fixed terms matching `conditions`, as notices see them."""
    sender, receiver = aliased(Company), aliased(Company)
    width = len(COMPANY_COLUMNS)
    first = 16  # the columns before the companies'
    query = (
        join_offers_and_companies(
            select(
                Case.id,
                Case.headcount,
                Case.start_date,
                Case.end_date,
                ContractTerms.end_date,
                ContractTerms.monthly_wage_yen,
                ContractTerms.sending_share_pct,
                SendingOffer.dismissals,
                ContractTerms.purpose,
                ContractTerms.pre_secondment_monthly_wage_yen,
                ContractTerms.within_corporate_group,
                SendingOffer.office_code,
                ReceivingOffer.office_code,
                ContractTerms.skills_promoter_appointed,
                _plan_filing(CaseEvent.occurred_on),
                _plan_filing(CaseEvent.doc_ref),
                *(getattr(sender, column) for column in COMPANY_COLUMNS),
                *(getattr(receiver, column) for column in COMPANY_COLUMNS),
            ).join(ContractTerms, ContractTerms.case_id == Case.id),
            sender,
            receiver,
        )
        .where(Case.kind == CaseKind.secondment, *conditions)
        .order_by(Case.id)
    )
    cases = []
    for row in session.execute(query):
        case, headcount, start, end, terms_end, wage, share, dismissals = row[:8]
        purpose, pre_wage, group, sending_office, receiving_office = row[8:13]
        promoter, filed_on, receipt = row[13:first]
        cases.append(
            NoticeCase(
                case_id=case,
                headcount=headcount,
                start=start,
                end=end or terms_end or start,
                monthly_wage_yen=wage,
                sending_share_pct=share,
                dismissals=dismissals,
                sending=_company(row[first : first + width]),
                receiving=_company(row[first + width :]),
                purpose=str(purpose),
                pre_secondment_monthly_wage_yen=pre_wage,
                within_group=bool(group),
                sending_office=sending_office,
                receiving_office=receiving_office,
                skills_promoter=promoter,
                plan_filed_on=filed_on,
                plan_receipt=receipt,
            )
        )
    return cases


def cases_heading_to_start(
    session: Session, as_of: date, case_id: int | None = None
) -> list[NoticeCase]:
    """Secondments with fixed terms, not started, whose start date is still ahead, for a
    purpose a subsidy may serve."""
    conditions = [
        Case.state.in_(HEADING_TO_START),
        Case.start_date > as_of,
        ContractTerms.purpose != "other",
    ]
    if case_id is not None:
        conditions.append(Case.id == case_id)
    return notice_cases(session, *conditions)


def programme_for(case: NoticeCase, as_of: date) -> Programme | None:
    """The programme for the case's start whose plan was filed in time or still can be."""
    return programme_on(case.start, case.purpose, as_of=as_of, filed_on=case.plan_filed_on)


def estimate_for(case: NoticeCase, programme: Programme) -> dict:
    """The estimate for a case; what is unknown (surplus industry) counts as no."""
    return _estimate(case, programme.key)


@lru_cache(maxsize=4096)
def _estimate(case: NoticeCase, programme_key: str) -> dict:
    """Remembered: a case's notice and its reminders on later nights give the same figures."""
    return estimate(
        programme_by_key(programme_key),
        start=case.start,
        end=case.end,
        persons=case.headcount,
        monthly_wage_yen=case.monthly_wage_yen,
        sending_share_pct=case.sending_share_pct,
        sending_sme=bool(case.sending.sme),
        receiving_sme=bool(case.receiving.sme),
        # 雇用維持: unknown dismissals count as none (the rate is the letter's to explain);
        # スキルアップ: unknown is asked for before any amount (`pending_facts`)
        dismissals=case.dismissals if programme_by_key(programme_key).sender_without_dismissals
        else bool(case.dismissals),
        skills_promoter=case.skills_promoter,
        within_group=case.within_group,
        other_industry=industry_division(case.sending.industry_code)
        != industry_division(case.receiving.industry_code),
        pre_secondment_monthly_wage_yen=case.pre_secondment_monthly_wage_yen,
    )


def with_yearly_cap(session: Session, case: NoticeCase, programme: Programme, figures: dict):
    """The sender's figures within the establishment's yearly cap, after what the sender's
    earlier cases of the same programme use (by case number: first come, first counted). The
    establishment is taken to be the sending company (事業所 are not recorded)."""
    cap = programme.yearly_cap_per_establishment_yen
    if cap is None or not figures["eligible"]:
        return figures
    earlier = notice_cases(
        session,
        Case.subsidy_programme == programme.key,
        Case.state != "withdrawn",
        Case.id < case.case_id,
        SendingOffer.company_id == case.sending.id,
    )
    used: dict[int, int] = {}
    for other in earlier:
        apply_yearly_cap(estimate_for(other, programme), used, cap)
    return apply_yearly_cap(figures, used, cap)


@dataclass
class Draft:
    """A notice due now, before it is stored and written."""

    key: str
    case: NoticeCase
    side: str
    kind: str
    programme: Programme | None
    deadline: date | None
    estimate: dict | None

    @property
    def company(self) -> CompanyFacts:
        return getattr(self.case, self.side)

    @property
    def office(self) -> str:
        return self.case.office(self.side)

    @property
    def relative_path(self) -> Path:
        return Path(f"case-{self.case.case_id:06d}") / (
            f"{self.case.start.isoformat()}-{self.kind}-{self.side}.md"
        )


def notice_key(case: NoticeCase, side: str, kind: str) -> str:
    return f"{case.case_id}:{case.start.isoformat()}:{side}:{kind}"


def due_drafts(
    cases: list[NoticeCase],
    *,
    as_of: date,
    reminder_days: list[int],
    written: set[str],
) -> list[Draft]:
    """The notices due on `as_of` that are not in `written` (keys written on earlier days).

    The first notice goes to both companies as soon as a case has its terms; a reminder only
    after it, to the company that files the plan, while its filing is not recorded: on or
    after `recommended day - offset` and not after the rule's last day. When several offsets
    have come (a night was missed), only the nearest is sent.
    """
    drafts = []
    for case in cases:
        programme = programme_for(case, as_of)
        dates = filing_dates(programme, case.start) if programme else None
        deadline = dates.recommended if dates else None
        due = []
        for side in SIDES:
            first = notice_key(case, side, "notice")
            if first not in written:
                due.append((first, side, "notice"))
                continue
            if deadline is None or case.plan_filed_on is not None:
                continue
            if side != programme.plan_notification.filed_by:
                continue
            last = dates.due or deadline
            come = [d for d in reminder_days if deadline - timedelta(days=d) <= as_of <= last]
            if come:
                kind = f"reminder-{min(come)}"
                key = notice_key(case, side, kind)
                if key not in written:
                    due.append((key, side, kind))
        if due:  # the estimate only for a case with something to write
            figures = estimate_for(case, programme) if programme else None
            drafts += [
                Draft(key, case, side, kind, programme, deadline, figures)
                for key, side, kind in due
            ]
    return drafts


def write_due_notices(
    *,
    session: Session,
    outbox: Path,
    as_of: date,
    reminder_days: list[int],
    case_id: int | None = None,
) -> list[dict]:
    """Store and write every notice due on `as_of`; returns what was written (ids, no names).

    The row goes in first (insert-once on its key), then the files: a notice another run
    already stored is skipped, and a crash before commit leaves files that the re-run
    overwrites with the same name.
    """
    cases = cases_heading_to_start(session, as_of, case_id)
    if not cases:
        return []
    written = set(
        session.scalars(select(Notice.key).where(Notice.case_id.in_([c.case_id for c in cases])))
    )
    drafts = due_drafts(cases, as_of=as_of, reminder_days=reminder_days, written=written)
    for draft in drafts:
        if draft.estimate is not None and draft.side == "sending":
            draft.estimate = with_yearly_cap(session, draft.case, draft.programme, draft.estimate)
    rows = [
        {
            "key": draft.key,
            "case_id": draft.case.case_id,
            "company_id": draft.company.id,
            "side": draft.side,
            "kind": draft.kind,
            "programme": draft.programme.key if draft.programme else None,
            "start_date": draft.case.start,
            "filing_deadline": draft.deadline,
            "written_on": as_of,
            "estimate": _as_data(draft.estimate),
            "path": str(draft.relative_path),
        }
        for draft in drafts
    ]
    inserted = insert_new(session, Notice.__table__, rows)  # others: an overlapping run's
    mine = [draft for draft in drafts if draft.key in inserted]
    numbers = assign_document_numbers(
        session, [(draft.key, draft.office, as_of) for draft in mine]
    )
    doc.write_letters(
        [
            (
                outbox / draft.relative_path,
                notice_letters.render(draft, as_of, numbers[draft.key]),
                notice_letters.subject(draft, as_of),
            )
            for draft in mine
        ]
    )
    if mine:
        crash_point("notices")  # the notices' files written, their rows not committed
    out = []
    for draft in mine:
        markdown_path = outbox / draft.relative_path
        out.append(
            {
                "case_id": draft.case.case_id,
                "side": draft.side,
                "kind": draft.kind,
                "programme": draft.programme.key if draft.programme else None,
                "filing_deadline": draft.deadline,
                "document_number": numbers[draft.key],
                "path": str(markdown_path),
            }
        )
    return out


def _as_data(figures: dict | None) -> dict | None:
    """The estimate as JSON-ready data (dates as ISO strings)."""
    if figures is None:
        return None
    return {k: (v.isoformat() if isinstance(v, date) else v) for k, v in figures.items()}


def notices_query(case_id: int | None = None):
    """Notices written, newest first (one case's when given)."""
    query = select(Notice).order_by(Notice.written_on.desc(), Notice.id.desc())
    if case_id is not None:
        query = query.where(Notice.case_id == case_id)
    return query


def notice_row(n: Notice) -> dict:
    """A notice as listed: what was written to whom, with the estimate's totals."""
    figures = n.estimate or {}
    return {
        "id": n.id,
        "case_id": n.case_id,
        "registrant_id": n.registrant_id,  # a letter after a job seeker's hire
        "side": n.side,
        "kind": n.kind,
        "programme": n.programme,
        "start_date": n.start_date,
        "filing_deadline": n.filing_deadline,
        "written_on": n.written_on,
        "operating_total_yen": figures.get("operating_total_yen", {}).get(n.side),
        "initial_costs_yen": figures.get("initial_costs_yen", {}).get(f"{n.side}_yen"),
        "path": n.path,
    }
