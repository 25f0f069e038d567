"""支給申請のご案内: once the six months' wages after a skill-development secondment are in,
a letter to the sender saying whether the wage condition holds and by when to claim.

Written exactly once per case, like the other notices: the row (unique key) goes in first,
then the files.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from sqlalchemy import select
from sqlmodel import Session

from models import Notice
from models.db import insert_new
from shukko import documents as doc
from shukko import letters
from shukko.faults import crash_point
from shukko.notices import NoticeCase, notice_cases
from shukko.post_return import WageCheck, returned_with_condition, wage_check
from shukko.subsidy import programme_by_key

CLAIM = "claim"


def claim_key(case: NoticeCase) -> str:
    return f"{case.case_id}:{case.start.isoformat()}:sending:{CLAIM}"


def render_claim(case: NoticeCase, check: WageCheck, programme_name: str, as_of: date):
    """The letter: the six months against the required wage, the verdict, the claim rule."""
    holds = check.holds
    subject = f"{programme_name} 支給申請のご案内"
    blocks = letters.head(
        office_code=case.sending_office,
        company_name=case.sending.name,
        written_on=as_of,
        subject=subject,
    )
    first, last = check.months[0].month, check.last_month
    if holds:
        verdict = (
            f"復帰後{len(check.months)}か月間のすべての月で、賃金が出向前の賃金より"
            f"{check.raise_pct}%以上高くなっており、支給の条件を満たしています。"
            "下記の期限までに支給申請を行ってください。"
        )
    else:
        short = [m for m in check.months if m.meets is False]
        verdict = (
            f"復帰後の賃金が出向前の賃金より{check.raise_pct}%以上高くなっていない月が"
            f"{len(short)}か月あり（"
            + "、".join(letters.month_label(f"{m.month:%Y-%m}") for m in short)
            + "）、支給の条件を満たしていません。このままでは助成金は支給されません。"
            "賃金の記録に誤りがある場合は当センターにお知らせください。"
        )
    blocks += [
        doc.paragraph(
            f"さて、貴社が出向元となった在籍型出向（人材育成、案件番号{case.case_id}）について、"
            f"出向から復帰した後の賃金の記録がそろいましたので、下記のとおりご案内いたします。"
        ),
        *letters.closing(case.sending_office),
        doc.heading("記"),
        doc.heading("1. 復帰後の賃金"),
        doc.bullets(
            [
                f"出向先: {case.receiving.name}",
                f"復帰日: {letters.era_date(check.returned_on)}",
                f"出向前の賃金（月額）: {letters.yen(check.pre_secondment_wage_yen)}",
                f"条件: 各月 {letters.yen(check.required_wage_yen)} 以上"
                f"（出向前の賃金より{check.raise_pct}%以上）",
            ]
        ),
        doc.table(
            ["月", "賃金", "条件"],
            [
                [
                    letters.month_label(f"{m.month:%Y-%m}"),
                    letters.yen(m.wage_yen or 0),
                    "満たす" if m.meets else "満たさない",
                ]
                for m in check.months
            ],
        ),
        doc.heading("2. 判定"),
        doc.paragraph(verdict),
    ]
    if holds:
        blocks += [
            doc.heading("3. 支給申請の期限"),
            doc.paragraph(
                f"支給申請書は、{len(check.months)}か月目（{letters.month_label(f'{last:%Y-%m}')}）"
                f"の最後の賃金支払日の翌日から起算して{check.claim_within_months}か月以内に、"
                "管轄の労働局へ提出してください。"
            ),
        ]
    blocks += [
        doc.heading("4. 労働局にご確認いただきたい事項"),
        doc.bullets(
            [
                f"復帰後の{len(check.months)}か月を{letters.month_label(f'{first:%Y-%m}')}から"
                f"{letters.month_label(f'{last:%Y-%m}')}として記録しています"
                "（復帰後の初回の賃金支払日の属する月から数えます。賃金支払日によって異なる場合が"
                "あります）",
                "支給申請に必要な書類と様式",
            ]
        ),
        doc.note(
            "本通知は見込みであり、助成金の支給を約束するものではありません。"
            "支給の可否と金額は労働局の審査により決まります。"
        ),
        doc.right("以上"),
    ]
    return blocks


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
    cases = [c for c in notice_cases(session, _ids_in(ready)) if claim_key(c) not in written]
    rows, drafts = [], []
    for case in cases:
        row_case, check = ready[case.case_id]
        path = Path(f"case-{case.case_id:06d}") / f"{case.start.isoformat()}-claim-sending.md"
        drafts.append((case, check, row_case.subsidy_programme, path))
        rows.append(
            {
                "key": claim_key(case),
                "case_id": case.case_id,
                "company_id": case.sending.id,
                "side": "sending",
                "kind": CLAIM,
                "programme": row_case.subsidy_programme,
                "start_date": case.start,
                "filing_deadline": None,
                "written_on": as_of,
                "estimate": {
                    "condition_holds": check.holds,
                    "months": [
                        {"month": f"{m.month:%Y-%m}", "wage_yen": m.wage_yen, "meets": m.meets}
                        for m in check.months
                    ],
                    "required_wage_yen": check.required_wage_yen,
                },
                "path": str(path),
            }
        )
    inserted = insert_new(session, Notice.__table__, rows)
    out = []
    for case, check, programme_key, path in drafts:
        if claim_key(case) not in inserted:
            continue
        blocks = render_claim(case, check, programme_by_key(programme_key).name, as_of)
        subject = next(b.text for b in blocks if b.kind == "title")
        doc.write_atomically(outbox / path, doc.to_markdown(blocks))
        doc.write_atomically(
            (outbox / path).with_suffix(".html"), doc.to_html(blocks, subject, letter=True)
        )
        crash_point("notices")
        out.append(
            {
                "case_id": case.case_id,
                "side": "sending",
                "kind": CLAIM,
                "condition_holds": check.holds,
                "path": str(outbox / path),
            }
        )
    return out


def _ids_in(ready: dict):
    from models import Case

    return Case.id.in_(list(ready))
