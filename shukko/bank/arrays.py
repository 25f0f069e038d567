"""The scorer's inputs as arrays: the people eligible for suggestions and the targets open
to them (the career bank's openings, or receiving offers open to transfers for a job seeker),
each a column per attribute (numpy), read as plain columns (a national table of ORM objects
would cost seconds)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
from sqlalchemy import func, select
from sqlmodel import Session

from models import Opening, ReceivingOffer, Registrant, RegistrantEvent
from models.reference import PREFECTURES, PREFECTURES_BY_CODE
from shukko.bank.lifecycle import hires_by_opening, open_on
from shukko.bank.targets import TRANSFER_KINDS
from shukko.cases.offers import persons_taken_of
from states.bank import CAREER_BANK, TRANSFER

ELIGIBLE_STATES = ("counselled", "introduced", "interviewing")
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


PREFECTURE_INDEX = {p.code: n for n, p in enumerate(PREFECTURES)}


@dataclass
class RegistrantArrays:
    ids: np.ndarray
    home: np.ndarray  # prefecture index of the registrant's office
    prefectures: list[set[str]]
    occupations: np.ndarray  # bit mask of experience
    wanted_type: np.ndarray
    hours: np.ndarray  # 0 = not given
    wage: np.ndarray  # monthly equivalent wished, 0 = not given
    quals: list[frozenset[str]]
    qual_mask: np.ndarray | None = None  # words of bits over the openings' vocabulary
    earliest_start: np.ndarray | None = None  # day ordinal after leaving (0: any day)


@dataclass
class OpeningArrays:
    ids: np.ndarray
    keys: list[str]
    prefecture: np.ndarray  # prefecture index
    occupation: np.ndarray  # bit of the occupation
    type: np.ndarray
    hours: np.ndarray
    wage: np.ndarray  # monthly equivalent
    required: list[frozenset[str]]
    required_mask: np.ndarray | None = None
    latest_start: np.ndarray | None = None  # day ordinal of the last start taken (max: none)


def eligible_registrants(
    session: Session, office: str | None = None, programme: str = CAREER_BANK
) -> RegistrantArrays:
    """Counselled or introduced people of the programme with a consent on record."""
    consented = (
        select(RegistrantEvent.registrant_id)
        .where(RegistrantEvent.event == "record_consent")
        .distinct()
    )
    # the scorer's columns only: a year's thousands of people as ORM objects cost seconds
    query = select(*(getattr(Registrant, name) for name in SCORED_COLUMNS)).where(
        Registrant.state.in_(ELIGIBLE_STATES),
        Registrant.id.in_(consented),
        Registrant.programme == programme,
    )
    if office:
        query = query.where(Registrant.office_code == office)
    return registrant_arrays(list(session.execute(query.order_by(Registrant.id))))


# What registrant_arrays reads of a registrant.
SCORED_COLUMNS = ("id", "office_code", "areas", "occupations", "employment_type",
                  "hours_per_week", "desired_monthly_wage_yen", "desired_hourly_wage_yen",
                  "qualifications", "leaving_on")  # fmt: skip


def registrant_arrays(rows: list[Registrant]) -> RegistrantArrays:
    return RegistrantArrays(
        ids=np.array([r.id for r in rows], dtype=np.int64),
        home=np.array([PREFECTURE_INDEX[r.office_code] for r in rows], dtype=np.int16),
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
        earliest_start=np.array(
            [r.leaving_on.toordinal() + 1 if r.leaving_on else 0 for r in rows], dtype=np.int32
        ),
    )


def open_openings(session: Session, as_of: date) -> OpeningArrays:
    """Openings open on the day with places left (headcount minus hires); read as plain
    columns (a national table of ORM objects would cost seconds)."""
    hired = hires_by_opening()
    query = (
        select(
            Opening.id,
            Opening.office_code,
            Opening.opening_id,
            Opening.work_prefecture,
            Opening.occupation,
            Opening.employment_type,
            Opening.hours_per_week,
            Opening.monthly_wage_yen,
            Opening.hourly_wage_yen,
            Opening.required_qualifications,
            Opening.open_until,
        )
        .outerjoin(hired, hired.c.opening_id == Opening.id)
        .where(
            open_on(as_of),
            Opening.received_on <= as_of,
            Opening.headcount > func.coalesce(hired.c.hired, 0),
        )
        .order_by(Opening.id)
    )
    rows = session.execute(query).all()
    kinds = [str(r.employment_type) for r in rows]
    return OpeningArrays(
        ids=np.array([r.id for r in rows], dtype=np.int64),
        keys=[f"{r.office_code}:{r.opening_id}" for r in rows],
        prefecture=np.array([PREFECTURE_INDEX[r.work_prefecture] for r in rows], np.int16),
        occupation=np.array([1 << OCCUPATION_LETTERS.index(r.occupation) for r in rows], np.int64),
        type=np.array([TYPES[k] for k in kinds], dtype=np.int8),
        hours=np.array([r.hours_per_week or 0 for r in rows], dtype=np.float32),
        wage=np.array(
            [
                _monthly(
                    r.monthly_wage_yen, r.hourly_wage_yen, r.hours_per_week or DEFAULT_HOURS[k]
                )
                for r, k in zip(rows, kinds, strict=True)
            ],
            dtype=np.float32,
        ),
        required=[frozenset(r.required_qualifications or ()) for r in rows],
        latest_start=_ordinals([r.open_until for r in rows]),
    )


def _ordinals(days: list) -> np.ndarray:
    """Day ordinals; no day is no limit."""
    return np.array([d.toordinal() if d else NO_LIMIT for d in days], dtype=np.int32)


NO_LIMIT = np.iinfo(np.int32).max


def open_transfer_offers(session: Session, as_of: date) -> OpeningArrays:
    """Receiving offers open to transfers on the day with places left (headcount minus the
    persons of their cases and the job seekers hired or holding an offer), as the scorer's
    arrays: full-time work at the offer's monthly wage (-1: not given)."""
    rows = session.execute(
        select(
            ReceivingOffer.id,
            ReceivingOffer.office_code,
            ReceivingOffer.offer_id,
            ReceivingOffer.work_prefecture,
            ReceivingOffer.occupation,
            ReceivingOffer.monthly_wage_yen,
            ReceivingOffer.required_qualifications,
            ReceivingOffer.start_until,
        )
        .where(
            ReceivingOffer.is_open,
            ReceivingOffer.kind.in_(TRANSFER_KINDS),
            ReceivingOffer.received_on <= as_of,
            ReceivingOffer.start_until >= as_of,
            ReceivingOffer.headcount > persons_taken_of("receiving", ReceivingOffer.id),
        )
        .order_by(ReceivingOffer.id)
    ).all()
    return OpeningArrays(
        ids=np.array([r.id for r in rows], dtype=np.int64),
        keys=[f"{r.office_code}:{r.offer_id}" for r in rows],
        prefecture=np.array([PREFECTURE_INDEX[r.work_prefecture] for r in rows], np.int16),
        occupation=np.array([1 << OCCUPATION_LETTERS.index(r.occupation) for r in rows], np.int64),
        type=np.full(len(rows), TYPES["full_time"], dtype=np.int8),
        hours=np.full(len(rows), DEFAULT_HOURS["full_time"], dtype=np.float32),
        wage=np.array([r.monthly_wage_yen or -1 for r in rows], dtype=np.float32),
        required=[frozenset(r.required_qualifications or ()) for r in rows],
        latest_start=_ordinals([r.start_until for r in rows]),
    )


def open_targets(session: Session, programme: str, as_of: date) -> OpeningArrays:
    """What the programme's people may be suggested: openings or receiving offers."""
    if programme == TRANSFER:
        return open_transfer_offers(session, as_of)
    return open_openings(session, as_of)


