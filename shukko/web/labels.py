"""Japanese labels the pages show beside the contract's names (events, sides, groups)."""

from __future__ import annotations

from shukko.service.reference import INDUSTRY_GROUPS, OCCUPATIONS, PREFECTURES_BY_CODE

EVENTS = {
    "create": "案件作成（候補提示）",
    "assign_worker": "対象労働者を選定",
    "record_wage": "復帰後の賃金を記録",
    "schedule_interview": "企業間面談の日程を記録",
    "agree_to_proceed": "出向準備へ進む（面談で合意）",
    "record_consent": "本人同意を記録",
    "record_union_agreement": "労働組合（過半数代表者）との合意を記録",
    "record_rules_update": "就業規則の改定を記録",
    "record_tour": "職場見学を記録",
    "fix_terms": "出向契約の内容を確定（契約条件ファイル）",
    "record_plan_filed": "出向実施計画届の提出を記録（受付番号）",
    "sign_contract": "出向契約を締結",
    "start": "出向開始",
    "record_follow_up": "フォローアップを記録",
    "record_transfer_consent": "移籍の同意を記録",
    "extend": "出向期間を延長",
    "return_to_origin": "出向元へ復帰",
    "convert_to_transfer": "移籍へ移行",
    "withdraw": "不成立・辞退",
    "hire": "移籍成立",
}
BANK_EVENTS = {
    "register": "登録",
    "counsel": "面談（カウンセリング）を記録",
    "record_consent": "企業への情報提供の同意を記録",
    "introduce": "求人に紹介",
    "schedule_interview": "採用面接の日を記録",
    "offer": "内定を記録",
    "record_outcome": "不採用・辞退を記録",
    "hire": "採用（再就職）を記録",
    "close": "登録を終了",
}
# An introduction's outcome (応募の結果).
OUTCOMES = {"offered": "内定", "rejected": "不採用", "declined": "辞退"}
KINDS = {"secondment": "在籍型出向", "transfer": "移籍"}
OFFER_KINDS = {**KINDS, "either": "在籍型出向・移籍のどちらも可"}
FACTS = {
    "workers_assigned": "対象労働者（人数）",
    "workers_consented": "本人同意（人数）",
    "sending_has_union": "出向元の労働組合",
    "union_agreed": "労働組合等との合意",
    "rules_updated": "就業規則の改定",
    "terms_fixed": "出向契約の内容",
    "transfer_consented": "移籍の同意",
}
SCORE_PARTS = {
    "occupation": "職種",
    "skills": "技能・資格",
    "industry": "業種",
    "distance": "距離",
    "wage": "賃金",
    "waiting": "待機期間",
}


def office_name(code: str) -> str:
    prefecture = PREFECTURES_BY_CODE.get(code)
    return f"{code} {prefecture.name}" if prefecture else code


EMPLOYMENT_TYPES = {"full_time": "フルタイム", "part_time": "パートタイム", "either": "どちらでも"}
LEAVING_REASONS = {
    "teinen": "定年", "keizoku": "継続雇用の終了", "adjustment": "雇用調整", "other": "その他",
}  # fmt: skip


def industry_name(code: str | None) -> str:
    """A JSIC major group by its name (80 → 娯楽業)."""
    group = INDUSTRY_GROUPS.get(code or "")
    return group.name if group else (code or "")


def occupation_name(code: str | None) -> str:
    """A 職業分類 major group by its name (H → 生産工程の職業)."""
    return OCCUPATIONS.get(code or "", code or "")


def area_name(area: str) -> str:
    """A wished area: a prefecture code by its name; a block's name or 全国 as it is."""
    prefecture = PREFECTURES_BY_CODE.get(area)
    return prefecture.name if prefecture else area



def notice_kind(kind: str) -> str:
    """A notice written to a company: the first one, or a reminder N days before the
    recommended filing day (reminder-N)."""
    if kind.startswith("reminder-"):
        return f"計画届のお知らせ（推奨提出日の{kind.removeprefix('reminder-')}日前）"
    return "助成金のご案内" if kind == "notice" else kind

