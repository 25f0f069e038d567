"""The optimum over every feasible pair without holding every pair (価格付けによる最適化).

Solve on the pruned candidate graph; take the solution's node potentials (alpha per sender,
beta per receiver: shukko.matching.potentials); find the feasible pairs left out whose score
exceeds alpha + beta (each would improve the solution); add those and solve again, until no
pair left out can improve it. The solution is then optimal over all feasible pairs (LP
duality: the potentials are a dual solution that every pair satisfies), though only the
pairs that ever mattered were held.

One scan of every pair that may be feasible (block by block, as the candidate generation
meets them) keeps a pool per sender of the pairs nearest to improving, and a bound (cut) on
what the others could gain; later rounds price the pool, and rescan only the senders whose
bound says a pair outside it might now improve. The scan skips what cannot: an offer with no
capacity, a sender whose alpha reaches the best score any pair of its block could have (a
bound from its own components), and the other occupations' receivers of a sender whose
alpha reaches that bound less the occupation weight.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from shukko.matching.assign import SCALE, assign, integer_scores
from shukko.matching.candidates import (
    MAX_PAIRS_PER_CHUNK,
    Edges,
    PairSpace,
    _best_per_group,
    _days,
)
from shukko.matching.potentials import potentials

Allowed = Callable[[np.ndarray, np.ndarray], np.ndarray]  # (si, rj) -> mask of pairs allowed
# Pairs added per round: each sender's and each receiver's that would improve most.
ADDED_PER_SENDER = 100
ADDED_PER_RECEIVER = 10
# The pool: per sender, its best pairs by how near they come to improving the solution
# (gain = score - alpha - beta, in thousandths), kept from a scan so that later rounds
# price the pool instead of scanning every pair again.
POOL_PER_SENDER = 300
POOL_MARGIN = 1500  # pairs whose gain is below -1.5 points are not pooled
KEEP_MARGIN = 150  # graph edges with nobody on them and a gain below -0.15 points are dropped
POOL_MERGE_ABOVE = 6_000_000  # pooled pairs held before they are cut to each sender's best
# Float32 totals pick the pairs to check in full precision; this margin (in thousandths)
# keeps every pair whose exact integer score could exceed alpha + beta.
FLOAT_MARGIN = 2


@dataclass
class Optimum:
    """The optimal assignment over every feasible pair, and how it was reached."""

    edges: Edges  # the graph it was solved on: the pruned candidates and the pairs added
    persons: np.ndarray  # per edge
    rounds: int  # solves (1: the pruned graph was already optimal)
    pairs_added: int
    feasible_pairs: int  # every feasible pair of the open offers, counted by the first scan
    pruned_persons: int  # the first solve's (on the pruned graph alone)
    pruned_total: float
    senders_rescanned: int = 0
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
    edges: Edges,
    sending_capacity: np.ndarray,
    receiving_capacity: np.ndarray,
    allowed: Allowed,
    *,
    max_rounds: int = 100,
) -> Optimum:
    """Solve on `edges` (only the allowed ones), then price and solve again until optimal."""
    seconds = {"solve": 0.0, "potentials": 0.0, "scan": 0.0, "pricing": 0.0}
    keep = allowed(edges.sending, edges.receiving) if len(edges.sending) else np.zeros(0, bool)
    si, rj = edges.sending[keep], edges.receiving[keep]
    total = edges.total[keep]
    added = rescanned = 0
    has_counterpart = (np.zeros(len(sending_capacity), bool),
                       np.zeros(len(receiving_capacity), bool))  # fmt: skip
    pool: _Pool | None = None
    feasible_pairs = 0
    pruned = None
    for round_ in range(1, max_rounds + 1):  # noqa: B007 (read after the loop)
        started = time.perf_counter()
        persons = assign(si, rj, total, sending_capacity, receiving_capacity)
        seconds["solve"] += time.perf_counter() - started
        if pruned is None:
            pruned = (int(persons.sum()), float((persons * total).sum()))
        started = time.perf_counter()
        cost = integer_scores(total)
        alpha, beta = potentials(si, rj, cost, persons, sending_capacity, receiving_capacity)
        seconds["potentials"] += time.perf_counter() - started
        started = time.perf_counter()
        if pool is None:
            pool, feasible_pairs = _scan(
                space, alpha, beta, sending_capacity, receiving_capacity, count=has_counterpart
            )
        seconds["scan"] += time.perf_counter() - started
        started = time.perf_counter()
        new_si, new_rj = _improving(pool, alpha, beta, allowed)
        if not len(new_si):
            # The pool has nothing left: rescan the senders whose pairs left out of it could
            # now gain (their alpha or some beta fell since their scan).
            doubtful = _doubtful(space, pool, alpha, beta, sending_capacity)
            if len(doubtful):
                seconds["pricing"] += time.perf_counter() - started
                started = time.perf_counter()
                rescanned += len(doubtful)
                fresh, _ = _scan(space, alpha, beta, sending_capacity, receiving_capacity,
                                 senders=doubtful)  # fmt: skip
                _replace(pool, fresh, doubtful, alpha, beta)
                seconds["scan"] += time.perf_counter() - started
                started = time.perf_counter()
                new_si, new_rj = _improving(pool, alpha, beta, allowed)
        seconds["pricing"] += time.perf_counter() - started
        if not len(new_si):
            break
        # Edges that carry nobody and are far from paying leave the graph, so that it stays
        # small to solve: the scans cover them (pooled, or bounded by their sender's cut), and
        # pricing brings one back should it come to pay.
        useful = (persons > 0) | (cost - alpha[si] - beta[rj] >= -KEEP_MARGIN)
        si, rj, total = si[useful], rj[useful], total[useful]
        more = space.edges(new_si, new_rj)
        si, rj = np.concatenate([si, new_si]), np.concatenate([rj, new_rj])
        total = np.concatenate([total, more.total])
        added += len(new_si)
    else:
        raise RuntimeError(f"matching did not reach the optimum in {max_rounds} rounds")
    return Optimum(
        edges=space.edges(si, rj, feasible_pairs),
        persons=persons,
        rounds=round_,
        pairs_added=added,
        feasible_pairs=feasible_pairs,
        pruned_persons=pruned[0],
        pruned_total=pruned[1],
        senders_rescanned=rescanned,
        seconds={k: round(v, 2) for k, v in seconds.items()},
        unmatched=_unmatched(
            si, rj, persons, sending_capacity, receiving_capacity, has_counterpart
        ),
    )


def _improving(pool: _Pool, alpha, beta, allowed: Allowed):
    """The pooled pairs that would improve the solution now, each sender's and each
    receiver's best. None is in the graph already: the potentials are dual feasible there
    (alpha + beta >= score on every edge), so a positive gain marks a pair left out."""
    gain = pool.score - alpha[pool.si] - beta[pool.rj]
    candidates = np.flatnonzero(gain > 0)
    if not len(candidates):
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty
    si, rj, gain = pool.si[candidates], pool.rj[candidates], gain[candidates]
    fresh = allowed(si, rj)
    si, rj, gain = si[fresh], rj[fresh], gain[fresh]
    chosen = _best(si, gain, ADDED_PER_SENDER) | _best(rj, gain, ADDED_PER_RECEIVER)
    return si[chosen], rj[chosen]


def _doubtful(space: PairSpace, pool: _Pool, alpha, beta, capacity) -> np.ndarray:
    """Senders with capacity whose pairs outside the pool might now have a positive gain:
    the pool's cut, plus how far alpha and the betas fell since the sender's scan."""
    # How far a beta fell, at most, in each prefecture a sender may work in.
    fall = np.zeros(len(capacity))
    for scan, then in enumerate(pool.beta_then):
        senders = np.flatnonzero(pool.scanned_in == scan)
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


def _unmatched(si, rj, persons, sending_capacity, receiving_capacity, has_counterpart):
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


def _bounds(space: PairSpace) -> tuple[np.ndarray, np.ndarray, float]:
    """Per sender, the best score any pair could give it apart from distance and occupation
    (in thousandths); the distance parts (same prefecture, same block, elsewhere); the
    occupation weight."""
    w, k = space.rules.weights, space.rules.scoring
    s, r = space.s, space.r
    today = _days(space.as_of)
    longest = float(today - r.received.min()) if len(r.received) else 0.0
    waiting = np.clip((today - s.received + longest) / (2 * k.waiting_full_days), 0.0, 1.0)
    base = (
        w.skills * space.s_skills.any(axis=1)
        + w.wage * 1.0
        + w.industry * max(k.industry_same_division, k.industry_other_division)
        + w.waiting * waiting
    )
    distance = w.distance * np.array(
        [k.distance_same_prefecture, k.distance_same_block, k.distance_elsewhere]
    )
    return base * SCALE, distance * SCALE, w.occupation * SCALE


def _scan(space, alpha, beta, cap_s, cap_r, *, senders=None, count=None):
    """A pool of pairs from a scan of every pair that may be feasible (or only those of
    `senders`). With `count` (two masks) every feasible pair is also counted and each offer
    with capacity marked when it has a feasible counterpart with capacity."""
    s = space.s
    base, distance, occupation_weight = _bounds(space)
    giving, taking = cap_s > 0, cap_r > 0
    only = None
    if senders is not None:
        only = np.zeros(len(cap_s), dtype=bool)
        only[senders] = True
    cut = np.full(len(cap_s), -float(POOL_MARGIN))
    feasible = 0
    parts: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []
    held = 0

    def pool_rows(chunk: np.ndarray, receivers: np.ndarray, ok: np.ndarray) -> None:
        """Pool each row's POOL_PER_SENDER pairs of highest gain above -POOL_MARGIN; raise
        its sender's cut to the best gain of the feasible pairs it leaves."""
        nonlocal parts, held
        gain = space.totals(chunk, receivers) * np.float32(SCALE)
        gain -= alpha[chunk][:, None].astype(np.float32)
        gain -= beta[receivers][None, :].astype(np.float32)
        gain = np.where(ok, gain, -np.inf)
        if gain.shape[1] > POOL_PER_SENDER:
            top = np.argpartition(-gain, POOL_PER_SENDER, axis=1)
            beyond = gain[np.arange(len(chunk)), top[:, POOL_PER_SENDER]]
            np.maximum.at(cut, chunk, beyond.astype(np.float64) + FLOAT_MARGIN)
            columns = top[:, :POOL_PER_SENDER]
        else:
            columns = np.broadcast_to(np.arange(gain.shape[1]), gain.shape)
        picked = np.take_along_axis(gain, columns, axis=1)
        i, k = np.nonzero(picked > -POOL_MARGIN)
        parts.append((chunk[i], receivers[columns[i, k]], picked[i, k]))
        held += len(i)
        if held > POOL_MERGE_ABOVE:
            parts = [_merge(parts, cut)]
            held = len(parts[0][0])

    for pref, all_receivers in space.receivers_by_pref.items():
        block = np.flatnonzero(space.area[:, pref])
        if only is not None:
            block = block[only[block]]
        if count is None:
            block = block[giving[block]]
        receivers = all_receivers if count is not None else all_receivers[taking[all_receivers]]
        if not len(block) or not len(receivers):
            continue
        # The best a sender could score here (same prefecture, same block, elsewhere):
        # a sender whose alpha reaches it (less POOL_MARGIN) has nothing to pool here.
        distance_class = np.where(
            s.prefecture[block] == pref, 0,
            np.where(s.block[block] == space.r.block[receivers[0]], 1, 2),
        )  # fmt: skip
        best_other = base[block] + distance[distance_class]  # another occupation
        floor = alpha[block] + beta[receivers].min() - POOL_MARGIN - FLOAT_MARGIN
        wanted = giving[block] & (floor < best_other + occupation_weight)
        # Senders whose floor reaches the best of another occupation pool only pairs of
        # their own: the others could gain less than -POOL_MARGIN (within the cut).
        every_occupation = floor < best_other
        r_occupation = space.r.occupation[receivers]
        columns_of = {o: np.flatnonzero(r_occupation == o) for o in np.unique(r_occupation)}
        step = max(1, MAX_PAIRS_PER_CHUNK // len(receivers))
        for start in range(0, len(block), step):
            chunk, chunk_wanted = block[start : start + step], wanted[start : start + step]
            chunk_every = every_occupation[start : start + step]
            if count is None:
                chunk, chunk_every = chunk[chunk_wanted], chunk_every[chunk_wanted]
                chunk_wanted = chunk_wanted[chunk_wanted]
                if not len(chunk):
                    continue
            ok = space.feasible(chunk, receivers)
            if count is not None:
                feasible += int(ok.sum())
                with_room = ok & taking[receivers][None, :] & giving[chunk][:, None]
                count[0][chunk[with_room.any(axis=1)]] = True
                count[1][receivers[with_room.any(axis=0)]] = True
                ok &= chunk_wanted[:, None] & taking[receivers][None, :]
            rows = np.flatnonzero(ok.any(axis=1))
            if not len(rows):
                continue
            chunk, ok, chunk_every = chunk[rows], ok[rows], chunk_every[rows]
            if chunk_every.any():
                pool_rows(chunk[chunk_every], receivers, ok[chunk_every])
            own = np.flatnonzero(~chunk_every)
            occupations = s.occupation[chunk[own]]
            for occupation in np.unique(occupations).tolist():
                columns = columns_of.get(occupation)
                if columns is None:
                    continue
                here = own[occupations == occupation]
                pool_rows(chunk[here], receivers[columns], ok[here][:, columns])
    si, rj, _gain = _merge(parts, cut) if parts else (np.zeros(0, np.int64),) * 3
    score = integer_scores(space.edges(si, rj).total) if len(si) else np.zeros(0, np.int64)
    pool = _Pool(si.astype(np.int64), rj.astype(np.int64), score, cut, alpha.astype(float).copy(),
                 [beta.copy()], np.zeros(len(cap_s), dtype=np.int64))  # fmt: skip
    return pool, feasible


def _merge(parts, cut):
    """The pooled pairs cut to each sender's POOL_PER_SENDER best; the cut raised to the
    best gain of what is dropped."""
    si = np.concatenate([p[0] for p in parts])
    rj = np.concatenate([p[1] for p in parts])
    gain = np.concatenate([p[2] for p in parts])
    keep = _best(si, gain, POOL_PER_SENDER)
    dropped = ~keep
    if dropped.any():
        np.maximum.at(cut, si[dropped], gain[dropped].astype(np.float64) + FLOAT_MARGIN)
    return si[keep], rj[keep], gain[keep]


def _best(group: np.ndarray, gain: np.ndarray, keep: int) -> np.ndarray:
    return _best_per_group(group, gain.astype(np.float64), keep)
