"""Suggestions: for every counselled registrant who consented, the openings that fit best;
for every counselled job seeker of a transfer (移籍の求職者) who consented, the receiving
offers open to transfers that fit best — one scorer for both (a receiving offer is full-time
work at its monthly wage; one without a wage scores 0.5 on wage).

Hard rules: the opening is open, not past its date, has places left, lies in a prefecture the
registrant wants (blocks and 全国 expanded; none given means the registrant's own office's
prefecture), offers an employment type the registrant takes (full-time or part-time; contract
work fits both), the registrant holds every qualification it requires, and it still takes
people on the day after the registrant leaves (a receiving offer's latest start). Never an opening
already introduced to the registrant, never a pair suggested before.

Score (weights below, each component 0..1, all stored with the suggestion): occupation
experience, area (the home prefecture above the others wanted), employment type and hours,
wage against the wish (monthly and hourly compared at the opening's hours), qualifications.
Scored prefecture by prefecture as arrays (numpy), so a national run is seconds.
"""

from __future__ import annotations

import os
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from datetime import date

import numpy as np
from sqlalchemy import select
from sqlmodel import Session

from models import (
    Introduction,
    Registrant,
    Suggestion,
)
from models.reference import PREFECTURES
from shukko.bank.arrays import (
    ELIGIBLE_STATES,
    PREFECTURE_INDEX,
    TYPES,
    OpeningArrays,
    RegistrantArrays,
    area_prefectures,
    eligible_registrants,
    open_targets,
    registrant_arrays,
)
from shukko.bank.targets import TARGETS
from states.bank import CAREER_BANK

__all__ = ["area_prefectures", "best_for", "suggest"]

