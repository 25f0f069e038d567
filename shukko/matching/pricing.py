"""The optimum over every feasible pair without holding every pair (価格付けによる最適化).

One scan of every pair that may be feasible (shukko.matching.scan, compiled, on every core)
pools each sender's best allowed pairs by score, with a bound (cut) on what the others
could give (counting every feasible pair, for the figures, runs beside the solver); the
start graph is each sender's and each receiver's best pooled pairs. Solve it; take the
solution's node potentials (alpha per sender, beta per receiver:
shukko.matching.potentials); add the pairs left out whose score exceeds alpha + beta (each
would improve the solution), from the pool and from a rescan of the senders whose bound
says a pair outside their pool might now improve; solve again, until no pair left out can
improve it. The solution is then optimal over all the pairs the run may propose (LP
duality: the potentials are a dual solution that every pair satisfies), though only the
pairs that ever mattered were held; a last scan of every allowed pair checks the duals
before the figures say optimal. Every solve is one network simplex
(shukko.matching.simplex) that keeps its optimal tree between rounds: the pairs a round
adds enter it, so only the first solve starts from nothing, and it starts from a small
graph (each sender's best 5 and each receiver's best pooled pair), since later rounds are
cheap.
"""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import numpy as np

from shukko.matching.allowed import AllowedPairs
from shukko.matching.assign import SCALE, integer_scores
from shukko.matching.candidates import Edges, PairSpace, _best_per_group
from shukko.matching.potentials import potentials
from shukko.matching.scan import count_feasible, pack, scan
from shukko.matching.simplex import NetworkSimplex

# Pairs added per round: each sender's and each receiver's that would improve most.
ADDED_PER_SENDER = 30
ADDED_PER_RECEIVER = 10
# The pool: per sender, its best pairs by how near they come to improving the solution
# (gain = score - alpha - beta, in thousandths), kept from a scan so that later rounds
# price the pool instead of scanning every pair again.
POOL_PER_SENDER = 100
POOL_MARGIN = 1500  # pairs whose gain is below -1.5 points are not pooled
CHECK_POOL = 16  # the last check pools up to this many pairs per sender that might gain
CHECK_FLOOR = 0.49  # ... those whose float gain exceeds this (in thousandths)


@dataclass
class Optimum:
    """The optimal assignment over every feasible pair, and how it was reached."""

    edges: Edges  # the graph it was solved on: the pruned candidates and the pairs added
    persons: np.ndarray  # per edge
    rounds: int  # solves (1: the pruned graph was already optimal)
    pairs_added: int
    feasible_pairs: int  # every feasible pair of the open offers, counted by the first scan
    allowed_pairs: int  # of those, the pairs the run may propose
    optimal: bool  # a last scan found no allowed pair that would improve the solution
    pruned_persons: int  # the first solve's (on the pruned graph alone)
    pruned_total: float
    senders_rescanned: int = 0
    warm_solves: int = 0  # solves that started from the previous round's optimal tree
    pivots: list[int] = field(default_factory=list)  # per solve
    seconds: dict[str, float] = field(default_factory=dict)
    # Offers with capacity left after the solution: no feasible counterpart with capacity
    # at all, or counterparts that the optimum gave to others.
    unmatched: dict[str, dict[str, int]] = field(default_factory=dict)


@dataclass
class _Pool:
    """Pairs kept from the scans, with their exact integer scores, and per sender what the
    pairs left out could gain at most, measured against the duals of the sender's scan."""

    si: np.ndarray
    rj: np.ndarray
    score: np.ndarray
    cut: np.ndarray  # per sender: the best gain of a pair not pooled (or -POOL_MARGIN)
    alpha_then: np.ndarray  # per sender: alpha at its scan
    beta_then: list[np.ndarray]  # the betas of each scan
    scanned_in: np.ndarray  # per sender: which scan (index into beta_then)


