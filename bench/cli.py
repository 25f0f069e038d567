"""Whole-process wall time of the operator's commands, each run several times in fresh
processes against the database of a demo year, beside `python -c pass` and `shukko --help`.

Usage: .venv/bin/python bench/cli.py [--home DIR] [--runs 7] [--out bench/results/cli.json]
The first run makes the demo year in DIR (about 2.5 minutes); later runs reuse it.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def demo_home(home: Path) -> dict:
    env = {**os.environ, "SHUKKO_HOME": str(home), "DO_NOT_TRACK": "1"}
    env.pop("SHUKKO_DATABASE_URL", None)
    if not (home / "shukko.db").exists():
        print(f"making a demo year in {home} ...", flush=True)
        subprocess.run([BIN / "shukko", "demo", "--fresh", "--json"], env=env, check=True,
                       stdout=subprocess.DEVNULL)  # fmt: skip
    return env


def active_cases(env: dict) -> list[int]:
    listed = subprocess.run(
        [BIN / "shukko", "case", "list", "--state", "active", "--json"],
        env=env, check=True, capture_output=True, text=True,
    )  # fmt: skip
    return [row["id"] for row in json.loads(listed.stdout)]


def timed(command: list, env: dict) -> float:
    began = time.perf_counter()
    subprocess.run(command, env=env, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - began


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--home", type=Path, default=ROOT / "var" / "bench-cli")
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--out", type=Path, default=ROOT / "bench/results/cli.json")
    args = parser.parse_args()
    env = demo_home(args.home.resolve())
    active = active_cases(env)
    shukko = str(BIN / "shukko")
    commands = {
        "python -c pass": lambda i: [sys.executable, "-c", "pass"],
        "shukko --help": lambda i: [shukko, "--help"],
        # What every database command imports before it does anything: the floor.
        "imports alone (typer, rich, sqlmodel, models, states, settings)": lambda i: [
            sys.executable,
            "-c",
            "import typer, rich.console, sqlmodel, models, states, config; config.get_settings()",
        ],
        "shukko case show ID": lambda i: [shukko, "case", "show", str(active[i])],
        "shukko case list --state active --office 13": lambda i: [
            shukko,
            "case",
            "list",
            "--state",
            "active",
            "--office",
            "13",
        ],
        "shukko case event ID record_follow_up": lambda i: [
            shukko,
            "case",
            "event",
            str(active[-1 - i]),
            "record_follow_up",
            "--note",
            "bench",
        ],
    }
    results: dict = {
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "platform": platform.platform(),
        },
        "runs": args.runs,
        "active_cases": len(active),
        "commands": {},
    }
    for name, make in commands.items():
        timed(make(0), env)  # warm the page cache: every figure is of a warm start
        runs = [round(timed(make(i + 1), env), 3) for i in range(args.runs)]
        results["commands"][name] = {"median_s": round(statistics.median(runs), 3), "runs": runs}
        print(f"{name:64} median {statistics.median(runs):.3f} s   runs {runs}", flush=True)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=2), encoding="utf-8")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
