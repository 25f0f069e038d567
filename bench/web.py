"""The web worklist under load: a live `shukko web` server (its own processes, `--workers N`)
and concurrent signed-in consultants, at 1, 10 and 50 clients, on SQLite and PostgreSQL.

The data is the demo year's (FY2021, seed 1) on its last day, 2022-03-31: the Tokyo office
(13) then has the demo's open cases of an office that receives from all over the country
(590 open cases with this seed; checked at the start: at least 500, and the worklist's groups
printed), and its whole-office worklist page is about 80 kB of HTML (each group's first 20
lines). Each
client is a consultant of office 13 signed in with an account of their own. Two scenarios,
each for --seconds per run:

- worklist: every client opens the whole office's worklist (業務一覧, 事務所全体), again and
  again (the morning rush);
- mixed: what consultants do all day — the worklist, an open case of the office at random,
  and every fourth round their own preparing case with a step posted on it (record_tour, which
  keeps the case where it is). The office has fewer preparing cases than 50 clients: clients
  share them round-robin, and a step that lost a race to another client is answered 409 (the
  page says so, nothing saved): counted as a conflict, not an error.

Reported per level: requests, errors (any answer other than 200/303/409, or no answer),
conflicts, pages per second, and the median and 95th percentile of each kind of page, for
every run and the median of runs. The load generator runs on the same machine (threads in
this process), as a second office machine would not: on two cores it takes CPU from the
server, which the figures include.

The database: --sqlite PATH, a demo year's database (default var/shukko.db when it holds one);
without one the demo year is run into a temporary home first (about eight minutes). With
SHUKKO_TEST_DATABASE_URL set (scripts/start-postgres.sh) the same rows are copied into a scratch
PostgreSQL database and measured there too.

Usage: .venv/bin/python bench/web.py [--sqlite var/shukko.db] [--workers 2] [--clients 1,10,50]
       [--seconds 10] [--runs 3] [--out bench/results/web.json]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
SHUKKO = Path(sys.executable).parent / "shukko"
AS_OF = "2022-03-31"
OFFICE = "13"
PASSWORD = "correct horse battery"
OK = (200, 303)
# The whole office's worklist (事務所全体): the bench's consultants own nothing, and their own
# view (自分の担当, the default) would be empty.
WORKLIST = "/?view=all"


def demo_database(args) -> Path:
    """A demo year's SQLite database: the one given, var/shukko.db, or one made now."""
    for candidate in (args.sqlite, ROOT / "var" / "shukko.db"):
        if candidate and Path(candidate).exists():
            return Path(candidate)
    home = Path(tempfile.mkdtemp(prefix="shukko-web-bench-demo-"))
    print(f"no demo database: running the demo year into {home} (about eight minutes)")
    env = {**os.environ, "SHUKKO_HOME": str(home),
           "SHUKKO_DATABASE_URL": f"sqlite:///{home / 'shukko.db'}"}  # fmt: skip
    subprocess.run([SHUKKO, "demo"], env=env, check=True, stdout=subprocess.DEVNULL)
    return home / "shukko.db"


def backup(source: Path, target: Path) -> None:
    """A consistent copy of a SQLite database (its WAL included, which a file copy misses)."""
    import sqlite3

    with sqlite3.connect(source) as reading, sqlite3.connect(target) as writing:
        reading.backup(writing)


def copy_database(source_url: str, target_url: str) -> None:
    """Every row of the source into the (empty, upgraded) target, table by table in the
    order of their foreign keys; PostgreSQL's id sequences moved past the copied ids."""
    from sqlalchemy import MetaData, func, select, text

    from models.db import make_engine

    source, target = make_engine(source_url), make_engine(target_url)
    tables = MetaData()
    tables.reflect(target)
    with source.connect() as reading, target.begin() as writing:
        for table in tables.sorted_tables:
            if table.name == "alembic_version":
                continue
            writing.execute(table.delete())
            rows = [dict(row._mapping) for row in reading.execute(select(table))]
            for start in range(0, len(rows), 5000):
                writing.execute(table.insert(), rows[start : start + 5000])
            if "id" in table.c and rows and target.dialect.name == "postgresql":
                top = writing.scalar(select(func.max(table.c.id)))
                writing.execute(text(f"SELECT setval(pg_get_serial_sequence('{table.name}', "
                                     f"'id'), {top})"))  # fmt: skip
    source.dispose()
    if target.dialect.name == "postgresql":  # the statistics autovacuum gathers after a load
        with target.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(text("ANALYZE"))
    target.dispose()