def optimise(
    space: PairSpace,
    sending_capacity: np.ndarray,
    receiving_capacity: np.ndarray,
    allowed: AllowedPairs,
    *,
    start_per_sender: int = 5,
    start_per_receiver: int = 1,
    max_rounds: int = 100,
    pool_size: int = POOL_PER_SENDER,
) -> Optimum:
    """One scan of every pair (zero duals: each sender's pool is its best allowed pairs by
    score) gives the start graph, each sender's `start_per_sender` and each receiver's
    `start_per_receiver` best pooled pairs; solve, then price and solve again until no
    allowed pair would improve the solution; a last scan of every allowed pair checks it."""
    seconds = {"solve": 0.0, "potentials": 0.0, "scan": 0.0, "pricing": 0.0, "check": 0.0}
    packed = pack(space)
    started = time.perf_counter()
    no_alpha = np.zeros(len(sending_capacity), dtype=np.int64)
    no_beta = np.zeros(len(receiving_capacity), dtype=np.int64)
    pool = _scan(space, packed, no_alpha, no_beta, sending_capacity, receiving_capacity,
                 allowed, pool_size)  # fmt: skip
    seconds["scan"] += time.perf_counter() - started
    # Counting every feasible pair (for the figures) needs no dual: it runs on one thread
    # beside the solver, which uses one core.
    with ThreadPoolExecutor(max_workers=1) as beside:
        counting = beside.submit(count_feasible, space, packed, sending_capacity,
                                 receiving_capacity, allowed, serial=True)  # fmt: skip
        optimum = _rounds(space, packed, pool, sending_capacity, receiving_capacity, allowed,
                          start_per_sender, start_per_receiver, max_rounds, pool_size,
                          seconds)  # fmt: skip
        started = time.perf_counter()
        counted, has_counterpart = counting.result()
        seconds["count"] = round(time.perf_counter() - started, 2)  # waited for, if any
    si, rj, persons = optimum.edges.sending, optimum.edges.receiving, optimum.persons
    optimum.feasible_pairs = counted.feasible_pairs
    optimum.allowed_pairs = counted.allowed_pairs
    optimum.unmatched = unmatched(si, rj, persons, sending_capacity, receiving_capacity,
                                  has_counterpart)  # fmt: skip
    return optimum


def _rounds(space, packed, pool, sending_capacity, receiving_capacity, allowed,
            start_per_sender, start_per_receiver, max_rounds, pool_size,
            seconds) -> Optimum:  # fmt: skip
    """The pricing rounds from the first scan's pool (see optimise); the counts are the
    caller's to fill in."""
    added = rescanned = 0
    start = _best(pool.si, pool.score, start_per_sender) | _best(
        pool.rj, pool.score, start_per_receiver
    )
    si, rj = pool.si[start], pool.rj[start]
    total = pool.score[start] / SCALE
    pruned = None
    # One network simplex for every round: the pairs a round adds enter the previous
    # optimal tree, so later rounds cost a few pivots each.
    simplex = NetworkSimplex(sending_capacity, receiving_capacity)
    simplex.add(si, rj, total)
    pivots = []
    for round_ in range(1, max_rounds + 1):
        started = time.perf_counter()
        persons = simplex.solve()
        pivots.append(simplex.pivots)
        seconds["solve"] += time.perf_counter() - started
        if pruned is None:
            pruned = (int(persons.sum()), float((persons * total).sum()))
        started = time.perf_counter()
        cost = integer_scores(total)
        alpha, beta = potentials(si, rj, cost, persons, sending_capacity, receiving_capacity)
        seconds["potentials"] += time.perf_counter() - started
        started = time.perf_counter()
        # Rescan the senders whose pairs left out of their pool could now gain (their alpha
        # or some beta fell since their scan), every round: waiting until the pool has
        # nothing left costs a solve per wave of them.
        doubtful = _doubtful(space, pool, alpha, beta, sending_capacity)
        if len(doubtful):
            seconds["pricing"] += time.perf_counter() - started
            started = time.perf_counter()
            rescanned += len(doubtful)
            fresh = _scan(space, packed, alpha, beta, sending_capacity, receiving_capacity,
                          allowed, pool_size, senders=doubtful)  # fmt: skip
            _replace(pool, fresh, doubtful, alpha, beta)
            seconds["scan"] += time.perf_counter() - started
            started = time.perf_counter()
        new_si, new_rj = _improving(pool, alpha, beta)
        if not len(new_si) or round_ == max_rounds:
            seconds["pricing"] += time.perf_counter() - started
            break
        more = integer_scores(space.edges(new_si, new_rj).total) / SCALE
        simplex.add(new_si, new_rj, more)
        si, rj = np.concatenate([si, new_si]), np.concatenate([rj, new_rj])
        total = np.concatenate([total, more])
        added += len(new_si)
        seconds["pricing"] += time.perf_counter() - started
    started = time.perf_counter()
    optimal = dual_check(space, packed, alpha, beta, sending_capacity, receiving_capacity,
                         allowed)  # fmt: skip
    seconds["check"] = time.perf_counter() - started
    for name, value in seconds.items():
        seconds[name] = round(value, 2)
    return Optimum(
        edges=space.edges(si, rj),
        persons=persons,
        rounds=round_,
        pairs_added=added,
        feasible_pairs=0,
        allowed_pairs=0,
        optimal=optimal,
        pruned_persons=pruned[0],
        pruned_total=pruned[1],
        senders_rescanned=rescanned,
        warm_solves=round_ - 1,
        pivots=pivots,
        seconds=seconds,
    )