WEIGHTS = {
    "occupation": 0.35,
    "area": 0.15,
    "employment": 0.15,
    "wage": 0.25,
    "qualifications": 0.10,
}
def qualification_masks(reg: RegistrantArrays, op: OpeningArrays) -> None:
    """Bits over the qualifications the openings require (64 to a word), for both sides."""
    vocabulary = {q: n for n, q in enumerate(sorted(set().union(*op.required)))}
    words = max(1, -(-len(vocabulary) // 64))

    def masks(sets: list[frozenset[str]]) -> np.ndarray:
        out = np.zeros((len(sets), words), dtype=np.uint64)
        for row, held in enumerate(sets):
            for q in held:
                bit = vocabulary.get(q)
                if bit is not None:
                    out[row, bit // 64] |= np.uint64(1 << (bit % 64))
        return out

    reg.qual_mask, op.required_mask = masks(reg.quals), masks(op.required)


def components(
    reg: RegistrantArrays, ri: np.ndarray, op: OpeningArrays, oj: np.ndarray
) -> tuple[dict[str, np.ndarray], np.ndarray]:
    """Each component for registrants `ri` against openings `oj` (index arrays that
    broadcast: a column against a row gives a matrix, two vectors give pairs), and where the
    hard rules hold."""
    one = np.float32(1.0)
    experience, occupation_bit = reg.occupations[ri], op.occupation[oj]
    occupation = np.where(
        experience == 0,
        np.float32(0.5),
        np.where((experience & occupation_bit) != 0, one, np.float32(0.2)),
    )
    area = np.where(reg.home[ri] == op.prefecture[oj], one, np.float32(0.7))
    wanted, offered = reg.wanted_type[ri], op.type[oj]
    either = wanted == TYPES["either"]
    exact = (wanted == offered) | either
    type_ok = exact | (offered == TYPES["contract"])
    type_fit = np.where(exact, one, np.where(type_ok, np.float32(0.8), np.float32(0.0)))
    r_hours, o_hours = reg.hours[ri], op.hours[oj]
    gap = np.minimum(one, np.abs(r_hours - o_hours) / np.float32(20))
    hours_fit = np.where((r_hours > 0) & (o_hours > 0), one - gap, one)
    r_wage, o_wage = reg.wage[ri], op.wage[oj]
    wage = np.where(r_wage > 0, np.minimum(one, o_wage / np.maximum(r_wage, one)), one)
    wage = np.where(o_wage < 0, np.float32(0.5), wage)  # the offer names no wage
    required = op.required_mask[oj]  # (..., words)
    requires = np.any(required != 0, axis=-1)
    if not requires.any():  # nothing required here: every pair holds
        held = np.True_
    elif required.shape[-1] == 1:  # one word of bits: no reduction over words
        held = (required[..., 0] & ~reg.qual_mask[ri][..., 0]) == 0
    else:
        held = np.all((required & ~reg.qual_mask[ri]) == 0, axis=-1)
    qualifications = np.where(requires, one, np.float32(0.8))
    parts = {
        "occupation": occupation,
        "area": np.broadcast_to(area, occupation.shape),
        "employment": type_fit * hours_fit,
        "wage": np.broadcast_to(wage, occupation.shape),
        "qualifications": np.broadcast_to(qualifications, occupation.shape),
    }
    in_time = _in_time(reg, ri, op, oj)
    return parts, type_ok & held & in_time


def _in_time(reg: RegistrantArrays, ri, op: OpeningArrays, oj):
    """The opening still takes people on the day after the person leaves (a receiving
    offer's latest start, an opening's date)."""
    if reg.earliest_start is None or op.latest_start is None:
        return np.True_
    return op.latest_start[oj] >= reg.earliest_start[ri]


def best_pairs(
    reg: RegistrantArrays, op: OpeningArrays, keep: int, exclude: set[int]
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Each registrant's best `keep` openings over every prefecture they want, as arrays of
    (registrant index, opening index, score) sorted by registrant then score; pairs in
    `exclude` (registrant id << 32 | opening id) left out."""
    if reg.qual_mask is None or op.required_mask is None:
        qualification_masks(reg, op)
    by_prefecture: dict[int, list[int]] = defaultdict(list)
    for i, wanted in enumerate(reg.prefectures):
        for code in wanted:
            by_prefecture[PREFECTURE_INDEX[code]].append(i)
    order = np.argsort(op.prefecture, kind="stable")
    bounds = np.searchsorted(op.prefecture[order], np.arange(len(PREFECTURES) + 1))
    # sorted once: each block looks its keys up by bisection (np.isin sorted the whole set
    # again for every block, most of a night's suggestions once the year has grown)
    excluded = np.sort(np.fromiter(exclude, dtype=np.int64, count=len(exclude)))
    weights = {name: np.float32(w) for name, w in WEIGHTS.items()}

    def block(ri: np.ndarray, oj: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The best pairs of registrants `ri` among openings `oj` (one prefecture)."""
        room = min(len(oj), keep + 8)
        parts, ok = components(reg, ri[:, None], op, oj[None, :])
        total = np.zeros((len(ri), len(oj)), dtype=np.float32)
        for name, values in parts.items():
            total += weights[name] * values
        total[~np.broadcast_to(ok, total.shape)] = -1
        top = np.argpartition(-total, room - 1, axis=1)[:, :room]
        scores = np.take_along_axis(total, top, axis=1).ravel()
        rows = np.repeat(ri, room)
        openings = oj[top].ravel()
        keys = (reg.ids[rows] << 32) | op.ids[openings]
        chosen = (scores >= 0) & ~_member(keys, excluded)
        return rows[chosen], openings[chosen], scores[chosen]

    work = []
    for prefecture, members in by_prefecture.items():
        oj = order[bounds[prefecture] : bounds[prefecture + 1]]
        if not len(oj):
            continue
        ri_all = np.array(members)
        # slices of registrants: memory stays bounded (a slice is 1,024 x the prefecture)
        work += [(ri_all[start : start + 1024], oj) for start in range(0, len(ri_all), 1024)]
    # numpy releases the GIL in its loops: the blocks share the cores.
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
        results = list(pool.map(lambda args: block(*args), work))
    found_r = [r for r, _o, _s in results]
    found_o = [o for _r, o, _s in results]
    found_s = [s for _r, _o, s in results]
    if not found_r:
        empty = np.array([], dtype=np.int64)
        return empty, empty, np.array([], dtype=np.float32)
    rows, openings, scores = map(np.concatenate, (found_r, found_o, found_s))
    ranked = np.lexsort((op.ids[openings], -scores, rows))
    rows, openings, scores = rows[ranked], openings[ranked], scores[ranked]
    first = np.searchsorted(rows, rows, side="left")
    rank = np.arange(len(rows)) - first
    best = rank < keep
    return rows[best], openings[best], scores[best]


def _member(keys: np.ndarray, sorted_set: np.ndarray) -> np.ndarray:
    """Which keys are in the sorted array."""
    if not len(sorted_set):
        return np.zeros(keys.shape, dtype=bool)
    at = np.minimum(np.searchsorted(sorted_set, keys), len(sorted_set) - 1)
    return sorted_set[at] == keys


def explained(reg, op, rows, openings, scores) -> list[tuple[int, int, float, dict]]:
    """(registrant id, opening index, score, components) for chosen pairs."""
    parts, _ok = components(reg, rows, op, openings)
    values = {name: np.round(v.astype(np.float64), 3) for name, v in parts.items()}
    return [
        (
            int(reg.ids[rows[n]]),
            int(openings[n]),
            round(float(scores[n]), 4),
            {name: float(values[name][n]) for name in WEIGHTS},
        )
        for n in range(len(rows))
    ]


def _excluded(session: Session, programme: str) -> set[int]:
    """Pairs introduced or suggested already, as registrant id << 32 | target id (of the
    people who may still be suggested: the others' pairs grow with every year)."""
    target = TARGETS[programme]
    excluded: set[int] = set()
    for table in (Introduction, Suggestion):
        column = target.of(table)
        for registrant, row in session.execute(
            select(table.registrant_id, column)
            .join(Registrant, Registrant.id == table.registrant_id)
            .where(column.is_not(None), Registrant.state.in_(ELIGIBLE_STATES))
        ):
            excluded.add(registrant << 32 | row)
    return excluded


def suggest(
    session: Session, *, as_of: date, per_registrant: int, office: str | None = None,
    programme: str = CAREER_BANK,
) -> dict:  # fmt: skip
    """Store new suggestions for every eligible person of the programme; returns counts and
    the new rows (ids and scores only)."""
    reg = eligible_registrants(session, office, programme)
    op = open_targets(session, programme, as_of)
    excluded = _excluded(session, programme)
    column = TARGETS[programme].column
    pairs = explained(reg, op, *best_pairs(reg, op, per_registrant, excluded))
    rows = [
        {
            "registrant_id": registrant,
            "opening_id": None,
            "receiving_offer_id": None,
            column: int(op.ids[index]),
            "score": score,
            "breakdown": parts,
            "suggested_on": as_of,
        }
        for registrant, index, score, parts in pairs
    ]
    if rows:
        session.execute(Suggestion.__table__.insert(), rows)
    return {
        "registrants": len(reg.ids),
        "openings": len(op.ids),
        "suggested": len(rows),
        "registrants_with_new": len({row["registrant_id"] for row in rows}),
        "had_before": len(excluded),
        "rows": [
            {"registrant_id": r["registrant_id"], "opening_id": r[column], "score": r["score"]}
            for r in rows
        ],
    }


def best_for(session: Session, *, registrant_id: int, top: int, as_of: date) -> list[dict]:
    """One person's best openings (or receiving offers) now, those already introduced left
    out; stores nothing. Works for any open registrant, consent or not (the consultant is
    looking)."""
    registrant = session.get(Registrant, registrant_id)
    if registrant is None:
        from shukko.errors import NotFound

        raise NotFound(code="not_found.registrant", registrant_id=registrant_id)
    target = TARGETS[registrant.programme]
    reg = registrant_arrays([registrant])
    op = open_targets(session, registrant.programme, as_of)
    introduced = {
        registrant_id << 32 | row
        for row in session.scalars(
            select(target.of(Introduction)).where(Introduction.registrant_id == registrant_id)
        )
    }
    pairs = explained(reg, op, *best_pairs(reg, op, top, introduced))
    return [
        {
            "opening": op.keys[index],
            "opening_id": int(op.ids[index]),
            "score": score,
            "breakdown": parts,
        }
        for _registrant, index, score, parts in pairs
    ]
