"""The case commands as an operator uses them: output, exit codes, and an unchanged
database whenever a command is refused."""

from __future__ import annotations

import json

import pytest
import yaml
from sqlalchemy import func, select
from sqlmodel import Session
from typer.testing import CliRunner

from models import Case, CaseEvent, ContractTerms
from shukko.cli import app
from tests.helpers import make_case, terms_data

runner = CliRunner()


def shukko(*args: str):
    return runner.invoke(app, list(args))


@pytest.fixture
def case_id(shukko_env, engine) -> int:
    with Session(engine, expire_on_commit=False) as session:
        return make_case(session).id


def snapshot(engine) -> tuple:
    with Session(engine) as session:
        return (
            session.scalar(select(func.count()).select_from(CaseEvent)),
            session.scalar(select(func.count()).select_from(ContractTerms)),
            tuple(session.execute(select(Case.id, Case.state, Case.version)).all()),
        )


def test_walk_a_case_from_the_command_line(case_id, tmp_path):
    assert (
        shukko(
            "case",
            "event",
            str(case_id),
            "schedule_interview",
            "--at",
            "2024/6/10",
            "--note",
            "面談",
        ).exit_code
        == 0
    )
    assert shukko("case", "event", str(case_id), "agree_to_proceed").exit_code == 0
    result = shukko(
        "case",
        "assign-worker",
        str(case_id),
        "--name",
        "見本 花子",
        "--birth-date",
        "1988-02-03",
        "--json",
    )
    assert result.exit_code == 0, result.output
    worker_id = json.loads(result.output)["worker_id"]
    for event in ("record_consent", "record_union_agreement", "record_rules_update"):
        result = shukko("case", "event", str(case_id), event, "--doc", f"DOC-{event}")
        assert result.exit_code == 0, result.output
    terms = tmp_path / "terms.yaml"
    terms.write_text(yaml.safe_dump(terms_data(), allow_unicode=True), encoding="utf-8")
    result = shukko("case", "terms", str(case_id), str(terms))
    assert result.exit_code == 0, result.output
    assert "contract terms fixed" in result.output
    result = shukko("case", "event", str(case_id), "sign_contract", "--json")
    assert json.loads(result.output)["to"] == "contracted"

    shown = json.loads(shukko("case", "show", str(case_id), "--json").output)
    assert shown["state"] == "contracted"
    assert shown["workers"] == [{"worker_id": worker_id, "consented": True}]
    assert [step["event"] for step in shown["next_steps"]] == ["start", "withdraw"]
    assert shown["history"][-1]["event"] == "sign_contract"
    assert "見本" not in shukko("case", "show", str(case_id)).output  # personal data stays out
    assert "見本 花子" in shukko("case", "show", str(case_id), "--with-personal-data").output

    listed = json.loads(shukko("case", "list", "--state", "contracted", "--json").output)
    assert [row["id"] for row in listed] == [case_id]
    assert json.loads(shukko("case", "list", "--office", "北海道", "--json").output) == []
    assert len(json.loads(shukko("case", "list", "--office", "愛知", "--json").output)) == 1


def test_show_explains_what_blocks_the_contract(case_id):
    shukko("case", "event", str(case_id), "schedule_interview", "--at", "2024-06-10")
    shukko("case", "event", str(case_id), "agree_to_proceed")
    shown = json.loads(shukko("case", "show", str(case_id), "--json").output)
    sign = next(step for step in shown["next_steps"] if step["event"] == "sign_contract")
    assert len(sign["blocked_by"]) == 4
    assert any("労働者の同意" in reason for reason in sign["blocked_by"])
    text = shukko("case", "show", str(case_id)).output
    assert "blocked" in text and "sign_contract" in text


