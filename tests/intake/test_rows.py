"""Each column's rules, good and bad (INTAKE_FORMAT.md), on the row schemas."""

from __future__ import annotations

from datetime import date

import pytest
from pydantic import ValidationError

from shukko.clock import add_months
from shukko.intake.schemas import ReceivingRow, SendingRow
from tests.intake.files import receiving_row, sending_row


def problems(model, row) -> dict[str, str]:
    try:
        model.model_validate(row)
    except ValidationError as exc:
        return {
            (str(e["loc"][0]) if e["loc"] else "row"): e["msg"].removeprefix("Value error, ")
            for e in exc.errors()
        }
    return {}


@pytest.mark.parametrize(
    ("column", "given", "stored"),
    [
        ("office", "東京都", "13"),
        ("office", "東京", "13"),
        ("office", "１３", "13"),
        ("office", "1", "01"),
        ("received_on", "2024/4/1", date(2024, 4, 1)),
        ("received_on", "2024-04-01", date(2024, 4, 1)),
        ("received_on", "２０２４/４/１", date(2024, 4, 1)),
        ("corporate_number", "5180001008846", "5180001008846"),
        ("corporate_number", "5-180001-008846", "5180001008846"),
        ("industry", "31", "31"),
        ("industry", "9", "09"),
        ("industry", "e", "E"),
        ("industry", "791", "791"),  # a minor group: 旅行業 (its SME limits differ from N's)
        ("industry", "７９１", "791"),
        ("capital_yen", "200,000,000", 200_000_000),
        ("employees", "１２０", 120),
        ("has_union", "有", True),
        ("has_union", "なし", False),
        ("has_union", "yes", True),
        ("has_union", "0", False),
        ("has_union", "TRUE", True),
        ("has_union", "", None),
        ("kind", "出向", "secondment"),
        ("kind", "移籍", "transfer"),
        ("kind", "いずれも", "either"),
        ("headcount", "3", 3),
        ("occupation", "h", "H"),
        ("occupation", "事務従事者", "C"),
        ("skills", "溶接;旋盤", ["溶接", "旋盤"]),
        ("skills", "溶接、旋盤；CAD", ["溶接", "旋盤", "CAD"]),
        ("period_months_max", "12", 12),
        ("monthly_wage_yen", "300,000円", 300_000),
        ("notes", "　全角スペース　", "全角スペース"),
    ],
)
def test_good_values_are_normalised(column, given, stored):
    row = SendingRow.model_validate(sending_row(**{column: given}))
    assert getattr(row, column) == stored


@pytest.mark.parametrize(
    ("column", "given", "words"),
    [
        ("office", "東京県", "is not a prefecture"),
        ("office", "48", "is not a prefecture"),
        ("received_on", "2024/13/1", "is not a real date"),
        ("received_on", "April 1", "is not a date"),
        ("received_on", "", "Input should be a valid date"),
        ("corporate_number", "1234567890123", "check digit"),
        ("corporate_number", "12345", "check digit"),
        ("industry", "00", "is not a JSIC division letter"),
        ("industry", "U", "is not a JSIC division letter"),
        ("industry", "790", "is not a JSIC division letter"),
        ("capital_yen", "many", "is not a whole number"),
        ("employees", "-5", "is less than 0"),
        ("has_union", "maybe", "is not yes/no"),
        ("kind", "派遣", "is not 出向, 移籍 or いずれも"),
        ("headcount", "0", "0 is less than 1"),
        ("headcount", "1.5", "is not a whole number"),
        ("occupation", "Z", "is not an occupation group"),
        ("period_months_max", "200", "200 is more than 120"),
        ("start_from", "2024/2/30", "is not a real date"),
        ("company_name", "", "Input should be a valid string"),
    ],
)
def test_bad_values_are_named(column, given, words):
    found = problems(SendingRow, sending_row(**{column: given}))
    assert column in found and words in found[column], found


def test_defaults_follow_the_format():
    row = SendingRow.model_validate(sending_row(received_on="2024/8/31"))
    assert (row.period_months_min, row.period_months_max) == (1, 24)
    assert row.start_from == date(2024, 8, 31)
    assert row.start_until == date(2025, 2, 28)  # six months on, clamped to February's end
    assert add_months(date(2024, 1, 31), 1) == date(2024, 2, 29)


def test_cross_field_checks():
    found = problems(SendingRow, sending_row(period_months_min="12", period_months_max="6"))
    assert "period_months_min 12 is more than period_months_max 6" in found["row"]
    found = problems(SendingRow, sending_row(start_from="2024/6/1", start_until="2024/5/1"))
    assert "start_from 2024-06-01 is after start_until 2024-05-01" in found["row"]


@pytest.mark.parametrize(
    ("given", "stored"),
    [
        ("関東、中部", ["関東", "中部"]),
        ("全国", ["全国"]),
        ("東京;大阪府", ["13", "27"]),
        ("近畿地方", ["近畿"]),
    ],
)
def test_acceptable_area(given, stored):
    assert SendingRow.model_validate(sending_row(acceptable_area=given)).acceptable_area == stored


def test_acceptable_area_rejects_unknown_places():
    found = problems(SendingRow, sending_row(acceptable_area="関東;火星"))
    assert "'火星' is not a prefecture, a regional block" in found["acceptable_area"]


def test_sending_only_columns():
    row = SendingRow.model_validate(sending_row(reason="雇用調整", dismissals="あり"))
    assert (row.reason, row.dismissals) == ("雇用調整", True)
    assert "reason" in problems(SendingRow, sending_row(reason="気分"))


def test_receiving_row_needs_its_workplace():
    row = ReceivingRow.model_validate(
        receiving_row(required_qualifications="フォークリフト、玉掛け")
    )
    assert row.work_prefecture == "14"
    assert row.required_qualifications == ["フォークリフト", "玉掛け"]
    assert "work_prefecture" in problems(ReceivingRow, receiving_row(work_prefecture=""))


@pytest.mark.parametrize(
    ("given", "stored"),
    [
        ("九州・沖縄", ["九州", "47"]),
        ("関東甲信越", ["関東", "15", "19", "20"]),
        ("東海", ["21", "22", "23", "24"]),
        ("北陸;甲信越", ["16", "17", "18", "15", "19", "20"]),
        ("北関東、南関東", ["08", "09", "10", "11", "12", "13", "14"]),
        ("山陰;山陽", ["31", "32", "33", "34", "35"]),
        ("東北・北海道", ["北海道", "東北"]),
        ("中国・四国", ["中国", "四国"]),
        ("東京;東京都;大阪府", ["13", "27"]),
    ],
)
def test_areas_as_offices_write_them(given, stored):
    assert SendingRow.model_validate(sending_row(acceptable_area=given)).acceptable_area == stored


def test_an_unknown_area_is_refused_with_the_names_accepted():
    found = problems(SendingRow, sending_row(acceptable_area="九州・火星"))
    assert "'九州・火星' is not a prefecture" in found["acceptable_area"]
    assert "関東甲信越" in found["acceptable_area"]  # the aliases are listed
