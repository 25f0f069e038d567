"""Matching at national scale: seeded offers, candidates, scores, assignment, proposals.

Three sizes: 2,000 x 14,000 and 20,000 x 140,000 offers (sending x receiving), and the
national size `crowded` (every offer open, four persons a sender: see generate_offers;
measured by default too). Both methods,
end to end as the nightly flow runs them (load, propose, store, then a re-run that must add
nothing), each run in its own process on a copy of the same database: `pruned` (the
candidate graph only) and `exact` (the optimum over every feasible pair, by pricing:
shukko.matching.pricing). Prints and writes JSON: persons and total score, the true count
of feasible pairs, offers left waiting and why, pricing rounds and pairs added, seconds per
phase and peak memory; timings are medians of `--runs` runs, with every run's value.
On the small size also the full graph of every feasible pair solved directly (the exact
method must reach its total, in the solver's integer units), runs limited to three offices
against the full graph of the pairs each may propose, and a naive baseline (pure-Python
pairwise scoring, greedy assignment).

Usage: .venv/bin/python bench/matching.py [--sizes small,national,crowded] [--runs 3] [--out ...]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402
from sqlalchemy import insert, select  # noqa: E402
from sqlmodel import Session  # noqa: E402

from models import Company, ReceivingOffer, SendingOffer  # noqa: E402
from models.db import make_engine  # noqa: E402
from models.reference import PREFECTURES, block_of, industry_division  # noqa: E402
from models.schema import upgrade  # noqa: E402
from shukko.matching.allowed import allowed_pairs  # noqa: E402
from shukko.matching.assign import assign, integer_scores  # noqa: E402
from shukko.matching.candidates import (  # noqa: E402
    COMPONENTS,
    OfferRecord,
    PairSpace,
    generate,
)
from shukko.matching.propose import propose  # noqa: E402
from shukko.matching.rules import load_rules  # noqa: E402
from shukko.matching.run import (  # noqa: E402
    load_open_offers,
    paired_before,
    run_matching,
    write_proposals,
)

AS_OF = date(2024, 6, 1)
# Employment-weighted prefectures (large metropolitan areas weigh more).
BIG = {"13": 8, "27": 5, "14": 5, "23": 5, "11": 4, "12": 3, "28": 3, "40": 3, "01": 3}
WEIGHTS = [BIG.get(p.code, 1) for p in PREFECTURES]
# The brochure: senders mostly manufacturing and transport; receivers manufacturing,
# services and retail.
SENDER_INDUSTRIES = ["31"] * 5 + ["24", "29", "09"] * 2 + ["44", "43", "42"] * 3 + ["80", "75"]
RECEIVER_INDUSTRIES = ["09", "31", "24", "29"] * 3 + ["92", "88", "91", "85"] * 2 + ["58", "60"] * 2
SKILLS = [
    "溶接",
    "旋盤",
    "フォークリフト",
    "CAD",
    "接客",
    "介護",
    "運転",
    "経理",
    "営業",
    "品質管理",
]
OCCUPATION_WEIGHTS = {"H": 5, "I": 3, "K": 3, "C": 2, "D": 2, "E": 2, "B": 2, "J": 1}


# Companies per offer: a sending company brings about two offers, a receiving one three.
SENDERS_PER_COMPANY, RECEIVERS_PER_COMPANY = 2, 3
BOTH_SIDES = 0.1  # sending companies that also take people in (出向元で受入れもする企業)
WORK_ELSEWHERE = 0.15  # receiving offers whose workplace is outside the company's prefecture


def generate_companies(n_sending: int, n_receiving: int, rng: random.Random) -> list[dict]:
    """Companies with a prefecture (employment-weighted) and an industry of their side; a
    tenth of the sending companies also post receiving offers (the different-company rule
    then bites). Each has a size weight (Pareto): a few companies post many offers."""
    companies = []
    for side, n, industries in (
        ("s", max(1, n_sending // SENDERS_PER_COMPANY), SENDER_INDUSTRIES),
        ("r", max(1, n_receiving // RECEIVERS_PER_COMPANY), RECEIVER_INDUSTRIES),
    ):
        for _ in range(n):
            companies.append({
                "id": len(companies),
                "side": side,
                "pref": rng.choices(PREFECTURES, WEIGHTS)[0].code,
                "industry": rng.choice(industries),
                "size": rng.paretovariate(1.5),
            })  # fmt: skip
    senders = [c for c in companies if c["side"] == "s"]
    for company in rng.sample(senders, int(len(senders) * BOTH_SIDES)):
        company["side"] = "sr"
    return companies


def generate_offers(n_sending: int, n_receiving: int, seed: int, crowded: bool = False):
    """Offers as the Center's offices take them, nationwide (the distribution, checked by
    tests/matching/test_bench_baseline.py):

    - each offer belongs to a company, drawn by the company's size; a sending offer's
      prefecture and both sides' industry are its company's (as matching reads them);
      a receiving offer's workplace is its company's prefecture, or for 15% another
      prefecture drawn employment-weighted;
    - prefectures weighted by employment (東京 8, 大阪・神奈川・愛知 5, 埼玉 4, ...: BIG);
      senders mostly manufacturing and transport, receivers manufacturing, care, services
      and retail (the brochure);
    - occupations weighted (H 生産工程 5, I 輸送・機械運転 3, K 運搬・清掃 3, ...), 0-2 of
      ten skills, 5% requiring or holding a qualification, wages 200,000-440,000 yen;
    - received 0-199 days before the day, start 0-59 days after receipt for 60-180 days,
      periods 1-6 to 6-24 months; secondment 6 : transfer 1 : either 3; headcounts 1-5
      (mean 2.1); a sender accepts its block (7), nationwide 全国 (1) or its prefecture (2).

    `crowded`: every offer open on the day (received 30-149 days before, start window from
    0-29 days before for 180 days) and senders of 2-6 persons (mean 4): about 80,000 persons
    competing for the receivers at national size, the hardest night matching has to solve.
    """
    rng = random.Random(seed)
    occupations, occ_weights = list(OCCUPATION_WEIGHTS), list(OCCUPATION_WEIGHTS.values())
    companies = generate_companies(n_sending, n_receiving, rng)
    by_side = {side: [c for c in companies if side in c["side"]] for side in ("s", "r")}
    sizes = {side: [c["size"] for c in chosen] for side, chosen in by_side.items()}

    def one(side: str, n: int) -> dict:
        company = rng.choices(by_side[side], sizes[side])[0]
        pref = company["pref"]
        if side == "r" and rng.random() < WORK_ELSEWHERE:
            pref = rng.choices(PREFECTURES, WEIGHTS)[0].code
        received = AS_OF - timedelta(days=rng.randrange(0, 200))
        start = received + timedelta(days=rng.randrange(0, 60))
        if crowded:
            received = AS_OF - timedelta(days=rng.randrange(30, 150))
            start = AS_OF - timedelta(days=rng.randrange(0, 30))
        row = {
            "id": n,
            "company": company["id"],
            "pref": pref,
            "kind": rng.choices(["secondment", "transfer", "either"], [6, 1, 3])[0],
            "occupation": rng.choices(occupations, occ_weights)[0],
            "headcount": rng.choice([1, 1, 1, 2, 2, 3, 5]),
            "received": received,
            "start_from": start,
            "start_until": start + timedelta(days=180 if crowded else rng.choice([60, 120, 180])),
            "pmin": rng.choice([1, 3, 6]),
            "pmax": rng.choice([6, 12, 24]),
            "wage": rng.randrange(20, 45) * 10_000,
            "skills": rng.sample(SKILLS, rng.randrange(0, 3)),
            "quals": rng.sample(["フォークリフト", "玉掛け"], 1) if rng.random() < 0.05 else [],
        }
        if side == "s":
            row["area"] = rng.choices([[], ["全国"], [pref]], [7, 1, 2])[0]
            if crowded:
                row["headcount"] = rng.choice([2, 3, 4, 5, 6])
        return row

    sending = [one("s", n) for n in range(n_sending)]
    receiving = [one("r", n) for n in range(n_receiving)]
    return companies, sending, receiving


def store_offers(engine, companies: list[dict], sending: list[dict],
                 receiving: list[dict]) -> None:  # fmt: skip
    """Companies with their prefecture and industry, and the offers (taken by the office of
    the offer's prefecture)."""
    with Session(engine) as session:
        session.execute(insert(Company), [
            {"name": f"会社{c['id']}", "industry_code": c["industry"],
             "prefecture_code": c["pref"]}
            for c in companies
        ])  # fmt: skip
        ids = {name: row_id for row_id, name in session.execute(select(Company.id, Company.name))}
        common = lambda r, side: {  # noqa: E731
            "office_code": r["pref"],
            "offer_id": f"{side}{r['id']}",
            "received_on": r["received"],
            "company_id": ids[f"会社{r['company']}"],
            "kind": r["kind"],
            "headcount": r["headcount"],
            "occupation": r["occupation"],
            "skills": r["skills"],
            "period_months_min": r["pmin"],
            "period_months_max": r["pmax"],
            "start_from": r["start_from"],
            "start_until": r["start_until"],
            "monthly_wage_yen": r["wage"],
            "extra": {},
            "is_open": True,
        }
        session.execute(
            insert(SendingOffer),
            [
                {**common(r, "S"), "qualifications": r["quals"], "acceptable_area": r["area"]}
                for r in sending
            ],
        )
        session.execute(
            insert(ReceivingOffer),
            [
                {
                    **common(r, "R"),
                    "qualifications": [],
                    "required_qualifications": r["quals"],
                    "conditions": [],
                    "work_prefecture": r["pref"],
                }
                for r in receiving
            ],
        )
        session.commit()


def naive(sending: list[OfferRecord], receiving: list[OfferRecord], rules) -> float:
    """Pure Python: score every pair one by one, then take the best pairs greedily."""
    return greedy(naive_pairs(sending, receiving, rules), sending, receiving)


def naive_pairs(sending: list[OfferRecord], receiving: list[OfferRecord], rules) -> list:
    """(score, sending id, receiving id) of every feasible pair, scored one by one exactly as
    the scorer does (the same rules: weights, industry by JSIC division, distance, waiting, a
    missing wage)."""
    w, k = rules.weights, rules.scoring
    blocks = {p.code: block_of(p.code) for p in PREFECTURES}
    pairs = []
    for s in sending:
        area = s.area or (blocks[s.prefecture],)
        for r in receiving:
            if not ("全国" in area or r.prefecture in area or blocks[r.prefecture] in area):
                continue
            kinds = {s.kind, r.kind}
            if "secondment" in kinds and "transfer" in kinds:
                continue
            if not (s.period_min <= r.period_max and r.period_min <= s.period_max):
                continue
            if not (s.start_from <= r.start_until and r.start_from <= s.start_until):
                continue
            if s.company_id == r.company_id or not set(r.qualifications) <= set(s.qualifications):
                continue
            union = set(s.skills) | set(r.skills)
            skills = len(set(s.skills) & set(r.skills)) / len(union) if union else 0.0
            if s.wage is None or r.wage is None:
                wage = k.wage_missing
            else:
                wage = 1.0 - min(max((s.wage - r.wage) / s.wage, 0.0), 1.0)
            distance = (
                k.distance_same_prefecture
                if s.prefecture == r.prefecture
                else (
                    k.distance_same_block
                    if blocks[s.prefecture] == blocks[r.prefecture]
                    else k.distance_elsewhere
                )
            )
            same_division = industry_division(s.industry) == industry_division(r.industry)
            industry = k.industry_same_division if same_division else k.industry_other_division
            waited = (AS_OF - s.received_on).days + (AS_OF - r.received_on).days
            waiting = min(max(waited / (2 * k.waiting_full_days), 0.0), 1.0)
            score = (
                w.occupation * (s.occupation == r.occupation)
                + w.skills * skills
                + w.wage * wage
                + w.industry * industry
                + w.distance * distance
                + w.waiting * waiting
            )
            pairs.append((score, s.id, r.id))
    return pairs


def greedy(pairs: list, sending: list[OfferRecord], receiving: list[OfferRecord]) -> float:
    """The best pairs first, each taking what both sides have left."""
    pairs = sorted(pairs, reverse=True)
    left_s = {s.id: s.remaining for s in sending}
    left_r = {r.id: r.remaining for r in receiving}
    total = 0.0
    for score, i, j in pairs:
        n = min(left_s[i], left_r[j])
        if n > 0:
            left_s[i] -= n
            left_r[j] -= n
            total += n * score
    return total


def run_size(name: str, n_sending: int, n_receiving: int, folder: Path, extras: bool,
             runs: int, crowded: bool = False) -> dict:  # fmt: skip
    """Both methods end to end on copies of one database, each run in its own process (so
    that its peak memory is its own); on the small size also the full graph solved directly,
    runs limited to three offices against the full graph of the pairs each may propose, and
    the naive baseline."""
    base = folder / f"{name}.db"
    engine = make_engine(f"sqlite:///{base}")
    upgrade(engine)
    store_offers(engine, *generate_offers(n_sending, n_receiving, seed=7, crowded=crowded))
    engine.dispose()
    result: dict = {"sending": n_sending, "receiving": n_receiving}
    for method in ("pruned", "exact"):
        result[method] = medians([one_process(base, folder, method) for _ in range(runs)])
        print(name, method, summary(result[method]), flush=True)
    if extras:
        result.update(full_graph_and_naive(base, result))
        full = result["full_graph"]
        print(f"{name} full graph: {full['edges']:,} edges, {full['persons_proposed']} persons, "
              f"{full['total_score_thousandths']:,} thousandths; exact equals it: "
              f"{result['exact_equals_full_graph']}; pruning loss {result['pruning_loss_pct']}%; "
              f"naive {result['naive_total_score']} in {result['naive_s']} s",
              flush=True)  # fmt: skip
        result["offices"] = office_runs(base)
        for office, figures in result["offices"].items():
            print(f"{name} office {office}: {figures}", flush=True)
    return result


def office_runs(base: Path, offices=("13", "27", "23")) -> dict:
    """Exact matching limited to each office against every pair that office may propose,
    solved at once on the full graph: equal totals, and `optimal` said only then."""
    rules = load_rules()
    engine = make_engine(f"sqlite:///{base}")
    with Session(engine) as session:
        sending, receiving = load_open_offers(session=session, as_of=AS_OF)
    engine.dispose()
    wide = rules.model_copy(deep=True)
    wide.pruning.per_sending_offer = wide.pruning.per_receiving_offer = 10**9
    every = generate(sending, receiving, rules=wide, as_of=AS_OF)
    capacity_s = np.array([o.remaining for o in sending])
    capacity_r = np.array([o.remaining for o in receiving])
    figures = {}
    for office in offices:
        t = time.perf_counter()
        proposals, run = propose(sending, receiving, rules=rules, as_of=AS_OF, office=office)
        seconds = round(time.perf_counter() - t, 2)
        index_s = {o.id: k for k, o in enumerate(sending)}
        index_r = {o.id: k for k, o in enumerate(receiving)}
        pairs = PairSpace(sending, receiving, rules=rules, as_of=AS_OF).edges(
            np.array([index_s[p.sending_id] for p in proposals], dtype=np.int64),
            np.array([index_r[p.receiving_id] for p in proposals], dtype=np.int64),
        )
        persons = np.array([p.persons for p in proposals], dtype=np.int64)
        got = int((persons * integer_scores(pairs.total)).sum())
        keep = allowed_pairs(sending, receiving, office=office).mask(every.sending, every.receiving)
        full = assign(every.sending[keep], every.receiving[keep], every.total[keep],
                      capacity_s, capacity_r)  # fmt: skip
        want = int((full * integer_scores(every.total[keep])).sum())
        figures[office] = {
            "allowed_pairs": run["allowed_pairs"],
            "persons": run["persons"],
            "total_score_thousandths": got,
            "full_graph_thousandths": want,
            "equal": got == want,
            "says_optimal": run["optimal"],
            "seconds": seconds,
        }
    return figures


def summary(run: dict) -> str:
    """One method's figures in a line (the JSON has every run's)."""
    figures = run["figures"]
    rounds = (f", {figures['pricing_rounds']} solves, {figures['pairs_added']:,} pairs added"
              if figures["method"] == "exact" else "")  # fmt: skip
    return (
        f"{run['persons_proposed']} persons, total {run['total_score']} "
        f"({run['total_score_thousandths']:,} thousandths), "
        f"{figures['feasible_pairs']:,} feasible pairs{rounds}; end to end "
        f"{run['end_to_end_s']} s (runs {run['end_to_end_s_runs']}), load {run['load_s']} s, "
        f"store {run['store_s']} s, phases {figures['seconds']}, "
        f"peak {run['peak_rss_mib']} MiB; waiting {figures['unmatched']}"
    )


def one_process(base: Path, folder: Path, method: str) -> dict:
    copy = folder / f"{method}.db"
    shutil.copyfile(base, copy)
    done = subprocess.run(
        [sys.executable, __file__, "--child", method, "--db", str(copy)],
        capture_output=True, text=True,
    )  # fmt: skip
    if done.returncode:
        sys.exit(f"the {method} run failed:\n{done.stderr}")
    return json.loads(done.stdout.strip().splitlines()[-1])


TIMINGS = ("load_s", "propose_s", "store_s", "end_to_end_s", "rerun_s", "peak_rss_mib")


def medians(runs: list[dict]) -> dict:
    """The first run's figures, each timing as the median of all runs with every run's
    value beside it (in run order)."""
    result = dict(runs[0])
    for key in TIMINGS:
        values = [run[key] for run in runs]
        result[key] = round(float(np.median(values)), 2)
        result[f"{key}_runs"] = values
    result["phases_s_runs"] = [run["figures"]["seconds"] for run in runs]
    result["runs"] = len(runs)
    return result


def child(method: str, db: Path) -> dict:
    """One method end to end, as the nightly flow runs it: load the open offers, propose,
    store the proposals as cases; then a re-run, which must find nothing new."""
    rules = load_rules().model_copy(deep=True)
    rules.optimum.exact = method == "exact"
    engine = make_engine(f"sqlite:///{db}")
    result: dict = {}
    with Session(engine) as session:
        started = time.perf_counter()
        sending, receiving = load_open_offers(session=session, as_of=AS_OF)
        excluded = paired_before(session)
        result["load_s"] = round(time.perf_counter() - started, 2)
        t = time.perf_counter()
        proposals, figures = propose(sending, receiving, rules=rules, as_of=AS_OF,
                                     excluded=excluded)  # fmt: skip
        result["propose_s"] = round(time.perf_counter() - t, 2)
        t = time.perf_counter()
        write_proposals(session=session, proposals=proposals, as_of=AS_OF)
        session.commit()
        result["store_s"] = round(time.perf_counter() - t, 2)
        result["end_to_end_s"] = round(time.perf_counter() - started, 2)
        result["peak_rss_mib"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
        t = time.perf_counter()
        again, _figures = run_matching(session=session, rules=rules, as_of=AS_OF)
        result["rerun_s"] = round(time.perf_counter() - t, 2)
        result["rerun_new_cases"] = len(again)
    engine.dispose()
    result["persons_proposed"] = figures["persons"]
    result["total_score"] = figures["total_score"]
    # In the solver's integer units, scored again exactly as the solver scored the pairs.
    index_s = {o.id: k for k, o in enumerate(sending)}
    index_r = {o.id: k for k, o in enumerate(receiving)}
    space = PairSpace(sending, receiving, rules=rules, as_of=AS_OF)
    pairs = space.edges(
        np.array([index_s[p.sending_id] for p in proposals], dtype=np.int64),
        np.array([index_r[p.receiving_id] for p in proposals], dtype=np.int64),
    )
    persons = np.array([p.persons for p in proposals], dtype=np.int64)
    result["total_score_thousandths"] = int((persons * integer_scores(pairs.total)).sum())
    result["figures"] = figures
    return result


def full_graph_and_naive(base: Path, result: dict) -> dict:
    """Every feasible pair as one graph, solved directly (the proof that the exact method
    reaches the optimum), and the naive baseline: pure-Python scoring, greedy assignment."""
    rules = load_rules()
    engine = make_engine(f"sqlite:///{base}")
    with Session(engine) as session:
        sending, receiving = load_open_offers(session=session, as_of=AS_OF)
    engine.dispose()
    extra: dict = {}
    wide = rules.model_copy(deep=True)
    wide.pruning.per_sending_offer = wide.pruning.per_receiving_offer = 10**9
    t = time.perf_counter()
    all_edges = generate(sending, receiving, rules=wide, as_of=AS_OF)
    full = assign(
        all_edges.sending, all_edges.receiving, all_edges.total,
        np.array([o.remaining for o in sending]), np.array([o.remaining for o in receiving]),
    )  # fmt: skip
    full_total = float((full * all_edges.total).sum())
    extra["full_graph"] = {
        "edges": len(all_edges.sending),
        "persons_proposed": int(full.sum()),
        "total_score": round(full_total, 2),
        "total_score_thousandths": int((full * integer_scores(all_edges.total)).sum()),
        "seconds": round(time.perf_counter() - t, 2),
    }
    extra["exact_equals_full_graph"] = (
        result["exact"]["total_score_thousandths"] == extra["full_graph"]["total_score_thousandths"]
    )
    extra["pruning_loss_pct"] = round(100 * (1 - result["pruned"]["total_score"] / full_total), 3)
    t = time.perf_counter()
    greedy_total = naive(sending, receiving, rules)
    extra["naive_s"] = round(time.perf_counter() - t, 2)
    extra["naive_total_score"] = round(greedy_total, 2)
    extra["greedy_shortfall_pct"] = round(100 * (1 - greedy_total / full_total), 3)
    return extra


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="small,national,crowded")
    parser.add_argument("--runs", type=int, default=3, help="end-to-end runs per method")
    parser.add_argument("--out", type=Path, default=ROOT / "bench/results/matching.json")
    parser.add_argument("--child", choices=("pruned", "exact"), help=argparse.SUPPRESS)
    parser.add_argument("--db", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.runs < 1:
        parser.error("--runs must be at least 1")
    unknown = set(args.sizes.split(",")) - {"small", "national", "crowded"}
    if unknown:
        parser.error(f"--sizes: unknown {', '.join(sorted(unknown))} (small, national, crowded)")
    if args.child:
        print(json.dumps(child(args.child, args.db), ensure_ascii=False))
        return
    sizes = {
        "small": (2_000, 14_000, True, False),
        "national": (20_000, 140_000, False, False),
        "crowded": (20_000, 140_000, False, True),  # every offer open, 4 persons a sender
    }
    results: dict = {
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version()},
        "components": list(COMPONENTS),
    }
    with tempfile.TemporaryDirectory() as tmp:
        for name in args.sizes.split(","):
            n_s, n_r, extras, crowded = sizes[name]
            results[name] = run_size(name, n_s, n_r, Path(tmp), extras, args.runs, crowded)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=2, ensure_ascii=False), encoding="utf-8")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
