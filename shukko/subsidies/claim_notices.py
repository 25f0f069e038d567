"""支給申請のご案内: once every worker's six months of wages after a skill-development
secondment are in, a letter to the sender: for whom the wage condition holds, the amount to
claim for them and by when.

The amount is computed as the estimate is (the programme's rate on the sender's share of the
wage in the contract terms, capped per day and per establishment-year) for the workers who
meet the condition in every month; the others are named by their number with the month they
fell short. Written exactly once per case, like the other notices: the row (unique key) goes
in first, then the files (Markdown, HTML, PDF).
"""

from __future__ import annotations

import dataclasses
from datetime import date, timedelta
from pathlib import Path

from sqlalchemy import select
from sqlmodel import Session

from models import Case, Notice
from models.db import insert_new
from shukko.clock import add_months, month_label
from shukko.documents import blocks as doc
from shukko.faults import crash_point
from shukko.subsidies import letters
from shukko.subsidies.document_numbers import assign_document_numbers
from shukko.subsidies.estimate_text import fraction
from shukko.subsidies.notices import NoticeCase, estimate_for, notice_cases, with_yearly_cap
from shukko.subsidies.post_return import WageCheck, returned_with_condition, wage_check
from shukko.subsidies.programmes import Programme, programme_by_key

CLAIM = "claim"


def claim_key(case: NoticeCase) -> str:
    return f"{case.case_id}:{case.start.isoformat()}:sending:{CLAIM}"


def claim_deadline(check: WageCheck) -> tuple[date, date]:
    """(deadline, the last pay day it assumes): 2 months from the day after the last pay day
    of the sixth month, taken as that month's last day."""
    last_pay = add_months(check.last_month, 1) - timedelta(days=1)
    return add_months(last_pay + timedelta(days=1), check.claim_within_months) - timedelta(
        days=1
    ), last_pay


def claim_figures(session: Session, case: NoticeCase, check: WageCheck, programme: Programme):
    """The amount to claim for the workers who meet the condition (None if nobody does)."""
    persons = len(check.qualifying)
    if persons == 0:
        return None
    claimed = dataclasses.replace(case, headcount=persons)
    figures = estimate_for(claimed, programme)
    return with_yearly_cap(session, claimed, programme, figures)


def _worker_label(worker_id: int) -> str:
    return f"労働者（番号{worker_id}）"


def render_claim(
    case: NoticeCase,
    check: WageCheck,
    programme: Programme,
    figures: dict | None,
    as_of: date,
    document_number: str | None = None,
) -> list[doc.Block]:
    """The letter: each worker's six months against the required wage, who qualifies, the
    amount to claim for them, the deadline and what to confirm; sections without gaps."""
    blocks = letters.head(
        office_code=case.sending_office,
        company_name=case.sending.name,
        written_on=as_of,
        subject=f"{programme.name} 支給申請のご案内",
        document_number=document_number,
    )
    blocks += [
        doc.paragraph(
            f"さて、貴社が出向元となった在籍型出向（人材育成、案件番号{case.case_id}）について、"
            "出向から復帰した後の賃金の記録がそろいましたので、下記のとおりご案内いたします。"
        ),
        *letters.closing(case.sending_office),
        doc.heading("記"),
    ]
    section = letters.Sections()
    blocks += _wage_blocks(case, check, section)
    if figures is not None and not figures["eligible"]:
        blocks += [
            section("支給申請額"),
            doc.paragraph("次の理由により、申請いただける額を計算できません。"),
            doc.bullets(figures["refusals"] + [f"未確認: {f}" for f in figures["pending"]]),
        ]
    elif figures is not None:
        blocks += _claim_blocks(case, check, figures, section)
    blocks += [
        section("労働局にご確認いただきたい事項"),
        doc.bullets(_to_confirm(check, figures)),
        doc.note("支給の可否と支給額は、労働局の審査により決まります。"),
        *letters.contact(case.sending_office),
        doc.right("以上"),
    ]
    return blocks


