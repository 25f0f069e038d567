"""A national-scale night, end to end: about 140,000 receiving and 20,000 sending offers open,
14,000 cases in flight across all states, a day's intake files in the inbox; then the night
three ways, each on its own fresh copy of the same data: the stages as plain functions
(`plain`), the Prefect `nightly` flow in this process (`flow`), and the deployed nightly run
by a `prefect worker` process from a work pool on a local Prefect server (`worker`: what the
distributed path costs, pickup and process start included).

Several rounds (--runs), the order of the three rotated every round so that none is always
first (cold) or last (warm). Prints and writes JSON: every run's seconds, the medians, and the
raw differences flow − plain and worker − plain per round and their medians (never clipped:
a negative difference is reported as measured); seconds per stage of the plain runs; peak
memory (RSS). On SQLite, and on PostgreSQL when SHUKKO_TEST_DATABASE_URL is set.

Usage: .venv/bin/python bench/nightly.py [--scale 1.0] [--runs 3] [--databases sqlite]
       [--out bench/results/nightly.json]
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
from config.settings import prepare_prefect  # noqa: E402

prepare_prefect()

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
from shukko.cases.records import NewCase, open_cases  # noqa: E402
from shukko.cases.transitions import EventRequest, fire_many  # noqa: E402
from shukko.clock import fiscal_year_of  # noqa: E402
from shukko.demo.offer_files import DayFiles, OfferMaker, write_day_files  # noqa: E402
from shukko.matching.rules import load_rules  # noqa: E402
from shukko.reporting.files import write_report_files  # noqa: E402
from shukko.reporting.report import build_report  # noqa: E402
from shukko.service.database import run_in_transaction  # noqa: E402
from shukko.service.night import night  # noqa: E402

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
    store_offers(engine, *generate_offers(int(20_000 * scale), int(140_000 * scale), seed=11))
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
        folder.mkdir(parents=True, exist_ok=True)
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


MODES = ("plain", "flow", "worker")


def worker_night(url: str, home: Path, api: str, name: str) -> dict:
    """The deployed nightly, picked up and run by a worker started for this copy."""
    import subprocess

    from prefect.deployments import run_deployment
    from prefect.settings import PREFECT_API_URL, temporary_settings

    env = {**os.environ, "PREFECT_API_URL": api, "SHUKKO_HOME": str(home),
           "SHUKKO_DATABASE_URL": url, "PREFECT_WORKER_QUERY_SECONDS": "1",
           "PREFECT_HOME": str(home / "worker-prefect")}  # fmt: skip
    bin_dir = Path(sys.executable).parent
    worker = subprocess.Popen(
        [str(bin_dir / "prefect"), "worker", "start", "--pool", "bench", "--name", name],
        env=env,
        stdout=(home / "worker.log").open("w"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        with temporary_settings({PREFECT_API_URL: api}):
            wait_for_worker(name)  # workers are long-running: its start is not the night's cost
            began = time.perf_counter()
            run = run_deployment(
                "nightly/shukko",
                parameters={"parameters": {"as_of": AS_OF.isoformat()}},
                timeout=3600,
                poll_interval=1,
            )
        seconds = time.perf_counter() - began
        return {"seconds": round(seconds, 2), "state": run.state.type.value}
    finally:
        import signal

        os.killpg(worker.pid, signal.SIGTERM)
        worker.wait(timeout=60)


def wait_for_worker(name: str, seconds: float = 120) -> None:
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import WorkerFilter, WorkerFilterStatus

    deadline = time.monotonic() + seconds
    with get_client(sync_client=True) as client:
        while time.monotonic() < deadline:
            online = client.read_workers_for_work_pool(
                "bench", worker_filter=WorkerFilter(status=WorkerFilterStatus(any_=["ONLINE"]))
            )
            if any(worker.name == name for worker in online):
                return
            time.sleep(0.5)
    raise RuntimeError("no worker came online")


def start_server(folder: Path, base_url: str) -> tuple:
    """A local Prefect server (its own SQLite) with shukko deployed to the work pool `bench`."""
    import socket
    import subprocess
    import urllib.request

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    api = f"http://127.0.0.1:{port}/api"
    bin_dir = Path(sys.executable).parent
    env = {**os.environ, "PREFECT_HOME": str(folder / "server-home"),
           "PREFECT_UI_ENABLED": "false"}  # fmt: skip
    env.pop("PREFECT_API_URL", None)
    server = subprocess.Popen(
        [str(bin_dir / "prefect"), "server", "start", "--host", "127.0.0.1", "--port", str(port)],
        env=env,
        stdout=(folder / "server.log").open("w"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    for _ in range(240):
        try:
            if urllib.request.urlopen(f"{api}/health", timeout=2).status == 200:
                break
        except OSError:
            time.sleep(0.5)
    deploy_env = {**os.environ, "PREFECT_API_URL": api, "SHUKKO_DATABASE_URL": base_url,
                  "SHUKKO_HOME": str(folder / "deploy-home")}  # fmt: skip
    subprocess.run([str(bin_dir / "shukko"), "deploy", "--pool", "bench", "--json"],
                   env=deploy_env, check=True, capture_output=True)  # fmt: skip
    return server, api


def median(values: list[float]) -> float:
    import statistics

    return round(statistics.median(values), 2)


def one_database(kind: str, scale: float, runs: int) -> dict:
    import signal

    folder = Path(tempfile.mkdtemp(prefix=f"shukko-night-{kind}-"))
    server_url = os.environ.get("SHUKKO_TEST_DATABASE_URL") if kind == "postgresql" else None
    base = (
        create_scratch_database(server_url, "shukko_bench_night")
        if server_url
        else f"sqlite:///{folder / 'night.db'}"
    )
    copies: list[str] = []
    server = None
    try:
        built = build(base, scale, folder / "home-base")
        server, api = start_server(folder, base)
        rounds = []
        for number in range(runs):
            order = MODES[number % 3 :] + MODES[: number % 3]  # rotated every round
            seconds, stages = {}, None
            for mode in order:
                home = folder / f"home-{number}-{mode}"
                shutil.copytree(folder / "home-base", home)
                url = copy_database(base, kind, folder / f"db-{number}-{mode}", server_url)
                copies.append(url)
                if mode == "plain":
                    plain = plain_night(url, home)
                    seconds[mode], stages = plain["seconds"]["total"], plain["seconds"]
                elif mode == "flow":
                    seconds[mode] = prefect_night(url, home)["seconds"]
                else:
                    seconds[mode] = worker_night(url, home, api, f"bench-{number}")["seconds"]
                print(f"{kind} round {number + 1} {mode}: {seconds[mode]} s", flush=True)
            rounds.append({"order": list(order), "seconds": seconds, "plain_stages": stages})
        by_mode = {mode: [r["seconds"][mode] for r in rounds] for mode in MODES}
        differences = {
            f"{mode}_minus_plain": [
                round(r["seconds"][mode] - r["seconds"]["plain"], 2) for r in rounds
            ]
            for mode in ("flow", "worker")
        }
        return {
            "database": kind,
            "setup": built,
            "rounds": rounds,
            "seconds": by_mode,
            "median_seconds": {mode: median(values) for mode, values in by_mode.items()},
            "differences": differences,
            "median_differences": {k: median(v) for k, v in differences.items()},
            "peak_rss_mib": peak_mib(),
        }
    finally:
        if server is not None:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=60)
        if server_url:
            for url in [*copies, base]:
                drop_scratch_database(server_url, url)
        shutil.rmtree(folder, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--out", default=str(ROOT / "bench" / "results" / "nightly.json"))
    parser.add_argument("--databases", default="sqlite,postgresql")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    results = {
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version()},
        "as_of": str(AS_OF),
        "scale": args.scale,
        "runs_per_mode": args.runs,
        "runs": [],
    }
    for kind in args.databases.split(","):
        if kind == "postgresql" and not os.environ.get("SHUKKO_TEST_DATABASE_URL"):
            print("postgresql: skipped (set SHUKKO_TEST_DATABASE_URL)")
            continue
        run = one_database(kind, args.scale, args.runs)
        results["runs"].append(run)
        print(json.dumps(run, ensure_ascii=False, indent=1, default=str), flush=True)
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(results, ensure_ascii=False, indent=1, default=str))


if __name__ == "__main__":
    main()
