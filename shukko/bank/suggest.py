"""Suggestions: for every counselled registrant who consented, the openings that fit best.

Hard rules: the opening is open, not past its date, has places left, lies in a prefecture the
registrant wants (blocks and 全国 expanded; none given means the registrant's own office's
prefecture), offers an employment type the registrant takes (full-time or part-time; contract
work fits both), and the registrant holds every qualification it requires. Never an opening
already introduced to the registrant, never a pair suggested before.

Score (weights below, each component 0..1, all stored with the suggestion): occupation
experience, area (the home prefecture above the others wanted), employment type and hours,
wage against the wish (monthly and hourly compared at the opening's hours), qualifications.
Scored prefecture by prefecture as arrays (numpy), so a national run is seconds.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

import numpy as np
from sqlalchemy import func, or_, select
from sqlmodel import Session

from models import Introduction, Opening, Registrant, RegistrantEvent, Suggestion
from models.reference import PREFECTURES, PREFECTURES_BY_CODE

WEIGHTS = {
    "occupation": 0.35,
    "area": 0.15,
    "employment": 0.15,
    "wage": 0.25,
    "qualifications": 0.10,
}
ELIGIBLE_STATES = ("counselled", "introduced")
WEEKS_PER_MONTH = 52 / 12
DEFAULT_HOURS = {"full_time": 40, "part_time": 20, "contract": 30, "either": 30}
TYPES = {"full_time": 0, "part_time": 1, "contract": 2, "either": 3}
OCCUPATION_LETTERS = "ABCDEFGHIJKL"


def area_prefectures(areas: list[str], office_code: str) -> set[str]:
    """The prefectures a registrant's areas cover (blocks and 全国 expanded)."""
    if not areas:
        return {office_code}
    wanted: set[str] = set()
    for area in areas:
        if area == "全国":
            return {p.code for p in PREFECTURES}
        if area in PREFECTURES_BY_CODE:
            wanted.add(area)
        else:
            wanted |= {p.code for p in PREFECTURES if p.block == area}
    return wanted


def _monthly(monthly, hourly, hours) -> float:
    if monthly:
        return float(monthly)
    if hourly:
        return float(hourly) * hours * WEEKS_PER_MONTH
    return 0.0


@dataclass
class RegistrantArrays:
    ids: np.ndarray
    home: list[str]
    prefectures: list[set[str]]
    occupations: np.ndarray  # bit mask of experience
    wanted_type: np.ndarray
    hours: np.ndarray  # 0 = not given
    wage: np.ndarray  # monthly equivalent wished, 0 = not given
    quals: list[frozenset[str]]


@dataclass
class OpeningArrays:
    ids: np.ndarray
    keys: list[str]
    prefecture: np.ndarray  # object array of codes
    occupation: np.ndarray  # bit of the occupation
    type: np.ndarray
    hours: np.ndarray
    wage: np.ndarray  # monthly equivalent
    required: list[frozenset[str]]


def eligible_registrants(session: Session, office: str | None = None) -> RegistrantArrays:
    """Counselled or introduced registrants with a consent on record."""
    consented = (
        select(RegistrantEvent.registrant_id)
        .where(RegistrantEvent.event == "record_consent")
        .distinct()
    )
    query = select(Registrant).where(
        Registrant.state.in_(ELIGIBLE_STATES), Registrant.id.in_(consented)
    )
    if office:
        query = query.where(Registrant.office_code == office)
    return registrant_arrays(list(session.scalars(query.order_by(Registrant.id))))


def registrant_arrays(rows: list[Registrant]) -> RegistrantArrays:
    return RegistrantArrays(
        ids=np.array([r.id for r in rows], dtype=np.int64),
        home=[r.office_code for r in rows],
        prefectures=[area_prefectures(r.areas, r.office_code) for r in rows],
        occupations=np.array(
            [sum(1 << OCCUPATION_LETTERS.index(o) for o in set(r.occupations)) for r in rows],
            dtype=np.int64,
        ),
        wanted_type=np.array([TYPES[str(r.employment_type)] for r in rows], dtype=np.int8),
        hours=np.array([r.hours_per_week or 0 for r in rows], dtype=np.float32),
        wage=np.array(
            [
                _monthly(
                    r.desired_monthly_wage_yen,
                    r.desired_hourly_wage_yen,
                    r.hours_per_week or DEFAULT_HOURS[str(r.employment_type)],
                )
                for r in rows
            ],
            dtype=np.float32,
        ),
        quals=[frozenset(r.qualifications) for r in rows],
    )


