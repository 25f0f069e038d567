"""Persisted guarded transitions per second, with their audit rows.

Three figures in one run, on SQLite (and PostgreSQL when SHUKKO_TEST_DATABASE_URL is set):
  bare       the machine alone, bound to a plain object (no database): one machine per
             case (construction included), and one machine reused for every row
  per_event  one transaction per event, as the CLI does
  batched    fire_many over all cases per step, one transaction per step (the nightly path)

Usage: .venv/bin/python bench/transitions.py [--cases N] [--out bench/results/transitions.json]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import tempfile
import time
import uuid
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from shukko.database import (  # noqa: E402
    create_scratch_database,
    drop_scratch_database,
    upgrade,
)
from sqlmodel import Session  # noqa: E402

from models import CaseKind  # noqa: E402
from models.db import make_engine  # noqa: E402
from shukko.cases import EventRequest, fire, fire_many, open_case  # noqa: E402
from shukko.offers import add_company, add_offer  # noqa: E402
from states import RowHandle, SecondmentMachine  # noqa: E402
from states.guards import CaseFacts  # noqa: E402

TODAY = date(2024, 6, 3)
# Steps every case takes; each is a guarded transition or a recorded fact with an audit row.
WALK = [
    ("schedule_interview", None),
    ("agree_to_proceed", None),
    ("record_union_agreement", None),
    ("record_rules_update", None),
    ("record_tour", None),
    ("withdraw", "bench: 辞退"),
]


def bench_bare(n: int) -> float:
    class Row:
        state = None

    facts = CaseFacts(headcount=1)
    started = time.perf_counter()
    for _ in range(n):
        machine = SecondmentMachine(Row(), facts)
        for event, note in WALK:
            machine.send(
                event,
                on=TODAY,
                note=note,
                date_given=True,
                worker_id=None,
                terms_valid=False,
                end_date=None,
            )
    return n * len(WALK) / (time.perf_counter() - started)


def bench_bare_reused(n: int) -> float:
    """Sends only: one machine re-pointed at each row, as the batch path does."""

    class Row:
        state = "preparing"

    facts = CaseFacts(headcount=1)
    rows = [Row() for _ in range(n)]
    handle = RowHandle(rows[0])
    machine = SecondmentMachine(handle, facts)
    started = time.perf_counter()
    for row in rows:
        handle.row = row
        for event in ("record_union_agreement", "record_rules_update", "record_tour"):
            machine.send(
                event,
                on=TODAY,
                note=None,
                date_given=True,
                worker_id=None,
                terms_valid=False,
                end_date=None,
            )
    return n * 3 / (time.perf_counter() - started)


def open_cases(engine, n: int) -> list[int]:
    with Session(engine, expire_on_commit=False) as session:
        sender = add_company(
            session=session, name="送出", industry_code="31", prefecture_code="23", has_union=True
        )
        receiver = add_company(
            session=session, name="受入", industry_code="44", prefecture_code="23"
        )
        key = uuid.uuid4().hex[:8]
        sending = add_offer(
            session=session,
            side="sending",
            office_code="23",
            offer_id=f"S-{key}",
            company=sender,
            received_on=TODAY,
            headcount=n,
        )
        receiving = add_offer(
            session=session,
            side="receiving",
            office_code="23",
            offer_id=f"R-{key}",
            company=receiver,
            received_on=TODAY,
            headcount=n,
        )
        ids = [
            open_case(
                session=session,
                kind=CaseKind.secondment,
                sending_offer_id=sending.id,
                receiving_offer_id=receiving.id,
                headcount=1,
                actor="bench",
                today=TODAY,
            ).id
            for _ in range(n)
        ]
        session.commit()
    return ids


def bench_per_event(engine, n: int) -> float:
    ids = open_cases(engine, n)
    started = time.perf_counter()
    for case_id in ids:
        for event, note in WALK:
            with Session(engine) as session:
                fire(
                    session=session,
                    today=TODAY,
                    request=EventRequest(
                        case_id=case_id, event=event, actor="bench", on=TODAY, note=note
                    ),
                )
                session.commit()
    return n * len(WALK) / (time.perf_counter() - started)


def bench_batched(engine, n: int) -> dict:
    """Rates for the whole walk, and apart for steps into a final state: a machine that
    reaches a final state stops its engine, so each of those costs a fresh machine."""
    ids = open_cases(engine, n)
    seconds = {"final": 0.0, "other": 0.0}
    counts = {"final": 0, "other": 0}
    for event, note in WALK:
        started = time.perf_counter()
        with Session(engine) as session:
            requests = [
                EventRequest(case_id=i, event=event, actor="bench", on=TODAY, note=note)
                for i in ids
            ]
            _rows, refused = fire_many(session=session, requests=requests, today=TODAY)
            assert not refused, refused[:3]
            session.commit()
        part = "final" if event == "withdraw" else "other"
        seconds[part] += time.perf_counter() - started
        counts[part] += n
    return {
        "batched_per_s": round(sum(counts.values()) / sum(seconds.values())),
        "batched_nonfinal_per_s": round(counts["other"] / seconds["other"]),
        "batched_final_per_s": round(counts["final"] / seconds["final"]),
    }


def run_on(url: str, cases: int, per_event_cases: int) -> dict:
    engine = make_engine(url)
    upgrade(engine)
    result = {
        "per_event_per_s": round(bench_per_event(engine, per_event_cases)),
        **bench_batched(engine, cases),
    }
    engine.dispose()
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--cases", type=int, default=2000)
    parser.add_argument("--out", type=Path, default=ROOT / "bench/results/transitions.json")
    args = parser.parse_args()
    per_event_cases = max(50, args.cases // 10)
    results: dict = {
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "platform": platform.platform(),
        },
        "events_per_case": len(WALK),
        "cases_batched": args.cases,
        "cases_per_event": per_event_cases,
        "bare_per_s": round(bench_bare(args.cases)),
        "bare_reused_per_s": round(bench_bare_reused(args.cases)),
    }
    with tempfile.TemporaryDirectory() as folder:
        results["sqlite"] = run_on(f"sqlite:///{folder}/bench.db", args.cases, per_event_cases)
    server = os.environ.get("SHUKKO_TEST_DATABASE_URL")
    if server:
        url = create_scratch_database(server, "shukko_bench")
        try:
            results["postgresql"] = run_on(url, args.cases, per_event_cases)
        finally:
            drop_scratch_database(server, url)
    print(f"bare machine, one per case: {results['bare_per_s']:>8,} transitions/s")
    print(f"bare machine, reused:       {results['bare_reused_per_s']:>8,} transitions/s")
    for backend in ("sqlite", "postgresql"):
        if backend in results:
            r = results[backend]
            print(
                f"{backend:10} one tx per event: {r['per_event_per_s']:>6,} /s   "
                f"batched: {r['batched_per_s']:>6,} /s (into a final state "
                f"{r['batched_final_per_s']:,} /s, others {r['batched_nonfinal_per_s']:,} /s)"
            )
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=2), encoding="utf-8")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