def test_open_a_case_by_hand(shukko_env, engine):
    with Session(engine, expire_on_commit=False) as session:
        make_case(session)  # creates offers 23:S-n and 13:R-n
        sending = session.scalar(select(Case)).sending_offer_id
    from models import ReceivingOffer, SendingOffer

    with Session(engine) as session:
        s = session.get(SendingOffer, sending)
        r = session.scalar(select(ReceivingOffer))
        s_key, r_key = f"{s.office_code}:{s.offer_id}", f"{r.office_code}:{r.offer_id}"
    opening = ("case", "new", "--kind", "transfer", "--sending", s_key, "--receiving", r_key)
    # One open case per pair: the helpers' case holds this one until it is withdrawn.
    result = shukko(*opening)
    assert result.exit_code == 1 and "already have an open case: case 1" in result.output
    assert shukko("case", "event", "1", "withdraw", "--note", "x").exit_code == 0
    result = shukko(*opening, "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["state"] == "proposed"
    result = shukko("case", "new", "--kind", "loan", "--sending", s_key, "--receiving", r_key)
    assert result.exit_code == 1 and "--kind: 'loan' is not secondment or transfer" in result.output
    result = shukko(
        "case", "new", "--kind", "transfer", "--sending", "23:NOPE", "--receiving", r_key
    )
    assert result.exit_code == 1 and "no sending offer 23:NOPE" in result.output


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["case", "show", "999"], "case 999 does not exist"),
        (["case", "event", "999", "withdraw", "--note", "x"], "case 999 does not exist"),
        (["case", "event", "{id}", "fly"], "'fly' is not an event of a secondment case"),
        (
            ["case", "event", "{id}", "sign_contract"],
            "'sign_contract' is not allowed while case {id} is proposed",
        ),
        (["case", "event", "{id}", "withdraw"], "a reason is required: pass --note"),
        (
            ["case", "event", "{id}", "schedule_interview", "--at", "next week"],
            "--at: 'next week' is not a date",
        ),
        (
            ["case", "event", "{id}", "record_tour", "--expect-version", "99"],
            "changed by someone else",
        ),
        (
            ["case", "assign-worker", "{id}", "--name", " ", "--birth-date", "1990-01-01"],
            "the worker's name is empty",
        ),
        (["case", "terms", "{id}", "{bad_terms}"], "duties: required key is missing"),
        (["case", "terms", "{id}", "{bad_yaml}"], "not valid JSON/YAML"),
        (["case", "terms", "{id}", "{good_terms}"], "'fix_terms' is not allowed while case"),
    ],
)
def test_bad_input_is_refused_clearly_and_changes_nothing(case_id, engine, tmp_path, args, words):
    bad_terms = tmp_path / "bad.json"
    bad_terms.write_text(json.dumps(terms_data(duties=None)), encoding="utf-8")
    bad_yaml = tmp_path / "bad.yaml"
    bad_yaml.write_text("start_date: [", encoding="utf-8")
    good_terms = tmp_path / "good.json"
    good_terms.write_text(json.dumps(terms_data()), encoding="utf-8")
    values = {"id": case_id, "bad_terms": bad_terms, "bad_yaml": bad_yaml, "good_terms": good_terms}
    before = snapshot(engine)
    result = shukko(*(arg.format(**values) for arg in args))
    # The documented exit codes: 3 changed by someone else meanwhile, 1 refused.
    assert result.exit_code == (3 if words == "changed by someone else" else 1), result.output
    assert words.format(**values) in " ".join(result.output.split())
    assert "Traceback" not in result.output
    assert snapshot(engine) == before


def test_commands_refuse_a_database_without_schema(monkeypatch, tmp_path):
    from config import get_settings

    monkeypatch.setenv("SHUKKO_HOME", str(tmp_path))
    monkeypatch.setenv("SHUKKO_DATABASE_URL", f"sqlite:///{tmp_path / 'empty.db'}")
    get_settings.cache_clear()
    result = shukko("case", "list")
    assert result.exit_code == 1
    assert "run `shukko db upgrade` first" in result.output
    assert shukko("db", "upgrade").exit_code == 0
    assert shukko("case", "list", "--json").output.strip() == "[]"
    get_settings.cache_clear()


def test_diagrams_are_generated_from_the_machines(tmp_path):
    result = shukko("diagram", "--out", str(tmp_path))
    assert result.exit_code == 0
    text = (tmp_path / "secondment.md").read_text(encoding="utf-8")
    assert "preparing --> contracted : Sign contract [worker_consented, union_agreed, " in text
    assert "hired" in (tmp_path / "transfer.md").read_text(encoding="utf-8")


def test_case_wage_records_the_months_after_a_skill_development_return(shukko_env, engine):
    from datetime import date

    from tests.helpers import contracted_case, send

    with Session(engine, expire_on_commit=False) as session:
        skill = {"purpose": "skill_development", "pre_secondment_monthly_wage_yen": 300_000}
        case = contracted_case(session, start="2024-04-01", end="2025-03-31", terms=skill)
        send(session, case, "start", on=date(2024, 4, 1))
        send(session, case, "return_to_origin", on=date(2025, 3, 31))
        case_id = case.id
    result = shukko("case", "wage", str(case_id), "--month", "2025-04", "--yen", "312000", "--json")
    assert result.exit_code == 0, result.output
    recorded = json.loads(result.output)
    assert recorded == {
        "case_id": case_id, "seq": recorded["seq"], "worker_id": recorded["worker_id"],
        "month": "2025-04", "wage_yen": 312_000, "required_wage_yen": 315_000, "meets": False,
    }  # fmt: skip
    shown = shukko("case", "show", str(case_id))
    assert "1 of 6 months recorded" in shown.output and "below +5%" in shown.output
    assert "skill_development (人材育成)" in shown.output
    data = json.loads(shukko("case", "show", str(case_id), "--json").output)
    assert data["terms"]["purpose"] == "skill_development"
    assert data["post_return"]["condition_holds"] is False
    before = snapshot(engine)
    refused = shukko("case", "wage", str(case_id), "--month", "2024-12", "--yen", "320000")
    assert refused.exit_code == 1 and "not one of the 6 months" in refused.output
    assert snapshot(engine) == before
    # the worker may be named (the case's only one), and must be one of the case's
    named = shukko("case", "wage", str(case_id), "--worker", str(recorded["worker_id"]),
                   "--month", "2025-05", "--yen", "320000", "--json")  # fmt: skip
    assert named.exit_code == 0 and json.loads(named.output)["meets"] is True
    other = shukko("case", "wage", str(case_id), "--worker", "999999", "--month", "2025-06",
                   "--yen", "320000")  # fmt: skip
    assert other.exit_code == 1 and "--worker: worker 999999 is not on case" in other.output
