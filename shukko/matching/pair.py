"""One pair of offers, defined once (組み合わせの定義): whether it meets the hard constraints,
and its score component by component. Compiled (Numba) and inlined where it is used: the
pricing scan (shukko.matching.scan) pair by pair, and the candidate generation and the exact
scores (shukko.matching.candidates) over blocks and lists of pairs.

A side is a tuple of arrays in the order of SIDE_FIELDS; the rules are three arrays built
from MatchingRules by `rule_arrays`: the constraints switched on, the weights, and the
scoring constants (with today's day number for waiting).

Numba's workqueue threads run one parallel kernel at a time: callers hold ONE_KERNEL_AT_A_TIME
(Prefect runs tasks on threads)."""

from __future__ import annotations

import threading
from datetime import date

import numba
import numpy as np
from numba import njit, prange

from shukko.matching.rules import MatchingRules

EPOCH = date(2000, 1, 1)
# Numba's own thread pool needs neither OpenMP nor TBB and survives a fork (the intake's
# processes); it must not run two kernels at once, and Prefect runs tasks on threads.
numba.config.THREADING_LAYER = "workqueue"
ONE_KERNEL_AT_A_TIME = threading.Lock()
COMPONENTS = ("occupation", "skills", "wage", "industry", "distance", "waiting")
SIDE_FIELDS = (
    "occupation", "kind", "period_min", "period_max", "start_from", "start_until", "company",
    "quals", "skills", "wage", "division", "prefecture", "block", "received",
)  # fmt: skip
# Positions in the scoring array.
SAME_PREFECTURE, SAME_BLOCK, ELSEWHERE, SAME_DIVISION, OTHER_DIVISION = 0, 1, 2, 3, 4
WAGE_MISSING, WAITING_FULL_DAYS, TODAY = 5, 6, 7


def day_number(day: date) -> int:
    return (day - EPOCH).days


def side_arrays(side, occupation, quals, skills) -> tuple:
    """One side's arrays in the order of SIDE_FIELDS (`side` holds the plain columns)."""
    return (occupation, side.kind, side.period_min, side.period_max, side.start_from,
            side.start_until, side.company, quals, skills, side.wage, side.division,
            side.prefecture, side.block, side.received)  # fmt: skip