def open_openings(session: Session, as_of: date) -> OpeningArrays:
    """Openings open on the day with places left (headcount minus hires)."""
    hired = (
        select(Introduction.opening_id, func.count().label("hired"))
        .where(Introduction.hired_on.is_not(None))
        .group_by(Introduction.opening_id)
        .subquery()
    )
    query = (
        select(Opening, func.coalesce(hired.c.hired, 0))
        .outerjoin(hired, hired.c.opening_id == Opening.id)
        .where(
            Opening.is_open,
            or_(Opening.open_until.is_(None), Opening.open_until >= as_of),
            Opening.received_on <= as_of,
        )
        .order_by(Opening.id)
    )
    rows = [o for o, taken in session.execute(query) if o.headcount - taken > 0]
    return OpeningArrays(
        ids=np.array([o.id for o in rows], dtype=np.int64),
        keys=[f"{o.office_code}:{o.opening_id}" for o in rows],
        prefecture=np.array([o.work_prefecture for o in rows], dtype=object),
        occupation=np.array([1 << OCCUPATION_LETTERS.index(o.occupation) for o in rows], np.int64),
        type=np.array([TYPES[str(o.employment_type)] for o in rows], dtype=np.int8),
        hours=np.array([o.hours_per_week or 0 for o in rows], dtype=np.float32),
        wage=np.array(
            [
                _monthly(
                    o.monthly_wage_yen,
                    o.hourly_wage_yen,
                    o.hours_per_week or DEFAULT_HOURS[str(o.employment_type)],
                )
                for o in rows
            ],
            dtype=np.float32,
        ),
        required=[frozenset(o.required_qualifications) for o in rows],
    )


def score_block(
    reg: RegistrantArrays, ri: np.ndarray, op: OpeningArrays, oj: np.ndarray, prefecture: str
) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """Scores of registrants `ri` against openings `oj` (all in one prefecture): the total
    (−1 where a hard rule fails) and each component."""
    experience = reg.occupations[ri][:, None]
    occupation = np.where(
        experience == 0, 0.5, np.where((experience & op.occupation[oj][None, :]) != 0, 1.0, 0.2)
    )
    home = np.array([reg.home[i] == prefecture for i in ri])[:, None]
    area = np.where(home, 1.0, 0.7) * np.ones((1, len(oj)))
    wanted, offered = reg.wanted_type[ri][:, None], op.type[oj][None, :]
    type_ok = (wanted == TYPES["either"]) | (offered == TYPES["contract"]) | (wanted == offered)
    type_fit = np.where(
        (wanted == offered) | (wanted == TYPES["either"]), 1.0, np.where(type_ok, 0.8, 0.0)
    )
    r_hours, o_hours = reg.hours[ri][:, None], op.hours[oj][None, :]
    hours_fit = np.where(
        (r_hours > 0) & (o_hours > 0), 1.0 - np.minimum(1.0, np.abs(r_hours - o_hours) / 20), 1.0
    )
    employment = type_fit * hours_fit
    r_wage, o_wage = reg.wage[ri][:, None], op.wage[oj][None, :]
    wage = np.where(r_wage > 0, np.minimum(1.0, o_wage / np.maximum(r_wage, 1.0)), 1.0)
    requires = np.array([bool(op.required[j]) for j in oj])[None, :]
    held = (
        np.array([[op.required[j] <= reg.quals[i] for j in oj] for i in ri], dtype=bool)
        if requires.any()
        else np.ones((len(ri), len(oj)), dtype=bool)
    )
    qualifications = np.where(requires, 1.0, 0.8) * np.ones((len(ri), 1))
    components = {
        "occupation": occupation,
        "area": area,
        "employment": employment,
        "wage": wage,
        "qualifications": qualifications,
    }
    total = sum(WEIGHTS[name] * values for name, values in components.items())
    total = np.where(type_ok & held, total, -1.0)
    return total, components


