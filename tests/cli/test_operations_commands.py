"""`shukko notices`, `shukko followups` and `shukko run` as an operator or a script uses them."""

from __future__ import annotations

import json
from datetime import date

import pytest
from sqlmodel import Session
from typer.testing import CliRunner

from config import get_settings
from shukko.case_rules import case_rules
from shukko.cases.follow_up_run import run_follow_up
from shukko.cli import app
from shukko.subsidies.notices import write_due_notices
from tests.helpers import contracted_case

runner = CliRunner()


def shukko(*args: str):
    return runner.invoke(app, list(args))


def test_notices_and_followups_listed_for_scripts(shukko_env, engine, tmp_path):
    with Session(engine) as session:
        case = contracted_case(session, start="2023-07-03", end="2024-07-02").id
        write_due_notices(
            session=session, outbox=tmp_path, as_of=date(2023, 6, 1), reminder_days=[14, 3]
        )
        run_follow_up(session, as_of=date(2023, 7, 3), rules=case_rules(get_settings()))
        session.commit()
    listed = json.loads(shukko("notices", "--case", str(case), "--json").stdout)
    assert {(n["side"], n["kind"], n["filing_deadline"]) for n in listed} == {
        ("sending", "notice", "2023-06-19"),  # two weeks before the start, as advised
        ("receiving", "notice", "2023-06-19"),
    }
    overdue = shukko("followups", "--overdue", "--as-of", "2023-08-10", "--json")
    assert [(f["case_id"], f["due_on"], f["overdue_days"]) for f in json.loads(overdue.stdout)] == [
        (case, "2023-08-03", 7)
    ]
    soon = json.loads(shukko("followups", "--due-before", "2024-01-01", "--json").stdout)
    assert [f["due_on"] for f in soon] == ["2023-08-03", "2023-11-03"]
    table = shukko("followups", "--as-of", "2023-08-10")
    assert table.exit_code == 0 and "7 day(s)" in table.stdout


def test_followups_flag_a_start_that_is_blocked(shukko_env, engine):
    with Session(engine) as session:
        contracted_case(session, start="2023-07-03", end="2024-07-02", skip="rules_updated")
    result = shukko("followups", "--as-of", "2023-07-04")
    assert result.exit_code == 0
    assert "not started" in result.stdout and "employment rules" in result.stdout


def test_run_refuses_an_unknown_flow_or_a_bad_parameter_with_a_clear_message(shukko_env, engine):
    unknown = shukko("run", "weekly")
    assert unknown.exit_code == 1 and "no flow 'weekly'" in unknown.stderr
    assert "nightly" in unknown.stderr
    bad = shukko("run", "matching", "--param", "office=99")
    assert bad.exit_code == 1 and "matching parameter office" in bad.stderr
    extra = shukko("run", "nightly", "--param", "worker_name=x")
    assert extra.exit_code == 1 and "worker_name" in extra.stderr
    shape = shukko("run", "nightly", "--param", "as_of")
    assert shape.exit_code == 1 and "name=value" in shape.stderr
    when = shukko("run", "nightly", "--as-of", "2024-13-01")
    assert when.exit_code == 1 and "--as-of" in when.stderr


def test_report_and_demo_refuse_a_year_or_span_out_of_range(shukko_env, engine):
    for args, option in (
        (("report", "--fy", "0"), "--fy"),
        (("demo", "--fy", "1999", "--days", "2"), "--fy"),
        (("demo", "--days", "0"), "--days"),
    ):
        result = shukko(*args)
        assert result.exit_code == 2 and option in result.output, args


@pytest.mark.parametrize("command", [["serve"], ["deploy", "--pool", "shukko"]])
def test_serve_and_deploy_without_a_prefect_server_say_how_to_get_one(
    shukko_env, monkeypatch, command
):
    monkeypatch.delenv("PREFECT_API_URL", raising=False)
    result = CliRunner().invoke(app, command)
    assert result.exit_code == 1
    assert "no Prefect server" in result.output and "PREFECT_API_URL" in result.output
