"""Validation of one intake row with pydantic (table models do not validate).

Cells arrive as text (CSV) or typed values (XLSX). Every rule of INTAKE_FORMAT.md lives here:
NFKC normalisation, dates in both forms, booleans in all listed forms, lists split on ; and 、,
prefectures by code or name, JSIC groups or divisions, occupations by letter or name, the
corporate-number check digit, defaults, and the cross-field checks.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime
from functools import lru_cache
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, model_validator
from stdnum.jp import cn as corporate_number_check

from config.areas import area_aliases
from models.reference import (
    BLOCK_NAMES,
    INDUSTRY_DIVISIONS,
    INDUSTRY_GROUPS,
    OCCUPATIONS,
    prefecture_code,
)
from shukko.clock import add_months

MAX_CELL_CHARS = 2_000

_OCCUPATION_BY_NAME = {name: code for code, name in OCCUPATIONS.items()}
_TRUE = {"yes", "true", "1", "有", "あり", "y", "○"}
_FALSE = {"no", "false", "0", "無", "なし", "n", "×"}
_KINDS = {
    "出向": "secondment", "在籍型出向": "secondment", "secondment": "secondment",
    "移籍": "transfer", "transfer": "transfer",
    "いずれも": "either", "either": "either", "両方": "either",
}  # fmt: skip
_REASONS = {
    "雇用調整": "雇用調整", "employment adjustment": "雇用調整",
    "人材育成": "人材育成", "skills development": "人材育成",
    "その他": "その他", "other": "その他",
}  # fmt: skip
_NATIONWIDE = {"全国", "nationwide"}
_DATE = re.compile(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})")
_LIST_SEPARATORS = re.compile(r"[;、,]")
_WHOLE_NUMBER = re.compile(r"-?\d+")


def clean(value: Any) -> Any:
    """NFKC for text (full-width digits and spaces), None for an empty cell."""
    if isinstance(value, str):
        if not value.isascii():  # NFKC costs; plain ASCII needs none
            value = unicodedata.normalize("NFKC", value)
        return value.strip() or None
    return value


def _text(value: Any) -> Any:
    value = clean(value)
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # XLSX stores 1001 as 1001.0
    return None if value is None else str(value)


def _date(value: Any) -> Any:
    value = clean(value)
    if value is None or isinstance(value, date):
        return value.date() if isinstance(value, datetime) else value
    if len(value) == 10 and value[4] == "-":
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    match = _DATE.fullmatch(str(value))
    if not match:
        raise ValueError(f"{value!r} is not a date (use 2024-04-01 or 2024/4/1)")
    try:
        return date(*(int(part) for part in match.groups()))
    except ValueError:
        raise ValueError(f"{value!r} is not a real date") from None


def _bool(value: Any) -> Any:
    value = clean(value)
    if value is None or isinstance(value, bool):
        return value
    key = str(value).lower()
    if key in _TRUE:
        return True
    if key in _FALSE:
        return False
    raise ValueError(f"{value!r} is not yes/no (yes/no, true/false, 1/0, 有/無, あり/なし)")


def _int(value: Any) -> Any:
    value = clean(value)
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, float):
        if not value.is_integer():
            raise ValueError(f"{value!r} is not a whole number")
        return int(value)
    if isinstance(value, int):
        return value
    text = str(value).replace(",", "").removesuffix("円").removesuffix("人")
    if not _WHOLE_NUMBER.fullmatch(text):
        raise ValueError(f"{value!r} is not a whole number")
    return int(text)


def _at_least(minimum: int, maximum: int | None = None):
    def check(value: Any) -> Any:
        number = _int(value)
        if number is not None and number < minimum:
            raise ValueError(f"{number} is less than {minimum}")
        if number is not None and maximum is not None and number > maximum:
            raise ValueError(f"{number} is more than {maximum}")
        return number

    return _remembered(check)


def split_list(value: Any) -> list[str]:
    """A list in one cell, separated by ; or 、 (also ；, normalised by NFKC)."""
    value = clean(value)
    if value is None:
        return []
    return [part.strip() for part in _LIST_SEPARATORS.split(str(value)) if part.strip()]


def _prefecture(value: Any) -> Any:
    value = _text(value)
    return None if value is None else prefecture_code(value)


def _industry(value: Any) -> Any:
    value = _text(value)
    if value is None:
        return None
    key = value.upper()
    if key in INDUSTRY_DIVISIONS:
        return key
    if key.isdigit() and len(key) <= 2 and key.zfill(2) in INDUSTRY_GROUPS:
        return key.zfill(2)
    if key.isdigit() and len(key) == 3 and key[:2] in INDUSTRY_GROUPS and key[2] != "0":
        return key  # a minor group (小分類), e.g. 791 旅行業
    raise ValueError(
        f"{value!r} is not a JSIC division letter (A-T), major group (01-99) "
        "or minor group (e.g. 791)"
    )


def _occupation(value: Any) -> Any:
    value = _text(value)
    if value is None:
        return None
    if value.upper() in OCCUPATIONS:
        return value.upper()
    if value in _OCCUPATION_BY_NAME:
        return _OCCUPATION_BY_NAME[value]
    raise ValueError(f"{value!r} is not an occupation group (A-L or its name, e.g. 事務従事者)")


def _corporate_number(value: Any) -> Any:
    value = _text(value)
    if value is None:
        return None
    digits = value.replace("-", "").replace(" ", "")
    # stdnum's check digit on 13 plain digits (its own is_valid first cleans the text
    # again, which costs more than the check on a national year of new companies).
    if not (
        len(digits) == 13
        and digits.isdecimal()
        and digits.isascii()
        and corporate_number_check.calc_check_digit(digits[1:]) == digits[0]
    ):
        raise ValueError(f"{value!r} is not a valid 13-digit corporate number (check digit)")
    return digits


def _one_of(choices: dict[str, str], allowed: str):
    """A converter for a cell that must be one of a few words (any listed spelling)."""

    def convert(value: Any) -> Any:
        value = _text(value)
        if value is None:
            return None
        chosen = choices.get(value.lower())
        if chosen is None:
            raise ValueError(f"{value!r} is not {allowed}")
        return chosen

    return convert


_kind = _one_of(_KINDS, "出向, 移籍 or いずれも")
_reason = _one_of(_REASONS, "雇用調整, 人材育成 or その他")


def area_tokens(token: str) -> list[str]:
    """One area as written: 全国, a block (地方 or not), a prefecture (都府県 or not), or an
    alias from config/areas.toml (九州・沖縄, 関東甲信越, 東海 ...), as prefecture codes and block
    names. An unknown name is refused with the names accepted."""
    if token in _NATIONWIDE:
        return ["全国"]
    if token.removesuffix("地方") in BLOCK_NAMES:
        return [token.removesuffix("地方")]
    aliases = area_aliases()
    if token in aliases:
        return list(aliases[token])
    try:
        return [prefecture_code(token)]
    except ValueError:
        raise ValueError(
            f"{token!r} is not a prefecture, a regional block ({', '.join(BLOCK_NAMES)}), "
            f"全国 or one of {', '.join(aliases)}"
        ) from None


def _area(value: Any) -> list[str]:
    area: list[str] = []
    for token in split_list(value):
        area += [part for part in area_tokens(token) if part not in area]
    return area


def _remembered(convert):
    """Cells repeat (offices, dates, codes, amounts): remember each raw value's result.
    The cache is called directly by pydantic (no Python frame on a hit). Errors are not
    remembered, so a bad value is reported afresh on every row that has it. Cells are
    text, numbers or dates as the readers give them, all hashable."""
    return lru_cache(maxsize=16384)(convert)


def _list_cell(value: Any) -> tuple[str, ...]:
    return tuple(split_list(value))


def _area_cell(value: Any) -> tuple[str, ...]:
    return tuple(_area(value))


(
    _date, _bool, _prefecture, _industry, _occupation, _kind, _reason, _list_cell, _area_cell,
    _corporate_number,
) = (
    _remembered(f)
    for f in (
        _date, _bool, _prefecture, _industry, _occupation, _kind, _reason, _list_cell, _area_cell,
        _corporate_number,
    )
)  # fmt: skip
_six_months_after = lru_cache(maxsize=4096)(lambda day: add_months(day, 6))

Text = Annotated[str, BeforeValidator(_text)]
OptionalText = Annotated[str | None, BeforeValidator(_text)]
Day = Annotated[date, BeforeValidator(_date)]
OptionalDay = Annotated[date | None, BeforeValidator(_date)]
OptionalBool = Annotated[bool | None, BeforeValidator(_bool)]
OptionalInt = Annotated[int | None, BeforeValidator(_int)]
TextList = Annotated[list[str], BeforeValidator(_list_cell)]


class CompanyCells(BaseModel):
    """The office and the company of a row: every kind of intake file has them."""

    # A cell longer than a page of text is a mistake (or an attack), not an offer.
    model_config = ConfigDict(extra="forbid", str_max_length=MAX_CELL_CHARS)

    office: Annotated[str, BeforeValidator(_prefecture)]
    received_on: Day
    company_name: Text
    corporate_number: Annotated[str | None, BeforeValidator(_corporate_number)] = None
    industry: Annotated[str, BeforeValidator(_industry)]
    prefecture: Annotated[str, BeforeValidator(_prefecture)]
    capital_yen: Annotated[int | None, BeforeValidator(_at_least(0))] = None
    employees: Annotated[int | None, BeforeValidator(_at_least(0))] = None
    has_union: OptionalBool = None
    referred_by: OptionalText = None
    notes: OptionalText = None


class OfferRow(CompanyCells):
    """The columns both kinds of offer share."""

    offer_id: Text
    kind: Annotated[str, BeforeValidator(_kind)]
    headcount: Annotated[int, BeforeValidator(_at_least(1))]
    occupation: Annotated[str, BeforeValidator(_occupation)]
    job_title: OptionalText = None
    skills: TextList = Field(default_factory=list)
    qualifications: TextList = Field(default_factory=list)
    period_months_min: Annotated[int | None, BeforeValidator(_at_least(1, 120))] = None
    period_months_max: Annotated[int | None, BeforeValidator(_at_least(1, 120))] = None
    start_from: OptionalDay = None
    start_until: OptionalDay = None
    monthly_wage_yen: Annotated[int | None, BeforeValidator(_at_least(0))] = None

    @model_validator(mode="after")
    def _defaults_and_cross_checks(self) -> OfferRow:
        # The fields are validated already, so the defaults go straight into the values:
        # pydantic's attribute assignment would cost more than these checks on a large file.
        values = self.__dict__
        low = values["period_months_min"] = self.period_months_min or 1
        high = values["period_months_max"] = self.period_months_max or 24
        if low > high:
            raise ValueError(f"period_months_min {low} is more than period_months_max {high}")
        start_from = values["start_from"] = self.start_from or self.received_on
        start_until = values["start_until"] = self.start_until or _six_months_after(start_from)
        if start_from > start_until:
            raise ValueError(f"start_from {start_from} is after start_until {start_until}")
        return self


class SendingRow(OfferRow):
    """送出情報."""

    acceptable_area: Annotated[list[str], BeforeValidator(_area_cell)] = Field(default_factory=list)
    reason: Annotated[str | None, BeforeValidator(_reason)] = None
    dismissals: OptionalBool = None


class ReceivingRow(OfferRow):
    """受入情報."""

    work_prefecture: Annotated[str, BeforeValidator(_prefecture)]
    required_qualifications: TextList = Field(default_factory=list)
    conditions: TextList = Field(default_factory=list)


_EMPLOYMENT_TYPES = {
    "full_time": "full_time", "正社員": "full_time", "フルタイム": "full_time",
    "part_time": "part_time", "パート": "part_time", "パートタイム": "part_time",
    "アルバイト": "part_time", "contract": "contract", "契約社員": "contract", "嘱託": "contract",
    "契約社員・嘱託": "contract",
}  # fmt: skip
_employment_type = _remembered(
    _one_of(_EMPLOYMENT_TYPES, "full_time, part_time, contract (正社員, パート, 契約社員・嘱託)")
)


class OpeningRow(CompanyCells):
    """求人 of the career bank (キャリア人材バンク)."""

    opening_id: Text
    occupation: Annotated[str, BeforeValidator(_occupation)]
    work_prefecture: Annotated[str, BeforeValidator(_prefecture)]
    employment_type: Annotated[str, BeforeValidator(_employment_type)]
    hours_per_week: Annotated[int | None, BeforeValidator(_at_least(1, 80))] = None
    monthly_wage_yen: Annotated[int | None, BeforeValidator(_at_least(1, 10_000_000))] = None
    hourly_wage_yen: Annotated[int | None, BeforeValidator(_at_least(1, 100_000))] = None
    headcount: Annotated[int, BeforeValidator(_at_least(1))]
    required_qualifications: TextList = Field(default_factory=list)
    open_until: OptionalDay = None

    @model_validator(mode="after")
    def _wage_and_dates(self) -> OpeningRow:
        if self.monthly_wage_yen is None and self.hourly_wage_yen is None:
            raise ValueError("monthly_wage_yen or hourly_wage_yen: one of them is required")
        if self.open_until is not None and self.open_until < self.received_on:
            raise ValueError(
                f"open_until {self.open_until} is before received_on {self.received_on}"
            )
        return self


ROW_MODELS: dict[str, type[CompanyCells]] = {
    "sending": SendingRow,
    "receiving": ReceivingRow,
    "opening": OpeningRow,
}


def cross_field_column(message: str) -> str:
    """The column a model-level error belongs to (the first field its message names)."""
    for field in ("period_months_min", "start_from", "monthly_wage_yen", "open_until"):
        if message.startswith(field):
            return field
    return "row"