def _wage_blocks(case: NoticeCase, check: WageCheck, section) -> list[doc.Block]:
    """復帰後の賃金: the secondment, the condition, each worker's months against it, and
    the verdict."""
    workers = check.workers
    months = [m.month for m in workers[0].months]
    return [
        section("復帰後の賃金"),
        doc.bullets(
            [
                f"出向先: {case.receiving.name}",
                f"出向期間: {letters.era_date(case.start)}から"
                f"{letters.era_date(check.last_day)}まで",
                f"復帰日: {letters.era_date(check.returned_on)}",
                f"出向前の賃金（月額）: {letters.yen(check.pre_secondment_wage_yen)}",
                f"条件: 各月 {letters.yen(check.required_wage_yen)} 以上"
                f"（出向前の賃金より{check.raise_pct}%以上）",
            ]
        ),
        doc.table(
            ["月", *(_worker_label(w.worker_id) for w in workers)],
            [
                [
                    month_label(f"{month:%Y-%m}"),
                    *(
                        f"{letters.yen(w.months[i].wage_yen or 0)}"
                        f"（{'満たす' if w.months[i].meets else '満たさない'}）"
                        for w in workers
                    ),
                ]
                for i, month in enumerate(months)
            ],
        ),
        section("判定"),
        doc.paragraph(_verdict(check)),
    ]


def _claim_blocks(case: NoticeCase, check: WageCheck, figures: dict, section) -> list[doc.Block]:
    """支給申請額 for the workers who qualify, month by month, and the claim's deadline."""
    qualifying = check.qualifying
    months = [m.month for m in check.workers[0].months]
    deadline, last_pay = claim_deadline(check)
    capped = ["1事業所1年度当たりの上限に達するため、減額しています"]
    return [
        section("支給申請額"),
        doc.bullets(
            [
                f"対象: {len(qualifying)}名（"
                + "、".join(_worker_label(w.worker_id) for w in qualifying)
                + "）",
                f"申請いただける額: {letters.yen(figures['operating_total_yen']['sending'])}"
                f"（{len(qualifying)}名分）",
                f"対象期間: {letters.era_date(figures['paid_from'], weekday=False)}から"
                f"{letters.era_date(figures['paid_until'], weekday=False)}まで"
                f"（{len(figures['months'])}か月）",
                f"計算: 出向中の賃金（月額{letters.yen(case.monthly_wage_yen)}）のうち貴社の"
                "負担額と、出向前の賃金の2分の1の、いずれか低い額に助成率"
                f"（{fraction(figures['sending_rate'])}）を乗じ、1人1日当たりの上限を適用",
            ]
            + (capped if figures.get("yearly_cap_applied") else [])
        ),
        doc.table(
            ["月", "日数", "申請額", "上限（1人1日）"],
            [
                [
                    month_label(m["month"]),
                    f"{m['days']}日",
                    letters.yen(m["sending_yen"]),
                    "要確認" if m["daily_cap_yen"] is None else letters.yen(m["daily_cap_yen"]),
                ]
                for m in figures["months"]
            ],
        ),
        section("支給申請の期限"),
        doc.paragraph(
            f"{letters.era_date(deadline)}まで（{len(months)}か月目"
            f"（{month_label(f'{check.last_month:%Y-%m}')}）の最後の賃金支払日の翌日"
            f"から起算して{check.claim_within_months}か月以内。最後の賃金支払日を"
            f"{letters.era_date(last_pay, weekday=False)}とした場合です）。"
            "管轄の労働局へ提出してください。"
        ),
    ]


def _to_confirm(check: WageCheck, figures: dict | None) -> list[str]:
    """What the company should confirm with the labour bureau."""
    months = [m.month for m in check.workers[0].months]
    confirm = [
        f"復帰後の{len(months)}か月を{month_label(f'{months[0]:%Y-%m}')}から"
        f"{month_label(f'{months[-1]:%Y-%m}')}として記録しています"
        "（復帰後の初回の賃金支払日の属する月から数えます。賃金支払日によって異なる場合が"
        "あり、申請の期限も変わります）",
        "支給申請に必要な書類と様式",
    ]
    if figures is not None and figures["cap_unknown_months"]:
        confirm.insert(0, "上限額（1人1日当たり）が当センターで確認できていない月があります")
    return confirm


