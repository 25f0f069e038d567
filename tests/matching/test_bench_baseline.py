"""The benchmark's pure-Python baseline scores every pair exactly as the scorer does, so that
comparing their totals compares two solutions, not two scores; and it is the rules written
out against which every compiled use of a pair (shukko.matching.pair: the candidate blocks,
the exact scores, the pricing scan's pools) is checked pair by pair."""

from __future__ import annotations

import importlib.util
import random
from collections import Counter
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pytest

from shukko.matching.candidates import OfferRecord, PairSpace, generate
from shukko.matching.rules import load_rules
from shukko.matching.scan import pack, scan

AS_OF = date(2024, 6, 1)
BENCH = Path(__file__).resolve().parents[2] / "bench" / "matching.py"


@pytest.fixture(scope="module")
def bench():
    spec = importlib.util.spec_from_file_location("bench_matching", BENCH)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def offers(rng: random.Random, n: int, first_id: int, sending: bool) -> list[OfferRecord]:
    made = []
    for n_id in range(first_id, first_id + n):
        start = AS_OF + timedelta(days=rng.randrange(0, 40))
        made.append(
            OfferRecord(
                id=n_id,
                company_id=rng.randrange(0, 6) + (0 if sending else 100),
                kind=rng.choice(["secondment", "transfer", "either"]),
                prefecture=rng.choice(["13", "14", "27", "01"]),
                industry=rng.choice(["31", "29", "44", "58", "83", "G", "09"]),
                occupation=rng.choice("ACHK"),
                received_on=AS_OF - timedelta(days=rng.randrange(0, 300)),
                start_from=start,
                start_until=start + timedelta(days=rng.choice([30, 90])),
                remaining=rng.choice([1, 2, 3]),
                period_min=rng.choice([1, 3]),
                period_max=rng.choice([6, 12]),
                wage=rng.choice([None, 250_000, 300_000, 380_000]),
                skills=rng.sample(["溶接", "フォークリフト", "経理", "接客"], rng.randrange(0, 3)),
                qualifications=rng.sample(["玉掛け"], rng.randrange(0, 2)),
                area=(rng.choice([(), ("全国",), ("関東",), ("13",)]) if sending else ()),
            )
        )
    return made


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_baseline_scores_every_feasible_pair_as_the_scorer_does(bench, seed):
    rng = random.Random(seed)
    sending, receiving = offers(rng, 25, 1, True), offers(rng, 40, 1000, False)
    rules = load_rules()
    wide = rules.model_copy(
        update={"pruning": rules.pruning.model_copy(
            update={"per_sending_offer": 1000, "per_receiving_offer": 1000})}
    )  # fmt: skip
    edges = generate(sending, receiving, rules=wide, as_of=AS_OF)
    scorer = {
        (sending[i].id, receiving[j].id): float(t)
        for i, j, t in zip(edges.sending, edges.receiving, edges.total, strict=True)
    }
    baseline = {(i, j): score for score, i, j in bench.naive_pairs(sending, receiving, rules)}
    assert set(baseline) == set(scorer) and scorer  # the same feasible pairs
    for pair, score in baseline.items():
        assert score == pytest.approx(scorer[pair], abs=1e-9), pair


@pytest.mark.parametrize("seed", [4, 5, 6])
def test_every_compiled_use_of_a_pair_scores_it_as_the_baseline_does(bench, seed):
    rng = random.Random(seed)
    sending, receiving = offers(rng, 25, 1, True), offers(rng, 40, 1000, False)
    rules = load_rules()
    baseline = {(i, j): score for score, i, j in bench.naive_pairs(sending, receiving, rules)}
    space = PairSpace(sending, receiving, rules=rules, as_of=AS_OF)
    si, rj = np.arange(len(sending)), np.arange(len(receiving))
    totals = space.block_scores(si, rj)
    mask = np.isfinite(totals)
    for i, s in enumerate(sending):
        for j, r in enumerate(receiving):
            if not space.area[i, int(r.prefecture)]:
                continue  # the area is met prefecture by prefecture, not pair by pair
            assert mask[i, j] == ((s.id, r.id) in baseline)
            if mask[i, j]:  # float32 totals rank the candidates
                assert float(totals[i, j]) == pytest.approx(baseline[s.id, r.id], abs=1e-5)
    # The scan pools by the same score: with zero duals, a pool as large as the receivers
    # holds every feasible pair of the sender's area, at its score in thousandths.
    capacity_s = np.ones(len(sending), np.int64)
    capacity_r = np.ones(len(receiving), np.int64)
    found = scan(space, pack(space), si, np.zeros(len(si)), np.zeros(len(rj)), capacity_s,
                 capacity_r, pool_size=len(receiving), margin=1e9)  # fmt: skip
    pairs = zip(found.si.tolist(), found.rj.tolist(), found.gain.tolist(), strict=True)
    pooled = {(sending[i].id, receiving[j].id): gain for i, j, gain in pairs}
    assert set(pooled) == set(baseline) and pooled
    for pair, gain in pooled.items():
        assert gain == pytest.approx(1000 * baseline[pair], abs=1e-6)


def test_the_benchmark_instance_has_the_distribution_its_docstring_claims(bench):
    companies, sending, receiving = bench.generate_offers(2_000, 14_000, seed=7)
    by_id = {c["id"]: c for c in companies}
    # Every offer's company has a prefecture and an industry of its side; a sending offer
    # sits where its company does; about 15% of receiving offers work elsewhere.
    assert all(by_id[r["company"]]["pref"] == r["pref"] for r in sending)
    assert {by_id[r["company"]]["industry"] for r in sending} <= set(bench.SENDER_INDUSTRIES)
    elsewhere = sum(by_id[r["company"]]["pref"] != r["pref"] for r in receiving) / len(receiving)
    assert 0.10 < elsewhere < 0.16  # 15%, less those drawn back to the company's prefecture
    # Prefectures weighted by employment: Tokyo (8) is the most common, then the big five.
    prefs = Counter(r["pref"] for r in receiving)
    assert prefs.most_common(1)[0][0] == "13"
    assert prefs["13"] / len(receiving) == pytest.approx(8 / sum(bench.WEIGHTS), abs=0.02)
    # A tenth of the sending companies also take people in: the same company on both sides.
    both = {r["company"] for r in sending} & {r["company"] for r in receiving}
    senders = {c["id"] for c in companies if "s" in c["side"]}
    assert 0.05 < len(both) / len(senders) < 0.12
    # Areas: own block 7, nationwide 1, own prefecture 2 (of 10).
    areas = Counter("全国" if r["area"] == ["全国"] else "pref" if r["area"] else "block"
                    for r in sending)  # fmt: skip
    assert areas["全国"] / len(sending) == pytest.approx(0.1, abs=0.025)
    assert areas["block"] / len(sending) == pytest.approx(0.7, abs=0.04)
    # Headcounts 1-5, mean about 2.1; some companies post many offers (Pareto sizes).
    assert sum(r["headcount"] for r in sending) / len(sending) == pytest.approx(2.14, abs=0.15)
    per_company = Counter(r["company"] for r in receiving)
    assert max(per_company.values()) >= 10 * len(receiving) / len(per_company)
