"""Persisted guarded transitions per second, with their audit rows.

Three figures in one run, on SQLite (and PostgreSQL when SHUKKO_TEST_DATABASE_URL is set):
  bare       the machine alone, bound to a plain object (no database): one machine per
             case (construction included), and one machine reused for every row
  per_event  one transaction per event, as the CLI and a web form do: every event of a
             secondment's life, the guarded sign_contract, start and extend included
             (assign_worker is set up untimed); every commit durable (SQLite WAL with
             synchronous=FULL: the WAL is synced to disk before COMMIT returns)
  batched    fire_many over all cases per step, one transaction per step (the nightly path)

Usage: .venv/bin/python bench/transitions.py [--cases N] [--out bench/results/transitions.json]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import tempfile
import time
import uuid
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlmodel import Session  # noqa: E402

from models import CaseKind  # noqa: E402
from models.db import make_engine  # noqa: E402
from models.schema import (  # noqa: E402
    create_scratch_database,
    drop_scratch_database,
    upgrade,
)
from shukko.cases.offers import add_company, add_offer  # noqa: E402
from shukko.cases.records import open_case, set_terms  # noqa: E402
from shukko.cases.terms import parse_terms  # noqa: E402
from shukko.cases.transitions import EventRequest, fire, fire_many  # noqa: E402
from shukko.service.cases import add_worker  # noqa: E402
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


TERMS = {
    "start_date": "2024-07-01",
    "end_date": "2025-06-30",
    "workplace_prefecture": "13",
    "workplace": "受入企業の事業所",
    "duties": "製造・物流業務",
    "working_hours": "09:00-18:00",
    "holidays": "土日祝",
    "overtime_allowed": True,
    "wage_payer": "split",
    "sending_share_pct": 40,
    "receiving_share_pct": 60,
    "monthly_wage_yen": 300000,
    "social_insurance": "sending",
    "annual_leave": "出向元の規定による",
    "return_conditions": "期間満了時に原職復帰",
}
# A secondment's whole life, one operator command each: (event, date, options).
LIFE = [
    ("schedule_interview", TODAY, {}),
    ("agree_to_proceed", TODAY, {}),
    ("record_consent", TODAY, {"doc_ref": "同意書"}),
    ("record_union_agreement", TODAY, {"doc_ref": "労使協定"}),
    ("record_rules_update", TODAY, {"doc_ref": "就業規則"}),
    ("record_tour", TODAY, {}),
    ("fix_terms", TODAY, {}),  # `case terms`: the terms stored, then fix_terms fired
    ("sign_contract", TODAY, {"doc_ref": "契約書"}),  # four guards
    ("start", date(2024, 7, 1), {}),
    ("record_follow_up", date(2024, 8, 1), {"note": "定期面談"}),
    ("extend", date(2025, 5, 1), {"end_date": date(2025, 12, 31)}),
    ("return_to_origin", date(2025, 9, 1), {"note": "本人の希望で早期復帰"}),
]


def bench_per_event(engine, n: int) -> dict:
    ids = open_cases(engine, n)
    with Session(engine) as session:
        for case_id in ids:  # set up untimed: the worker each case is for
            add_worker(
                session=session, case_id=case_id, name="見本 太郎",
                birth_date=date(1980, 1, 1), actor="bench", today=TODAY,
            )  # fmt: skip
        session.commit()
    terms = parse_terms(TERMS)
    seconds: dict[str, float] = dict.fromkeys((e for e, _d, _o in LIFE), 0.0)
    started = time.perf_counter()
    for case_id in ids:
        for event, on, options in LIFE:
            began = time.perf_counter()
            with Session(engine) as session:
                if event == "fix_terms":
                    set_terms(session=session, case_id=case_id, terms=terms, actor="bench",
                              today=on)  # fmt: skip
                else:
                    request = EventRequest(case_id=case_id, event=event, actor="bench", on=on,
                                           **options)  # fmt: skip
                    fire(session=session, today=on, request=request)
                session.commit()
            seconds[event] += time.perf_counter() - began
    total = time.perf_counter() - started
    return {
        "per_event_per_s": round(n * len(LIFE) / total),
        "per_event_ms_by_event": {e: round(1000 * s / n, 3) for e, s in seconds.items()},
    }


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
    with engine.connect() as connection:
        synchronous = (
            connection.exec_driver_sql("PRAGMA synchronous").scalar()
            if (engine.dialect.name == "sqlite")
            else connection.exec_driver_sql("SHOW synchronous_commit").scalar()
        )
    result = {
        "durability": f"synchronous={synchronous}",
        **bench_per_event(engine, per_event_cases),
        **bench_batched(engine, cases),
    }
    engine.dispose()
    return result


def repeated(make_url, runs: int, cases: int, per_event_cases: int) -> dict:
    """Each figure as the median of `runs` runs on fresh databases, with every run kept."""
    each = []
    for _ in range(runs):
        url, drop = make_url()
        try:
            each.append(run_on(url, cases, per_event_cases))
        finally:
            drop()
    result = dict(each[len(each) // 2])  # per-event times of the median run
    for key in (
        "per_event_per_s",
        "batched_per_s",
        "batched_nonfinal_per_s",
        "batched_final_per_s",
    ):
        result[key] = round(statistics.median(run[key] for run in each))
        result[f"{key}_runs"] = [run[key] for run in each]
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--cases", type=int, default=2000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--out", type=Path, default=ROOT / "bench/results/transitions.json")
    args = parser.parse_args()
    per_event_cases = max(50, args.cases // 10)
    results: dict = {
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "platform": platform.platform(),
        },
        "events_per_case": len(LIFE),
        "events_per_case_batched": len(WALK),
        "cases_batched": args.cases,
        "cases_per_event": per_event_cases,
        "runs": args.runs,
        "bare_per_s": round(bench_bare(args.cases)),
        "bare_reused_per_s": round(bench_bare_reused(args.cases)),
    }
    folder = tempfile.mkdtemp(prefix="shukko-transitions-")

    def sqlite_url():
        path = Path(folder) / f"bench-{uuid.uuid4().hex[:8]}.db"
        return f"sqlite:///{path}", lambda: None

    results["sqlite"] = repeated(sqlite_url, args.runs, args.cases, per_event_cases)
    server = os.environ.get("SHUKKO_TEST_DATABASE_URL")
    if server:

        def postgres_url():
            url = create_scratch_database(server, "shukko_bench")
            return url, lambda: drop_scratch_database(server, url)

        results["postgresql"] = repeated(postgres_url, args.runs, args.cases, per_event_cases)
    print(f"bare machine, one per case: {results['bare_per_s']:>8,} transitions/s")
    print(f"bare machine, reused:       {results['bare_reused_per_s']:>8,} transitions/s")
    for backend in ("sqlite", "postgresql"):
        if backend in results:
            r = results[backend]
            print(
                f"{backend:10} one tx per event: median {r['per_event_per_s']:>6,} /s "
                f"(runs {r['per_event_per_s_runs']}; {r['durability']})"
            )
            print(
                f"{'':10} batched: median {r['batched_per_s']:>6,} /s "
                f"(runs {r['batched_per_s_runs']}; into a final state "
                f"{r['batched_final_per_s']:,} /s, others {r['batched_nonfinal_per_s']:,} /s)"
            )
            slowest = sorted(r["per_event_ms_by_event"].items(), key=lambda kv: -kv[1])
            print(f"{'':10} ms per event: " + ", ".join(f"{e} {ms}" for e, ms in slowest))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=2), encoding="utf-8")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
