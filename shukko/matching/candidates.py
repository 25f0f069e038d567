"""Feasible pairs of open offers under the hard constraints, scored component by component,
vectorised with NumPy and generated prefecture by prefecture in chunks, so no sending x
receiving matrix is ever held in memory; each offer keeps only its best candidate edges."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

import numpy as np

from models.reference import BLOCK_NAMES, PREFECTURES, block_of, industry_division
from shukko.matching.rules import MatchingRules

KIND_BITS = {"secondment": 1, "transfer": 2, "either": 3}
COMPONENTS = ("occupation", "skills", "wage", "industry", "distance", "waiting")
MAX_PAIRS_PER_CHUNK = 2_000_000
EPOCH = date(2000, 1, 1)


@dataclass
class OfferRecord:
    """One open offer as matching sees it (no personal data: offers carry none)."""

    id: int
    company_id: int
    kind: str
    prefecture: str  # sending: the company's location; receiving: the workplace (勤務地)
    industry: str  # JSIC group or division of the company
    occupation: str
    received_on: date
    start_from: date
    start_until: date
    remaining: int  # headcount minus persons already in open cases
    period_min: int = 1
    period_max: int = 24
    wage: int | None = None
    skills: Sequence[str] = ()
    qualifications: Sequence[str] = ()  # sending: held; receiving: required
    area: Sequence[str] = ()  # sending only: prefecture codes, block names or 全国
    office: str = ""  # the office that took the offer


@dataclass
class Edges:
    """Candidate edges: index pairs into the sending and receiving lists, with components."""

    sending: np.ndarray
    receiving: np.ndarray
    components: dict[str, np.ndarray]
    total: np.ndarray
    feasible_pairs: int = 0


def _days(day: date) -> int:
    return (day - EPOCH).days


@dataclass
class _Side:
    records: list[OfferRecord]
    company: np.ndarray = field(init=False)
    kind: np.ndarray = field(init=False)
    prefecture: np.ndarray = field(init=False)
    block: np.ndarray = field(init=False)
    division: np.ndarray = field(init=False)
    occupation: np.ndarray = field(init=False)
    period_min: np.ndarray = field(init=False)
    period_max: np.ndarray = field(init=False)
    start_from: np.ndarray = field(init=False)
    start_until: np.ndarray = field(init=False)
    wage: np.ndarray = field(init=False)
    received: np.ndarray = field(init=False)

    def __post_init__(self) -> None:
        r = self.records
        self.company = np.array([o.company_id for o in r], dtype=np.int64)
        self.kind = np.array([KIND_BITS[str(o.kind)] for o in r], dtype=np.int8)
        self.prefecture = np.array([int(o.prefecture) for o in r], dtype=np.int16)
        self.division = np.array([ord(industry_division(o.industry)) for o in r], dtype=np.int16)
        self.occupation = np.array([ord(o.occupation) for o in r], dtype=np.int16)
        self.period_min = np.array([o.period_min for o in r], dtype=np.int16)
        self.period_max = np.array([o.period_max for o in r], dtype=np.int16)
        self.start_from = np.array([_days(o.start_from) for o in r], dtype=np.int32)
        self.start_until = np.array([_days(o.start_until) for o in r], dtype=np.int32)
        self.wage = np.array(
            [np.nan if o.wage is None else float(o.wage) for o in r], dtype=np.float64
        )
        self.received = np.array([_days(o.received_on) for o in r], dtype=np.int32)


def _bitmasks(sets: list[set[str]], vocabulary: dict[str, int], words: int) -> np.ndarray:
    masks = np.zeros((len(sets), words), dtype=np.uint64)
    for row, items in enumerate(sets):
        for item in items:
            bit = vocabulary.get(item)
            if bit is not None:
                masks[row, bit // 64] |= np.uint64(1) << np.uint64(bit % 64)
    return masks


def _popcount(values: np.ndarray) -> np.ndarray:
    return np.bitwise_count(values).sum(axis=-1)


def generate(
    sending: list[OfferRecord],
    receiving: list[OfferRecord],
    *,
    rules: MatchingRules,
    as_of: date,
    block_overrides: dict[str, str] | None = None,
) -> Edges:
    """Every feasible pair, scored; each offer keeps its best `rules.pruning.per_offer`."""
    s, r = _Side(sending), _Side(receiving)
    blocks = {p.code: BLOCK_NAMES.index(block_of(p.code, block_overrides)) for p in PREFECTURES}
    block_of_pref = np.zeros(48, dtype=np.int16)
    for code, index in blocks.items():
        block_of_pref[int(code)] = index
    s.block, r.block = block_of_pref[s.prefecture], block_of_pref[r.prefecture]

    # Where each sender may work: a (senders x 48) mask over prefecture codes.
    area = np.zeros((len(sending), 48), dtype=bool)
    for row, offer in enumerate(sending):
        tokens = list(offer.area) or [block_of(offer.prefecture, block_overrides)]
        for token in tokens:
            if token == "全国" or not rules.constraints.within_acceptable_area:
                area[row, 1:] = True
            elif token in BLOCK_NAMES:
                area[row, 1:] |= block_of_pref[1:] == BLOCK_NAMES.index(token)
            else:
                area[row, int(token)] = True

    skill_counts = Counter(k for o in (*sending, *receiving) for k in set(o.skills))
    skill_vocab = {k: i for i, (k, _n) in enumerate(skill_counts.most_common(256))}
    skill_words = max(1, (len(skill_vocab) + 63) // 64)
    s_skills = _bitmasks([set(o.skills) for o in sending], skill_vocab, skill_words)
    r_skills = _bitmasks([set(o.skills) for o in receiving], skill_vocab, skill_words)
    required = sorted({q for o in receiving for q in o.qualifications})
    qual_vocab = {q: i for i, q in enumerate(required)}
    qual_words = max(1, (len(qual_vocab) + 63) // 64)
    s_quals = _bitmasks([set(o.qualifications) for o in sending], qual_vocab, qual_words)
    r_quals = _bitmasks([set(o.qualifications) for o in receiving], qual_vocab, qual_words)

    keep = rules.pruning.per_offer
    parts: list[tuple[np.ndarray, np.ndarray, dict[str, np.ndarray]]] = []
    feasible = 0
    receivers_by_pref = {
        p: np.flatnonzero(r.prefecture == p) for p in np.unique(r.prefecture).tolist()
    }
    for pref, receivers in receivers_by_pref.items():
        senders = np.flatnonzero(area[:, pref])
        if not len(senders) or not len(receivers):
            continue
        step = max(1, MAX_PAIRS_PER_CHUNK // len(receivers))
        for start in range(0, len(senders), step):
            chunk = senders[start : start + step]
            si = np.repeat(chunk, len(receivers))
            rj = np.tile(receivers, len(chunk))
            ok = _feasible(s, r, si, rj, s_quals, r_quals, rules)
            si, rj = si[ok], rj[ok]
            feasible += len(si)
            if not len(si):
                continue
            components = _score(s, r, si, rj, s_skills, r_skills, rules, as_of)
            total = _total(components, rules)
            chosen = _best_per_group(si, total, keep) | _best_per_group(rj, total, keep)
            parts.append((si[chosen], rj[chosen], {k: v[chosen] for k, v in components.items()}))
    if not parts:
        empty = np.zeros(0, dtype=np.int64)
        return Edges(empty, empty, {k: np.zeros(0) for k in COMPONENTS}, np.zeros(0), 0)
    si = np.concatenate([p[0] for p in parts])
    rj = np.concatenate([p[1] for p in parts])
    components = {k: np.concatenate([p[2][k] for p in parts]) for k in COMPONENTS}
    total = _total(components, rules)
    chosen = _best_per_group(si, total, keep) | _best_per_group(rj, total, keep)
    return Edges(
        si[chosen],
        rj[chosen],
        {k: v[chosen] for k, v in components.items()},
        total[chosen],
        feasible,
    )


def _feasible(s, r, si, rj, s_quals, r_quals, rules: MatchingRules) -> np.ndarray:
    c = rules.constraints
    ok = np.ones(len(si), dtype=bool)
    if c.kind_compatible:
        ok &= (s.kind[si] & r.kind[rj]) != 0
    if c.period_overlap:
        ok &= (s.period_min[si] <= r.period_max[rj]) & (r.period_min[rj] <= s.period_max[si])
    if c.start_window_overlap:
        ok &= (s.start_from[si] <= r.start_until[rj]) & (r.start_from[rj] <= s.start_until[si])
    if c.different_company:
        ok &= s.company[si] != r.company[rj]
    if c.qualifications_held:
        ok &= np.all((r_quals[rj] & ~s_quals[si]) == 0, axis=1)
    return ok


def _score(s, r, si, rj, s_skills, r_skills, rules: MatchingRules, as_of: date):
    k = rules.scoring
    union = _popcount(s_skills[si] | r_skills[rj])
    common = _popcount(s_skills[si] & r_skills[rj])
    skills = np.where(union > 0, common / np.maximum(union, 1), 0.0)
    sw, rw = s.wage[si], r.wage[rj]
    with np.errstate(invalid="ignore", divide="ignore"):
        shortfall = np.clip((sw - rw) / sw, 0.0, 1.0)
    wage = np.where(np.isnan(sw) | np.isnan(rw), k.wage_missing, 1.0 - shortfall)
    same_pref = s.prefecture[si] == r.prefecture[rj]
    same_block = s.block[si] == r.block[rj]
    distance = np.where(
        same_pref,
        k.distance_same_prefecture,
        np.where(same_block, k.distance_same_block, k.distance_elsewhere),
    )
    industry = np.where(
        s.division[si] == r.division[rj], k.industry_same_division, k.industry_other_division
    )
    today = _days(as_of)
    waited = (today - s.received[si]) + (today - r.received[rj])
    waiting = np.clip(waited / (2 * k.waiting_full_days), 0.0, 1.0)
    return {
        "occupation": (s.occupation[si] == r.occupation[rj]).astype(np.float64),
        "skills": skills.astype(np.float64),
        "wage": wage,
        "industry": industry.astype(np.float64),
        "distance": distance.astype(np.float64),
        "waiting": waiting.astype(np.float64),
    }


def _total(components: dict[str, np.ndarray], rules: MatchingRules) -> np.ndarray:
    weights = rules.weights.model_dump()
    return sum(weights[name] * components[name] for name in COMPONENTS)


def _best_per_group(group: np.ndarray, score: np.ndarray, keep: int) -> np.ndarray:
    """A mask of each group's `keep` best entries (ties broken by position, so stable)."""
    order = np.lexsort((np.arange(len(group)), -score, group))
    sorted_group = group[order]
    starts = np.r_[0, np.flatnonzero(np.diff(sorted_group)) + 1]
    first = np.repeat(starts, np.diff(np.r_[starts, len(sorted_group)]))
    rank = np.arange(len(sorted_group)) - first
    mask = np.zeros(len(group), dtype=bool)
    mask[order[rank < keep]] = True
    return mask
