"""The web worklist's server time: the worklist page of an office with 2,000 open cases and a
case page with 200 history rows (goals: under 300 ms and 100 ms on two cores).

Each page is requested through the whole application (session lookup, the service layer,
Jinja2) in this process, with no network in between; after two warm-up requests, the median
of --requests requests per round, over --runs rounds. Every figure is printed and written.

Office 23 (愛知) sends 2,000 open cases: 300 proposed, 300 interviewing, 1,000 preparing (half
with the union agreement and rules update recorded), 400 active (terms, a worker, signed,
started; follow-ups due). One preparing case has 200 history rows.

With SHUKKO_TEST_DATABASE_URL set (scripts/start-postgres.sh), on PostgreSQL too.

Usage: .venv/bin/python bench/web.py [--runs 3] [--requests 15] [--out bench/results/web.json]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import statistics
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlmodel import Session  # noqa: E402

from models.db import make_engine  # noqa: E402
from models.schema import (  # noqa: E402
    create_scratch_database,
    drop_scratch_database,
    upgrade,
)
from shukko.cases.offers import add_company, add_offer  # noqa: E402
from shukko.cases.records import NewCase, assign_workers, open_cases, set_terms  # noqa: E402
from shukko.cases.terms import parse_terms  # noqa: E402
from shukko.cases.transitions import EventRequest, fire_many  # noqa: E402
from shukko.service.accounts import add_user  # noqa: E402

AS_OF = date(2024, 6, 3)
PASSWORD = "correct horse battery"
SHAPE = {"proposed": 300, "interviewing": 300, "preparing": 1000, "active": 400}
HISTORY_ROWS = 200


def terms(start: date) -> dict:
    return {
        "start_date": str(start), "end_date": str(start + timedelta(days=364)),
        "workplace_prefecture": "東京都", "workplace": "東京都江東区", "duties": "入出荷管理",
        "working_hours": "09:00-18:00", "holidays": "土日祝", "overtime_allowed": True,
        "wage_payer": "split", "sending_share_pct": 40, "receiving_share_pct": 60,
        "monthly_wage_yen": 300000, "social_insurance": "sending", "annual_leave": "規定による",
        "return_conditions": "期間満了時に原職復帰",
    }  # fmt: skip


def step(session: Session, ids: list[int], event: str, on: date, **extra) -> None:
    requests = [
        EventRequest(case_id=i, event=event, actor="bench", on=on, **extra) for i in ids
    ]
    _logged, refused = fire_many(session=session, requests=requests, today=on)
    assert not refused, refused[:3]
    session.commit()


def build(engine) -> int:
    """The office's cases; returns the id of the case with 200 history rows."""
    with Session(engine, expire_on_commit=False) as session:
        sender = add_company(session=session, name="送出", industry_code="31",
                             prefecture_code="23", has_union=True)  # fmt: skip
        receiver = add_company(session=session, name="受入", industry_code="44",
                               prefecture_code="13")  # fmt: skip
        pairs = []
        sides = (("sending", "23", sender), ("receiving", "13", receiver))
        for n in range(40):
            offers = [
                add_offer(
                    session=session, side=side, office_code=office, offer_id=f"{side[0]}-{n}",
                    company=company, received_on=AS_OF - timedelta(days=90), headcount=60,
                )
                for side, office, company in sides
            ]
            pairs.append((offers[0].id, offers[1].id))
        total = sum(SHAPE.values())
        ids = open_cases(
            session=session,
            cases=[NewCase("secondment", *pairs[i % 40]) for i in range(total)],
            actor="bench", today=AS_OF - timedelta(days=60),
        )  # fmt: skip
        session.commit()
        proposed = SHAPE["proposed"]
        rest = ids[proposed:]
        step(session, rest, "schedule_interview", AS_OF - timedelta(days=50))
        interviewing = SHAPE["interviewing"]
        rest = rest[interviewing:]
        step(session, rest, "agree_to_proceed", AS_OF - timedelta(days=45))
        preparing, active = rest[: SHAPE["preparing"]], rest[SHAPE["preparing"] :]
        halfway = preparing[: len(preparing) // 2] + active
        step(session, halfway, "record_union_agreement", AS_OF - timedelta(days=40))
        step(session, halfway, "record_rules_update", AS_OF - timedelta(days=40))
        start = AS_OF - timedelta(days=35)
        for case_id in active:
            (worker,) = assign_workers(
                session=session, case_id=case_id, actor="bench", today=start,
                people=[{"name": "見本", "birth_date": date(1980, 1, 1)}],
            )  # fmt: skip
            set_terms(session=session, case_id=case_id, terms=parse_terms(terms(start)),
                      actor="bench", today=start)  # fmt: skip
            step(session, [case_id], "record_consent", start, worker_id=worker.id)
        step(session, active, "sign_contract", start)
        step(session, active, "start", start)
        long_case = preparing[0]
        for _ in range(HISTORY_ROWS - 5):
            step(session, [long_case], "record_tour", AS_OF - timedelta(days=30))
    return long_case


def timed(client, path: str, requests: int) -> tuple[list[float], int]:
    for _ in range(2):
        client.get(path)
    times = []
    for _ in range(requests):
        started = time.perf_counter()
        answer = client.get(path)
        times.append((time.perf_counter() - started) * 1000)
        assert answer.status_code == 200, answer.status_code
    return times, len(answer.content)


def measure(args, url: str | None) -> dict:
    """Build the office on a fresh database (SQLite when `url` is None) and time both pages."""
    import warnings

    warnings.filterwarnings("ignore", category=DeprecationWarning)
    from fastapi.testclient import TestClient

    from config import Settings
    from shukko.web.app import create_app

    folder = Path(tempfile.mkdtemp(prefix="shukko-web-bench-"))
    url = url or f"sqlite:///{folder / 'shukko.db'}"
    engine = make_engine(url)
    upgrade(engine)
    started = time.perf_counter()
    long_case = build(engine)
    with Session(engine) as session:
        add_user(session=session, name="bench", office="23", role="consultant",
                 password=PASSWORD)  # fmt: skip
        session.commit()
    setup_seconds = time.perf_counter() - started
    database = engine.dialect.name
    app = create_app(Settings(home=folder, database_url=url), engine=engine, as_of=AS_OF)
    rounds = []
    for run in range(args.runs):
        with TestClient(app) as client:
            login = client.get("/login")
            token = re.search(r'name="csrf_token" value="([^"]+)"', login.text).group(1)
            client.post("/login", data={"name": "bench", "password": PASSWORD,
                                        "csrf_token": token, "next": "/"})  # fmt: skip
            worklist, worklist_bytes = timed(client, "/", args.requests)
            counts = dict(re.findall(r'data-group="(\w+)">(\d+)<', client.get("/").text))
            case, case_bytes = timed(client, f"/cases/{long_case}", args.requests)
        rounds.append({
            "worklist_ms": [round(t, 1) for t in worklist],
            "case_ms": [round(t, 1) for t in case],
            "worklist_median_ms": round(statistics.median(worklist), 1),
            "case_median_ms": round(statistics.median(case), 1),
        })  # fmt: skip
        print(
            f"{database} run {run + 1}: worklist median {rounds[-1]['worklist_median_ms']} ms "
            f"(min {min(worklist):.1f}, max {max(worklist):.1f}); case page median "
            f"{rounds[-1]['case_median_ms']} ms (min {min(case):.1f}, max {max(case):.1f})"
        )
    engine.dispose()
    result = {
        "setup_seconds": round(setup_seconds, 1),
        "page_bytes": {"worklist": worklist_bytes, "case": case_bytes},
        "worklist_counts": {group: int(n) for group, n in counts.items()},
        "rounds": rounds,
        "worklist_median_ms": statistics.median(r["worklist_median_ms"] for r in rounds),
        "case_median_ms": statistics.median(r["case_median_ms"] for r in rounds),
    }
    print(f"{database}: worklist groups {result['worklist_counts']}")
    print(
        f"{database}: worklist page, office of {sum(SHAPE.values()):,} open cases: median of "
        f"rounds {result['worklist_median_ms']} ms ({worklist_bytes:,} bytes); case page with "
        f"{HISTORY_ROWS} history rows: {result['case_median_ms']} ms ({case_bytes:,} bytes)"
    )
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--requests", type=int, default=15)
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "web.json")
    args = parser.parse_args()
    results = {"sqlite": measure(args, None)}
    server = os.environ.get("SHUKKO_TEST_DATABASE_URL")
    if server:
        url = create_scratch_database(server, "shukko_bench_web")
        try:
            results["postgresql"] = measure(args, url)
        finally:
            drop_scratch_database(server, url)
    result = {
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version()},
        "open_cases": sum(SHAPE.values()),
        "shape": SHAPE,
        "history_rows": HISTORY_ROWS,
        "requests_per_round": args.requests,
        "goals_ms": {"worklist": 300, "case": 100},
        "databases": results,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2) + "\n")
    print(f"written to {args.out}")


if __name__ == "__main__":
    main()
