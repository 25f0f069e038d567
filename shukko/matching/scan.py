"""The pricing scan, compiled (価格付けの走査): every pair that may be feasible, sender by
sender on every core, without a pair matrix.

For each sender it checks the hard constraints against every receiving offer in its
acceptable area, counts the feasible pairs and marks the offers that have a feasible
counterpart with capacity (`count`), and keeps a pool: the sender's `pool_size` pairs of
highest gain (score - alpha - beta, in thousandths) above `-margin`, with a cut, the best
gain of a feasible pair it leaves out. A pair's constraints and score are the ones of
shukko.matching.pair, inlined here as in the candidate generation; gains here are float64
and the exact integer scores of pooled pairs are computed again from the full-precision
scores.

A sender skips what cannot reach its pool: a prefecture where even its best possible score
(from its own components) falls short of alpha + the lowest beta - margin, and the other
occupations' receivers when only its own occupation could reach it. Counting still checks
the constraints of every pair.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numba import njit, prange

from shukko.matching.allowed import AllowedPairs, every_pair
from shukko.matching.assign import SCALE
from shukko.matching.candidates import PairSpace
from shukko.matching.pair import ONE_KERNEL_AT_A_TIME, as_tuple6, as_tuple8, day_number
from shukko.matching.pair import distance_of as pair_distance
from shukko.matching.pair import feasible as pair_feasible
from shukko.matching.pair import quals_held as pair_quals_held
from shukko.matching.pair import score as pair_score
from shukko.matching.pair import skill_counts as pair_skill_counts

# Float totals pick the pairs to check in full precision; this margin (in thousandths)
# keeps every pair whose exact integer score could exceed alpha + beta.
FLOAT_MARGIN = 2.0
_SCALE = float(SCALE)


@dataclass
class Packed:
    """PairSpace as the compiled scan reads it: receivers ordered by (prefecture,
    occupation) with each run's start, both sides as tuples of arrays in the order of
    shukko.matching.pair.SIDE_FIELDS, the rules as its arrays."""

    order: np.ndarray  # receivers by (prefecture, occupation)
    slices: np.ndarray  # (48, occupations + 1): start of each occupation's run per prefecture
    flags: np.ndarray  # the constraints switched on (rules.constraints)
    weights: np.ndarray  # occupation, skills, wage, industry, distance, waiting
    scoring: np.ndarray  # distance (pref, block, elsewhere), industry (same, other),
    #                      wage missing, waiting full days, today
    base: np.ndarray  # per sender: its best score apart from distance and occupation
    sending: tuple
    receiving: tuple  # in scan order, so that the scan reads them in sequence


def pack(space: PairSpace) -> Packed:
    """Arrays for the scan, built once per PairSpace: the receivers reordered."""
    r = space.r
    codes = space.occupation_codes
    r_occ = space.r_arrays[0]
    order = np.lexsort((r_occ, r.prefecture)).astype(np.int64)
    key = r.prefecture[order].astype(np.int64) * (len(codes) + 1) + r_occ[order]
    grid = np.arange(48 * (len(codes) + 1), dtype=np.int64)
    slices = np.searchsorted(key, grid).reshape(48, len(codes) + 1).astype(np.int64)
    receiving = tuple(np.ascontiguousarray(a[order]) for a in space.r_arrays)
    return Packed(order, slices, space.flags, space.weights, space.scoring, sender_bounds(space),
                  space.s_arrays, receiving)  # fmt: skip


def sender_bounds(space: PairSpace) -> np.ndarray:
    """Per sender, the best score any pair could give it apart from distance and
    occupation: the skills it has, a full wage, the better industry affinity, and waiting
    as long as the longest-waiting receiving offer would make it."""
    w, k = space.rules.weights, space.rules.scoring
    s, r = space.s, space.r
    today = day_number(space.as_of)
    longest = float(today - r.received.min()) if len(r.received) else 0.0
    waiting = np.clip((today - s.received + longest) / (2 * k.waiting_full_days), 0.0, 1.0)
    return (
        w.skills * space.s_skills.any(axis=1)
        + w.wage * 1.0
        + w.industry * max(k.industry_same_division, k.industry_other_division)
        + w.waiting * waiting
    )


@dataclass
class ScanResult:
    si: np.ndarray  # pooled pairs
    rj: np.ndarray
    gain: np.ndarray  # float, in thousandths
    cut: np.ndarray  # per sender
    feasible_pairs: int
    allowed_pairs: int  # of those, the pairs the run may propose


def scan(
    space: PairSpace,
    packed: Packed,
    senders: np.ndarray,
    alpha: np.ndarray,
    beta: np.ndarray,
    cap_s: np.ndarray,
    cap_r: np.ndarray,
    *,
    pool_size: int,
    margin: float,
    count: tuple[np.ndarray, np.ndarray] | None = None,
    allowed: AllowedPairs | None = None,
    serial: bool = False,
) -> ScanResult:
    """Pool and cut for `senders` under the duals (alpha, beta), over the pairs `allowed`
    (every pair when None): a pair left out is neither pooled nor in the cut. With `count`
    (two masks, set in place) every feasible pair of those senders is counted, and each offer
    marked that has an allowed feasible counterpart with capacity. `serial`: on one thread,
    without the GIL, beside whatever else runs (Numba's thread pool stays free)."""
    r = space.r
    allowed = allowed or every_pair(len(cap_s), len(cap_r))
    s_here, r_here, ex_start, ex_pos = allowed.for_scan(packed.order)
    beta_f = beta.astype(np.float64)
    lowest_beta = np.full(48, np.inf)
    np.minimum.at(lowest_beta, r.prefecture.astype(np.int64), beta_f)
    counting = count is not None
    has_s = count[0] if counting else np.zeros(len(cap_s), np.bool_)
    has_r = np.zeros(len(cap_r), np.bool_)  # in scan order
    order = packed.order
    arguments = (
        np.ascontiguousarray(senders, dtype=np.int64), alpha.astype(np.float64),
        beta_f[order], lowest_beta, cap_s.astype(np.int64), cap_r.astype(np.int64)[order],
        pool_size, float(margin), counting, has_s, has_r, s_here, r_here, ex_start, ex_pos,
        packed.slices, space.area, packed.flags, packed.weights, packed.scoring,
        packed.base, packed.sending, packed.receiving,
    )  # fmt: skip
    if serial:
        pool_r, pool_g, sizes, cut, feasible, allowed_count = _scan_senders_serial(*arguments)
    else:
        with ONE_KERNEL_AT_A_TIME:
            pool_r, pool_g, sizes, cut, feasible, allowed_count = _scan_senders(*arguments)
    if counting:
        count[1][order[has_r]] = True
    rows = np.repeat(np.arange(len(senders)), sizes)
    columns = np.arange(len(rows)) - np.repeat(np.cumsum(sizes) - sizes, sizes)
    full_cut = np.full(len(cap_s), -float(margin))
    full_cut[senders] = cut
    return ScanResult(
        si=senders[rows].astype(np.int64),
        rj=order[pool_r[rows, columns]],
        gain=pool_g[rows, columns],
        cut=full_cut,
        feasible_pairs=int(feasible.sum()),
        allowed_pairs=int(allowed_count.sum()),
    )


def count_feasible(
    space: PairSpace,
    packed: Packed,
    cap_s: np.ndarray,
    cap_r: np.ndarray,
    allowed: AllowedPairs | None = None,
    *,
    serial: bool = False,
) -> tuple[ScanResult, tuple[np.ndarray, np.ndarray]]:
    """Every feasible pair counted (and those `allowed`), and per side which offers with
    capacity have an allowed feasible counterpart with capacity (nothing pooled: no sender
    could reach an infinite alpha). `serial`: see scan."""
    found = (np.zeros(len(cap_s), np.bool_), np.zeros(len(cap_r), np.bool_))
    result = scan(space, packed, np.arange(len(cap_s)), np.full(len(cap_s), np.inf),
                  np.zeros(len(cap_r)), cap_s, cap_r, pool_size=1, margin=0.0,
                  count=found, allowed=allowed, serial=serial)  # fmt: skip
    return result, found


@njit(cache=True, inline="always")
def _holds(sorted_values, lo, hi, value):  # pragma: no cover - compiled
    """Whether sorted_values[lo:hi] holds value (binary search)."""
    end = hi
    while lo < hi:
        mid = (lo + hi) // 2
        if sorted_values[mid] < value:
            lo = mid + 1
        else:
            hi = mid
    return lo < end and sorted_values[lo] == value


@njit(cache=True, inline="always")
def _reach(
    base_i, distance, alpha_i, lowest_beta_p, w_occ, w_dist, margin, full, root
):  # pragma: no cover - compiled
    """What a pair in a prefecture could gain at most, in the other occupations and in the
    sender's own (from its bound, the distance and the lowest beta there), and the gain a
    pair must exceed to be scored: -margin, and once the pool is full, its root."""
    other_gain = (base_i + w_dist * distance) * _SCALE - alpha_i - lowest_beta_p
    other_gain += FLOAT_MARGIN
    own_gain = other_gain + w_occ * _SCALE
    threshold = -margin
    if full and root > threshold:
        threshold = root
    return own_gain, other_gain, threshold


@njit(cache=True, inline="always")
def _passed_over(best_cut, wanted, every, own_gain, other_gain, margin):  # pragma: no cover
    """The cut, raised to cover what a full pool's root passes over in a prefecture."""
    if not wanted and own_gain > -margin:
        return max(best_cut, own_gain)
    if not every and other_gain > -margin:
        return max(best_cut, other_gain)
    return best_cut


@njit(cache=True, inline="always")
def _pool(heap_g, heap_r, size, pool_size, gain, j, best_cut):  # pragma: no cover - compiled
    """Keep a pair in the sender's pool of best gains; what the pool lets go, the cut
    covers. Returns the pool's size and the cut."""
    if size < pool_size:
        _push(heap_g, heap_r, size, gain, j)
        return size + 1, best_cut
    if gain > heap_g[0]:
        best_cut = max(best_cut, heap_g[0] + FLOAT_MARGIN)
        _replace_root(heap_g, heap_r, size, gain, j)
        return size, best_cut
    return size, max(best_cut, gain + FLOAT_MARGIN)


@njit(cache=True)
def _push(heap_g, heap_r, size, gain, j):  # pragma: no cover - compiled
    """Min-heap of gains: push when not full."""
    pos = size
    heap_g[pos], heap_r[pos] = gain, j
    while pos > 0:
        parent = (pos - 1) // 2
        if heap_g[parent] <= heap_g[pos]:
            break
        heap_g[parent], heap_g[pos] = heap_g[pos], heap_g[parent]
        heap_r[parent], heap_r[pos] = heap_r[pos], heap_r[parent]
        pos = parent


@njit(cache=True)
def _replace_root(heap_g, heap_r, size, gain, j):  # pragma: no cover - compiled
    heap_g[0], heap_r[0] = gain, j
    pos = 0
    while True:
        left = 2 * pos + 1
        if left >= size:
            break
        child = left
        if left + 1 < size and heap_g[left + 1] < heap_g[left]:
            child = left + 1
        if heap_g[pos] <= heap_g[child]:
            break
        heap_g[pos], heap_g[child] = heap_g[child], heap_g[pos]
        heap_r[pos], heap_r[child] = heap_r[child], heap_r[pos]
        pos = child


# fmt: off
@njit(cache=True, parallel=True)
def _scan_senders(
    senders, alpha, beta, lowest_beta, cap_s, cap_r, pool_size, margin, counting, has_s, has_r,
    s_here, r_here, ex_start, ex_pos, slices, area, flags, weights, scoring, base, sending,
    receiving,
):  # pragma: no cover - compiled
    # fmt: on
    n = len(senders)
    pool_r, pool_g, sizes, cut, feasible, allowed = _outputs(n, pool_size, margin)
    for t in prange(n):
        _scan_sender(
            t, senders, alpha, beta, lowest_beta, cap_s, cap_r, pool_size, margin, counting,
            has_s, has_r, s_here, r_here, ex_start, ex_pos, slices, area, flags, weights,
            scoring, base, sending, receiving, pool_r, pool_g, sizes, cut, feasible, allowed,
        )  # fmt: skip
    return pool_r, pool_g, sizes, cut, feasible, allowed


# fmt: off
@njit(cache=True, nogil=True)
def _scan_senders_serial(
    senders, alpha, beta, lowest_beta, cap_s, cap_r, pool_size, margin, counting, has_s, has_r,
    s_here, r_here, ex_start, ex_pos, slices, area, flags, weights, scoring, base, sending,
    receiving,
):  # pragma: no cover - compiled
    # fmt: on
    """_scan_senders on one thread, without the GIL: beside the solver (see count_feasible)."""
    n = len(senders)
    pool_r, pool_g, sizes, cut, feasible, allowed = _outputs(n, pool_size, margin)
    for t in range(n):
        _scan_sender(
            t, senders, alpha, beta, lowest_beta, cap_s, cap_r, pool_size, margin, counting,
            has_s, has_r, s_here, r_here, ex_start, ex_pos, slices, area, flags, weights,
            scoring, base, sending, receiving, pool_r, pool_g, sizes, cut, feasible, allowed,
        )  # fmt: skip
    return pool_r, pool_g, sizes, cut, feasible, allowed


@njit(cache=True)
def _outputs(n, pool_size, margin):  # pragma: no cover - compiled
    return (np.empty((n, pool_size), dtype=np.int64), np.empty((n, pool_size), dtype=np.float64),
            np.zeros(n, dtype=np.int64), np.full(n, -margin), np.zeros(n, dtype=np.int64),
            np.zeros(n, dtype=np.int64))  # fmt: skip


# fmt: off
@njit(cache=True)
def _scan_sender(
    t, senders, alpha, beta, lowest_beta, cap_s, cap_r, pool_size, margin, counting, has_s,
    has_r, s_here, r_here, ex_start, ex_pos, slices, area, flags, weights, scoring, base,
    sending, receiving, pool_r, pool_g, sizes, cut, feasible, allowed,
):  # pragma: no cover - compiled
    # fmt: on
    """One sender's pool, cut and counts (row t of the outputs)."""
    (s_occ, s_kind, s_pmin, s_pmax, s_from, s_until, s_company, s_quals, s_skills, s_wage,
     s_div, s_pref, s_block, s_received) = sending
    (r_occ, r_kind, r_pmin, r_pmax, r_from, r_until, r_company, r_quals, r_skills, r_wage,
     r_div, r_pref, r_block, r_received) = receiving
    n_occ = slices.shape[1] - 1
    on = (flags[0], flags[1], flags[2], flags[3], flags[4])
    w, k = as_tuple6(weights), as_tuple8(scoring)
    i = senders[t]
    giving = cap_s[i] > 0
    size, best_cut = 0, -margin
    count_i = allowed_i = 0
    marked = False
    everywhere = s_here[i]  # else only receivers of the run's office
    ex_lo, ex_hi = ex_start[i], ex_start[i + 1]
    for step in range(48):  # the sender's own prefecture first: its pool fills with the best
        p = s_pref[i] if step == 0 else step
        if p == 0 or (step > 0 and p == s_pref[i]) or not area[i, p]:
            continue
        start, end = slices[p, 0], slices[p, n_occ]
        if start == end:
            continue
        distance = pair_distance(s_pref[i], r_pref[start], s_block[i], r_block[start], k)
        full = size == pool_size
        own_gain, other_gain, threshold = _reach(
            base[i], distance, alpha[i], lowest_beta[p], w[0], w[4], margin, full,
            pool_g[t, 0],
        )  # fmt: skip
        wanted = giving and own_gain > threshold
        every = other_gain > threshold
        if giving and full:  # what the pool's root passes over, the cut covers
            best_cut = _passed_over(best_cut, wanted, every, own_gain, other_gain, margin)
        if not counting and not wanted:
            continue
        own_start, own_end = slices[p, s_occ[i]], slices[p, s_occ[i] + 1]
        lo, hi = start, end
        if not counting and not every:
            lo, hi = own_start, own_end
        for j in range(lo, hi):  # receivers in scan order
            held = not on[4] or pair_quals_held(s_quals, r_quals, i, j)
            if not pair_feasible(
                on, s_kind[i], r_kind[j], s_pmin[i], s_pmax[i], r_pmin[j], r_pmax[j], s_from[i],
                s_until[i], r_from[j], r_until[j], s_company[i], r_company[j], held,
            ):  # fmt: skip
                continue
            count_i += 1
            if not (everywhere or r_here[j]):
                continue
            if ex_lo < ex_hi and _holds(ex_pos, ex_lo, ex_hi, j):
                continue
            allowed_i += 1
            if cap_r[j] <= 0:  # the receiver takes no one more
                continue
            if giving:
                marked = True
                if counting and not has_r[j]:
                    has_r[j] = True
            if not wanted or (not every and (j < own_start or j >= own_end)):
                continue
            common, union = pair_skill_counts(s_skills, r_skills, i, j)
            gain = pair_score(
                w, k, distance, s_occ[i], r_occ[j], common, union, s_wage[i], r_wage[j],
                s_div[i], r_div[j], s_received[i], r_received[j],
            ) * _SCALE - alpha[i] - beta[j]  # fmt: skip
            if gain <= -margin:
                continue
            size, best_cut = _pool(pool_g[t], pool_r[t], size, pool_size, gain, j, best_cut)
    sizes[t] = size
    cut[t] = best_cut
    feasible[t] = count_i
    allowed[t] = allowed_i
    if counting and marked:
        has_s[i] = True
