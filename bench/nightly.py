"""A national-scale night, end to end: about 140,000 receiving and 20,000 sending offers open,
14,000 cases in flight across all states, a day's intake files in the inbox; then the night's
stages (intake, matching, subsidy notices, follow-up, report), first as plain functions and
then as the Prefect `nightly` flow on a copy of the same data.

Prints and writes JSON: seconds per stage, Prefect's own overhead as a share of the flow's
total, peak memory (RSS). On SQLite, and on PostgreSQL when SHUKKO_TEST_DATABASE_URL is set.

Usage: .venv/bin/python bench/nightly.py [--scale 1.0] [--out bench/results/nightly.json]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import resource
import shutil
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DO_NOT_TRACK", "1")

from sqlalchemy import insert, text, update  # noqa: E402
from sqlmodel import Session  # noqa: E402

from bench.matching import AS_OF, generate_offers, store_offers  # noqa: E402
from config import Settings  # noqa: E402
from models import Case, CaseWorker, ContractTerms, Worker  # noqa: E402
from models.db import make_engine  # noqa: E402
from models.schema import (  # noqa: E402
    create_scratch_database,
    drop_scratch_database,
    upgrade,
)
from shukko.cases import NewCase, open_cases  # noqa: E402
from shukko.demo.offer_files import DayFiles, OfferMaker, write_day_files  # noqa: E402
from shukko.matching.rules import load_rules  # noqa: E402
from shukko.report import build_report, fiscal_year_of  # noqa: E402
from shukko.report_files import write_report_files  # noqa: E402
from shukko.service.database import run_in_transaction  # noqa: E402
from shukko.service.night import night  # noqa: E402
from shukko.transitions import EventRequest, fire_many  # noqa: E402

ACTOR = "bench"
# 14,000 cases: where each stands tonight (state: how many per 14,000).
MIX = {
    "proposed": 3000,
    "interviewing": 2000,
    "preparing": 2000,
    "contracted": 2000,
    "active": 4500,
    "withdrawn": 500,
}


def peak_mib() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def fire(engine, requests: list[EventRequest], day: date) -> None:
    for start in range(0, len(requests), 5000):
        batch = requests[start : start + 5000]
        run_in_transaction(engine, lambda s, b=batch: fire_many(session=s, requests=b, today=day))


def build(url: str, scale: float, home: Path) -> dict:
    """Offers, cases in every state (through the transition service), a day's files."""
    started = time.perf_counter()
    engine = make_engine(url)
    upgrade(engine)
    sending, receiving = generate_offers(int(20_000 * scale), int(140_000 * scale), seed=11)
    store_offers(engine, sending, receiving)
    rng = random.Random(5)
    total = int(sum(MIX.values()) * scale)
    with Session(engine) as session:
        # Pairs that the case checks accept: secondment offers, two different companies.
        wanted = "WHERE kind IN ('secondment', 'either') ORDER BY id"
        senders = session.execute(text(f"SELECT id, company_id FROM sending_offer {wanted}"))
        receivers = session.execute(text(f"SELECT id, company_id FROM receiving_offer {wanted}"))
        s_rows, r_rows = senders.all(), receivers.all()
        pairs = []
        while len(pairs) < total:
            (s, s_company), (r, r_company) = s_rows[len(pairs) % len(s_rows)], rng.choice(r_rows)
            if s_company != r_company:
                pairs.append((s, r))
        ids = open_cases(
            session=session,
            cases=[NewCase("secondment", s, r, 1) for s, r in pairs],
            actor=ACTOR,
            today=AS_OF - timedelta(days=200),
        )
        session.commit()
    states, cursor = {}, 0
    for state, count in MIX.items():
        n = int(count * scale)
        for case_id in ids[cursor : cursor + n]:
            states[case_id] = state
        cursor += n
    beyond = {
        "interviewing": ["interviewing", "preparing", "contracted", "active"],
        "preparing": ["preparing", "contracted", "active"],
    }
    day = AS_OF - timedelta(days=150)
    want = lambda group: [c for c, s in states.items() if s in group]  # noqa: E731
    fire(
        engine,
        [EventRequest(c, "withdraw", ACTOR, on=day, note="bench") for c in want({"withdrawn"})],
        day,
    )
    fire(
        engine,
        [
            EventRequest(c, "schedule_interview", ACTOR, on=day)
            for c in want(beyond["interviewing"])
        ],
        day,
    )
    day += timedelta(days=10)
    prepared = want(beyond["preparing"])
    fire(engine, [EventRequest(c, "agree_to_proceed", ACTOR, on=day) for c in prepared], day)
    # Workers, terms (bulk rows), then the facts and the contract through the service.
    with Session(engine) as session:
        worker_ids = list(
            session.execute(
                insert(Worker).returning(Worker.id, sort_by_parameter_order=True),
                [
                    {"name": f"ベンチ {c}", "birth_date": date(1980, 1, 1), "qualifications": []}
                    for c in prepared
                ],
            ).scalars()
        )
        session.execute(
            insert(CaseWorker),
            [{"case_id": c, "worker_id": w} for c, w in zip(prepared, worker_ids, strict=True)],
        )
        starts = {}
        for c in prepared:
            if states[c] == "active":
                start = AS_OF - timedelta(days=rng.randrange(1, 330))
            elif states[c] == "contracted":
                start = AS_OF + timedelta(days=rng.randrange(-3, 60))
            else:
                start = AS_OF + timedelta(days=rng.randrange(10, 90))
            starts[c] = (start, start + timedelta(days=rng.choice([180, 365, 540])))
        session.execute(
            insert(ContractTerms),
            [
                {
                    "case_id": c,
                    "start_date": s,
                    "end_date": e,
                    "workplace_prefecture": "13",
                    "workplace": "bench",
                    "duties": "bench",
                    "working_hours": "09:00-18:00",
                    "holidays": "土日祝",
                    "overtime_allowed": False,
                    "wage_payer": "split",
                    "sending_share_pct": 50,
                    "receiving_share_pct": 50,
                    "monthly_wage_yen": 300_000,
                    "social_insurance": "sending",
                    "annual_leave": "規定",
                    "fixed_by": ACTOR,
                    "fixed_on": day,
                }
                for c, (s, e) in starts.items()
            ],
        )
        for c, (s, e) in starts.items():
            session.execute(
                update(Case.__table__)
                .where(Case.__table__.c.id == c)
                .values(start_date=s, end_date=e)
            )
        session.commit()
    requests = []
    for c, w in zip(prepared, worker_ids, strict=True):
        requests += [
            EventRequest(c, "record_consent", ACTOR, on=day, worker_id=w),
            EventRequest(c, "record_union_agreement", ACTOR, on=day),
            EventRequest(c, "record_rules_update", ACTOR, on=day),
            EventRequest(c, "fix_terms", ACTOR, on=day, terms_valid=True),
        ]
    fire(engine, requests, day)
    signed = want({"contracted", "active"})
    fire(engine, [EventRequest(c, "sign_contract", ACTOR, on=day) for c in signed], day)
    fire(
        engine, [EventRequest(c, "start", ACTOR, on=starts[c][0]) for c in want({"active"})], AS_OF
    )
    engine.dispose()
    # A national day's offer files (a year's 140,000 + 20,000 rows over ~245 business days).
    maker, today_files = OfferMaker(rng), DayFiles(AS_OF)
    for side, rows in (("receiving", int(570 * scale) + 1), ("sending", int(80 * scale) + 1)):
        today_files.rows[side] = [maker.row(side, AS_OF, rng.randint(1, 4)) for _ in range(rows)]
    write_day_files(today_files, Settings(home=home, database_url=url).folder("inbox"), rng)
    return {"cases": total, "seconds": round(time.perf_counter() - started, 1)}


