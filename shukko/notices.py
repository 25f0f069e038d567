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

from models import Case, CaseKind, Company, ContractTerms, Notice, ReceivingOffer, SendingOffer
from models.db import insert_new
from models.reference import industry_division
from shukko import documents as doc
from shukko import letters
from shukko.faults import crash_point
from shukko.offers import join_offers_and_companies
from shukko.sme import is_sme
from shukko.subsidy import (
    PURPOSE_LABELS,
    Programme,
    apply_yearly_cap,
    estimate,
    filing_dates,
    filing_window,
    programme_by_key,
    programme_on,
)

HEADING_TO_START = ("preparing", "contracted")  # terms fixed, not started yet
SIDES = ("sending", "receiving")
SIDE_LABELS = {"sending": "出向元", "receiving": "出向先"}


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
    purpose: str = "employment_retention"
    pre_secondment_monthly_wage_yen: int | None = None
    within_group: bool = False
    sending_office: str = "13"
    receiving_office: str = "13"

    def office(self, side: str) -> str:
        """The Center's office that handles this side: the office that took its offer."""
        return self.sending_office if side == "sending" else self.receiving_office


COMPANY_COLUMNS = ("id", "name", "industry_code", "capital_yen", "employees", "is_sme")


def _company(values: tuple) -> CompanyFacts:
    company_id, name, industry, capital, employees, sme = values
    if sme is None:
        sme = is_sme(industry, capital, employees, name)
    return CompanyFacts(company_id, name, industry, sme)


def notice_cases(session: Session, *conditions) -> list[NoticeCase]:
    """Secondments with fixed terms matching `conditions`, as notices see them."""
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
                ContractTerms.purpose,
                ContractTerms.pre_secondment_monthly_wage_yen,
                ContractTerms.within_corporate_group,
                SendingOffer.office_code,
                ReceivingOffer.office_code,
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
        cases.append(
            NoticeCase(
                case_id=case,
                headcount=headcount,
                start=start,
                end=end or terms_end or start,
                monthly_wage_yen=wage,
                sending_share_pct=share,
                dismissals=bool(dismissals),
                sending=_company(row[13 : 13 + width]),
                receiving=_company(row[13 + width :]),
                purpose=str(purpose),
                pre_secondment_monthly_wage_yen=pre_wage,
                within_group=bool(group),
                sending_office=sending_office,
                receiving_office=receiving_office,
            )
        )
    return cases


def cases_heading_to_start(
    session: Session, as_of: date, case_id: int | None = None
) -> list[NoticeCase]:
    """Secondments with fixed terms, not started, whose start date is still ahead."""
    conditions = [Case.state.in_(HEADING_TO_START), Case.start_date > as_of]
    if case_id is not None:
        conditions.append(Case.id == case_id)
    return notice_cases(session, *conditions)


