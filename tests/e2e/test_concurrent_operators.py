"""Concurrent operators: several processes fire random events at the same cases for a while;
afterwards every case's log replays to its state, sequence numbers have no gaps or
duplicates, and every event a process was told succeeded is in the log."""

from __future__ import annotations

import json
import subprocess
import sys

from sqlalchemy import select
from sqlmodel import Session

from models import Case, CaseEvent
from shukko.cases.replay import replay
from tests.helpers import make_case, to_preparing

PROCESSES = 4
SECONDS = 12


def test_operators_in_several_processes_never_lose_or_duplicate_an_event(db_url, engine, tmp_path):
    with Session(engine, expire_on_commit=False) as session:
        cases = [make_case(session) for _ in range(2)]
        to_preparing(session, cases[0])
        ids = [str(case.id) for case in cases]
    outputs = [tmp_path / f"operator-{n}.json" for n in range(PROCESSES)]
    operators = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "tests.e2e.operator",
                db_url,
                str(n),
                str(SECONDS),
                str(out),
                *ids,
            ]
        )
        for n, out in enumerate(outputs)
    ]
    for process in operators:
        assert process.wait(timeout=SECONDS + 120) == 0
    reports = [json.loads(out.read_text()) for out in outputs]
    told_ok = [tuple(entry) for report in reports for entry in report["ok"]]
    assert len(told_ok) > 20, reports
    assert sum(report["conflicts"] for report in reports) > 0  # they did collide

    with Session(engine) as session:
        logged = {}
        for case in session.scalars(select(Case)):
            events = session.scalars(
                select(CaseEvent).where(CaseEvent.case_id == case.id).order_by(CaseEvent.seq)
            ).all()
            assert [e.seq for e in events] == list(range(1, case.last_seq + 1))
            assert replay(case.kind, events) == case.state
            logged.update({(case.id, e.seq): e.event for e in events})
    for case_id, seq, event in told_ok:
        assert logged[(case_id, seq)] == event
    assert len(set((c, s) for c, s, _ in told_ok)) == len(told_ok)  # no seq given twice