def plain_night(url: str, home: Path) -> dict:
    """The night's stages as the flows' functions, each timed."""
    settings = Settings(home=home, database_url=url)
    engine = make_engine(url)
    rules, times = load_rules(), {}

    def timed(name, work):
        began = time.perf_counter()
        result = work()
        times[name] = round(time.perf_counter() - began, 2)
        return result

    result = night(engine, settings, AS_OF, rules=rules, stage=timed)

    def report():
        with Session(engine) as session:
            data = build_report(session, fiscal_year_of(AS_OF))
        return write_report_files(data, settings.folder("reports") / "bench")

    timed("report", report)
    engine.dispose()
    times["total"] = round(sum(times.values()), 2)
    return {
        "seconds": times,
        "proposals": len(result["proposals"]),
        "notices": len(result["notices"]),
        "started": len(result["follow_up"]["started"]),
        "closed": len(result["follow_up"]["closed"]),
    }


def prefect_night(url: str, home: Path) -> dict:
    """The same night as the Prefect nightly flow (in-process, ephemeral server)."""
    os.environ["SHUKKO_HOME"], os.environ["SHUKKO_DATABASE_URL"] = str(home), url
    os.environ["PREFECT_HOME"] = str(home / "prefect")
    from config import get_settings
    from models.db import engine_for

    get_settings.cache_clear()
    engine_for.cache_clear()
    from flows.deployments import run_flow
    from flows.parameters import NightlyParameters, ReportParameters

    # Start Prefect's temporary server first, so that the night is timed without it.
    run_flow("report", ReportParameters(as_of=AS_OF - timedelta(days=400)))
    began = time.perf_counter()
    result = run_flow("nightly", NightlyParameters(as_of=AS_OF))
    return {"seconds": round(time.perf_counter() - began, 2), "stages": list(result)}