def programme_for(case: NoticeCase) -> Programme | None:
    return programme_on(case.start, case.purpose)


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
        dismissals=case.dismissals,
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

    The first notice goes out as soon as a case has its terms; a reminder only after it, on
    or after `deadline - offset` and not after the deadline (the recommended filing day): to
    the side that files, and to the other, whose documents go with the filing. When several
    offsets have come (a night was missed), only the nearest is sent.
    """
    drafts = []
    for case in cases:
        programme = programme_for(case)
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
    """The notice as a business letter in Japanese: programme, estimate, this side's
    documents, the filing rule and the recommended day; never a promise."""
    case, company = draft.case, draft.company
    if draft.kind == "notice":
        subject = "産業雇用安定助成金のご案内（見込み）"
    else:
        days = (draft.deadline - as_of).days
        subject = f"出向実施計画届の提出についてのお知らせ（推奨提出日まであと{days}日）"
    purpose = PURPOSE_LABELS.get(case.purpose, case.purpose)
    blocks = letters.head(
        office_code=draft.office,
        company_name=company.name,
        written_on=as_of,
        subject=subject,
    )
    blocks.append(
        doc.paragraph(
            f"さて、貴社が{SIDE_LABELS[draft.side]}となる在籍型出向（{purpose}）について、"
            "活用いただける助成金と手続きを下記のとおりご案内いたします。"
        )
    )
    blocks += letters.closing(draft.office)
    blocks += [
        doc.heading("記"),
        doc.heading("1. 出向の概要"),
        doc.bullets(
            [
                f"案件番号: {case.case_id}",
                f"{SIDE_LABELS['sending']}: {case.sending.name}",
                f"{SIDE_LABELS['receiving']}: {case.receiving.name}",
                f"出向期間: {letters.era_date(case.start)}から{letters.era_date(case.end)}まで",
                f"出向者数: {case.headcount}名",
                f"出向の目的: {purpose}"
                + ("（企業グループ内の出向）" if case.within_group else ""),
            ]
        ),
    ]
    programme = draft.programme
    if programme is None:
        blocks += [
            doc.heading("2. 対象となる助成金"),
            doc.paragraph(
                f"出向開始日（{letters.era_date(case.start)}）時点で、この目的（{purpose}）の"
                "出向に対して施行中の産業雇用安定助成金はありません。このため助成額の見込みは"
                "お示しできません。ほかに活用いただける制度については、管轄の労働局にご確認ください。"
            ),
        ]
    else:
        blocks += _programme_blocks(draft, programme, as_of)
    blocks += [
        doc.note(
            "本通知の金額は見込みであり、助成金の支給を約束するものではありません。"
            "支給の可否と金額は労働局の審査により決まります。"
        ),
        doc.right("以上"),
    ]
    return blocks


def _programme_blocks(draft: Draft, programme: Programme, as_of: date) -> list[doc.Block]:
    case, figures, side = draft.case, draft.estimate, draft.side
    paid_here = side in programme.paid_to
    blocks = [
        doc.heading("2. 対象となる助成金"),
        doc.paragraph(
            f"{programme.name}（出向開始日 {letters.era_date(case.start)} 時点で施行中の制度）"
        ),
        doc.heading("3. 助成額の見込み"),
    ]
    if not figures["eligible"]:
        blocks.append(doc.paragraph("この出向は、次の理由により助成の対象となりません。"))
        blocks.append(doc.bullets(figures["refusals"]))
    elif not paid_here:
        only = "・".join(SIDE_LABELS[s] for s in programme.paid_to)
        blocks.append(
            doc.paragraph(
                f"この制度の助成対象は{only}事業主のみで、貴社（{SIDE_LABELS[side]}）への"
                "助成はありません。出向契約の締結など、出向元の手続きへのご協力をお願いいたします。"
            )
        )
    else:
        blocks += _estimate_blocks(draft, programme)
    blocks += [
        doc.heading("4. ご準備いただく書類（貴社分）"),
        doc.bullets(getattr(programme.documents, side) or ["特にありません"]),
    ]
    blocks += _filing_blocks(draft, programme, as_of)
    confirm = list(programme.to_confirm)
    if figures["eligible"] and paid_here and figures["cap_unknown_months"]:
        confirm.insert(
            0,
            "上限額（1人1日当たり）が当センターで確認できていない月があります"
            "（表の「上限」欄が「要確認」の月。上限適用前の額で試算しています）",
        )
    if confirm:
        blocks += [
            doc.heading("6. 労働局にご確認いただきたい事項"),
            doc.bullets(confirm),
        ]
    return blocks


def _estimate_blocks(draft: Draft, programme: Programme) -> list[doc.Block]:
    case, figures, side = draft.case, draft.estimate, draft.side
    rate = figures[f"{side}_rate"]
    sme = draft.company.sme
    size = (
        "中小企業"
        if sme
        else ("中小企業以外" if sme is False else "規模不明のため中小企業以外の率")
    )
    total = figures["operating_total_yen"][side]
    if programme.base == "lower_of_sender_share_and_half_pre_wage":
        basis = (
            f"出向中の賃金のうち貴社の負担額と、出向前の賃金（月額"
            f"{letters.yen(case.pre_secondment_monthly_wage_yen)}）の2分の1の、いずれか低い額の"
            f"{_fraction(rate)}（{size}）"
        )
    else:
        dismissals = "出向元が解雇等を行っている場合の率" if case.dismissals else ""
        basis = (
            f"貴社の賃金負担額の{_fraction(rate)}（{size}{'、' if dismissals else ''}{dismissals}）"
        )
    cap = (
        "1人1日当たりの上限は出向元・出向先の合計に適用"
        if programme.cap_shared_by_both_sides
        else "1人1日当たりの上限を適用"
    )
    lines = [
        f"助成額: {basis}。{cap}。最長{programme.max_months_on(case.start)}か月",
        f"見込み合計: {letters.yen(total)}",
    ]
    if programme.yearly_cap_per_establishment_yen:
        lines.append(
            f"1事業所1年度当たりの上限: {letters.yen(programme.yearly_cap_per_establishment_yen)}"
            + (
                "（貴社の他の出向と合わせて上限に達するため、減額して試算しています）"
                if figures.get("yearly_cap_applied")
                else ""
            )
        )
    if programme.initial_costs is not None:
        lines.append(
            f"出向初期経費の見込み: {letters.yen(figures['initial_costs_yen'][f'{side}_yen'])}"
        )
    rows = [
        [
            letters.month_label(m["month"]),
            f"{m['days']}日",
            letters.yen(m[f"{side}_yen"]),
            "要確認" if m["daily_cap_yen"] is None else letters.yen(m["daily_cap_yen"]),
            "適用" if m["capped"] else "",
        ]
        for m in figures["months"]
    ]
    blocks = [
        doc.bullets(lines),
        doc.table(["月", "日数", "見込み額", "上限（1人1日）", "上限適用"], rows),
    ]
    if programme.post_return:
        rule, pre = programme.post_return, case.pre_secondment_monthly_wage_yen
        blocks.append(
            doc.paragraph(
                f"支給の条件: 出向から復帰した後{rule.months}か月間の各月の賃金を、出向前の賃金"
                f"（月額{letters.yen(pre)}）より{rule.raise_pct}%以上高くすること"
                f"（各月{letters.yen(raised_wage(pre, rule.raise_pct))}以上）。"
                f"支給申請は、{rule.months}か月目の最後の賃金支払日の翌日から"
                f"{rule.claim_within_months}か月以内です。"
            )
        )
    return blocks


def raised_wage(pre_wage: int, raise_pct: int) -> int:
    """The least whole-yen wage that is at least `raise_pct`% above the wage before."""
    return -(-pre_wage * (100 + raise_pct) // 100)


def _fraction(rate: str | None) -> str:
    """'9/10' as 10分の9."""
    if not rate:
        return "—"
    numerator, denominator = rate.split("/")
    return f"{denominator}分の{numerator}"


def _days_before(days: int) -> str:
    """1 as 前日, 7 and 14 as 1週間前 and 2週間前, others as N日前 (the figure from config)."""
    if days == 1:
        return "前日"
    return f"{days // 7}週間前" if days % 7 == 0 else f"{days}日前"


def _filing_blocks(draft: Draft, programme: Programme, as_of: date) -> list[doc.Block]:
    dates = filing_dates(programme, draft.case.start)
    rule = programme.plan_notification
    heading = doc.heading("5. 出向実施計画届の提出")
    if draft.side != rule.filed_by:
        filer = SIDE_LABELS[rule.filed_by]
        return [
            heading,
            doc.paragraph(
                f"出向実施計画届は{filer}事業主が労働局へ提出します。貴社で作成いただく書類は、"
                f"{filer}の提出に間に合うよう、{filer}へお渡しください"
                + (
                    f"（{filer}の推奨提出日: {letters.era_date(dates.recommended)}）。"
                    if dates.recommended
                    else "。"
                )
            ),
        ]
    if dates.due is None:
        return [
            heading,
            doc.paragraph(
                "出向実施計画届は、出向開始前に貴社から労働局へ提出する必要があります。"
                "具体的な提出期限は、管轄の労働局にご確認ください。"
            ),
        ]
    lines = [
        f"提出期限（制度上の期限）: 出向開始日の{_days_before(rule.due_days_before_start)}"
        f"（{letters.era_date(dates.due)}）まで",
        f"推奨提出日: {letters.era_date(dates.recommended)}（期限までの最後の開庁日）",
    ]
    if dates.advised:
        lines.append(
            f"可能であれば{_days_before(rule.advised_days_before_start)}"
            f"（{letters.era_date(dates.advised)}）までを目処にご提出ください"
        )
    if dates.earliest:
        lines.append(
            f"提出できるのは出向開始日の{rule.window_months}か月前"
            f"（{letters.era_date(dates.earliest)}）以降です"
        )
    blocks = [heading, doc.bullets(lines)]
    if dates.recommended and as_of > dates.recommended:
        blocks.append(
            doc.paragraph("推奨提出日を過ぎています。至急、管轄の労働局にご相談ください。")
        )
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
    out = []
    for draft in drafts:
        if draft.key not in inserted:
            continue
        markdown_path = outbox / draft.relative_path
        blocks = render(draft, as_of)
        doc.write_atomically(markdown_path, doc.to_markdown(blocks))
        doc.write_atomically(
            markdown_path.with_suffix(".html"), doc.to_html(blocks, _subject(blocks), letter=True)
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


def _subject(blocks: list[doc.Block]) -> str:
    return next(block.text for block in blocks if block.kind == "title")


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
