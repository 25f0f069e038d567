"""助成金のご案内: subsidy notices to both companies of a secondment heading to its start.

A notice gives the programme in force on the start date, an estimate (the same figures as
data), the documents to prepare and the filing deadline of the 出向実施計画届; reminders
follow at configured offsets before the deadline. Each is written exactly once: its row has
a unique key, inserted before the files are written, in the caller's transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import aliased
from sqlmodel import Session

from models import Case, CaseKind, Company, ContractTerms, Notice, SendingOffer
from models.db import insert_new
from models.reference import industry_division
from shukko import documents as doc
from shukko.faults import crash_point
from shukko.offers import join_offers_and_companies
from shukko.sme import is_sme
from shukko.subsidy import Programme, estimate, filing_window, load_programmes

HEADING_TO_START = ("preparing", "contracted")  # terms fixed, not started yet
SIDES = ("sending", "receiving")
SIDE_LABELS = {"sending": "出向元", "receiving": "出向先"}
WEEKDAYS = "月火水木金土日"
DOCUMENTS = [
    "労使協定（出向に関する労働組合、または労働者の過半数代表者との協定）",
    "出向対象労働者の同意書",
    "出向契約書（出向元・出向先の間で締結）",
    "出向実施計画届（労働局またはハローワークへ提出）",
]


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
    dismissals: bool
    sending: CompanyFacts
    receiving: CompanyFacts


def jp_date(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日（{WEEKDAYS[day.weekday()]}）"


def yen(amount: int) -> str:
    return f"{amount:,}円"


COMPANY_COLUMNS = ("id", "name", "industry_code", "capital_yen", "employees", "is_sme")


def _company(values: tuple) -> CompanyFacts:
    company_id, name, industry, capital, employees, sme = values
    if sme is None:
        sme = is_sme(industry, capital, employees)
    return CompanyFacts(company_id, name, industry, sme)


def cases_heading_to_start(
    session: Session, as_of: date, case_id: int | None = None
) -> list[NoticeCase]:
    """Secondments with fixed terms, not started, whose start date is still ahead."""
    sender, receiver = aliased(Company), aliased(Company)
    width = len(COMPANY_COLUMNS)
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
                *(getattr(sender, column) for column in COMPANY_COLUMNS),
                *(getattr(receiver, column) for column in COMPANY_COLUMNS),
            ).join(ContractTerms, ContractTerms.case_id == Case.id),
            sender,
            receiver,
        )
        .where(
            Case.kind == CaseKind.secondment,
            Case.state.in_(HEADING_TO_START),
            Case.start_date > as_of,
        )
        .order_by(Case.id)
    )
    if case_id is not None:
        query = query.where(Case.id == case_id)
    cases = []
    for row in session.execute(query):
        case, headcount, start, end, terms_end, wage, share, dismissals = row[:8]
        cases.append(
            NoticeCase(
                case_id=case,
                headcount=headcount,
                start=start,
                end=end or terms_end or start,
                monthly_wage_yen=wage,
                sending_share_pct=share,
                dismissals=bool(dismissals),
                sending=_company(row[8 : 8 + width]),
                receiving=_company(row[8 + width :]),
            )
        )
    return cases


def estimate_for(case: NoticeCase, programme: Programme) -> dict:
    """The estimate for a case; what is unknown (group, surplus industry) counts as no."""
    return _estimate(case, programme.key)


@lru_cache(maxsize=4096)
def _estimate(case: NoticeCase, programme_key: str) -> dict:
    """Remembered: a case's notice and its reminders on later nights give the same figures."""
    programme = next(p for p in load_programmes() if p.key == programme_key)
    return estimate(
        programme,
        start=case.start,
        end=case.end,
        persons=case.headcount,
        monthly_wage_yen=case.monthly_wage_yen,
        sending_share_pct=case.sending_share_pct,
        sending_sme=bool(case.sending.sme),
        receiving_sme=bool(case.receiving.sme),
        dismissals=case.dismissals,
        other_industry=industry_division(case.sending.industry_code)
        != industry_division(case.receiving.industry_code),
    )


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
    programmes: tuple[Programme, ...] | None = None,
) -> list[Draft]:
    """The notices due on `as_of` that are not in `written` (keys written on earlier days).

    The first notice goes out as soon as a case has its terms; a reminder only after it, on
    or after `deadline - offset` and not after the deadline. When several offsets have come
    (a night was missed), only the nearest is sent.
    """
    programmes = programmes if programmes is not None else load_programmes()
    drafts = []
    for case in cases:
        programme = next((p for p in programmes if p.in_force(case.start)), None)
        deadline = filing_window(programme, case.start)[1] if programme else None
        due = []
        for side in SIDES:
            first = notice_key(case, side, "notice")
            if first not in written:
                due.append((first, side, "notice"))
                continue
            if deadline is None:
                continue
            come = [d for d in reminder_days if deadline - timedelta(days=d) <= as_of <= deadline]
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


