"""The text of 助成金のご案内 and its 再度のご案内: a business letter in Japanese per company.

What a letter states as a rule comes from config/subsidies.toml, where each figure carries
its public source; what is not sourced is listed for the company to confirm with the labour
bureau (労働局). An amount is an estimate, never a promise, and the letter says which months
it counts and why it stops there. The receiver's letter never tells the sender's private
facts (its dismissals).
"""

from __future__ import annotations

from datetime import date

from shukko.clock import era_date
from shukko.documents import blocks as doc
from shukko.subsidies import letters
from shukko.subsidies.estimate_text import estimate_blocks
from shukko.subsidies.programmes import PURPOSE_LABELS, Programme, filing_dates, load_programmes

SIDE_LABELS = {"sending": "出向元", "receiving": "出向先"}


def subject(draft, as_of: date) -> str:
    """What the letter is: ご案内 (with 見込み only where it gives an amount), or 再度のご案内."""
    programme = draft.programme
    if draft.kind != "notice":
        days = (draft.deadline - as_of).days
        when = f"推奨提出日まであと{days}日" if days > 0 else "推奨提出日を過ぎています"
        return f"出向実施計画届の提出についての再度のご案内（{when}）"
    if programme is None:
        return "在籍型出向に係る助成金についてのご連絡"
    if has_amount(draft):
        return f"{programme.name}のご案内（助成額の見込み）"
    return f"{programme.name}のご案内"


def has_amount(draft) -> bool:
    figures = draft.estimate
    return bool(
        draft.programme
        and figures
        and figures["eligible"]
        and draft.side in draft.programme.paid_to
    )


def render(draft, as_of: date, document_number: str | None = None) -> list[doc.Block]:
    """The notice as a business letter: the secondment, the programme, the estimate or why
    there is none, the conditions the bureau checks, this side's documents, the plan's filing,
    the claim and what to confirm; sections numbered without gaps."""
    case, company = draft.case, draft.company
    purpose = PURPOSE_LABELS.get(case.purpose, case.purpose)
    blocks = letters.head(
        office_code=draft.office,
        company_name=company.name,
        written_on=as_of,
        subject=subject(draft, as_of),
        document_number=document_number,
    )
    blocks.append(doc.paragraph(_opening(draft, purpose)))
    blocks += letters.closing(draft.office)
    section = letters.Sections()
    blocks += [
        doc.heading("記"),
        section("出向の概要"),
        doc.bullets(
            [
                f"案件番号: {case.case_id}",
                f"{SIDE_LABELS['sending']}: {case.sending.name}",
                f"{SIDE_LABELS['receiving']}: {case.receiving.name}",
                f"出向期間: {era_date(case.start)}から{era_date(case.end)}まで",
                f"出向者数: {case.headcount}名",
                f"出向の目的: {purpose}"
                + ("（企業グループ内の出向）" if case.within_group else ""),
            ]
        ),
    ]
    programme = draft.programme
    if programme is None:
        blocks += [section("対象となる助成金"), doc.paragraph(no_programme(case, as_of))]
    else:
        blocks += _programme_blocks(draft, programme, as_of, section)
    if has_amount(draft):
        blocks.append(
            doc.note(
                "本通知の金額は見込みであり、助成金の支給を約束するものではありません。"
                "支給の可否と金額は労働局の審査により決まります。"
            )
        )
    blocks += [*letters.contact(draft.office), doc.right("以上")]
    return blocks


def _opening(draft, purpose: str) -> str:
    side = SIDE_LABELS[draft.side]
    if draft.kind != "notice":
        return (
            f"さて、貴社が{side}となる在籍型出向（{purpose}）について、先にご案内した"
            "出向実施計画届の推奨提出日が近づいております。提出がお済みでない場合は、"
            "下記により手続きをお願いいたします。"
        )
    if draft.programme is None:
        return (
            f"さて、貴社が{side}となる在籍型出向（{purpose}）について、助成金の取扱いを"
            "下記のとおりご連絡いたします。"
        )
    return (
        f"さて、貴社が{side}となる在籍型出向（{purpose}）について、活用いただける助成金と"
        "手続きを下記のとおりご案内いたします。"
    )