def prepare(url: str, clients: int) -> dict:
    """The bench's consultants (one per client) and what they work on: the office's open
    cases, and a preparing case of each client's own to post steps on."""
    from sqlalchemy import select
    from sqlmodel import Session

    from models import Case, ReceivingOffer, SendingOffer, UserAccount
    from models.db import make_engine
    from shukko.service.accounts import add_user

    engine = make_engine(url)
    with Session(engine) as session:
        names = [f"bench{n:02d}" for n in range(1, clients + 1)]
        existing = set(session.scalars(select(UserAccount.name)))
        for name in names:
            if name not in existing:
                add_user(session=session, name=name, office=OFFICE, role="consultant",
                         password=PASSWORD)  # fmt: skip
        session.commit()
        sending = select(SendingOffer.id).where(SendingOffer.office_code == OFFICE)
        receiving = select(ReceivingOffer.id).where(ReceivingOffer.office_code == OFFICE)
        mine = Case.sending_offer_id.in_(sending) | Case.receiving_offer_id.in_(receiving)
        final = ("hired", "returned", "transferred", "withdrawn")
        open_cases = list(session.scalars(
            select(Case.id).where(mine, Case.state.not_in(final)).order_by(Case.id)
        ))  # fmt: skip
        preparing = list(session.scalars(
            select(Case.id).where(mine, Case.state == "preparing").order_by(Case.id)
        ))  # fmt: skip
    engine.dispose()
    if len(open_cases) < 500:
        raise SystemExit(f"office {OFFICE} has {len(open_cases)} open cases: not the demo year's")
    if not preparing:
        raise SystemExit(f"office {OFFICE} has no preparing case to post steps on")
    return {"users": names, "open_cases": open_cases, "preparing": preparing}


class Server:
    """`shukko web` in its own process group, on a free port."""

    def __init__(self, url: str, workers: int, home: Path) -> None:
        import socket

        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        env = {**os.environ, "SHUKKO_DATABASE_URL": url, "SHUKKO_HOME": str(home)}
        env.pop("PREFECT_API_URL", None)
        self.log = (home / "web.log").open("w")
        self.process = subprocess.Popen(
            [SHUKKO, "web", "--port", str(self.port), "--workers", str(workers),
             "--as-of", AS_OF],
            env=env, stdout=self.log, stderr=subprocess.STDOUT,
        )  # fmt: skip

    def __enter__(self) -> Server:
        import httpx

        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            try:
                httpx.get(f"{self.url}/login", timeout=1)
                return self
            except httpx.TransportError:
                if self.process.poll() is not None:
                    raise SystemExit("shukko web ended; see its log") from None
                time.sleep(0.3)
        raise SystemExit("shukko web did not answer")

    def __exit__(self, *_exc) -> None:
        import signal

        self.process.send_signal(signal.SIGINT)
        self.process.wait(timeout=60)
        self.log.close()


def signed_in(url: str, name: str):
    import httpx

    client = httpx.Client(base_url=url, timeout=60)
    form = client.get("/login").text
    token = re.search(r'name="csrf_token" value="([^"]+)"', form).group(1)
    answer = client.post("/login", data={"name": name, "password": PASSWORD,
                                         "csrf_token": token})  # fmt: skip
    if answer.status_code != 303:
        raise SystemExit(f"{name} could not sign in: {answer.status_code}")
    return client


