"""The network simplex reaches the optimum OR-Tools finds, on a graph solved at once and on
one grown by pairs added after a solve (its tree kept), and never gives or takes more
persons than an offer has."""

from __future__ import annotations

import itertools

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from shukko.matching.assign import assign, integer_scores
from shukko.matching.simplex import NetworkSimplex


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


def feasible(persons, si, rj, cap_s, cap_r) -> bool:
    return bool(
        (persons >= 0).all()
        and (np.bincount(si, weights=persons, minlength=len(cap_s)) <= cap_s).all()
        and (np.bincount(rj, weights=persons, minlength=len(cap_r)) <= cap_r).all()
    )


@settings(max_examples=80, deadline=None)
@given(
    seed=st.integers(0, 2**32 - 1),
    shape=st.sampled_from([(5, 8, 20), (30, 60, 300), (80, 200, 1200)]),
    rounds=st.sampled_from([1, 2, 4]),
)
def test_each_round_reaches_the_optimum_of_a_fresh_solve(seed, shape, rounds):
    si, rj, score, cap_s, cap_r = random_graph(seed, *shape)
    simplex = NetworkSimplex(cap_s, cap_r)
    cuts = np.linspace(0, len(si), rounds + 1).astype(int)
    for lo, hi in itertools.pairwise(cuts):
        simplex.add(si[lo:hi], rj[lo:hi], score[lo:hi])
        persons = simplex.solve()
        fresh = assign(si[:hi], rj[:hi], score[:hi], cap_s, cap_r)
        assert total(persons, score[:hi]) == total(fresh, score[:hi])
        assert feasible(persons, si[:hi], rj[:hi], cap_s, cap_r)


def test_a_later_round_starts_from_the_previous_tree():
    si, rj, score, cap_s, cap_r = random_graph(7, 80, 200, 1200)
    simplex = NetworkSimplex(cap_s, cap_r)
    simplex.add(si[:1100], rj[:1100], score[:1100])
    simplex.solve()
    from_nothing = simplex.pivots
    simplex.add(si[1100:], rj[1100:], score[1100:])
    simplex.solve()
    assert simplex.pivots < from_nothing / 5  # a few pivots, not a solve again
    simplex.solve()
    assert simplex.pivots == 0  # nothing added: already optimal


def test_no_pairs_places_nobody():
    simplex = NetworkSimplex(np.array([2, 0]), np.array([1]))
    simplex.add(np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0))
    assert len(simplex.solve()) == 0
