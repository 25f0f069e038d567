"""Letters per second: a 助成金のご案内 rendered as Markdown, HTML and an A4 PDF.

The letter is the real one (`shukko.subsidies.notice_letters.render`) for a realistic secondment: a
雇用維持支援コース case of 12 to 24 months (so the month table has 13 to 25 rows) or a
スキルアップ支援コース case of 3 to 12 months, drawn with a fixed seed, as the demo years write
them (FY2021: 11,935 letters). Figures, per letter, medians over the rounds with every round's
value:
  markdown, html   the text renderers (documents.py)
  pdf_serial       ReportLab in this process (letter_pdf.to_pdf)
  pdf_night        a night's letters through render_many (worker processes on every core)

Usage: .venv/bin/python bench/letters.py [--letters 200] [--runs 5]
                                        [--out bench/results/letters.json]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import statistics
import sys
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from shukko import documents as doc  # noqa: E402
from shukko import notice_letters  # noqa: E402
from shukko.clock import add_months  # noqa: E402
from shukko.documents.pdf import render_many, to_pdf  # noqa: E402
from shukko.subsidies.notices import CompanyFacts, Draft, NoticeCase, estimate_for  # noqa: E402
from shukko.subsidies.programmes import filing_dates, programme_on  # noqa: E402


def drafts(count: int, seed: int = 7) -> list[tuple[Draft, date]]:
    """Letters as the night writes them: both companies' first notices, mostly 雇用維持."""
    rng = random.Random(seed)
    out = []
    for n in range(count // 2):
        skill = rng.random() < 1 / 6
        start = date(2023, 4, 1) + timedelta(days=rng.randrange(0, 180))
        months = rng.choice([3, 6, 12]) if skill else rng.choice([12, 18, 24])
        purpose = "skill_development" if skill else "employment_retention"
        case = NoticeCase(
            case_id=n + 1,
            headcount=rng.choice([1, 1, 2, 3]),
            start=start,
            end=add_months(start, months) - timedelta(days=1),
            monthly_wage_yen=rng.choice([250_000, 300_000, 390_000]),
            sending_share_pct=rng.choice([0, 40, 50, 100]) if not skill else 100,
            dismissals=False,
            sending=CompanyFacts(2 * n + 1, f"送出{n}株式会社", "09", rng.random() < 0.6),
            receiving=CompanyFacts(2 * n + 2, f"受入{n}株式会社", "44", rng.random() < 0.6),
            purpose=purpose,
            pre_secondment_monthly_wage_yen=300_000 if skill else None,
            skills_promoter=True if skill else None,
        )
        as_of = start - timedelta(days=rng.randrange(20, 60))
        programme = programme_on(start, purpose, as_of=as_of)
        figures = estimate_for(case, programme) if programme else None
        deadline = filing_dates(programme, start).recommended if programme else None
        for side in ("sending", "receiving"):
            draft = Draft("k", case, side, "notice", programme, deadline, figures)
            out.append((draft, as_of))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--letters", type=int, default=200)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "letters.json")
    args = parser.parse_args()
    if args.letters < 2 or args.runs < 1:
        parser.error("--letters must be at least 2 and --runs at least 1")
    letters = drafts(args.letters)
    blocks = [notice_letters.render(d, as_of, "産雇13-2023-00001") for d, as_of in letters]
    rows = sum(len(b.rows) for bl in blocks for b in bl if b.kind == "table") / len(blocks)
    render_many(blocks[:8])  # start the workers and load the font once, untimed
    to_pdf(blocks[0])
    names = ("markdown", "html", "pdf_serial", "pdf_night")
    timings: dict[str, list[float]] = {name: [] for name in names}
    sizes = [len(to_pdf(b)) for b in blocks[:20]]
    for _ in range(args.runs):
        for name, work in (
            ("markdown", lambda: [doc.to_markdown(b) for b in blocks]),
            ("html", lambda: [doc.to_html(b, "letter", letter=True) for b in blocks]),
            ("pdf_serial", lambda: [to_pdf(b) for b in blocks]),
            ("pdf_night", lambda: render_many(blocks)),
        ):
            started = time.perf_counter()
            work()
            timings[name].append((time.perf_counter() - started) / len(blocks) * 1000)
    result = {
        "machine": {"cores": os.cpu_count(), "python": platform.python_version()},
        "letters": len(blocks),
        "table_rows_per_letter": round(rows, 1),
        "pdf_bytes_median": int(statistics.median(sizes)),
        "ms_per_letter": {
            name: {"median": round(statistics.median(v), 2), "runs": [round(x, 2) for x in v]}
            for name, v in timings.items()
        },
    }
    for name, figures in result["ms_per_letter"].items():
        print(f"{name:10} {figures['median']:7.2f} ms per letter (runs: {figures['runs']})")
    size = result["pdf_bytes_median"]
    print(f"{len(blocks)} letters, {rows:.1f} table rows each, PDF {size:,} bytes")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(f"written to {args.out}")


if __name__ == "__main__":
    main()
