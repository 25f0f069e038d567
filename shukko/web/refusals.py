"""The web's wording of refusals (shukko.refusals), in Japanese, as consultants read them:
no option or command of the CLI."""

from __future__ import annotations

from shukko.errors import ShukkoError

SIDES = {"sending": "送出情報", "receiving": "受入情報"}

JA = {
    "not_found.case": "案件 {case_id} は見つかりません。",
    "not_found.offer": "{offer} の受入情報・送出情報は見つかりません。",
    "not_found.side_offer": "{side_label} {offer} は見つかりません。",
    "not_found.opening": "求人 {opening} は見つかりません。",
    "not_found.registrant": "登録者 {registrant_id} は見つかりません。",
    "not_found.user": "利用者「{name}」は見つかりません。",
    "not_found.company": (
        "会社「{company}」は登録されていません（法人番号または名称で探しました）。"
        "その会社の受入情報・送出情報か求人を取り込むと登録されます。"
    ),
}


def japanese(exc: ShukkoError) -> str:
    """What a page shows for a refusal."""
    if exc.code is None:
        return str(exc)
    params = dict(exc.params)
    params["side_label"] = SIDES.get(params.get("side", ""), "")
    return JA[exc.code].format(**params)
