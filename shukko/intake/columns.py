"""The intake file's columns in English and Japanese, and telling the kind from the headers."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

COMMON = {
    "offer_id": "受付番号",
    "office": "事務所",
    "received_on": "受付日",
    "company_name": "企業名",
    "corporate_number": "法人番号",
    "industry": "業種",
    "prefecture": "所在地",
    "capital_yen": "資本金",
    "employees": "従業員数",
    "has_union": "労働組合",
    "kind": "区分",
    "headcount": "人数",
    "occupation": "職種",
    "job_title": "職種名",
    "skills": "スキル",
    "qualifications": "資格",
    "period_months_min": "期間下限（月）",
    "period_months_max": "期間上限（月）",
    "start_from": "開始可能日",
    "start_until": "開始期限",
    "monthly_wage_yen": "月額賃金",
    "referred_by": "紹介元",
    "notes": "備考",
}
SENDING_ONLY = {"acceptable_area": "希望勤務地", "reason": "送出理由", "dismissals": "解雇等"}
RECEIVING_ONLY = {
    "work_prefecture": "勤務地",
    "required_qualifications": "必須資格",
    "conditions": "受入条件",
}
# 求人 of the career bank (キャリア人材バンク): told by 求人番号 / opening_id. Where a header
# names a field the offers also have, it maps to that field (事業所名 is the company's name).
OPENING_ONLY = {
    "opening_id": "求人番号",
    "employment_type": "雇用形態",
    "hours_per_week": "週所定労働時間",
    "hourly_wage_yen": "時給",
    "open_until": "有効期限",
}
OPENING_SYNONYMS = {
    "事業所名": "company_name",
    "就業場所": "work_prefecture",
    "月給": "monthly_wage_yen",
    "必要資格": "required_qualifications",
}
REQUIRED_COMMON = (
    "offer_id", "office", "received_on", "company_name", "industry", "prefecture", "kind",
    "headcount", "occupation",
)  # fmt: skip
REQUIRED = {
    "sending": REQUIRED_COMMON,
    "receiving": (*REQUIRED_COMMON, "work_prefecture"),
    "opening": (
        "opening_id", "office", "received_on", "company_name", "industry", "prefecture",
        "occupation", "work_prefecture", "employment_type", "headcount",
    ),
}  # fmt: skip


def normalise_header(text: object) -> str:
    """NFKC, trimmed, lower case: 期間下限（月） and 期間下限(月) are the same header."""
    return unicodedata.normalize("NFKC", str(text or "")).strip().lower()


_BY_HEADER: dict[str, str] = {}
for _table in (COMMON, SENDING_ONLY, RECEIVING_ONLY, OPENING_ONLY):
    for _english, _japanese in _table.items():
        _BY_HEADER[normalise_header(_english)] = _english
        _BY_HEADER[normalise_header(_japanese)] = _english
for _japanese, _english in OPENING_SYNONYMS.items():
    _BY_HEADER[normalise_header(_japanese)] = _english


class UnreadableFile(Exception):
    """A file that cannot be imported at all; the message says why."""


@dataclass
class Layout:
    """What the header row says: the kind of offers, and which column holds which field."""

    kind: str  # sending | receiving | opening
    fields: dict[int, str]  # column index -> field name
    headers: dict[str, str]  # field name -> the header as written (for messages)
    extra: dict[int, str]  # column index -> unknown header, kept as notes


def read_layout(header_row: list[object]) -> Layout:
    """Map a header row; unknown columns are kept as notes; a missing required one is fatal."""
    fields: dict[int, str] = {}
    headers: dict[str, str] = {}
    extra: dict[int, str] = {}
    for index, cell in enumerate(header_row):
        key = normalise_header(cell)
        if not key:
            continue
        field = _BY_HEADER.get(key)
        if field is None:
            extra[index] = str(cell).strip()
        elif field not in headers:  # a repeated header: the first one counts
            fields[index] = field
            headers[field] = str(cell).strip()
    present = set(headers)
    if "opening_id" in present:  # 求人番号: the career bank's openings
        return _checked(Layout("opening", fields, headers, extra), present)
    has_receiving = bool(present & set(RECEIVING_ONLY))
    has_sending = bool(present & set(SENDING_ONLY))
    if has_receiving and has_sending:
        raise UnreadableFile(
            "the header has columns of both kinds (e.g. 勤務地 and 希望勤務地): "
            "one file holds either sending or receiving offers"
        )
    kind = "receiving" if has_receiving else "sending"
    return _checked(Layout(kind=kind, fields=fields, headers=headers, extra=extra), present)


def _checked(layout: Layout, present: set[str]) -> Layout:
    missing = [f for f in REQUIRED[layout.kind] if f not in present]
    if missing:
        japanese = {**COMMON, **RECEIVING_ONLY, **OPENING_ONLY}
        if layout.kind == "opening":
            japanese.update({v: k for k, v in OPENING_SYNONYMS.items()})
        names = ", ".join(f"{f} ({japanese.get(f)})" for f in missing)
        what = "an openings (求人)" if layout.kind == "opening" else f"a {layout.kind} offers"
        raise UnreadableFile(f"required columns are missing for {what} file: {names}")
    return layout
