"""Matching against the database: proposals become cases, re-runs create nothing, withdrawn
pairs stay withdrawn, open cases use up headcounts."""

from __future__ import annotations

import json
from datetime import date

from sqlalchemy import select
from typer.testing import CliRunner

from models import Case
from shukko.cli import app
from shukko.intake.store import import_file
from shukko.matching.rules import MatchingRules
from shukko.matching.run import best_counterparts, run_matching
from tests.helpers import send
from tests.intake.files import receiving_row, sending_row, write_csv

AS_OF = date(2024, 5, 1)
RULES = MatchingRules()


def load(session, tmp_path):
    senders = [
        sending_row(1, office="東京", prefecture="東京", headcount="2"),
        sending_row(2, office="神奈川", prefecture="神奈川", occupation="C"),
    ]
    receivers = [
        receiving_row(1, work_prefecture="東京", occupation="H", headcount="1"),
        receiving_row(2, work_prefecture="東京", occupation="C", headcount="1"),
        receiving_row(3, work_prefecture="千葉", occupation="H", headcount="1"),
    ]
    import_file(session=session, path=write_csv(tmp_path / "s.csv", senders))
    import_file(session=session, path=write_csv(tmp_path / "r.csv", receivers))
    session.commit()


def test_proposals_become_cases_and_a_rerun_creates_nothing(session, tmp_path):
    load(session, tmp_path)
    created, figures = run_matching(session=session, rules=RULES, as_of=AS_OF)
    session.commit()
    assert figures["persons"] == 3 and len(created) == 3
    cases = session.scalars(select(Case).order_by(Case.id)).all()
    assert {c.state for c in cases} == {"proposed"}
    assert all(c.score and set(c.score_breakdown) >= {"occupation", "distance"} for c in cases)
    again, figures = run_matching(session=session, rules=RULES, as_of=AS_OF)
    session.commit()
    assert again == [] and figures["persons"] == 0


def test_a_withdrawn_pair_is_not_proposed_again_but_frees_its_persons(session, tmp_path):
    load(session, tmp_path)
    created, _ = run_matching(session=session, rules=RULES, as_of=AS_OF)
    session.commit()
    first = session.get(Case, created[0]["case_id"])
    pair = (first.sending_offer_id, first.receiving_offer_id)
    send(session, first, "withdraw", note="受入先の都合")
    again, _ = run_matching(session=session, rules=RULES, as_of=AS_OF)
    session.commit()
    assert all(
        (
            session.get(Case, row["case_id"]).sending_offer_id,
            session.get(Case, row["case_id"]).receiving_offer_id,
        )
        != pair
        for row in again
    )


def test_best_counterparts_explain_and_create_nothing(session, tmp_path):
    load(session, tmp_path)
    rows = best_counterparts(
        session=session, rules=RULES, as_of=AS_OF, side="sending", offer_id=1, top=5
    )["rows"]
    assert [r["offer"] for r in rows][:1] == ["13:R-00001"]
    assert rows[0]["breakdown"]["occupation"] == 3.0
    assert session.scalar(select(Case.id)) is None


def test_match_command(shukko_env, engine, tmp_path):
    from sqlmodel import Session

    with Session(engine) as session:
        load(session, tmp_path)
    runner = CliRunner()
    result = runner.invoke(app, ["match", "--as-of", "2024-05-01", "--json"])
    assert result.exit_code == 0, result.output
    assert len(json.loads(result.output)["proposals"]) == 3
    result = runner.invoke(
        app, ["match", "--offer", "13:S-00001", "--as-of", "2024-05-01", "--json"]
    )
    assert result.exit_code == 0
    # All its persons are proposed: its counterparts in a case with it, with the case.
    listed = json.loads(result.stdout)
    assert listed and all(row["case_id"] and row["state"] == "proposed" for row in listed)
    assert "all its persons are in cases already" in result.stderr
    # Its window (2024-04-01 to 2024-10-01) has ended by December: said, with what to do.
    result = runner.invoke(app, ["match", "--offer", "13:S-00001", "--as-of", "2024-12-01"])
    assert result.exit_code == 0
    assert "its start window (2024-04-01 to 2024-10-01) ended before 2024-12-01" in result.stdout
    assert "--as-of 2024-10-01 or earlier" in result.stdout
    result = runner.invoke(app, ["match", "--offer", "13:NOPE"])
    assert result.exit_code == 1 and "no offer 13:NOPE" in result.output
    result = runner.invoke(app, ["match", "--offer", "13:S-00001", "--side", "both"])
    assert result.exit_code == 1 and "--side: 'both' is not sending or receiving" in result.output


def test_an_offer_that_shows_no_counterpart_says_why(session, tmp_path):
    from shukko.service.offers import counterparts

    load(session, tmp_path)
    # Past the offer's window, the day moves to the window's last day, and says so.
    found = counterparts(session=session, key="13:S-00001", as_of=None, today=date(2024, 12, 1))
    assert found.as_of_moved and found.as_of == date(2024, 10, 1)
    assert [row.offer for row in found.rows] == ["13:R-00001", "13:R-00003", "13:R-00002"]
    # A day given past the window shows nothing, and why.
    found = counterparts(session=session, key="13:S-00001", as_of=date(2024, 12, 1))
    assert found.rows == [] and found.why_empty == "window_ended"
    # 14:S-00002 (C) and 13:S-00001 (H, two persons) compete; once matched, 14:S-00002's
    # counterparts are listed with their case, and the others are counted as taken.
    run_matching(session=session, rules=RULES, as_of=AS_OF)
    session.commit()
    found = counterparts(session=session, key="14:S-00002", as_of=AS_OF)
    assert [(row.offer, row.state_label) for row in found.proposed] == [("13:R-00002", "候補提示")]
    assert found.rows == [] and found.why_empty == "all_taken" and found.taken == 2


def test_a_rerun_adds_nothing_even_when_pruning_is_tight(session, tmp_path):
    """Offers used up stay in candidate generation, so pruning keeps the same edges."""
    senders = [
        sending_row(n, office="東京", prefecture="東京", headcount="1", occupation="HC"[n % 2])
        for n in range(1, 7)
    ]
    receivers = [
        receiving_row(n, work_prefecture="東京", headcount="1", occupation="HCK"[n % 3])
        for n in range(1, 9)
    ]
    import_file(session=session, path=write_csv(tmp_path / "s.csv", senders))
    import_file(session=session, path=write_csv(tmp_path / "r.csv", receivers))
    session.commit()
    tight = RULES.model_copy(deep=True)
    tight.pruning.per_sending_offer = tight.pruning.per_receiving_offer = 1
    created, _ = run_matching(session=session, rules=tight, as_of=AS_OF)
    session.commit()
    assert created
    again, _ = run_matching(session=session, rules=tight, as_of=AS_OF)
    assert again == []


def test_office_filter_keeps_pairs_the_office_took_part_in(session, tmp_path):
    load(session, tmp_path)  # senders from 東京 (13) and 神奈川 (14); receivers from 13
    created, _ = run_matching(session=session, rules=RULES, as_of=AS_OF, office="14")
    assert created and all("14:" in row["sending"] + row["receiving"] for row in created)
    assert {row["sending"] for row in created} == {"14:S-00002"}
