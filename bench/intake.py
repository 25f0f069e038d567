"""Intake at national scale: a year of offers (about 140,000 receiving and 20,000 sending rows)
in several files, UTF-8 and Shift_JIS, validated and stored.

Prints and writes JSON: rows per second on SQLite (and PostgreSQL when
SHUKKO_TEST_DATABASE_URL is set), each the median and best of --runs imports into a fresh
database (the machine is shared: single runs vary by a fifth), with the validating worker
process (the default on two or more cores) and, once, all in one process; and the peak
resident memory of the importing process and of its worker for a file of 20,000 and one of
200,000 rows, each in a fresh process, to show that memory does not grow with the file
(rows are streamed in chunks, at most a few chunks in flight, caches bounded).

Usage: .venv/bin/python bench/intake.py [--scale 1.0] [--runs 3] [--out bench/results/intake.json]
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import platform
import random
import resource
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from stdnum.jp import cn  # noqa: E402

from models.db import make_engine  # noqa: E402
from models.reference import PREFECTURES  # noqa: E402
from models.schema import (  # noqa: E402
    create_scratch_database,
    drop_scratch_database,
    upgrade,
)
from shukko.intake.columns import COMMON, RECEIVING_ONLY, SENDING_ONLY  # noqa: E402
from shukko.intake.run import import_paths  # noqa: E402

JAPANESE = {**COMMON, **SENDING_ONLY, **RECEIVING_ONLY}
SENDER_INDUSTRIES = ["31"] * 5 + ["44", "43", "42"] * 3 + ["80", "75", "09", "24", "29"]
RECEIVER_INDUSTRIES = ["09", "31", "24", "29"] * 3 + ["92", "88", "91", "58", "60", "76", "44"]
OCCUPATIONS = list("ABCDEFGHIJK")
WEIGHTS = [5 if p.code in ("13", "27", "23", "14", "11", "40") else 1 for p in PREFECTURES]


def corporate_number(n: int) -> str:
    body = f"{n:012d}"
    return cn.calc_check_digit(body) + body


def offer_rows(kind: str, count: int, seed: int, bad_share: float = 0.01):
    rng = random.Random(seed)
    start = date(2024, 4, 1)
    industries = SENDER_INDUSTRIES if kind == "sending" else RECEIVER_INDUSTRIES
    for n in range(count):
        prefecture = rng.choices(PREFECTURES, WEIGHTS)[0]
        company = rng.randrange(count // 4 + 1)
        received = start + timedelta(days=rng.randrange(365))
        row = {
            "offer_id": f"{kind[0].upper()}{seed}-{n:06d}",
            "office": prefecture.short_name,
            "received_on": received.strftime("%Y/%-m/%-d"),
            "company_name": f"{'送出' if kind == 'sending' else '受入'}{company}株式会社",
            "corporate_number": corporate_number(seed * 1_000_000 + company),
            "industry": rng.choice(industries),
            "prefecture": prefecture.name,
            "capital_yen": f"{rng.randrange(10, 5000) * 1_000_000:,}",
            "employees": str(rng.randrange(5, 3000)),
            "has_union": rng.choice(["有", "無"]),
            "kind": rng.choice(["出向", "出向", "移籍", "いずれも"]),
            "headcount": str(rng.randrange(1, 6)),
            "occupation": rng.choice(OCCUPATIONS),
            "skills": "、".join(
                rng.sample(["溶接", "旋盤", "フォークリフト", "CAD", "接客", "介護"], 2)
            ),
            "period_months_max": str(rng.choice([6, 12, 24])),
            "monthly_wage_yen": str(rng.randrange(200, 450) * 1000),
            "referred_by": rng.choice(["", "", "中央銀行", "商工会議所", "連合"]),
        }
        if kind == "sending":
            row["acceptable_area"] = rng.choice(["", "全国", prefecture.block])
            row["reason"] = rng.choice(["雇用調整", "人材育成"])
        else:
            row["work_prefecture"] = prefecture.name
        if rng.random() < bad_share:
            row["headcount"] = "0"
        yield row


def write_file(path: Path, kind: str, count: int, seed: int, encoding: str) -> Path:
    rows = offer_rows(kind, count, seed)
    first = next(rows)
    header = list(first)
    with path.open("w", encoding=encoding, newline="") as handle:
        writer = csv.writer(handle, lineterminator="\r\n")
        writer.writerow([JAPANESE[h] for h in header])
        writer.writerow([first[h] for h in header])
        for row in rows:
            writer.writerow([row[h] for h in header])
    return path


def national_year(folder: Path, scale: float) -> tuple[list[Path], int]:
    """Receiving offers in 7 files and sending offers in 2, alternating UTF-8 and CP932."""
    files, total = [], 0
    plan = [("receiving", 20_000)] * 7 + [("sending", 10_000)] * 2
    for seed, (kind, count) in enumerate(plan, start=1):
        count = max(10, int(count * scale))
        encoding = "cp932" if seed % 2 else "utf-8-sig"
        files.append(write_file(folder / f"{kind}-{seed}.csv", kind, count, seed, encoding))
        total += count
    return files, total


def timed_import(url: str, files: list[Path], *, parallel: bool | None = None) -> dict:
    engine = make_engine(url)
    upgrade(engine)
    started = time.perf_counter()
    reports = import_paths(engine=engine, paths=files, parallel=parallel)
    seconds = time.perf_counter() - started
    engine.dispose()
    rows = sum(r.rows_read for r in reports)
    assert all(r.status == "imported" for r in reports), [r.reason for r in reports]
    return {
        "rows": rows,
        "seconds": round(seconds, 2),
        "rows_per_s": round(rows / seconds),
        "imported": sum(r.imported for r in reports),
        "updated": sum(r.updated for r in reports),
        "rejected": sum(r.rejected for r in reports),
    }


def repeated_imports(make_url, files: list[Path], runs: int) -> dict:
    """Import the files `runs` times into fresh databases; the median run, and the best."""
    results = [timed_import(make_url(run), files) for run in range(runs)]
    by_rate = sorted(results, key=lambda r: r["rows_per_s"])
    return {
        **by_rate[len(by_rate) // 2],  # the median run (the upper one of an even number)
        "runs": runs,
        "rows_per_s_each": [r["rows_per_s"] for r in results],
        "rows_per_s_best": by_rate[-1]["rows_per_s"],
    }


def peak_memory(folder: Path, rows: int) -> dict:
    """Peak resident memory (MiB) while importing one receiving file of `rows` rows, each
    measured in a fresh process: the importing process with everything in it, and the
    importing process and its worker when a worker validates."""
    path = write_file(folder / f"mem-{rows}.csv", "receiving", rows, 90 + rows % 7, "utf-8")
    figures = {}
    for mode in ("one_process", "with_worker"):
        probe = subprocess.run(
            [sys.executable, __file__, "--memory-probe", str(path), mode],
            check=True,
            capture_output=True,
            text=True,
        )
        figures.update(json.loads(probe.stdout))
    return figures


def memory_probe(path: Path, mode: str) -> None:
    """Import one file into a fresh database and print this process's peak RSS (and the
    worker's) as JSON: run by peak_memory in a fresh process."""
    engine = make_engine(f"sqlite:///{path.with_suffix(f'.{mode}.db')}")
    upgrade(engine)
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    import_paths(engine=engine, paths=[path], parallel=mode == "with_worker")
    after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    figures = {f"{mode}_rss_mib": after // 1024, f"{mode}_growth_mib": (after - before) // 1024}
    if mode == "with_worker":
        figures["worker_rss_mib"] = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss // 1024
    print(json.dumps(figures))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--scale", type=float, default=1.0, help="1.0 = 160,000 rows")
    parser.add_argument("--runs", type=int, default=3, help="imports per database")
    parser.add_argument("--out", type=Path, default=ROOT / "bench/results/intake.json")
    parser.add_argument("--memory-probe", nargs=2, metavar=("FILE", "MODE"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.memory_probe:
        memory_probe(Path(args.memory_probe[0]), args.memory_probe[1])
        return
    results: dict = {
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version()},
    }
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        files, total = national_year(folder, args.scale)
        results["files"] = len(files)
        results["rows_generated"] = total
        small, large = int(20_000 * args.scale) or 500, int(200_000 * args.scale) or 5_000
        results["peak_memory"] = {
            str(small): peak_memory(folder, small),
            str(large): peak_memory(folder, large),
        }
        results["sqlite"] = repeated_imports(
            lambda run: f"sqlite:///{folder}/bench-{run}.db", files, args.runs
        )
        results["sqlite_one_process"] = timed_import(
            f"sqlite:///{folder}/bench-alone.db", files, parallel=False
        )
        server = os.environ.get("SHUKKO_TEST_DATABASE_URL")
        if server:
            urls = []

            def scratch(run: int) -> str:
                urls.append(create_scratch_database(server, f"shukko_bench_{run}"))
                return urls[-1]

            try:
                results["postgresql"] = repeated_imports(scratch, files, args.runs)
            finally:
                for url in urls:
                    drop_scratch_database(server, url)
    for backend in ("sqlite", "sqlite_one_process", "postgresql"):
        if backend in results:
            r = results[backend]
            each = ", ".join(f"{x:,}" for x in r.get("rows_per_s_each", []))
            each = f" (runs: {each})" if each else ""
            print(
                f"{backend:19} {r['rows']:>8,} rows in {r['seconds']:>6} s = "
                f"{r['rows_per_s']:>7,} rows/s{each}; {r['imported']:,} imported, "
                f"{r['updated']:,} updated, {r['rejected']:,} rejected"
            )
    print("peak memory by file size (rows):", results["peak_memory"])
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=2), encoding="utf-8")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
