"""The demo year at the Center's volume, end to end, and where its time goes.

FY2021 as `shukko demo` runs it (offers of every kind to the brochure's annual 140,403 受入情報
and 19,454 送出情報, about 10,000 job seekers, the letters as Markdown, HTML and PDF), each run
from an empty SQLite database in a scratch home, the last night as the other nights (the
Prefect flow's own cost is in bench/nightly.py). Prints and writes JSON: every run's seconds
and their median, the seconds of each part of the day and night (the consultants' desks, the
intake files written, each night stage) per run, the year's placements against the brochure's
annual row, and the machine.

Usage: .venv/bin/python bench/demo.py [--runs 3] [--days N] [--out bench/results/demo.json]
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
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlmodel import Session  # noqa: E402

from config import Settings  # noqa: E402
from models.db import make_engine  # noqa: E402
from models.schema import upgrade  # noqa: E402
from shukko.demo.year import run_demo_year  # noqa: E402
from shukko.reporting.report import build_report  # noqa: E402

FISCAL_YEAR = 2021


def one_run(days: int | None) -> dict:
    spent: Counter = Counter()

    def stage(name: str, work):
        started = time.perf_counter()
        try:
            return work()
        finally:
            spent[name] += time.perf_counter() - started

    with tempfile.TemporaryDirectory(prefix="shukko-demo-bench-") as scratch:
        home = Path(scratch)
        engine = make_engine(f"sqlite:///{home / 'shukko.db'}")
        upgrade(engine)
        settings = Settings(home=home, database_url=engine.url.render_as_string(False))
        started = time.perf_counter()
        totals = run_demo_year(
            engine=engine, settings=settings, fiscal_year=FISCAL_YEAR, days=days, stage=stage
        )
        seconds = time.perf_counter() - started
        with Session(engine) as session:
            annual = build_report(session, FISCAL_YEAR)["annual"]
        engine.dispose()
    return {
        "seconds": round(seconds, 1),
        "parts": {name: round(value, 1) for name, value in spent.most_common()},
        "job_seekers": totals["seekers"],
        "notices": totals["notices"],
        "annual": {row["key"]: [row["persons"], row["brochure"]] for row in annual},
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--days", type=int, default=None)
    parser.add_argument("--out", default=str(ROOT / "bench" / "results" / "demo.json"))
    args = parser.parse_args()
    runs = []
    for number in range(1, args.runs + 1):
        run = one_run(args.days)
        runs.append(run)
        parts = ", ".join(f"{name} {value} s" for name, value in run["parts"].items())
        print(f"run {number}: {run['seconds']} s ({parts})")
        print(f"  placed (ours, brochure's): {run['annual']}")
    result = {
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version()},
        "fiscal_year": FISCAL_YEAR,
        "days": args.days or 365,
        "median_seconds": statistics.median(run["seconds"] for run in runs),
        "runs": runs,
    }
    print(f"median {result['median_seconds']} s over {len(runs)} run(s)")
    Path(args.out).write_text(json.dumps(result, ensure_ascii=False, indent=1) + "\n")


if __name__ == "__main__":
    main()
