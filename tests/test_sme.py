"""中小企業 by the employment-subsidy rules: each test names the rule it pins."""

import pytest

from models.reference import OCCUPATIONS
from shukko.intake.store import partner_kind
from shukko.subsidies.sme import industry_categories, is_sme


@pytest.mark.parametrize("group", ["37", "40", "68"])
def test_groups_of_g_and_k_outside_services_use_the_other_limits(group):
    # 通信業, インターネット附随サービス業, 不動産取引業: 3億円 / 300 人, not the services limits.
    assert industry_categories(group) == {"other"}
    assert is_sme(group, 100_000_000, 200) is True


@pytest.mark.parametrize("group", ["38", "39", "70", "411", "412", "415", "416", "693"])
def test_the_service_groups_of_g_and_k_use_the_services_limits(group):
    assert industry_categories(group) == {"services"}
    assert is_sme(group, 100_000_000, 200) is False
    assert is_sme(group, 50_000_000, 200) is True


def test_a_major_group_split_by_its_minor_groups_is_decided_only_where_both_agree():
    # 41: 411 映像 (services) beside 413 新聞業 (other); without the minor group the
    # verdict stands only when it holds under both sets of limits.
    assert is_sme("41", 40_000_000, 500) is True
    assert is_sme("41", 400_000_000, 500) is False
    assert is_sme("41", 100_000_000, 200) is None


def test_retail_wholesale_and_restaurants():
    assert is_sme("58", 60_000_000, 50) is True  # 小売業: 50 人以下
    assert is_sme("58", 60_000_000, 51) is False
    assert is_sme("76", 60_000_000, 51) is False  # 飲食店 counts as retail
    assert is_sme("52", 100_000_000, 101) is True  # 卸売業: 1億円以下
    assert is_sme("83", 60_000_000, 101) is False  # 医療業: services


def test_an_entity_without_capital_is_judged_on_its_employees():
    assert is_sme("83", None, 80, name="医療法人社団さくら会") is True
    assert is_sme("83", None, 150, name="医療法人社団さくら会") is False
    assert is_sme("93", None, 20, name="一般社団法人日本機械工業連合会") is True
    assert is_sme("83", None, None, name="医療法人社団さくら会") is None
    assert is_sme("83", None, 150) is None  # a company of unknown capital stays unknown


def test_a_travel_agency_uses_the_other_limits_not_the_services_ones():
    # [CHUSHO] 大分類N「ただし、小分類791(旅行業)は除く」: その他の業種, 3億円 / 300 人.
    assert industry_categories("791") == {"other"}
    assert is_sme("791", 100_000_000, 150) is True  # 10分の9, not 4分の3
    assert is_sme("N", 100_000_000, 150) is False  # the rest of N: services
    assert is_sme("792", 100_000_000, 150) is False
    assert is_sme("79", 100_000_000, 150) is None  # 791 or not: open


def test_a_minor_group_of_retail_or_wholesale_follows_its_major_group():
    assert industry_categories("581") == {"retail"}
    assert industry_categories("521") == {"wholesale"}


def test_a_cooperatives_capital_is_its_contributions():
    # [ROUMU] 資本金の額又は出資の総額: a 協同組合 with 出資 is judged on it too.
    assert is_sme("09", 20_000_000, 400, name="〇〇食品事業協同組合") is True
    assert is_sme("09", 400_000_000, 400, name="〇〇食品事業協同組合") is False


def test_occupations_include_the_unclassifiable_group():
    assert OCCUPATIONS["L"] == "分類不能の職業"


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("東京都中小企業団体中央会 事業協同組合", "association"),
        ("全国商工会連合会", "association"),
        ("日本機械工業連合会", "association"),
        ("〇〇労働組合", "union"),
        ("UAゼンセン労組", "union"),
        ("日本労働組合総連合会", "union"),
        ("〇〇信用組合", "bank"),
    ],
)
def test_partner_kind_does_not_take_federations_or_cooperatives_for_unions(name, kind):
    assert partner_kind(name) == kind
