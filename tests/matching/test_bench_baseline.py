"""The benchmark's pure-Python baseline scores every pair exactly as the scorer does, so that
comparing their totals compares two solutions, not two scores."""

from __future__ import annotations

import importlib.util
import random
from datetime import date, timedelta
from pathlib import Path

import pytest

from shukko.matching.candidates import OfferRecord, generate
from shukko.matching.rules import load_rules

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