def rule_arrays(rules: MatchingRules, as_of: date) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The rules as the compiled functions read them: (flags, weights, scoring)."""
    c, w, k = rules.constraints, rules.weights, rules.scoring
    flags = np.array([c.kind_compatible, c.period_overlap, c.start_window_overlap,
                      c.different_company, c.qualifications_held], dtype=np.bool_)  # fmt: skip
    weights = np.array([getattr(w, name) for name in COMPONENTS], dtype=np.float64)
    scoring = np.zeros(8, dtype=np.float64)
    scoring[SAME_PREFECTURE] = k.distance_same_prefecture
    scoring[SAME_BLOCK] = k.distance_same_block
    scoring[ELSEWHERE] = k.distance_elsewhere
    scoring[SAME_DIVISION] = k.industry_same_division
    scoring[OTHER_DIVISION] = k.industry_other_division
    scoring[WAGE_MISSING] = k.wage_missing
    scoring[WAITING_FULL_DAYS] = k.waiting_full_days
    scoring[TODAY] = day_number(as_of)
    return flags, weights, scoring


@njit(cache=True, inline="always")
def popcount(x):  # pragma: no cover - compiled
    x = x - ((x >> np.uint64(1)) & np.uint64(0x5555555555555555))
    x = (x & np.uint64(0x3333333333333333)) + ((x >> np.uint64(2)) & np.uint64(0x3333333333333333))
    x = (x + (x >> np.uint64(4))) & np.uint64(0x0F0F0F0F0F0F0F0F)
    return (x * np.uint64(0x0101010101010101)) >> np.uint64(56)


@njit(cache=True, inline="always")
def feasible(
    on, s_kind, r_kind, s_pmin, s_pmax, r_pmin, r_pmax, s_from, s_until, r_from, r_until,
    s_company, r_company, quals_held,
):  # pragma: no cover - compiled
    """Whether a pair meets every hard constraint switched on (`on`: the flags as a tuple;
    the area is the caller's, which meets receivers prefecture by prefecture)."""
    if on[0] and (s_kind & r_kind) == 0:  # 出向・移籍 compatible
        return False
    if on[1] and (s_pmin > r_pmax or r_pmin > s_pmax):  # the periods overlap
        return False
    if on[2] and (s_from > r_until or r_from > s_until):  # the start windows overlap
        return False
    if on[3] and s_company == r_company:  # two companies
        return False
    return not (on[4] and not quals_held)  # the qualifications required are held


@njit(cache=True)
def quals_held(s_quals, r_quals, i, j):  # pragma: no cover - compiled
    """Whether sender i holds every qualification receiver j requires (bit sets)."""
    for q in range(r_quals.shape[1]):  # noqa: SIM110 (compiled: no generator)
        if r_quals[j, q] & ~s_quals[i, q]:
            return False
    return True


@njit(cache=True)
def skill_counts(s_skills, r_skills, i, j):  # pragma: no cover - compiled
    """The skills both offers name, and the skills either names (bit sets)."""
    common, union = 0, 0
    for q in range(s_skills.shape[1]):
        common += popcount(s_skills[i, q] & r_skills[j, q])
        union += popcount(s_skills[i, q] | r_skills[j, q])
    return common, union


@njit(cache=True, inline="always")
def distance_of(s_pref, r_pref, s_block, r_block, scoring):  # pragma: no cover - compiled
    """The distance component: same prefecture, same block, or elsewhere."""
    if s_pref == r_pref:
        return scoring[SAME_PREFECTURE]
    if s_block == r_block:
        return scoring[SAME_BLOCK]
    return scoring[ELSEWHERE]


@njit(cache=True, inline="always")
def components(
    scoring, distance, s_occ, r_occ, common, union, s_wage, r_wage, s_div, r_div, s_received,
    r_received,
):  # pragma: no cover - compiled
    """Each component of the pair's score, in the order of COMPONENTS (`scoring`: the
    constants as a tuple; `distance` given: the scan knows it per prefecture)."""
    occupation = 1.0 if s_occ == r_occ else 0.0
    skills = common / union if union > 0 else 0.0
    if np.isnan(s_wage) or np.isnan(r_wage):
        wage = scoring[WAGE_MISSING]
    else:
        wage = 1.0 - min(max((s_wage - r_wage) / s_wage, 0.0), 1.0)
    industry = scoring[SAME_DIVISION] if s_div == r_div else scoring[OTHER_DIVISION]
    waited = (scoring[TODAY] - s_received) + (scoring[TODAY] - r_received)
    waiting = min(max(waited / (2.0 * scoring[WAITING_FULL_DAYS]), 0.0), 1.0)
    return occupation, skills, wage, industry, distance, waiting


@njit(cache=True, inline="always")
def weighted(weights, occupation, skills, wage, industry, distance, waiting):  # pragma: no cover
    """The pair's score: each component times its weight, summed in COMPONENTS' order."""
    score = 0.0
    score += weights[0] * occupation
    score += weights[1] * skills
    score += weights[2] * wage
    score += weights[3] * industry
    score += weights[4] * distance
    score += weights[5] * waiting
    return score


@njit(cache=True, inline="always")
def score(
    weights, scoring, distance, s_occ, r_occ, common, union, s_wage, r_wage, s_div, r_div,
    s_received, r_received,
):  # pragma: no cover - compiled
    """The pair's score from its values (`components`, then `weighted`)."""
    occupation, skills, wage, industry, distance, waiting = components(
        scoring, distance, s_occ, r_occ, common, union, s_wage, r_wage, s_div, r_div,
        s_received, r_received,
    )  # fmt: skip
    return weighted(weights, occupation, skills, wage, industry, distance, waiting)


@njit(cache=True, parallel=True)
def block_scores(si, rj, s, r, flags, weights, scoring):  # pragma: no cover - compiled
    """The score of every pair of a block in float32 (for ranking; `score_pairs` gives the
    full precision), -inf where the pair is not feasible: one pass, on every core."""
    on = (flags[0], flags[1], flags[2], flags[3], flags[4])
    w, k = as_tuple6(weights), as_tuple8(scoring)
    _s_occ, s_kind, s_pmin, s_pmax, s_from, s_until, s_company, s_quals = s[:8]
    _r_occ, r_kind, r_pmin, r_pmax, r_from, r_until, r_company, r_quals = r[:8]
    s_occ, s_skills, s_wage, s_div, s_pref, s_block, s_received = _scored(s)
    r_occ, r_skills, r_wage, r_div, r_pref, r_block, r_received = _scored(r)
    out = np.empty((len(si), len(rj)), dtype=np.float32)
    for a in prange(len(si)):
        i = si[a]
        for b in range(len(rj)):
            j = rj[b]
            held = not on[4] or quals_held(s_quals, r_quals, i, j)
            if not feasible(
                on, s_kind[i], r_kind[j], s_pmin[i], s_pmax[i], r_pmin[j], r_pmax[j], s_from[i],
                s_until[i], r_from[j], r_until[j], s_company[i], r_company[j], held,
            ):  # fmt: skip
                out[a, b] = -np.inf
                continue
            common, union = skill_counts(s_skills, r_skills, i, j)
            out[a, b] = score(
                w, k, distance_of(s_pref[i], r_pref[j], s_block[i], r_block[j], k), s_occ[i],
                r_occ[j], common, union, s_wage[i], r_wage[j], s_div[i], r_div[j],
                s_received[i], r_received[j],
            )  # fmt: skip
    return out


@njit(cache=True)
def score_pairs(si, rj, s, r, weights, scoring):  # pragma: no cover - compiled
    """Each component of each listed pair and its score, in full precision: (pairs x 7),
    the components in COMPONENTS' order, then the score."""
    w, k = as_tuple6(weights), as_tuple8(scoring)
    s_occ, s_skills, s_wage, s_div, s_pref, s_block, s_received = _scored(s)
    r_occ, r_skills, r_wage, r_div, r_pref, r_block, r_received = _scored(r)
    out = np.empty((len(si), 7), dtype=np.float64)
    for n in range(len(si)):
        i, j = si[n], rj[n]
        common, union = skill_counts(s_skills, r_skills, i, j)
        occupation, skills, wage, industry, distance, waiting = components(
            k, distance_of(s_pref[i], r_pref[j], s_block[i], r_block[j], k), s_occ[i],
            r_occ[j], common, union, s_wage[i], r_wage[j], s_div[i], r_div[j], s_received[i],
            r_received[j],
        )  # fmt: skip
        out[n, 0], out[n, 1], out[n, 2] = occupation, skills, wage
        out[n, 3], out[n, 4], out[n, 5] = industry, distance, waiting
        out[n, 6] = weighted(w, occupation, skills, wage, industry, distance, waiting)
    return out


@njit(cache=True, inline="always")
def _scored(side):  # pragma: no cover - compiled
    """The arrays a score reads, from a side's tuple (SIDE_FIELDS)."""
    return side[0], side[8], side[9], side[10], side[11], side[12], side[13]


@njit(cache=True, inline="always")
def as_tuple6(values):  # pragma: no cover - compiled
    return (values[0], values[1], values[2], values[3], values[4], values[5])


@njit(cache=True, inline="always")
def as_tuple8(values):  # pragma: no cover - compiled
    return (values[0], values[1], values[2], values[3], values[4], values[5], values[6],
            values[7])  # fmt: skip