def no_programme(case, as_of: date) -> str:
    """Why no subsidy is named: the course has closed, or none was in force; with the course
    of another purpose in force, if any (its requirements to confirm)."""
    purpose = PURPOSE_LABELS.get(case.purpose, case.purpose)
    same = [p for p in load_programmes() if p.purpose == case.purpose]
    closed = [p for p in same if p.plans_filed_until and p.plans_filed_until < as_of]
    if closed:
        course = closed[-1]
        text = (
            f"{purpose}を目的とする在籍型出向を対象とした{course.name}は、"
            f"{era_date(course.abolished_on or course.plans_filed_until, weekday=False)}"
            "限りで廃止され、出向実施計画届の受付は"
            f"{era_date(course.plans_filed_until, weekday=False)}で終了しました。"
            "このため、この出向について助成額の見込みはお示しできません。"
        )
    elif any(p.plans_filed_until and case.start > p.plans_filed_until for p in same):
        text = (
            f"この出向の計画届を提出できる時期には、{purpose}を目的とする出向を対象とした"
            "産業雇用安定助成金の計画届の受付が終了しています。このため、この出向について"
            "助成額の見込みはお示しできません。"
        )
    else:
        text = (
            f"出向開始日（{era_date(case.start)}）の時点で、{purpose}を目的とする"
            "在籍型出向を対象とした産業雇用安定助成金は施行されていません。このため、"
            "助成額の見込みはお示しできません。"
        )
    others = [
        p
        for p in load_programmes()
        if p.purpose != case.purpose and p.valid_from <= case.start and p.plans_filed_until is None
    ]
    for other in others:
        text += (
            f"なお、{PURPOSE_LABELS[other.purpose]}を目的とする出向であれば、{other.name}の"
            "対象となる場合があります（要件は管轄の労働局にご確認ください）。"
        )
    return text + "ほかに活用いただける制度については、管轄の労働局にご確認ください。"


def _programme_blocks(draft, programme: Programme, as_of: date, section) -> list[doc.Block]:
    case, figures, side = draft.case, draft.estimate, draft.side
    paid_here = side in programme.paid_to
    blocks = [
        section("対象となる助成金"),
        doc.paragraph(
            f"{programme.name}（出向開始日 {era_date(case.start)} の出向に適用される制度）"
        ),
    ]
    if _abolition_known(programme, as_of) and case.plan_filed_on is None and as_of <= (
        programme.plans_filed_until
    ):
        blocks.append(
            doc.paragraph(
                f"本助成金は{era_date(programme.abolished_on, weekday=False)}限りで"
                "廃止されます。出向実施計画届は"
                f"{era_date(programme.plans_filed_until)}までに提出する必要があり、"
                "それ以降の提出は受理されません。"
            )
        )
    if not paid_here:
        only = "・".join(SIDE_LABELS[s] for s in programme.paid_to)
        blocks += [
            section("貴社への助成"),
            doc.paragraph(
                f"この制度の助成対象は{only}事業主のみで、貴社（{SIDE_LABELS[side]}）への"
                "助成はありません。出向契約の締結など、出向元の手続きへのご協力をお願いいたします。"
            ),
        ]
    elif figures["refusals"]:
        blocks += [
            section("助成の対象とならない理由"),
            doc.paragraph("この出向は、次の理由により助成の対象となりません。"),
            doc.bullets(figures["refusals"]),
        ]
    elif figures["pending"]:
        blocks += [
            section("助成額の見込みについて"),
            doc.paragraph(
                "次の事項が当センターで確認できていないため、助成額の見込みはお示ししていません。"
                "いずれも助成の要件です。確認でき次第、改めてご案内いたします。"
            ),
            doc.bullets(figures["pending"]),
        ]
    else:
        blocks += [section("助成額の見込み"), *estimate_blocks(draft, programme)]
    conditions = programme.conditions_for(side, as_of) if paid_here else []
    if conditions:
        blocks += [
            section("労働局が審査する支給の要件"),
            doc.paragraph(
                "次の要件は労働局が審査します。当センターでは確認しておりませんので、"
                "満たしているかを管轄の労働局にご確認ください。"
            ),
            doc.bullets(conditions),
        ]
    blocks += [
        section("ご準備いただく書類（貴社分）"),
        doc.bullets(getattr(programme.documents, side) or ["特にありません"]),
    ]
    blocks += _filing_blocks(draft, programme, as_of, section)
    if paid_here and programme.post_return and has_amount(draft):
        rule = programme.post_return
        blocks += [
            section("支給申請"),
            doc.paragraph(
                f"支給申請は、出向から復帰した後{rule.months}か月間の賃金を支払った後に行います。"
                f"{rule.months}か月目の最後の賃金支払日の翌日から{rule.claim_within_months}か月"
                "以内に、管轄の労働局へ提出してください（復帰後の賃金の記録がそろった時点で、"
                "当センターから改めてご案内いたします）。"
            ),
        ]
    confirm = _to_confirm(draft, programme, as_of) if paid_here else []
    if confirm:
        blocks += [section("労働局にご確認いただきたい事項"), doc.bullets(confirm)]
    return blocks


