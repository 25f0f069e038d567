"""Commands that had no CLI test: intake, offers list, report, demo --one-case; and every
listing's --limit / --all, which never truncate silently."""

from __future__ import annotations

import json

from sqlmodel import Session
from typer.testing import CliRunner

from shukko.cli import app
from tests.helpers import make_case
from tests.intake.files import receiving_row, sending_row, write_csv

runner = CliRunner()


def shukko(*args: str):
    return runner.invoke(app, list(args))


def test_intake_imports_a_file_and_lists_its_rejected_rows(shukko_env, tmp_path):
    good = write_csv(
        tmp_path / "sending.csv",
        [sending_row(1), sending_row(2), sending_row(3, headcount="zero")],
        japanese=True,
    )
    result = shukko("intake", str(good), "--json")
    assert result.exit_code == 0, result.output
    (report,) = json.loads(result.stdout)
    assert (report["rows_read"], report["imported"], report["rejected"]) == (3, 2, 1)
    assert report["rejects"][0]["row_number"] == 4
    table = shukko("intake", str(write_csv(tmp_path / "r.csv", [receiving_row(1)])))
    assert table.exit_code == 0 and "imported" in table.stdout
    unreadable = tmp_path / "broken.xlsx"
    unreadable.write_bytes(b"not a workbook")
    failed = shukko("intake", str(unreadable))
    assert failed.exit_code == 1 and "broken.xlsx" in failed.stdout


def test_offers_list_limits_and_says_how_many_it_left_out(shukko_env, tmp_path):
    rows = [sending_row(n) for n in range(1, 8)]
    assert shukko("intake", str(write_csv(tmp_path / "s.csv", rows))).exit_code == 0
    every = json.loads(shukko("offers", "list", "--json").stdout)
    assert len(every) == 7 and {row["side"] for row in every} == {"sending"}
    three = json.loads(shukko("offers", "list", "--limit", "3", "--json").stdout)
    assert [row["offer_id"] for row in three] == [row["offer_id"] for row in every[:3]]
    table = shukko("offers", "list", "--limit", "2")
    assert "showing 2 of 7 offer(s)" in table.stdout and "--all" in table.stdout
    assert "showing 7 of 7 offer(s)" in shukko("offers", "list", "--all").stdout
    both = shukko("offers", "list", "--limit", "2", "--all")
    assert both.exit_code == 1 and "--limit and --all" in both.stderr
    bad_kind = shukko("offers", "list", "--kind", "lending")
    assert bad_kind.exit_code == 1 and "not sending or receiving" in bad_kind.stderr


def test_case_list_json_gives_every_row_and_the_table_a_page(shukko_env, engine):
    with Session(engine, expire_on_commit=False) as session:
        ids = [make_case(session).id for _ in range(4)]
    listed = json.loads(shukko("case", "list", "--json").stdout)
    assert [row["id"] for row in listed] == sorted(ids, reverse=True)
    assert len(json.loads(shukko("case", "list", "--json", "--limit", "1").stdout)) == 1
    table = shukko("case", "list", "--limit", "3")
    assert "showing 3 of 4 case(s)" in table.stdout
    assert "showing 4 of 4 case(s)" in shukko("case", "list").stdout


def test_report_writes_its_files(shukko_env, tmp_path):
    out = tmp_path / "fy2024"
    result = shukko("report", "--fy", "2024", "--out", str(out), "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["fiscal_year"] == 2024
    assert {"monthly.csv", "report.md"} <= {p.name for p in out.iterdir()}
    table = shukko("report", "--fy", "2024", "--out", str(out))
    assert table.exit_code == 0 and "月別実績" in table.stdout


def test_demo_one_case_walks_a_case_to_its_end(shukko_env):
    result = shukko("demo", "--one-case", "--json")
    assert result.exit_code == 0, result.output
    view = json.loads(result.stdout)
    assert view["final"] is True and view["state"] == "returned"
    assert [entry["seq"] for entry in view["history"]] == list(range(1, len(view["history"]) + 1))
    assert "name" not in json.dumps(view["workers"])  # no personal data unless asked