def dual_check(space, packed, alpha, beta, cap_s, cap_r, allowed: AllowedPairs) -> bool:
    """Whether the duals (alpha, beta) leave no allowed feasible pair that would improve the
    solution (LP duality: then it is optimal over all of them). One scan of every sender
    with capacity pools each pair whose float gain exceeds CHECK_FLOOR (an integer gain of
    1 thousandth is a float gain of at least 0.5; pairs tied with the solution, gain 0, stay
    out), and those are checked in exact integers."""
    senders = np.flatnonzero(cap_s > 0)
    if not len(senders):
        return True
    found = scan(space, packed, senders, alpha, beta, cap_s, cap_r, pool_size=CHECK_POOL,
                 margin=-CHECK_FLOOR, allowed=allowed)  # fmt: skip
    if (found.cut[senders] > CHECK_FLOOR).any():  # a full pool: more pairs might gain
        return False
    if not len(found.si):
        return True
    exact = integer_scores(space.edges(found.si, found.rj).total)
    return bool((exact - alpha[found.si] - beta[found.rj] <= 0).all())


def _improving(pool: _Pool, alpha, beta):
    """The pooled pairs that would improve the solution now, each sender's and each
    receiver's best. None is in the graph already: the potentials are dual feasible there
    (alpha + beta >= score on every edge), so a positive gain marks a pair left out; the
    pool holds only pairs the run may propose."""
    gain = pool.score - alpha[pool.si] - beta[pool.rj]
    candidates = np.flatnonzero(gain > 0)
    if not len(candidates):
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty
    si, rj, gain = pool.si[candidates], pool.rj[candidates], gain[candidates]
    chosen = _best(si, gain, ADDED_PER_SENDER) | _best(rj, gain, ADDED_PER_RECEIVER)
    return si[chosen], rj[chosen]


def _doubtful(space: PairSpace, pool: _Pool, alpha, beta, capacity) -> np.ndarray:
    """Senders with capacity whose pairs outside the pool might now have a positive gain:
    the pool's cut, plus how far alpha and the betas fell since the sender's scan."""
    # How far a beta fell, at most, in each prefecture a sender may work in.
    fall = np.zeros(len(capacity))
    for index, then in enumerate(pool.beta_then):
        senders = np.flatnonzero(pool.scanned_in == index)
        if not len(senders):
            continue
        by_pref = np.zeros(48)
        np.maximum.at(by_pref, space.r.prefecture, np.maximum(then - beta, 0).astype(float))
        fall[senders] = np.where(space.area[senders], by_pref[None, :], 0.0).max(axis=1)
    bound = pool.cut + (pool.alpha_then - alpha) + fall
    return np.flatnonzero((bound > 0) & (capacity > 0))


def _replace(pool: _Pool, fresh: _Pool, senders: np.ndarray, alpha, beta) -> None:
    keep = ~np.isin(pool.si, senders)
    pool.si = np.concatenate([pool.si[keep], fresh.si])
    pool.rj = np.concatenate([pool.rj[keep], fresh.rj])
    pool.score = np.concatenate([pool.score[keep], fresh.score])
    pool.cut[senders] = fresh.cut[senders]
    pool.alpha_then[senders] = alpha[senders]
    pool.beta_then.append(beta.copy())
    pool.scanned_in[senders] = len(pool.beta_then) - 1


def unmatched(si, rj, persons, sending_capacity, receiving_capacity, has_counterpart):
    """Per side, the offers with capacity left after `persons` on the edges (si, rj): in
    all, with no feasible counterpart with capacity, and with counterparts placed elsewhere."""
    figures = {}
    for side, index, capacity, found in (
        ("sending", si, sending_capacity, has_counterpart[0]),
        ("receiving", rj, receiving_capacity, has_counterpart[1]),
    ):
        used = np.bincount(index, weights=persons, minlength=len(capacity)).astype(np.int64)
        left = (capacity > 0) & (used < capacity)
        figures[side] = {
            "with_capacity_left": int(left.sum()),
            "no_feasible_counterpart": int((left & ~found).sum()),
            "counterparts_taken": int((left & found).sum()),
        }
    return figures


def _scan(space, packed, alpha, beta, cap_s, cap_r, allowed, pool_size, *, senders=None):
    """A pool of allowed pairs from a scan of every pair that may be feasible (or only those
    of `senders`), with their exact integer scores."""
    if senders is None:
        senders = np.arange(len(cap_s))
    found = scan(space, packed, senders, alpha, beta, cap_s, cap_r, pool_size=pool_size,
                 margin=POOL_MARGIN, allowed=allowed)  # fmt: skip
    si, rj = found.si, found.rj
    score = integer_scores(space.edges(si, rj).total) if len(si) else np.zeros(0, np.int64)
    return _Pool(si, rj, score, found.cut, alpha.astype(float).copy(), [beta.copy()],
                 np.zeros(len(cap_s), dtype=np.int64))  # fmt: skip


def _best(group: np.ndarray, gain: np.ndarray, keep: int) -> np.ndarray:
    return _best_per_group(group, gain.astype(np.float64), keep)