def render(draft: Draft, as_of: date) -> list[doc.Block]:
    """The notice in Japanese: programme, estimate, documents, deadline; never a promise."""
    case, company = draft.case, draft.company
    other = case.receiving if draft.side == "sending" else case.sending
    if draft.kind == "notice":
        heading = "産業雇用安定助成金のご案内（見込み）"
    else:
        days = (draft.deadline - as_of).days
        heading = f"【リマインダー】出向実施計画届の提出期限まであと{days}日です"
    blocks = [
        doc.title(heading),
        doc.paragraph(f"{company.name} 御中"),
        doc.paragraph(
            f"案件番号 {case.case_id}（在籍型出向）: {SIDE_LABELS['sending']} {case.sending.name}、"
            f"{SIDE_LABELS['receiving']} {case.receiving.name}。"
            f"出向期間 {jp_date(case.start)} 〜 {jp_date(case.end)}、{case.headcount}名。"
            f"貴社は{SIDE_LABELS[draft.side]}、相手方は {other.name} です。"
        ),
        doc.paragraph(f"作成日: {jp_date(as_of)}"),
    ]
    programme = draft.programme
    if programme is None:
        blocks += [
            doc.heading("対象となる助成金"),
            doc.paragraph(
                f"出向開始日（{jp_date(case.start)}）時点で施行中の出向に関する助成金はありません。"
                "このため助成額の見込みはお示しできません。制度の改正があればあらためてご案内します。"
            ),
        ]
    else:
        blocks += _programme_blocks(draft, programme, as_of)
    blocks += [
        doc.heading("ご準備いただく書類"),
        doc.bullets(DOCUMENTS),
        doc.note(
            "本通知の金額は見込みであり、助成金の支給を約束するものではありません。"
            "支給の可否と金額は労働局の審査により決まります。"
        ),
    ]
    return blocks


def _programme_blocks(draft: Draft, programme: Programme, as_of: date) -> list[doc.Block]:
    case, figures = draft.case, draft.estimate
    paid_here = draft.side in programme.paid_to
    earliest, deadline = filing_window(programme, case.start)
    rate = figures["sending_rate"] if draft.side == "sending" else figures["receiving_rate"]
    sme = draft.company.sme
    size = "中小企業" if sme else ("大企業" if sme is False else "規模不明のため大企業の率で試算")
    blocks = [
        doc.heading("対象となる助成金"),
        doc.paragraph(f"{programme.name}（出向開始日 {jp_date(case.start)} 時点で施行中）"),
        doc.heading("助成額の見込み"),
    ]
    if not paid_here:
        blocks.append(
            doc.paragraph(f"この制度の助成対象は{SIDE_LABELS['sending']}のみで、貴社は対象外です。")
        )
    else:
        total = figures["operating_total_yen"][draft.side]
        initial = figures["initial_costs_yen"][f"{draft.side}_yen"]
        blocks.append(
            doc.bullets(
                [
                    f"出向運営経費: 貴社の賃金負担額の {rate}（{size}）、"
                    f"上限 1人1日 {yen(programme.cap_per_person_day_yen)}（出向元・出向先の合計）、"
                    f"最長 {programme.max_months}か月",
                    f"出向運営経費の見込み合計: {yen(total)}",
                    f"出向初期経費の見込み: {yen(initial)}",
                ]
            )
        )
        blocks.append(
            doc.table(
                ["月", "日数", "出向元", "出向先", "上限適用"],
                [
                    [
                        m["month"],
                        str(m["days"]),
                        yen(m["sending_yen"]),
                        yen(m["receiving_yen"]),
                        "あり" if m["capped"] else "",
                    ]
                    for m in figures["months"]
                ],
            )
        )
    if programme.conditions:
        blocks.append(doc.paragraph(f"条件: {programme.conditions}"))
    window = (
        f"また、提出は出向開始日の{programme.plan_notification.window_months}か月前"
        f"（{jp_date(earliest)}）以降に限られます。"
        if earliest
        else ""
    )
    blocks += [
        doc.heading("提出期限"),
        doc.paragraph(
            f"出向実施計画届は {jp_date(deadline)} までに提出してください"
            f"（出向開始日の前日までで、土日祝日・年末年始を除く直前の開庁日）。{window}"
        ),
    ]
    if as_of > deadline:
        blocks.append(doc.paragraph("提出期限を過ぎています。至急、管轄の労働局にご相談ください。"))
    return blocks


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
    out = []
    for draft in drafts:
        if draft.key not in inserted:
            continue
        markdown_path = outbox / draft.relative_path
        blocks = render(draft, as_of)
        doc.write_atomically(markdown_path, doc.to_markdown(blocks))
        doc.write_atomically(
            markdown_path.with_suffix(".html"), doc.to_html(blocks, blocks[0].text)
        )
        crash_point("notices")  # a notice's files written, its row not committed
        out.append(
            {
                "case_id": draft.case.case_id,
                "side": draft.side,
                "kind": draft.kind,
                "programme": draft.programme.key if draft.programme else None,
                "filing_deadline": draft.deadline,
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
