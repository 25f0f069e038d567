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
from shukko.matching import pair
from shukko.matching.pair import COMPONENTS, day_number
from shukko.matching.rules import MatchingRules

KIND_BITS = {"secondment": 1, "transfer": 2, "either": 3}
MAX_PAIRS_PER_CHUNK = 2_000_000
BUCKET_ABOVE = 250_000  # pairs in a prefecture above which occupations are met in buckets


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


def breakdown(edges: Edges, index: int, rules: MatchingRules) -> dict[str, float]:
    """Why an edge scores what it does: each component times its weight."""
    weights = rules.weights.model_dump()
    return {
        name: round(weights[name] * float(edges.components[name][index]), 3) for name in COMPONENTS
    }


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
        self.start_from = np.array([day_number(o.start_from) for o in r], dtype=np.int32)
        self.start_until = np.array([day_number(o.start_until) for o in r], dtype=np.int32)
        self.wage = np.array(
            [np.nan if o.wage is None else float(o.wage) for o in r], dtype=np.float64
        )
        self.received = np.array([day_number(o.received_on) for o in r], dtype=np.int32)


def _bitmasks(sets: list[set[str]], vocabulary: dict[str, int], words: int) -> np.ndarray:
    masks = np.zeros((len(sets), words), dtype=np.uint64)
    for row, items in enumerate(sets):
        for item in items:
            bit = vocabulary.get(item)
            if bit is not None:
                masks[row, bit // 64] |= np.uint64(1) << np.uint64(bit % 64)
    return masks


class PairSpace:
    """Both sides as arrays, and every pair that may be feasible met block by block: each
    receiving prefecture with the senders whose acceptable area includes it. Shared by the
    candidate generation and the pricing scan (shukko.matching.pricing)."""

    def __init__(
        self,
        sending: list[OfferRecord],
        receiving: list[OfferRecord],
        *,
        rules: MatchingRules,
        as_of: date,
        block_overrides: dict[str, str] | None = None,
    ) -> None:
        self.rules, self.as_of = rules, as_of
        self.s, self.r = s, r = _Side(sending), _Side(receiving)
        blocks = {p.code: BLOCK_NAMES.index(block_of(p.code, block_overrides)) for p in PREFECTURES}
        block_of_pref = np.zeros(48, dtype=np.int16)
        for code, index in blocks.items():
            block_of_pref[int(code)] = index
        s.block, r.block = block_of_pref[s.prefecture], block_of_pref[r.prefecture]

        # Where each sender may work: a (senders x 48) mask over prefecture codes.
        self.area = area = np.zeros((len(sending), 48), dtype=bool)
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
        self.s_skills = _bitmasks([set(o.skills) for o in sending], skill_vocab, skill_words)
        self.r_skills = _bitmasks([set(o.skills) for o in receiving], skill_vocab, skill_words)
        required = sorted({q for o in receiving for q in o.qualifications})
        qual_vocab = {q: i for i, q in enumerate(required)}
        qual_words = max(1, (len(qual_vocab) + 63) // 64)
        self.s_quals = _bitmasks([set(o.qualifications) for o in sending], qual_vocab, qual_words)
        self.r_quals = _bitmasks([set(o.qualifications) for o in receiving], qual_vocab, qual_words)
        self.receivers_by_pref = {
            p: np.flatnonzero(r.prefecture == p) for p in np.unique(r.prefecture).tolist()
        }
        # Both sides as shukko.matching.pair reads them: occupations as indices into the
        # codes of both sides, and the rules as arrays.
        self.occupation_codes = codes = np.unique(np.concatenate([s.occupation, r.occupation]))
        self.s_arrays = pair.side_arrays(
            s, np.searchsorted(codes, s.occupation).astype(np.int64), self.s_quals, self.s_skills
        )
        self.r_arrays = pair.side_arrays(
            r, np.searchsorted(codes, r.occupation).astype(np.int64), self.r_quals, self.r_skills
        )
        self.flags, self.weights, self.scoring = pair.rule_arrays(rules, as_of)

    def block_scores(self, senders: np.ndarray, receivers: np.ndarray) -> np.ndarray:
        """The score of every pair of a block, in float32 (for ranking and bounds; `edges`
        gives the exact figures), -inf where a hard constraint fails."""
        senders, receivers = _ids(senders), _ids(receivers)
        with pair.ONE_KERNEL_AT_A_TIME:
            return pair.block_scores(senders, receivers, self.s_arrays, self.r_arrays,
                                     self.flags, self.weights, self.scoring)  # fmt: skip

    def edges(self, si: np.ndarray, rj: np.ndarray) -> Edges:
        """The listed pairs with each component and their score, in full precision."""
        scored = pair.score_pairs(_ids(si), _ids(rj), self.s_arrays, self.r_arrays,
                                  self.weights, self.scoring)  # fmt: skip
        components = {name: scored[:, c] for c, name in enumerate(COMPONENTS)}
        return Edges(si, rj, components, scored[:, 6])


def _ids(indices: np.ndarray) -> np.ndarray:
    return np.ascontiguousarray(indices, dtype=np.int64)


def generate(
    sending: list[OfferRecord],
    receiving: list[OfferRecord],
    *,
    rules: MatchingRules,
    as_of: date,
    block_overrides: dict[str, str] | None = None,
    space: PairSpace | None = None,
) -> Edges:
    """Every feasible pair, scored; each sending offer keeps its best
    `rules.pruning.per_sending_offer` edges and each receiving offer its best
    `rules.pruning.per_receiving_offer`. Large prefectures meet other occupations only where
    an offer is short of candidates (shukko.matching.scan counts every feasible pair)."""
    space = space or PairSpace(
        sending, receiving, rules=rules, as_of=as_of, block_overrides=block_overrides
    )
    s, r = space.s, space.r
    area = space.area
    keep = rules.pruning.per_sending_offer
    keep_r = rules.pruning.per_receiving_offer
    parts: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []
    receivers_by_pref = space.receivers_by_pref

    def visit(senders: np.ndarray, receivers: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        return _visit(space, senders, receivers, keep, keep_r, parts)

    for pref, receivers in receivers_by_pref.items():
        senders = np.flatnonzero(area[:, pref])
        if not len(senders):
            continue
        if len(senders) * len(receivers) <= BUCKET_ABOVE or keep >= len(receivers):
            visit(senders, receivers)
            continue
        # Large prefectures: pairs of the same occupation first (that match weighs most);
        # offers left with fewer than `keep` candidates then meet every occupation.
        s_occ, r_occ = s.occupation[senders], r.occupation[receivers]
        short_s, r_found = [], np.zeros(len(receivers), dtype=np.int64)
        for occupation in np.unique(np.concatenate([s_occ, r_occ])).tolist():
            s_here = senders[s_occ == occupation]
            r_mask = r_occ == occupation
            counts, found = visit(s_here, receivers[r_mask])
            short_s.append(s_here[counts < keep])
            r_found[r_mask] = found
        short_s = np.concatenate(short_s) if short_s else np.zeros(0, dtype=np.int64)
        if len(short_s):  # these senders meet the other occupations too
            visit(short_s, receivers)
        short_r = receivers[r_found < keep_r]
        if len(short_r):
            visit(senders, short_r)
    if not parts:
        empty = np.zeros(0, dtype=np.int64)
        return Edges(empty, empty, {k: np.zeros(0) for k in COMPONENTS}, np.zeros(0))
    si = np.concatenate([p[0] for p in parts])
    rj = np.concatenate([p[1] for p in parts])
    block_total = np.concatenate([p[2] for p in parts])
    parts.clear()
    # A pair met in two passes is one edge.
    _unique, first = np.unique(si * len(receiving) + rj, return_index=True)
    si, rj, block_total = si[first], rj[first], block_total[first]
    chosen = _best_per_group(si, block_total, keep) | _best_per_group(rj, block_total, keep_r)
    si, rj = si[chosen], rj[chosen]
    # The breakdown, in full precision, only for the edges kept.
    return space.edges(si, rj)


def _visit(
    space: PairSpace, senders: np.ndarray, receivers: np.ndarray, keep: int, keep_r: int,
    parts: list,
) -> tuple[np.ndarray, np.ndarray]:  # fmt: skip
    """Score a block in chunks, adding each chunk's best pairs to `parts`; returns the
    feasible counterparts each sender and each receiver found."""
    counts = np.zeros(len(senders), dtype=np.int64)
    found = np.zeros(len(receivers), dtype=np.int64)
    if not len(senders) or not len(receivers):
        return counts, found
    step = max(1, MAX_PAIRS_PER_CHUNK // len(receivers))
    for start in range(0, len(senders), step):
        chunk = senders[start : start + step]
        # Blocks of (senders x receivers), compiled: no index arrays per pair.
        total = space.block_scores(chunk, receivers)
        ok = np.isfinite(total)
        counts[start : start + step] = ok.sum(axis=1)
        found += ok.sum(axis=0)
        if not counts[start : start + step].any():
            continue
        rows, cols = _top_in_block(total, keep, keep_r)
        parts.append((chunk[rows], receivers[cols], total[rows, cols]))
    return counts, found


def _top_in_block(total: np.ndarray, keep: int, keep_column: int) -> tuple[np.ndarray, np.ndarray]:
    """(row, column) of each row's `keep` and each column's `keep_column` best feasible
    entries."""
    n_rows, n_cols = total.shape
    chosen = np.zeros(total.shape, dtype=bool)
    if n_cols > keep:
        best = np.argpartition(-total, keep - 1, axis=1)[:, :keep]
        chosen[np.arange(n_rows)[:, None], best] = True
    else:
        chosen[:] = True
    if n_rows > keep_column:
        best = np.argpartition(-total, keep_column - 1, axis=0)[:keep_column, :]
        chosen[best, np.arange(n_cols)[None, :]] = True
    else:
        chosen[:] = True
    chosen &= np.isfinite(total)
    return np.nonzero(chosen)


def _best_per_group(group: np.ndarray, score: np.ndarray, keep: int) -> np.ndarray:
    """A mask of each group's `keep` best entries (ties broken by position, so stable)."""
    if not len(group):
        return np.zeros(0, dtype=bool)
    # One stable sort on a combined key (group, then best score first) instead of lexsort.
    span = float(np.max(score) - np.min(score)) + 1.0
    key = group.astype(np.float64) * span + (np.max(score) - score.astype(np.float64))
    order = np.argsort(key, kind="stable")
    sorted_group = group[order]
    starts = np.r_[0, np.flatnonzero(np.diff(sorted_group)) + 1]
    first = np.repeat(starts, np.diff(np.r_[starts, len(sorted_group)]))
    rank = np.arange(len(sorted_group)) - first
    mask = np.zeros(len(group), dtype=bool)
    mask[order[rank < keep]] = True
    return mask