def consultant(client, scenario: str, work: dict, index: int, until: float, record) -> None:
    """One client's rounds until `until`: (kind, milliseconds, status) recorded."""
    import httpx

    chosen = random.Random(index)
    rounds = 0

    def get(kind: str, path: str):
        started = time.perf_counter()
        try:
            answer = client.get(path)
            status = answer.status_code
        except httpx.HTTPError:
            answer, status = None, 0
        record(kind, (time.perf_counter() - started) * 1000, status)
        return answer

    while time.perf_counter() < until:
        rounds += 1
        get("worklist", WORKLIST)
        if scenario == "worklist":
            continue
        get("case", f"/cases/{chosen.choice(work['open_cases'])}")
        if rounds % 4:
            continue
        own = work["preparing"][index % len(work["preparing"])]
        page = get("case", f"/cases/{own}")
        if page is None or page.status_code != 200:
            continue
        version = re.search(r'name="version" value="(\d+)"', page.text)
        token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
        started = time.perf_counter()
        try:
            answer = client.post(
                f"/cases/{own}/events/record_tour",
                data={"csrf_token": token.group(1), "version": version.group(1)},
            )
            status = answer.status_code
        except httpx.HTTPError:
            status = 0
        record("step", (time.perf_counter() - started) * 1000, status)


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def one_run(url: str, clients: list, scenario: str, work: dict, seconds: float) -> dict:
    lock = threading.Lock()
    timings: dict[str, list[float]] = {}
    errors, conflicts = [0], [0]

    def record(kind: str, ms: float, status: int) -> None:
        with lock:
            timings.setdefault(kind, []).append(ms)
            if status == 409:
                conflicts[0] += 1
            elif status not in OK:
                errors[0] += 1

    started = time.perf_counter()
    until = started + seconds
    threads = [
        threading.Thread(target=consultant, args=(c, scenario, work, i, until, record))
        for i, c in enumerate(clients)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    requests = sum(len(v) for v in timings.values())
    return {
        "requests": requests,
        "errors": errors[0],
        "conflicts": conflicts[0],
        "seconds": round(elapsed, 2),
        "pages_per_s": round(requests / elapsed, 1),
        "worklist_pages_per_s": round(len(timings.get("worklist", [])) / elapsed, 1),
        "median_ms": {k: round(statistics.median(v), 1) for k, v in timings.items()},
        "p95_ms": {k: round(percentile(v, 0.95), 1) for k, v in timings.items()},
    }


def measure(url: str, database: str, args, work: dict) -> dict:
    home = Path(tempfile.mkdtemp(prefix="shukko-web-bench-"))
    results = {}
    with Server(url, args.workers, home) as server:
        clients = [signed_in(server.url, name) for name in work["users"]]
        page = clients[0].get(WORKLIST).text
        groups = dict(re.findall(r'data-group="(\w+)">(\d+)<', page))
        print(f"{database}: office {OFFICE} worklist {len(page.encode()):,} bytes, groups {groups}")
        for scenario in args.scenarios:
            for level in args.clients:
                runs = []
                for run in range(args.runs):
                    figures = one_run(server.url, clients[:level], scenario, work, args.seconds)
                    runs.append(figures)
                    print(f"{database} {scenario} {level:>2} client(s) run {run + 1}: "
                          f"{figures['pages_per_s']} pages/s "
                          f"(worklist {figures['worklist_pages_per_s']}/s), "
                          f"median {figures['median_ms']} ms, p95 {figures['p95_ms']} ms, "
                          f"{figures['errors']} error(s) of {figures['requests']}",
                          flush=True)  # fmt: skip
                results[f"{scenario}_{level}"] = {
                    "runs": runs,
                    "pages_per_s": statistics.median(r["pages_per_s"] for r in runs),
                    "worklist_pages_per_s": statistics.median(
                        r["worklist_pages_per_s"] for r in runs
                    ),
                    "worklist_median_ms": statistics.median(
                        r["median_ms"]["worklist"] for r in runs
                    ),
                    "worklist_p95_ms": statistics.median(r["p95_ms"]["worklist"] for r in runs),
                    "errors": sum(r["errors"] for r in runs),
                }
        for client in clients:
            client.close()
    shutil.rmtree(home, ignore_errors=True)
    return {"worklist_bytes": len(page.encode()), "groups": groups, "levels": results}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sqlite", type=Path, help="a demo year's SQLite database")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--clients", default="1,10,50")
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--skip-sqlite", action="store_true")
    parser.add_argument("--scenarios", default="worklist,mixed")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "web.json")
    args = parser.parse_args()
    args.clients = [int(n) for n in args.clients.split(",")]
    args.scenarios = args.scenarios.split(",")
    from models.db import make_engine
    from models.schema import create_scratch_database, drop_scratch_database, upgrade

    source = demo_database(args)
    scratch = Path(tempfile.mkdtemp(prefix="shukko-web-bench-db-")) / "shukko.db"
    backup(source, scratch)  # the bench's users and steps stay out of the original
    sqlite_url = f"sqlite:///{scratch}"
    upgrade(make_engine(sqlite_url))
    work = prepare(sqlite_url, max(args.clients))
    print(f"office {OFFICE} on {AS_OF}: {len(work['open_cases'])} open cases "
          f"({len(work['preparing'])} preparing ones posted on); {args.workers} worker(s)")
    results = {}
    if not args.skip_sqlite:
        results["sqlite"] = measure(sqlite_url, "sqlite", args, work)
    server = os.environ.get("SHUKKO_TEST_DATABASE_URL")
    if server:
        url = create_scratch_database(server, "shukko_bench_web")
        try:
            upgrade(make_engine(url))
            started = time.perf_counter()
            copy_database(sqlite_url, url)
            print(f"copied into PostgreSQL in {time.perf_counter() - started:.1f} s")
            results["postgresql"] = measure(url, "postgresql", args, work)
        finally:
            drop_scratch_database(server, url)
    result = {
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version()},
        "office": OFFICE, "as_of": AS_OF, "open_cases": len(work["open_cases"]),
        "workers": args.workers, "seconds_per_run": args.seconds, "runs": args.runs,
        "goals": {"worklist_median_ms_1_client": 15, "worklist_pages_per_s_10_clients": 60,
                  "worklist_p95_ms_10_clients": 300, "errors_50_clients": 0},
        "databases": results,
    }  # fmt: skip
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2) + "\n")
    print(f"written to {args.out}")


if __name__ == "__main__":
    main()
