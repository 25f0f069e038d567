"""Reference data shipped with the code: prefectures (JIS X 0401), regional blocks,
JSIC industries (日本標準産業分類) and occupation major groups (日本標準職業分類)."""

from __future__ import annotations

import csv
import unicodedata
from dataclasses import dataclass
from pathlib import Path

REFERENCE_DIR = Path(__file__).resolve().parent / "reference"


def _rows(name: str) -> list[dict[str, str]]:
    with (REFERENCE_DIR / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@dataclass(frozen=True)
class Prefecture:
    """都道府県: JIS X 0401 code, names, and its block in the shipped eight-block scheme."""

    code: str
    name: str
    short_name: str
    name_en: str
    block: str


@dataclass(frozen=True)
class IndustryDivision:
    """JSIC 大分類 (A-T) with the range of its major groups."""

    code: str
    name: str
    first_group: str
    last_group: str


@dataclass(frozen=True)
class IndustryGroup:
    """JSIC 中分類 (01-99), nested in exactly one division."""

    code: str
    name: str
    division: str


PREFECTURES: tuple[Prefecture, ...] = tuple(Prefecture(**row) for row in _rows("prefectures.csv"))
PREFECTURES_BY_CODE: dict[str, Prefecture] = {p.code: p for p in PREFECTURES}
BLOCK_NAMES: tuple[str, ...] = tuple(row["name"] for row in _rows("regional_blocks.csv"))
INDUSTRY_DIVISIONS: dict[str, IndustryDivision] = {
    row["code"]: IndustryDivision(**row) for row in _rows("jsic_divisions.csv")
}


def _division_of_group(code: str) -> str:
    for division in INDUSTRY_DIVISIONS.values():
        if division.first_group <= code <= division.last_group:
            return division.code
    raise ValueError(f"JSIC major group {code} lies in no division")


INDUSTRY_GROUPS: dict[str, IndustryGroup] = {
    row["code"]: IndustryGroup(row["code"], row["name"], _division_of_group(row["code"]))
    for row in _rows("jsic_groups.csv")
}
OCCUPATIONS: dict[str, str] = {row["code"]: row["name"] for row in _rows("occupations.csv")}

_PREFECTURE_NAMES: dict[str, str] = {}
for _p in PREFECTURES:
    for _name in (_p.name, _p.short_name, _p.name_en.lower(), _p.code, str(int(_p.code))):
        _PREFECTURE_NAMES[_name] = _p.code


def _normalise(text: str) -> str:
    return unicodedata.normalize("NFKC", text).strip()


def prefecture_code(value: str) -> str:
    """The JIS code of a prefecture given by code ('13', '1'), name ('東京都', '東京') or romaji."""
    code = _PREFECTURE_NAMES.get(value)  # the common case: already clean
    if code is not None:
        return code
    key = _normalise(value)
    code = _PREFECTURE_NAMES.get(key) or _PREFECTURE_NAMES.get(key.lower())
    if code is None:
        raise ValueError(f"{value!r} is not a prefecture (use a code 01-47 or a name like 東京都)")
    return code


def block_of(code: str, overrides: dict[str, str] | None = None) -> str:
    """The regional block of a prefecture, after configured overrides (Mie varies by scheme)."""
    if overrides and code in overrides:
        return overrides[code]
    return PREFECTURES_BY_CODE[code].block


def industry_division(code: str) -> str:
    """The JSIC division letter of a major (2-digit) or minor (3-digit) group code, or of a
    division letter itself."""
    key = _normalise(code).upper()
    if key in INDUSTRY_DIVISIONS:
        return key
    return INDUSTRY_GROUPS[key[:2] if len(key) == 3 else key.zfill(2)].division


@dataclass(frozen=True)
class BrochureMonth:
    """One month of the Center's brochure table for 在籍型出向 (persons)."""

    fiscal_year: int
    month: int
    receiving_info: int
    sending_info: int
    established: int


def _data_rows(name: str) -> list[dict[str, str]]:
    """A CSV whose leading lines are # comments."""
    with (REFERENCE_DIR / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(line for line in handle if not line.startswith("#")))


BROCHURE_MONTHS: dict[tuple[int, int], BrochureMonth] = {
    (int(row["fiscal_year"]), int(row["month"])): BrochureMonth(
        **{key: int(value) for key, value in row.items()}
    )
    for row in _data_rows("brochure_monthly_zaiseki.csv")
}


@dataclass(frozen=True)
class BrochureYear:
    """One fiscal year of the brochure's annual table (persons, every kind of offer)."""

    fiscal_year: int
    secondment_established: int
    transfer_established: int
    total_established: int
    receiving_info: int
    sending_info: int


# The annual table's columns run one year late against the monthly tables (its 出向成立
# labelled 2019-2021 are the monthly tables' FY2020-FY2022 totals; brochure_facts.md): the
# column labelled Y holds fiscal year Y+1, and the one labelled 2021 covers April-January.
ANNUAL_LABEL_LAG = 1
BROCHURE_YEARS: dict[int, BrochureYear] = {
    int(row["fiscal_year"]) + ANNUAL_LABEL_LAG: BrochureYear(
        **{
            **{key: int(value) for key, value in row.items()},
            "fiscal_year": int(row["fiscal_year"]) + ANNUAL_LABEL_LAG,
        }
    )
    for row in _data_rows("brochure_annual.csv")
}
