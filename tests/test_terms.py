"""Contract terms files (DESIGN.md section 4): every problem named by its key."""

from __future__ import annotations

import json

import pytest
import yaml

from shukko.cases.terms import parse_terms, read_terms_file
from shukko.errors import InvalidInput
from tests.helpers import terms_data


def test_a_complete_file_is_accepted_with_prefecture_by_name(tmp_path):
    path = tmp_path / "terms.yaml"
    path.write_text(yaml.safe_dump(terms_data(), allow_unicode=True), encoding="utf-8")
    terms = read_terms_file(path)
    assert terms.workplace_prefecture == "13"
    assert terms.sending_share_pct + terms.receiving_share_pct == 100


def test_json_files_too(tmp_path):
    path = tmp_path / "terms.json"
    path.write_text(json.dumps(terms_data(workplace_prefecture="27")), encoding="utf-8")
    assert read_terms_file(path).workplace_prefecture == "27"


@pytest.mark.parametrize(
    ("changes", "words"),
    [
        ({"bonus": 1}, "bonus: unknown key"),
        ({"duties": None}, "duties: required key is missing"),
        ({"end_date": "2024-06-30"}, "end_date: must be after start_date"),
        ({"sending_share_pct": 50}, "must add up to 100 (they add up to 110)"),
        ({"wage_payer": "sending"}, "wage_payer: 'sending' does not fit the shares 40/60"),
        ({"wage_payer": "both"}, "wage_payer:"),
        ({"working_hours": "nine to six"}, "working_hours: must look like 09:00-18:00"),
        ({"workplace_prefecture": "Atlantis"}, "workplace_prefecture: 'Atlantis' is not a"),
        ({"start_date": "2024-13-01"}, "start_date:"),
        ({"monthly_wage_yen": -5}, "monthly_wage_yen: must be a positive number of yen"),
        ({"social_insurance": "state"}, "social_insurance:"),
    ],
)
def test_each_problem_names_its_key(changes, words):
    with pytest.raises(InvalidInput) as error:
        parse_terms(terms_data(**changes))
    assert words in str(error.value)


def test_period_longer_than_the_maximum_is_refused_for_the_case():
    terms = parse_terms(terms_data(end_date="2028-07-01"))
    with pytest.raises(InvalidInput, match="longer than the maximum of 36 months"):
        terms.check_for_case(kind="secondment", max_period_months=36)


def test_a_secondment_needs_an_end_and_return_conditions():
    terms = parse_terms(terms_data(end_date=None, return_conditions=None))
    with pytest.raises(InvalidInput, match="end_date: required for a secondment"):
        terms.check_for_case(kind="secondment", max_period_months=36)
    terms.check_for_case(kind="transfer", max_period_months=36)


@pytest.mark.parametrize(
    ("content", "words"),
    [("start_date: [unclosed", "not valid JSON/YAML"), ("- a\n- b\n", "expected a mapping")],
)
def test_unreadable_files_say_why(tmp_path, content, words):
    path = tmp_path / "terms.yaml"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(InvalidInput, match=words):
        read_terms_file(path)


def test_a_missing_file(tmp_path):
    with pytest.raises(InvalidInput, match="no such file"):
        read_terms_file(tmp_path / "nope.json")


def test_skill_development_needs_the_wage_before_the_secondment():
    with pytest.raises(InvalidInput, match="pre_secondment_monthly_wage_yen: required when"):
        parse_terms(terms_data(purpose="skill_development"))
    with pytest.raises(InvalidInput, match="purpose: Input should be"):
        parse_terms(terms_data(purpose="training"))
    terms = parse_terms(
        terms_data(purpose="skill_development", pre_secondment_monthly_wage_yen=280_000)
    )
    assert terms.within_corporate_group is False


def test_a_skill_development_wage_below_the_one_before_is_refused_when_terms_are_fixed(session):
    # [SKILL] 出向労働者に出向前に支払っていた賃金以上の賃金を支払うこと
    from tests.helpers import fix_terms, make_case, to_preparing

    case = make_case(session)
    to_preparing(session, case)
    with pytest.raises(InvalidInput, match="300,000 yen is below the wage before the secondment"):
        fix_terms(session, case, purpose="skill_development",
                  pre_secondment_monthly_wage_yen=320_000)  # fmt: skip
    session.rollback()
    fix_terms(session, case, purpose="skill_development", pre_secondment_monthly_wage_yen=300_000)
    assert case.subsidy_programme == "skill-up"
