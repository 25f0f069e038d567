"""The career bank from the command line: a Shift_JIS openings file with a bad row, a
registration, the steps to re-employment, suggestions, and names only when asked."""

from __future__ import annotations

import json
from datetime import timedelta

from typer.testing import CliRunner

from shukko.cli import app
from shukko.clock import today

runner = CliRunner()

DAY = today()  # the CLI's today: the dates below are relative to it
RECEIVED, UNTIL = DAY - timedelta(days=30), DAY + timedelta(days=120)
LEAVING = DAY - timedelta(days=60)
HEADER = (
    "求人番号,事務所,受付日,事業所名,法人番号,業種,所在地,職種,就業場所,雇用形態,"
    "週所定労働時間,月給,時給,人数,必要資格,有効期限"
)
OPENINGS = f"""{HEADER}
K-0001,13,{RECEIVED},株式会社テスト警備,,92,東京都,C,東京都,パート,20,,1300,2,,{UNTIL}
K-0002,東京,{RECEIVED:%Y/%m/%d},テスト商事株式会社,,52,13,C,神奈川県,正社員,40,250000,,1,,
K-0003,13,{RECEIVED},だめな会社,,99x,東京都,Z,東京都,アルバイト,20,,,1,,
"""


def born_years_before(day, years: int):
    """A birth date that makes one exactly `years` old on `day`."""
    return day.replace(year=day.year - years, day=min(day.day, 28))


def shukko(*args: str):
    return runner.invoke(app, list(args))


def test_the_career_bank_from_intake_to_re_employment(shukko_env, tmp_path):
    path = tmp_path / "求人.csv"
    path.write_bytes(OPENINGS.encode("cp932"))
    imported = json.loads(shukko("intake", str(path), "--json").output)[0]
    assert (imported["kind"], imported["imported"], imported["rejected"]) == ("opening", 2, 1)
    assert {r["column"] for r in imported["rejects"]} == {"業種", "職種"}
    listed = json.loads(shukko("openings", "list", "--json").output)
    assert {o["opening_id"] for o in listed} == {"K-0001", "K-0002"}

    born = str(born_years_before(LEAVING, 61))
    result = shukko("bank", "register", "--office", "東京", "--name", "見本 太郎",
                    "--birth-date", born, "--leaving-on", str(LEAVING), "--reason",
                    "teinen", "--occupations", "事務従事者", "--areas", "東京都",
                    "--employment-type", "part_time", "--wage", "1200", "--json")  # fmt: skip
    assert result.exit_code == 0, result.output
    registered = json.loads(result.output)
    rid = str(registered["id"])
    assert registered["state"] == "registered" and "name" not in registered
    young = str(born_years_before(LEAVING, 59))
    refused = shukko("bank", "register", "--office", "13", "--name", "若手 次郎",
                     "--birth-date", young, "--leaving-on", str(LEAVING),
                     "--reason", "other")  # fmt: skip
    assert refused.exit_code == 1 and "aged 59 on the leaving day" in refused.output

    assert shukko("bank", "event", rid, "counsel").exit_code == 0
    blocked = shukko("bank", "event", rid, "introduce", "--opening", "13:K-0001")
    assert blocked.exit_code == 1 and "record_consent" in blocked.output
    assert shukko("bank", "event", rid, "record_consent").exit_code == 0
    suggestions = json.loads(shukko("bank", "match", "--json").output)
    assert suggestions["suggested"] == 1  # the full-time one in Kanagawa does not fit
    best = json.loads(shukko("bank", "match", "--registrant", rid, "--json").output)
    assert best[0]["opening"] == "13:K-0001" and set(best[0]["breakdown"]) == {
        "occupation", "area", "employment", "wage", "qualifications"}  # fmt: skip
    assert shukko("bank", "event", rid, "introduce", "--opening", "13:K-0001").exit_code == 0
    blocked = shukko("bank", "event", rid, "record_outcome", "--opening", "13:K-0001")
    assert blocked.exit_code == 1 and "--outcome rejected|declined" in blocked.output
    assert shukko("bank", "event", rid, "schedule_interview", "--opening", "13:K-0001",
                  "--on", str(DAY)).exit_code == 0  # fmt: skip
    offered = shukko("bank", "event", rid, "offer", "--opening", "13:K-0001", "--start",
                     str(DAY), "--json")  # fmt: skip
    assert json.loads(offered.output)["to"] == "offered", offered.output
    hired = shukko("bank", "event", rid, "hire", "--opening", "13:K-0001", "--on",
                   str(DAY), "--json")  # fmt: skip
    assert json.loads(hired.output)["to"] == "hired"

    shown = json.loads(shukko("bank", "show", rid, "--json").output)
    assert shown["state"] == "hired" and "name" not in shown
    assert [h["event"] for h in shown["history"]] == [
        "create", "counsel", "record_consent", "introduce", "schedule_interview", "offer",
        "hire"]  # fmt: skip
    assert shown["introductions"][0]["outcome"] == "offered"
    personal = json.loads(shukko("bank", "show", rid, "--json", "--with-personal-data").output)
    assert personal["name"] == "見本 太郎"
    text = shukko("bank", "show", rid).output
    assert "見本" not in text and "hired" in text
    assert "1/2" in shukko("openings", "list").output  # one of two places filled


def test_a_step_on_a_registrant_changed_meanwhile_is_refused_with_exit_3(shukko_env):
    born = str(born_years_before(LEAVING, 62))
    registered = json.loads(
        shukko("bank", "register", "--office", "13", "--name", "見本 花子", "--birth-date",
               born, "--leaving-on", str(LEAVING), "--reason", "keizoku", "--json").output
    )  # fmt: skip
    rid, version = str(registered["id"]), str(registered["version"])
    assert shukko("bank", "event", rid, "counsel", "--expect-version", version).exit_code == 0
    stale = shukko("bank", "event", rid, "close", "--note", "転居", "--expect-version", version)
    assert stale.exit_code == 3 and "changed by someone else" in stale.output
    assert json.loads(shukko("bank", "show", rid, "--json").output)["state"] == "counselled"