def best_pairs(
    reg: RegistrantArrays, op: OpeningArrays, keep: int, exclude: dict[int, set[int]]
) -> dict[int, list[tuple[float, int, dict]]]:
    """Each registrant's best `keep` openings (score, opening index, components), over every
    prefecture they want; excluded pairs (registrant id -> opening ids) left out."""
    by_prefecture: dict[str, list[int]] = defaultdict(list)
    for i, wanted in enumerate(reg.prefectures):
        for code in wanted:
            by_prefecture[code].append(i)
    openings_in: dict[str, np.ndarray] = {}
    for code in set(op.prefecture.tolist()):
        openings_in[code] = np.flatnonzero(op.prefecture == code)
    found: dict[int, list[tuple[float, int, dict]]] = defaultdict(list)
    for code, members in by_prefecture.items():
        oj = openings_in.get(code)
        if oj is None or not len(oj):
            continue
        ri = np.array(members)
        for start in range(0, len(ri), 2048):  # rows in slices: memory stays bounded
            rows = ri[start : start + 2048]
            total, components = score_block(reg, rows, op, oj, code)
            room = min(len(oj), keep + 8)
            top = np.argpartition(-total, room - 1, axis=1)[:, :room]
            for row, i in enumerate(rows):
                registrant = int(reg.ids[i])
                skip = exclude.get(registrant, ())
                for col in top[row]:
                    score = float(total[row, col])
                    opening = int(oj[col])
                    if score < 0 or int(op.ids[opening]) in skip:
                        continue
                    parts = {k: round(float(v[row, col]), 3) for k, v in components.items()}
                    found[registrant].append((score, opening, parts))
    return {
        registrant: sorted(pairs, key=lambda p: (-p[0], int(op.ids[p[1]])))[:keep]
        for registrant, pairs in found.items()
    }


def _excluded(session: Session) -> dict[int, set[int]]:
    """Openings introduced to or suggested for each registrant already."""
    excluded: dict[int, set[int]] = defaultdict(set)
    for table in (Introduction, Suggestion):
        for registrant, opening in session.execute(select(table.registrant_id, table.opening_id)):
            excluded[registrant].add(opening)
    return excluded


def suggest(
    session: Session, *, as_of: date, per_registrant: int, office: str | None = None
) -> dict:
    """Store new suggestions for every eligible registrant; returns counts and the new rows
    (ids and scores only)."""
    reg = eligible_registrants(session, office)
    op = open_openings(session, as_of)
    excluded = _excluded(session)
    already = {r: len(o) for r, o in excluded.items()}
    best = best_pairs(reg, op, per_registrant, excluded)
    rows = [
        {
            "registrant_id": registrant,
            "opening_id": int(op.ids[index]),
            "score": round(score, 4),
            "breakdown": parts,
            "suggested_on": as_of,
        }
        for registrant, pairs in best.items()
        for score, index, parts in pairs
    ]
    if rows:
        session.execute(Suggestion.__table__.insert(), rows)
    return {
        "registrants": len(reg.ids),
        "openings": len(op.ids),
        "suggested": len(rows),
        "registrants_with_new": len(best),
        "had_before": sum(already.values()),
        "rows": [{k: row[k] for k in ("registrant_id", "opening_id", "score")} for row in rows],
    }


def best_for(session: Session, *, registrant_id: int, top: int, as_of: date) -> list[dict]:
    """One registrant's best openings now (already introduced ones left out); stores nothing.
    Works for any open registrant, consent or not (the consultant is looking)."""
    registrant = session.get(Registrant, registrant_id)
    if registrant is None:
        from shukko.errors import NotFound

        raise NotFound(f"registrant {registrant_id} does not exist (see `shukko bank list`)")
    reg = registrant_arrays([registrant])
    op = open_openings(session, as_of)
    introduced = set(
        session.scalars(
            select(Introduction.opening_id).where(Introduction.registrant_id == registrant_id)
        )
    )
    best = best_pairs(reg, op, top, {registrant_id: introduced}).get(registrant_id, [])
    return [
        {
            "opening": op.keys[index],
            "opening_id": int(op.ids[index]),
            "score": round(score, 4),
            "breakdown": parts,
        }
        for score, index, parts in best
    ]