def _verdict(check: WageCheck) -> str:
    total, qualifying = len(check.workers), check.qualifying
    rule = (
        f"条件は、復帰後{len(check.workers[0].months)}か月のすべての月で、賃金が出向前の賃金より"
        f"{check.raise_pct}%以上高いことです。"
    )
    short = [w for w in check.workers if not w.holds]
    reasons = "".join(
        f"{_worker_label(w.worker_id)}は"
        + "、".join(month_label(f"{m:%Y-%m}") for m in w.short_months)
        + f"の賃金が{letters.yen(check.required_wage_yen)}に満たないため、支給の対象となりません。"
        for w in short
    )
    if not qualifying:
        return (
            f"{total}名のいずれも条件を満たしていません。{reasons}{rule}"
            "このままでは助成金は支給されません。賃金の記録に誤りがある場合は当センターに"
            "お知らせください。"
        )
    if short:
        return (
            f"{total}名のうち{len(qualifying)}名が条件を満たしています。{reasons}{rule}"
            f"下記の期限までに、{len(qualifying)}名分の支給申請を行ってください。"
        )
    return (
        f"{total}名のすべてが条件を満たしています。{rule}"
        "下記の期限までに支給申請を行ってください。"
    )


def _notice_row(case: NoticeCase, check: WageCheck, programme, figures, path, as_of) -> dict:
    """The claim notice's row: who and what it is for, the deadline, each worker's months."""
    return {
        "key": claim_key(case),
        "case_id": case.case_id,
        "company_id": case.sending.id,
        "side": "sending",
        "kind": CLAIM,
        "programme": programme.key,
        "start_date": case.start,
        "filing_deadline": claim_deadline(check)[0] if figures and figures["eligible"] else None,
        "written_on": as_of,
        "estimate": {
            "condition_holds": check.holds,
            "qualifying_workers": [w.worker_id for w in check.qualifying],
            "workers": [
                {
                    "worker_id": w.worker_id,
                    "meets": w.holds,
                    "months": [
                        {"month": f"{m.month:%Y-%m}", "wage_yen": m.wage_yen, "meets": m.meets}
                        for m in w.months
                    ],
                }
                for w in check.workers
            ],
            "required_wage_yen": check.required_wage_yen,
            "operating_total_yen": figures["operating_total_yen"] if figures else {"sending": 0},
        },
        "path": str(path),
    }


def write_claim_notices(*, session: Session, outbox: Path, as_of: date) -> list[dict]:
    """The claim notices due: returned cases whose six months are all recorded."""
    ready = {}
    for case in returned_with_condition(session):
        check = wage_check(session, case, as_of)
        if check is not None and check.complete:
            ready[case.id] = (case, check)
    if not ready:
        return []
    written = set(session.scalars(select(Notice.key).where(Notice.case_id.in_(list(ready)))))
    cases = [
        c for c in notice_cases(session, Case.id.in_(list(ready))) if claim_key(c) not in written
    ]
    rows, drafts = [], []
    for case in cases:
        row_case, check = ready[case.case_id]
        programme = programme_by_key(row_case.subsidy_programme)
        figures = claim_figures(session, case, check, programme)
        path = Path(f"case-{case.case_id:06d}") / f"{case.start.isoformat()}-claim-sending.md"
        drafts.append((case, check, programme, figures, path))
        rows.append(_notice_row(case, check, programme, figures, path, as_of))
    inserted = insert_new(session, Notice.__table__, rows)
    mine = [d for d in drafts if claim_key(d[0]) in inserted]
    numbers = assign_document_numbers(
        session, [(claim_key(case), case.sending_office, as_of) for case, *_ in mine]
    )
    letters_out = []
    for case, check, programme, figures, path in mine:
        blocks = render_claim(case, check, programme, figures, as_of, numbers[claim_key(case)])
        subject = next(b.text for b in blocks if b.kind == "title")
        letters_out.append((outbox / path, blocks, subject))
    doc.write_letters(letters_out)
    if mine:
        crash_point("notices")
    out = []
    for case, check, _programme, figures, path in mine:
        number = numbers[claim_key(case)]
        out.append(
            {
                "case_id": case.case_id,
                "side": "sending",
                "kind": CLAIM,
                "condition_holds": check.holds,
                "claim_yen": figures["operating_total_yen"]["sending"] if figures else 0,
                "document_number": number,
                "path": str(outbox / path),
            }
        )
    return out
