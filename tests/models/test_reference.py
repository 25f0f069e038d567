"""Shipped reference data: prefectures, blocks, JSIC, occupations."""

from __future__ import annotations

import pytest

from models.reference import (
    BLOCK_NAMES,
    INDUSTRY_DIVISIONS,
    INDUSTRY_GROUPS,
    OCCUPATIONS,
    PREFECTURES,
    block_of,
    industry_division,
    prefecture_code,
)


def test_47_prefectures_with_jis_codes_01_to_47_in_eight_blocks():
    assert [p.code for p in PREFECTURES] == [f"{n:02d}" for n in range(1, 48)]
    assert len(BLOCK_NAMES) == 8
    assert {p.block for p in PREFECTURES} == set(BLOCK_NAMES)


def test_every_major_group_sits_in_exactly_one_division():
    assert list(INDUSTRY_GROUPS) == [f"{n:02d}" for n in range(1, 100)]
    assert list(INDUSTRY_DIVISIONS) == [chr(c) for c in range(ord("A"), ord("T") + 1)]
    for group in INDUSTRY_GROUPS.values():
        owners = [
            d.code
            for d in INDUSTRY_DIVISIONS.values()
            if d.first_group <= group.code <= d.last_group
        ]
        assert owners == [group.division]
    assert INDUSTRY_GROUPS["31"].division == "E"  # 輸送用機械器具製造業
    assert INDUSTRY_GROUPS["44"].division == "H"  # 道路貨物運送業
    assert INDUSTRY_GROUPS["76"].division == "M"  # 飲食店


def test_occupation_major_groups_a_to_l():
    assert list(OCCUPATIONS) == list("ABCDEFGHIJKL")  # L 分類不能の職業


@pytest.mark.parametrize(
    ("given", "code"),
    [
        ("東京都", "13"),
        ("東京", "13"),
        ("13", "13"),
        ("1", "01"),
        ("１３", "13"),
        ("Osaka", "27"),
        (" 北海道 ", "01"),
    ],
)
def test_prefecture_by_code_or_name(given, code):
    assert prefecture_code(given) == code


def test_unknown_prefecture_says_what_to_use():
    with pytest.raises(ValueError, match="use a code 01-47 or a name"):
        prefecture_code("東京県")


def test_mie_can_be_moved_by_configuration():
    assert block_of("24") == "近畿"
    assert block_of("24", {"24": "中部"}) == "中部"


def test_industry_division_from_group_or_letter():
    assert industry_division("09") == "E"
    assert industry_division("9") == "E"
    assert industry_division("r") == "R"
