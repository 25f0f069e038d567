"""Career-bank suggestions at national scale: 20,000 counselled registrants who consented
against 60,000 open openings, end to end (load, score, store), on a fresh SQLite database.

Registrants want their own prefecture (70%), their regional block (25%) or the whole country
(5%); openings are weighted by prefecture employment. Prints and writes JSON: registrants,
openings, pairs scored, suggestions stored, seconds per run (median of --runs runs, each on a
fresh copy of the database, every run shown), peak memory.

Usage: .venv/bin/python bench/bank_matching.py [--registrants 20000] [--openings 60000]
       [--runs 3] [--out bench/results/bank_matching.json]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import resource
import shutil
import statistics
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import insert  # noqa: E402
from sqlmodel import Session  # noqa: E402

from models import Company, Opening, Registrant, RegistrantEvent  # noqa: E402
from models.db import make_engine  # noqa: E402
from models.reference import PREFECTURES  # noqa: E402
from models.schema import upgrade  # noqa: E402
from shukko.bank.suggest import area_prefectures, suggest  # noqa: E402

AS_OF = date(2024, 6, 1)
BIG = {"13": 8, "27": 5, "14": 5, "23": 5, "11": 4, "12": 3, "28": 3, "40": 3, "01": 3}
CODES = [p.code for p in PREFECTURES]
WEIGHTS = [BIG.get(code, 1) for code in CODES]
BLOCK = {p.code: p.block for p in PREFECTURES}
LETTERS = "ABCDEFGHIJK"


def build(path: Path, registrants: int, openings: int, seed: int = 7) -> None:
    rng = random.Random(seed)
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    now = AS_OF
    with Session(engine) as session:
        companies = [
            {"name": f"求人企業{n}", "industry_code": "92", "prefecture_code": rng.choice(CODES)}
            for n in range(5000)
        ]
        session.execute(insert(Company), companies)
        rows = []
        for n in range(openings):
            code = rng.choices(CODES, WEIGHTS)[0]
            part = rng.random() < 0.6
            rows.append(
                {
                    "office_code": code,
                    "opening_id": f"K-{n:06d}",
                    "received_on": now - timedelta(days=rng.randint(0, 60)),
                    "company_id": rng.randint(1, 5000),
                    "occupation": rng.choice(LETTERS),
                    "work_prefecture": code,
                    "employment_type": "part_time"
                    if part
                    else rng.choice(["full_time", "contract"]),
                    "hours_per_week": rng.choice([16, 20, 24, 30]) if part else 40,
                    "hourly_wage_yen": rng.choice([1100, 1200, 1400]) if part else None,
                    "monthly_wage_yen": None if part else rng.choice([200_000, 250_000]),
                    "headcount": rng.choice([1, 1, 2, 3]),
                    "required_qualifications": (
                        [rng.choice(["普通自動車免許", "警備員検定", "介護職員初任者研修"])]
                        if rng.random() < 0.1
                        else []
                    ),
                    "open_until": now + timedelta(days=90),
                    "is_open": True,
                }
            )
        session.execute(insert(Opening), rows)
        people, events = [], []
        for n in range(1, registrants + 1):
            home = rng.choices(CODES, WEIGHTS)[0]
            draw = rng.random()
            areas = [home] if draw < 0.7 else [BLOCK[home]] if draw < 0.95 else ["全国"]
            part = rng.random() < 0.6
            people.append(
                {
                    "id": n, "office_code": home, "state": "counselled", "version": 1,
                    "last_seq": 3, "route": "self", "registered_on": now, "leaving_on": now,
                    "leaving_reason": "teinen", "age_at_leaving": 60,
                    "occupations": rng.sample(LETTERS, 2),
                    "qualifications": ["普通自動車免許"] if rng.random() < 0.5 else [],
                    "areas": areas, "employment_type": "part_time" if part else "either",
                    "desired_hourly_wage_yen": 1100 if part else None,
                    "desired_monthly_wage_yen": None if part else 220_000,
                    "hours_per_week": 20 if part else None, "last_activity_on": now,
                }
            )  # fmt: skip
            events.append(
                {
                    "registrant_id": n,
                    "seq": 3,
                    "event": "record_consent",
                    "from_state": "counselled",
                    "to_state": "counselled",
                    "actor": "bench",
                    "occurred_on": now,
                }
            )
        session.execute(insert(Registrant), people)
        session.execute(insert(RegistrantEvent), events)
        session.commit()
    engine.dispose()


def run_once(path: Path, per_registrant: int) -> dict:
    engine = make_engine(f"sqlite:///{path}")
    started = time.perf_counter()
    with Session(engine) as session:
        result = suggest(session, as_of=AS_OF, per_registrant=per_registrant)
        session.commit()
    seconds = time.perf_counter() - started
    engine.dispose()
    return {"seconds": round(seconds, 2), **{k: v for k, v in result.items() if k != "rows"}}


def pairs_scored(path: Path) -> int:
    """Registrant x opening pairs in the prefectures each registrant wants."""
    from collections import Counter

    from sqlalchemy import select

    engine = make_engine(f"sqlite:///{path}")
    with Session(engine) as session:
        per_prefecture = Counter(session.scalars(select(Opening.work_prefecture)))
        total = sum(
            sum(per_prefecture[c] for c in area_prefectures(areas, office))
            for areas, office in session.execute(select(Registrant.areas, Registrant.office_code))
        )
    engine.dispose()
    return total


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--registrants", type=int, default=20_000)
    parser.add_argument("--openings", type=int, default=60_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--per-registrant", type=int, default=5)
    parser.add_argument("--out", type=Path, default=ROOT / "bench/results/bank_matching.json")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        base = Path(folder) / "base.db"
        started = time.perf_counter()
        build(base, args.registrants, args.openings)
        built = time.perf_counter() - started
        pairs = pairs_scored(base)
        runs = []
        for n in range(args.runs):
            copy = Path(folder) / f"run-{n}.db"
            shutil.copy(base, copy)
            runs.append(run_once(copy, args.per_registrant))
            print(f"run {n + 1}: {runs[-1]}", flush=True)
    figures = {
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version()},
        "registrants": args.registrants,
        "openings": args.openings,
        "pairs_in_wanted_prefectures": pairs,
        "build_seconds": round(built, 1),
        "runs_seconds": [r["seconds"] for r in runs],
        "median_seconds": statistics.median(r["seconds"] for r in runs),
        "suggested": runs[0]["suggested"],
        "registrants_with_suggestions": runs[0]["registrants_with_new"],
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
    }
    print(json.dumps(figures, indent=2, ensure_ascii=False))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(figures, indent=2, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