def copy_database(url: str, kind: str, folder: Path, server: str | None) -> str:
    if kind == "sqlite":
        source = Path(url.removeprefix("sqlite:///"))
        target = folder / "copy.db"
        shutil.copy(source, target)
        return f"sqlite:///{target}"
    from sqlalchemy.engine import make_url

    copy = create_scratch_database(server, "shukko_bench_copy")
    name = make_url(copy).database
    drop_scratch_database(server, copy)
    admin = make_engine(server).execution_options(isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{make_url(url).database}"'))
    admin.dispose()
    return copy


def one_database(kind: str, scale: float) -> dict:
    folder = Path(tempfile.mkdtemp(prefix=f"shukko-night-{kind}-"))
    server = os.environ.get("SHUKKO_TEST_DATABASE_URL") if kind == "postgresql" else None
    url = (
        create_scratch_database(server, "shukko_bench_night")
        if server
        else f"sqlite:///{folder / 'night.db'}"
    )
    try:
        built = build(url, scale, folder / "home-plain")
        shutil.copytree(folder / "home-plain", folder / "home-prefect")
        copy = copy_database(url, kind, folder, server)
        plain = plain_night(url, folder / "home-plain")
        flow = prefect_night(copy, folder / "home-prefect")
        overhead = max(flow["seconds"] - plain["seconds"]["total"], 0)
        result = {
            "database": kind,
            "setup": built,
            "plain": plain,
            "prefect": flow,
            "prefect_overhead_seconds": round(overhead, 2),
            "prefect_overhead_share": round(overhead / flow["seconds"], 3),
            "peak_rss_mib": peak_mib(),
        }
        if server:
            drop_scratch_database(server, copy)
        return result
    finally:
        if server:
            drop_scratch_database(server, url)
        shutil.rmtree(folder, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--out", default=str(ROOT / "bench" / "results" / "nightly.json"))
    parser.add_argument("--databases", default="sqlite,postgresql")
    args = parser.parse_args()
    results = {
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version()},
        "as_of": str(AS_OF),
        "scale": args.scale,
        "runs": [],
    }
    for kind in args.databases.split(","):
        if kind == "postgresql" and not os.environ.get("SHUKKO_TEST_DATABASE_URL"):
            print("postgresql: skipped (set SHUKKO_TEST_DATABASE_URL)")
            continue
        run = one_database(kind, args.scale)
        results["runs"].append(run)
        print(json.dumps(run, ensure_ascii=False, indent=1, default=str), flush=True)
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(results, ensure_ascii=False, indent=1, default=str))


if __name__ == "__main__":
    main()
