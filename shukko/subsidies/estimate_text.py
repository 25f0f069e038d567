"""助成額の見込み as a letter states it: the basis (rate and base, the company's size), the
months counted and why they stop, the total, the yearly cap, the initial costs and a table of
months; for スキルアップ支援コース the wage after return that the condition asks for."""

from __future__ import annotations

from shukko.clock import era_date, month_label
from shukko.documents import blocks as doc
from shukko.subsidies import letters
from shukko.subsidies.programmes import Programme


def _size_label(sme: bool | None) -> str:
    if sme:
        return "中小企業"
    return "中小企業以外" if sme is False else "規模不明のため中小企業以外の率"


def _paid_period_line(figures: dict) -> str:
    first, last = figures["paid_from"], figures["paid_until"]
    months = len(figures["months"])
    line = (
        f"試算の対象期間: {era_date(first, weekday=False)}から"
        f"{era_date(last, weekday=False)}まで（{months}か月）"
    )
    stop = figures["paid_stop"]
    if stop == "max_months":
        line += f"。支給期間は最長{figures['max_months']}か月のため、ここまでを数えています"
    elif stop == "extension_until":
        line += (
            f"。支給期間は最長{figures['max_months']}か月ですが、{figures['base_months']}か月を"
            "超える延長分は"
            f"{era_date(figures['extension_until'], weekday=False)}までの期間に限られる"
            "ため、ここまでを数えています"
        )
    return line


def estimate_blocks(draft, programme: Programme) -> list[doc.Block]:
    case, figures, side = draft.case, draft.estimate, draft.side
    rate = figures[f"{side}_rate"]
    size = _size_label(draft.company.sme)
    total = figures["operating_total_yen"][side]
    if programme.base == "lower_of_sender_share_and_half_pre_wage":
        basis = (
            f"出向中の賃金のうち貴社の負担額と、出向前の賃金（月額"
            f"{letters.yen(case.pre_secondment_monthly_wage_yen)}）の2分の1の、いずれか低い額の"
            f"{fraction(rate)}（{size}）"
        )
    else:
        # only the sender is told that its own dismissals set the rate
        dismissed = case.dismissals and side == "sending"
        why = "、出向元が解雇等を行っている場合の率" if dismissed else ""
        basis = f"貴社の賃金負担額の{fraction(rate)}（{size}{why}）"
    cap = (
        "1人1日当たりの上限は出向元・出向先の合計に適用"
        if programme.cap_shared_by_both_sides
        else "1人1日当たりの上限を適用"
    )
    lines = [
        f"助成額: {basis}。{cap}",
        _paid_period_line(figures),
        f"見込み額の合計: {letters.yen(total)}",
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
    lines += _initial_cost_lines(draft, programme)
    rows = [
        [
            month_label(m["month"]),
            f"{m['days']}日",
            letters.yen(m[f"{side}_yen"]),
            "要確認" if m["daily_cap_yen"] is None else letters.yen(m["daily_cap_yen"]),
            "、".join(
                note
                for note, flag in (("上限適用", m["capped"]), ("変更届が必要", m.get("review")))
                if flag
            ),
        ]
        for m in figures["months"]
    ]
    blocks = [
        doc.bullets(lines),
        doc.table(["月", "日数", "見込み額", "上限（1人1日）", "備考"], rows),
    ]
    if programme.post_return:
        rule, pre = programme.post_return, case.pre_secondment_monthly_wage_yen
        blocks.append(
            doc.paragraph(
                f"支給の条件: 出向から復帰した後{rule.months}か月間の各月の賃金を、出向前の賃金"
                f"（月額{letters.yen(pre)}）より{rule.raise_pct}%以上高くすること"
                f"（各月{letters.yen(raised_wage(pre, rule.raise_pct))}以上）。"
            )
        )
    return blocks


def _initial_cost_lines(draft, programme: Programme) -> list[str]:
    costs, figures, side = programme.initial_costs, draft.estimate, draft.side
    if costs is None:
        return []
    lines = [f"出向初期経費の見込み: {letters.yen(figures['initial_costs_yen'][f'{side}_yen'])}"]
    if figures["initial_costs_yen"][f"{side}_yen"] == 0:
        return lines
    if side == "sending" and programme.surplus_industry_addon_condition:
        lines.append(
            f"出向初期経費の加算: {programme.surplus_industry_addon_condition}の場合、1人当たり"
            f"{letters.yen(costs.surplus_industry_addon_yen)}が加算されます"
            "（該当するかは労働局にご確認ください。見込み額には含めていません）"
        )
    if side == "receiving" and programme.other_industry_addon_condition:
        differs = figures["initial_costs_yen"]["receiving_yen"] > (
            draft.case.headcount * costs.per_person_each_side_yen
        )
        lines.append(
            f"出向初期経費の加算: {programme.other_industry_addon_condition}の場合、1人当たり"
            f"{letters.yen(costs.other_industry_addon_yen)}が加算されます"
            + ("（出向元と業種が異なるため、見込み額に含めています）" if differs else "")
        )
    return lines


def raised_wage(pre_wage: int, raise_pct: int) -> int:
    """The least whole-yen wage that is at least `raise_pct`% above the wage before."""
    return -(-pre_wage * (100 + raise_pct) // 100)


def fraction(rate: str | None) -> str:
    """'9/10' as 10分の9."""
    if not rate:
        return "—"
    numerator, denominator = rate.split("/")
    return f"{denominator}分の{numerator}"
