"""Matching at national scale: seeded offers, candidates, scores, assignment, proposals.

Two sizes: 2,000 x 14,000 and 20,000 x 140,000 offers (sending x receiving). Prints and
writes JSON: feasible pairs, candidate edges kept, seconds to load, score (candidates),
solve and store, peak memory, total score. On the small size also: (a) a naive baseline
(pure-Python pairwise scoring and greedy assignment) for the speed and quality ratios, and
(b) the exact optimum over all feasible pairs (no pruning), to show what pruning loses.
At both sizes the optimum over every feasible pair reached by pricing from the pruned graph
(shukko.matching.pricing): its rounds, pairs added, seconds per phase, and on the small size
whether it equals the full graph's optimum (in the solver's integer units).

Usage: .venv/bin/python bench/matching.py [--sizes small,national] [--out ...]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import resource
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402
from sqlalchemy import insert  # noqa: E402
from sqlmodel import Session  # noqa: E402

from models import Company, ReceivingOffer, SendingOffer  # noqa: E402
from models.db import make_engine  # noqa: E402
from models.reference import PREFECTURES, block_of, industry_division  # noqa: E402
from models.schema import upgrade  # noqa: E402
from shukko.matching.assign import assign, integer_scores  # noqa: E402
from shukko.matching.candidates import (  # noqa: E402
    COMPONENTS,
    OfferRecord,
    generate,
)
from shukko.matching.propose import proposals_from  # noqa: E402
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


def generate_offers(n_sending: int, n_receiving: int, seed: int):
    rng = random.Random(seed)
    occupations, occ_weights = list(OCCUPATION_WEIGHTS), list(OCCUPATION_WEIGHTS.values())

    def one(side: str, n: int) -> dict:
        pref = rng.choices(PREFECTURES, WEIGHTS)[0]
        received = AS_OF - timedelta(days=rng.randrange(0, 200))
        start = received + timedelta(days=rng.randrange(0, 60))
        row = {
            "id": n,
            "company": rng.randrange(n_sending // 2 if side == "s" else n_receiving // 3),
            "pref": pref.code,
            "industry": rng.choice(SENDER_INDUSTRIES if side == "s" else RECEIVER_INDUSTRIES),
            "kind": rng.choices(["secondment", "transfer", "either"], [6, 1, 3])[0],
            "occupation": rng.choices(occupations, occ_weights)[0],
            "headcount": rng.choice([1, 1, 1, 2, 2, 3, 5]),
            "received": received,
            "start_from": start,
            "start_until": start + timedelta(days=rng.choice([60, 120, 180])),
            "pmin": rng.choice([1, 3, 6]),
            "pmax": rng.choice([6, 12, 24]),
            "wage": rng.randrange(20, 45) * 10_000,
            "skills": rng.sample(SKILLS, rng.randrange(0, 3)),
            "quals": rng.sample(["フォークリフト", "玉掛け"], 1) if rng.random() < 0.05 else [],
        }
        if side == "s":
            row["area"] = rng.choices([[], ["全国"], [pref.code]], [7, 1, 2])[0]
        return row

    return ([one("s", n) for n in range(n_sending)], [one("r", n) for n in range(n_receiving)])


def store_offers(engine, sending: list[dict], receiving: list[dict]) -> None:
    with Session(engine) as session:
        companies = []
        for side, rows in (("s", sending), ("r", receiving)):
            for company in sorted({r["company"] for r in rows}):
                companies.append(
                    {"name": f"{side}{company}", "industry_code": "31", "prefecture_code": "13"}
                )
        session.execute(insert(Company), companies)
        ids = {name: i for i, name in enumerate((c["name"] for c in companies), start=1)}
        common = lambda r, side: {  # noqa: E731
            "office_code": r["pref"],
            "offer_id": f"{side}{r['id']}",
            "received_on": r["received"],
            "company_id": ids[f"{side.lower()}{r['company']}"],
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


def run_size(name: str, n_sending: int, n_receiving: int, folder: Path, extras: bool) -> dict:
    rules = load_rules()
    sending_rows, receiving_rows = generate_offers(n_sending, n_receiving, seed=7)
    engine = make_engine(f"sqlite:///{folder}/{name}.db")
    upgrade(engine)
    store_offers(engine, sending_rows, receiving_rows)
    result: dict = {"sending": n_sending, "receiving": n_receiving}
    started = time.perf_counter()
    with Session(engine) as session:
        t = time.perf_counter()
        sending, receiving = load_open_offers(session=session, as_of=AS_OF)
        excluded = paired_before(session)
        result["load_s"] = round(time.perf_counter() - t, 2)
        t = time.perf_counter()
        edges = generate(sending, receiving, rules=rules, as_of=AS_OF)
        result["score_s"] = round(time.perf_counter() - t, 2)
        t = time.perf_counter()
        persons = assign(
            edges.sending,
            edges.receiving,
            edges.total,
            np.array([o.remaining for o in sending]),
            np.array([o.remaining for o in receiving]),
        )
        result["solve_s"] = round(time.perf_counter() - t, 2)
        t = time.perf_counter()
        proposals = proposals_from(
            edges, np.arange(len(edges.sending)), persons, sending, receiving, rules
        )
        write_proposals(session=session, proposals=proposals, as_of=AS_OF)
        session.commit()
        result["store_s"] = round(time.perf_counter() - t, 2)
        result["end_to_end_s"] = round(time.perf_counter() - started, 2)
        t = time.perf_counter()
        again, _figures = run_matching(session=session, rules=rules, as_of=AS_OF)
        result["rerun_s"] = round(time.perf_counter() - t, 2)
        result["rerun_new_cases"] = len(again)
    result["feasible_pairs"] = edges.feasible_pairs
    result["candidate_edges"] = len(edges.sending)
    result["persons_proposed"] = int(persons.sum())
    result["total_score"] = round(float((persons * edges.total).sum()), 2)
    result["cases_created"] = len(proposals)
    result["excluded_pairs_before"] = len(excluded)
    if extras:
        wide = rules.model_copy(deep=True)
        wide.pruning.per_sending_offer = wide.pruning.per_receiving_offer = 10**9
        t = time.perf_counter()
        all_edges = generate(sending, receiving, rules=wide, as_of=AS_OF)
        exact = assign(
            all_edges.sending,
            all_edges.receiving,
            all_edges.total,
            np.array([o.remaining for o in sending]),
            np.array([o.remaining for o in receiving]),
        )
        exact_total = float((exact * all_edges.total).sum())
        result["exact_total_score"] = round(exact_total, 2)
        result["full_total_thousandths"] = int((exact * integer_scores(all_edges.total)).sum())
        result["full_persons"] = int(exact.sum())
        result["exact_s"] = round(time.perf_counter() - t, 2)
        result["pruning_loss_pct"] = round(100 * (1 - result["total_score"] / exact_total), 3)
        t = time.perf_counter()
        greedy_total = naive(sending, receiving, rules)
        result["naive_s"] = round(time.perf_counter() - t, 2)
        result["naive_total_score"] = round(greedy_total, 2)
        result["greedy_shortfall_pct"] = round(100 * (1 - greedy_total / exact_total), 3)
        vectorised = result["score_s"] + result["solve_s"]
        result["speedup_vs_naive"] = round(result["naive_s"] / max(vectorised, 1e-9), 1)
    result["peak_rss_mib_pruned"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    result["exact"] = exact_optimum(sending, receiving, rules)
    if extras:
        result["exact"]["equals_full_graph"] = (
            result["exact"]["total_score_thousandths"] == result["full_total_thousandths"]
        )
    result["peak_rss_mib"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    engine.dispose()
    return result


def exact_optimum(sending: list[OfferRecord], receiving: list[OfferRecord], rules) -> dict:
    """The optimum over every feasible pair by pricing from the pruned graph, phase by
    phase (the same offers, before any proposal was stored)."""
    from shukko.matching.candidates import PairSpace
    from shukko.matching.pricing import optimise

    started = time.perf_counter()
    space = PairSpace(sending, receiving, rules=rules, as_of=AS_OF)
    edges = generate(sending, receiving, rules=rules, as_of=AS_OF, space=space)
    generate_s = time.perf_counter() - started
    optimum = optimise(
        space, edges,
        np.array([o.remaining for o in sending]), np.array([o.remaining for o in receiving]),
        lambda si, rj: np.ones(len(si), dtype=bool),
    )  # fmt: skip
    persons = optimum.persons
    return {
        "pruned_persons": optimum.pruned_persons,
        "pruned_total_score": round(optimum.pruned_total, 2),
        "persons_proposed": int(persons.sum()),
        "total_score": round(float((persons * optimum.edges.total).sum()), 2),
        "total_score_thousandths": int((persons * integer_scores(optimum.edges.total)).sum()),
        "feasible_pairs": optimum.feasible_pairs,
        "pricing_rounds": optimum.rounds,
        "pairs_added": optimum.pairs_added,
        "senders_rescanned": optimum.senders_rescanned,
        "final_edges": len(optimum.edges.sending),
        "seconds": {"generate": round(generate_s, 2), **optimum.seconds},
        "score_and_solve_s": round(time.perf_counter() - started, 2),
        "unmatched": optimum.unmatched,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="small,national")
    parser.add_argument("--out", type=Path, default=ROOT / "bench/results/matching.json")
    args = parser.parse_args()
    sizes = {"small": (2_000, 14_000, True), "national": (20_000, 140_000, False)}
    results: dict = {
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version()},
        "components": list(COMPONENTS),
    }
    with tempfile.TemporaryDirectory() as tmp:
        for name in args.sizes.split(","):
            n_s, n_r, extras = sizes[name]
            results[name] = run_size(name, n_s, n_r, Path(tmp), extras)
            print(name, json.dumps(results[name], ensure_ascii=False))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=2, ensure_ascii=False), encoding="utf-8")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