def _abolition_known(programme: Programme, as_of: date) -> bool:
    """Whether a letter written on `as_of` can tell of the programme's end (it was announced
    by then): no letter speaks of a rule before it was made known."""
    announced = programme.abolition_announced_on
    return bool(programme.plans_filed_until and announced and as_of >= announced)


def _to_confirm(draft, programme: Programme, as_of: date) -> list[str]:
    figures = draft.estimate
    confirm = list(programme.to_confirm)
    paid_until = figures.get("paid_until")
    past = programme.abolished_on and paid_until and paid_until > programme.abolished_on
    if past and _abolition_known(programme, as_of):
        confirm += programme.to_confirm_past_abolition
    if figures["eligible"] and figures["cap_unknown_months"]:
        confirm.insert(
            0,
            "上限額（1人1日当たり）が当センターで確認できていない月があります"
            "（表の「上限」欄が「要確認」の月。上限適用前の額で試算しています）",
        )
    if any(m.get("review") for m in figures["months"]):
        review_until = figures["review_until"]
        confirm.insert(
            0,
            f"計画届の審査対象期間（{era_date(review_until, weekday=False)}まで）を超える"
            "期間は、変更届を提出して改めて審査を受ける必要があります（表の備考欄）",
        )
    return confirm


def _days_before(days: int) -> str:
    """1 as 前日, 7 and 14 as 1週間前 and 2週間前, others as N日前 (the figure from config)."""
    if days == 1:
        return "前日"
    return f"{days // 7}週間前" if days % 7 == 0 else f"{days}日前"


def _filing_blocks(draft, programme: Programme, as_of: date, section) -> list[doc.Block]:
    dates = filing_dates(programme, draft.case.start)
    rule = programme.plan_notification
    heading = section("出向実施計画届の提出")
    case = draft.case
    if draft.side != rule.filed_by:
        filer = SIDE_LABELS[rule.filed_by]
        if case.plan_filed_on:
            return [heading, doc.paragraph(f"出向実施計画届は{filer}事業主が提出済みです。")]
        return [
            heading,
            doc.paragraph(
                f"出向実施計画届は{filer}事業主が労働局へ提出します。貴社で作成いただく書類は、"
                f"{filer}の提出に間に合うよう、{filer}へお渡しください"
                + (
                    f"（{filer}の推奨提出日: {era_date(dates.recommended)}）。"
                    if dates.recommended
                    else "。"
                )
            ),
        ]
    if case.plan_filed_on:
        receipt = f"（受付番号 {case.plan_receipt}）" if case.plan_receipt else ""
        return [
            heading,
            doc.paragraph(
                f"出向実施計画届は{era_date(case.plan_filed_on)}に提出済みと記録して"
                f"います{receipt}。"
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
    if dates.cut_off and _abolition_known(programme, as_of):
        due_line = (
            f"提出期限: {era_date(dates.due)}まで（本助成金の計画届の受付期限。"
            f"制度上は出向開始日の{_days_before(rule.due_days_before_start)}までですが、"
            "それより前に受付が終了します）"
        )
    elif dates.cut_off:
        due_line = f"提出期限: {era_date(dates.due)}まで（本助成金の計画届の受付期限）"
    else:
        due_line = (
            f"提出期限（制度上の期限）: 出向開始日の{_days_before(rule.due_days_before_start)}"
            f"（{era_date(dates.due)}）まで"
        )
    lines = [
        due_line,
        f"推奨提出日: {era_date(dates.recommended)}まで"
        + (
            f"（可能であれば出向開始日の{_days_before(rule.advised_days_before_start)}までを"
            "目処に提出するよう案内されています）"
            if rule.advised_days_before_start
            else ""
        ),
    ]
    if dates.earliest:
        lines.append(
            f"提出できるのは出向開始日の{rule.window_months}か月前"
            f"（{era_date(dates.earliest)}）以降です"
        )
    blocks = [heading, doc.bullets(lines)]
    if dates.recommended and as_of > dates.recommended:
        blocks.append(
            doc.paragraph(
                f"推奨提出日を過ぎています。期限（{era_date(dates.due)}）までに必ず"
                "ご提出ください。ご不明の点は管轄の労働局にご相談ください。"
            )
        )
    return blocks
