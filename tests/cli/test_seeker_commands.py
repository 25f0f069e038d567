"""移籍の求職者 from the command line: registered from a company's request, suggested receiving
offers open to transfers, interviewed, offered (内定) and hired on the first day; names only
when asked."""

from __future__ import annotations

import json
from datetime import timedelta

from sqlmodel import Session

from models.db import make_engine
from shukko.cases.offers import add_company, add_offer
from tests.cli.test_bank_commands import DAY, shukko

LEAVING = DAY + timedelta(days=20)
START = LEAVING + timedelta(days=1)


def offers(db_url: str) -> None:
    """A request for two employees of a manufacturer in Aichi, and two receiving offers
    in Aichi: one open to transfers, one to secondments only."""
    engine = make_engine(db_url)
    with Session(engine) as session:
        sender = add_company(session=session, name="依頼元製作所", industry_code="29",
                             prefecture_code="23")  # fmt: skip
        add_offer(session=session, side="sending", office_code="23", offer_id="S-T1",
                  company=sender, received_on=DAY - timedelta(days=10), headcount=2,
                  kind="transfer", reason="雇用調整", occupation="H")  # fmt: skip
        for n, kind in ((1, "transfer"), (2, "secondment")):
            receiver = add_company(session=session, name=f"受入商事{n}", industry_code="44",
                                   prefecture_code="23")  # fmt: skip
            add_offer(session=session, side="receiving", office_code="23", offer_id=f"R-{n}",
                      company=receiver, received_on=DAY - timedelta(days=5), kind=kind,
                      occupation="H", monthly_wage_yen=270_000)  # fmt: skip
        session.commit()
    engine.dispose()


def test_a_job_seeker_from_request_to_the_first_day(shukko_env, db_url):
    offers(db_url)
    result = shukko("seekers", "register", "--request", "23:S-T1", "--name", "求職 一郎",
                    "--birth-date", "1980-04-01", "--leaving-on", str(LEAVING),
                    "--occupations", "H", "--areas", "愛知県", "--wage", "250000", "--json")
    assert result.exit_code == 0, result.output
    seeker = json.loads(result.output)
    sid = str(seeker["id"])
    assert (seeker["programme"], seeker["request"], seeker["leaving_reason"]) == (
        "transfer", "23:S-T1", "adjustment")  # fmt: skip
    assert "name" not in seeker
    refused = shukko("seekers", "register", "--name", "求職 二郎", "--birth-date", "1981-01-01",
                     "--leaving-on", str(LEAVING), "--request", "23:NOPE")  # fmt: skip
    assert refused.exit_code == 1 and "--request: no sending offer 23:NOPE" in refused.output
    malformed = shukko("seekers", "register", "--name", "求職 三郎", "--birth-date",
                       "1981-01-01", "--leaving-on", str(LEAVING), "--request", "S-T1")  # fmt: skip
    assert malformed.exit_code == 1 and "--request: 'S-T1'" in malformed.output

    assert shukko("seekers", "event", sid, "counsel").exit_code == 0
    assert shukko("seekers", "event", sid, "record_consent").exit_code == 0
    best = json.loads(shukko("seekers", "match", "--seeker", sid, "--json").output)
    assert [row["opening"] for row in best] == ["23:R-1"]  # the secondment-only one: out
    assert set(best[0]["breakdown"]) == {"occupation", "area", "employment", "wage",
                                         "qualifications"}  # fmt: skip
    stored = json.loads(shukko("seekers", "match", "--json").output)
    assert stored["suggested"] == 1 and stored["openings"] == 1
    assert json.loads(shukko("bank", "match", "--json").output)["registrants"] == 0

    assert shukko("seekers", "event", sid, "introduce", "--offer", "23:R-1").exit_code == 0
    early = shukko("seekers", "event", sid, "hire", "--offer", "23:R-1")
    assert early.exit_code == 1 and "after the receiving company's offer" in early.output
    assert shukko("seekers", "event", sid, "schedule_interview", "--offer", "23:R-1",
                  "--on", str(DAY)).exit_code == 0  # fmt: skip
    assert shukko("seekers", "event", sid, "offer", "--offer", "23:R-1", "--start",
                  str(START)).exit_code == 0  # fmt: skip
    shown = json.loads(shukko("seekers", "show", sid, "--json").output)
    assert shown["state"] == "offered" and shown["introductions"][0]["opening"] == "23:R-1"
    assert shown["introductions"][0]["start_on"] == str(START)
    listed = json.loads(shukko("seekers", "list", "--json").output)
    assert [row["id"] for row in listed] == [seeker["id"]]
    assert json.loads(shukko("bank", "list", "--json").output) == []
    text = shukko("seekers", "show", sid).output
    assert "求職" not in text
    early = shukko("seekers", "follow-up", sid)
    assert early.exit_code == 1 and "has no follow-up (定着確認) open" in early.output
