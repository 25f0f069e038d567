"""Re-optimising a solved assignment after edges are added reaches the optimum of the grown
graph, as a solve from scratch does, and declines when the repair would cost too much."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from shukko.matching import warm
from shukko.matching.assign import assign, integer_scores


def random_graph(seed: int, n_s: int, n_r: int, n_edges: int):
    rng = np.random.default_rng(seed)
    si, rj = rng.integers(0, n_s, n_edges), rng.integers(0, n_r, n_edges)
    _, first = np.unique(si * n_r + rj, return_index=True)
    si, rj = si[np.sort(first)], rj[np.sort(first)]
    # Scores in thousandths with ties, as the scorer gives them.
    score = rng.integers(3000, 11000, len(si)) / 1000
    return si, rj, score, rng.integers(0, 5, n_s), rng.integers(0, 3, n_r)


def total(persons, score) -> int:
    return int((persons * integer_scores(score)).sum())


@settings(max_examples=60, deadline=None)
@given(
    seed=st.integers(0, 2**32 - 1),
    shape=st.sampled_from([(5, 8, 20), (30, 60, 300), (80, 200, 1200)]),
    share_added=st.sampled_from([0.05, 0.3, 0.7]),
)
def test_the_grown_graph_reaches_the_optimum_of_a_fresh_solve(seed, shape, share_added):
    si, rj, score, cap_s, cap_r = random_graph(seed, *shape)
    old = np.random.default_rng(seed + 1).random(len(si)) >= share_added
    order = np.r_[np.flatnonzero(old), np.flatnonzero(~old)]  # the old edges first
    si, rj, score = si[order], rj[order], score[order]
    n_old = int(old.sum())
    before = assign(si[:n_old], rj[:n_old], score[:n_old], cap_s, cap_r)
    persons = np.concatenate([before, np.zeros(len(si) - n_old, np.int64)])
    grown = warm.reoptimise(si, rj, score, persons, np.arange(n_old, len(si)), cap_s, cap_r)
    assert grown is not None
    assert total(grown, score) == total(assign(si, rj, score, cap_s, cap_r), score)
    # A feasible assignment: no offer gives or takes more than it has.
    assert (np.bincount(si, weights=grown, minlength=len(cap_s)) <= cap_s).all()
    assert (np.bincount(rj, weights=grown, minlength=len(cap_r)) <= cap_r).all()
    assert (grown >= 0).all()


def test_a_repair_that_would_cost_more_than_a_solve_is_declined(monkeypatch):
    si, rj, score, cap_s, cap_r = random_graph(7, 80, 200, 1200)
    half = len(si) // 2
    before = assign(si[:half], rj[:half], score[:half], cap_s, cap_r)
    persons = np.concatenate([before, np.zeros(len(si) - half, np.int64)])
    monkeypatch.setattr(warm, "SETTLED_LIMIT_PER_NODE", 0)
    assert warm.reoptimise(si, rj, score, persons, np.arange(half, len(si)), cap_s, cap_r) is None
