"""Crash safety: the nightly flow runs as a separate process and is killed (SIGKILL) at
several points — after intake commits, during matching, during notices, during follow-up —
then run again; the database must equal that of an uninterrupted night on the same data:
the same offers, cases, events, notices and follow-ups, nothing twice, nothing missing."""

from __future__ import annotations

import os
import subprocess
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import select
from sqlmodel import Session

from models import Case, CaseEvent, FollowUp, IntakeFile, Notice, ReceivingOffer, SendingOffer
from models.db import make_engine
from models.schema import create_scratch_database, drop_scratch_database, upgrade
from shukko.faults import CRASH_POINTS
from tests.conftest import postgres_url_or_skip
from tests.e2e.conftest import BIN
from tests.helpers import contracted_case, restart_numbering
from tests.intake.files import receiving_row, sending_row, write_csv

NIGHT = "2023-06-01"


@contextmanager
def scratch_database(request, folder: Path):
    """An empty, migrated database of the kind under test."""
    if request.config.getoption("--db") == "postgresql":
        server = postgres_url_or_skip()
        url = create_scratch_database(server, "shukko_crash")
        try:
            yield url
        finally:
            drop_scratch_database(server, url)
    else:
        yield f"sqlite:///{folder / 'shukko.db'}"


def prepare(url: str, home: Path) -> None:
    """The same day's data everywhere: offer files in the inbox (one bad row), a case that
    starts tonight, two heading to their start (notices), one blocked."""
    engine = make_engine(url)
    upgrade(engine)
    restart_numbering()
    with Session(engine) as session:
        contracted_case(session, start="2023-06-01", end="2024-05-31")
        contracted_case(session, start="2023-07-03", end="2024-07-02")
        contracted_case(session, start="2023-08-01", end="2024-07-31")
        contracted_case(session, start="2023-06-01", end="2024-05-31", skip="union_agreed")
    engine.dispose()
    inbox = home / "inbox"
    inbox.mkdir(parents=True)
    write_csv(
        inbox / "aichi-send.csv",
        [sending_row(n, received_on="2023/5/20", start_from="2023-06-01") for n in range(1, 6)]
        + [sending_row(9, headcount="0")],
        japanese=True,
        encoding="cp932",
    )
    write_csv(
        inbox / "tokyo-recv.csv",
        [
            receiving_row(
                n,
                received_on="2023-05-21",
                start_from="2023-06-01",
                work_prefecture="愛知",
                kind="出向",
            )
            for n in range(1, 8)
        ],
    )


def night(url: str, home: Path, server: str, crash: str | None = None) -> int:
    env = {
        **os.environ,
        "SHUKKO_HOME": str(home),
        "SHUKKO_DATABASE_URL": url,
        "PREFECT_API_URL": server,
        "DO_NOT_TRACK": "1",
    }
    env.pop("SHUKKO_CRASH_AT", None)
    if crash:
        env["SHUKKO_CRASH_AT"] = crash
    result = subprocess.run(
        [BIN / "shukko", "run", "nightly", "--as-of", NIGHT],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    if crash is None:
        assert result.returncode == 0, result.stderr[-3000:]
    return result.returncode


def snapshot(url: str, home: Path) -> dict:
    """What the night produced, keyed by natural keys (ids may differ: PostgreSQL does not
    give back the ids of a rolled-back transaction)."""
    engine = make_engine(url)
    with Session(engine) as session:
        offer_keys = {}
        for side, table in (("S", SendingOffer), ("R", ReceivingOffer)):
            for offer_id, office, key, headcount, is_open in session.execute(
                select(table.id, table.office_code, table.offer_id, table.headcount, table.is_open)
            ):
                offer_keys[(side, offer_id)] = (side, office, key, headcount, is_open)
        case_keys = {
            case.id: (
                offer_keys[("S", case.sending_offer_id)][:3],
                offer_keys[("R", case.receiving_offer_id)][:3],
            )
            for case in session.scalars(select(Case))
        }
        result = {
            "offers": sorted(offer_keys.values()),
            "cases": sorted(
                (
                    case_keys[c.id],
                    c.kind,
                    c.state,
                    c.headcount,
                    c.start_date,
                    c.end_date,
                    c.last_seq,
                )
                for c in session.scalars(select(Case))
            ),
            "events": sorted(
                (
                    case_keys[e.case_id],
                    e.seq,
                    e.event,
                    e.from_state,
                    e.to_state,
                    e.occurred_on,
                    e.actor,
                )
                for e in session.scalars(select(CaseEvent))
            ),
            "notices": sorted(
                (
                    case_keys[n.case_id],
                    n.side,
                    n.kind,
                    n.start_date,
                    n.filing_deadline,
                    n.written_on,
                    (home / "outbox" / "notices" / n.path).exists(),
                )
                for n in session.scalars(select(Notice))
            ),
            "follow_ups": sorted(
                (case_keys[f.case_id], f.kind, f.due_on, f.status)
                for f in session.scalars(select(FollowUp))
            ),
            "intake_files": sorted(
                (f.name, f.rows_read, f.imported, f.updated, f.rejected)
                for f in session.scalars(select(IntakeFile))
            ),
        }
    engine.dispose()
    result["inbox"] = sorted(p.name for p in (home / "inbox").iterdir())
    result["archive"] = sorted(p.name for p in (home / "archive").iterdir())
    result["notice_files"] = len(list((home / "outbox" / "notices").rglob("*.md")))
    return result


def test_a_night_killed_anywhere_and_run_again_equals_an_uninterrupted_night(
    request, tmp_path, prefect_server
):
    reference_home = tmp_path / "reference"
    with scratch_database(request, tmp_path) as url:
        prepare(url, reference_home)
        night(url, reference_home, prefect_server)
        expected = snapshot(url, reference_home)
    assert expected["inbox"] == [] and len(expected["archive"]) == 2
    assert expected["notices"] and expected["follow_ups"] and expected["cases"]
    assert sum(1 for c in expected["cases"] if c[2] == "proposed") > 0  # matching proposed
    assert expected["notice_files"] == len(expected["notices"])

    for point in CRASH_POINTS:
        home = tmp_path / point
        home.mkdir()
        with scratch_database(request, home) as url:
            prepare(url, home)
            assert night(url, home, prefect_server, crash=point) == -9, point
            assert snapshot(url, home) != expected, f"{point}: the crash came too late"
            night(url, home, prefect_server)
            assert snapshot(url, home) == expected, point
