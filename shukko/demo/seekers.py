"""The demo's job seekers of transfers (移籍の求職者): companies' requests (送出情報 of kind 移籍)
arrive through the intake; consultants register the employees who wish it, counsel them,
introduce the receiving offers suggested, the companies interview, some make an offer (内定),
and the person starts on a day on or after leaving; 定着確認 follows.

Volumes are the demo's assumptions, stated as such, set so that a year places about as many
people by transfer as the brochure's annual table (8,349 in FY2021): nineteen in twenty of a
request's people register; up to five applications each, to offers still taking people a
month on; an application leads to an offer a little under one time in two; nineteen in twenty
offers are taken. Its own random stream, so the other sides of a year replay as before.
"""

from __future__ import annotations

import random
from datetime import date, timedelta

from sqlalchemy import select
from sqlmodel import Session

from models import (
    Company,
    FollowUp,
    Introduction,
    ReceivingOffer,
    SendingOffer,
    Suggestion,
)
from shukko.bank.lifecycle import BankEvent, fire_bank_event
from shukko.bank.registration import Registration, register
from shukko.bank.retention import record_retention
from shukko.bank.rules import BankRules
from shukko.demo.agenda import Desk
from shukko.demo.bank import FAMILY, GIVEN
from shukko.errors import ShukkoError

ACTOR = "demo-consultant"
REGISTERING = 0.95  # of a request's people
OFFER_CHANCE = 0.45  # of an application interviewed
TAKEN = 0.95  # of the offers made
MAX_APPLICATIONS = 5
INTERVIEW_MARGIN = timedelta(days=30)  # an offer still takes people a month after applying
ONE_DAY = timedelta(days=1)
AGES = [28, 34, 38, 42, 45, 48, 51, 53, 55, 57]


class SeekerDesk(Desk):
    """The transfers' day: requests read into job seekers, and the consultants' steps."""

    def __init__(self, rng: random.Random, rules: BankRules) -> None:
        super().__init__(rng)
        self.rules = rules
        self.seen: set[int] = set()  # requests read

    def arrive(self, session: Session, day: date) -> None:
        """The employees of the week's new requests register (most of them)."""
        columns = (
            SendingOffer.id,
            SendingOffer.office_code,
            SendingOffer.offer_id,
            SendingOffer.headcount,
            SendingOffer.occupation,
            SendingOffer.start_from,
            SendingOffer.monthly_wage_yen,
            Company.prefecture_code,
        )
        requests = session.execute(
            select(*columns)
            .join(Company, Company.id == SendingOffer.company_id)
            .where(
                SendingOffer.kind == "transfer",
                SendingOffer.is_open,
                SendingOffer.received_on <= day,
                SendingOffer.received_on >= day - timedelta(days=7),
            )
        ).all()
        for request in requests:
            if request.id in self.seen:
                continue
            self.seen.add(request.id)
            for _ in range(request.headcount):
                if self.rng.random() < REGISTERING:
                    self._register(session, day, request)

    def _register(self, session: Session, day: date, request) -> None:
        age = self.rng.choice(AGES)
        leaving = max(request.start_from, day) + timedelta(days=self.rng.randint(0, 45))
        born = leaving.replace(year=leaving.year - age, day=min(leaving.day, 28))
        person = Registration(
            office_code="",  # the request's
            name=f"{self.rng.choice(FAMILY)} {self.rng.choice(GIVEN)}",
            birth_date=born - timedelta(days=self.rng.randint(0, 300)),
            leaving_on=leaving,
            reason="",
            occupations=[request.occupation],
            areas=[request.prefecture_code],
            employment_type="full_time",
            wage_yen=request.monthly_wage_yen,
            programme="transfer",
            request=f"{request.office_code}:{request.offer_id}",
        )
        try:
            seeker = register(session=session, reg=person, actor=ACTOR, today=day,
                              rules=self.rules)  # fmt: skip
        except ShukkoError:
            self.counts["not_registered"] += 1
            return
        self.counts["registered"] += 1
        self.later(day, seeker.id, "counsel", 2, 10)

    def _counsel(self, session: Session, day: date, seeker_id: int) -> None:
        self._step(session, day, seeker_id, "counsel")
        if self.rng.random() < 0.95:  # most agree to share a profile without name
            self._step(session, day, seeker_id, "record_consent")
            self.later(day, seeker_id, "introduce", 3, 10)  # after the week's suggestions
        else:
            self.later(day, seeker_id, "close", 20, 60)

    def _introduce(self, session: Session, day: date, seeker_id: int) -> None:
        seeker = self.person(session, seeker_id)
        if seeker is None or seeker.state not in ("counselled", "introduced", "interviewing"):
            return
        done = set(session.scalars(
            select(Introduction.receiving_offer_id).where(Introduction.registrant_id == seeker_id)
        ))  # fmt: skip
        if len(done) >= MAX_APPLICATIONS:
            self.later(day, seeker_id, "close", 30, 90)
            return
        needed_until = max(day + INTERVIEW_MARGIN, seeker.leaving_on + ONE_DAY)
        suggested = session.execute(
            select(ReceivingOffer.id, ReceivingOffer.office_code, ReceivingOffer.offer_id)
            .join(Suggestion, Suggestion.receiving_offer_id == ReceivingOffer.id)
            .where(
                Suggestion.registrant_id == seeker_id,
                ReceivingOffer.is_open,
                # still taking people when this person can start, and in a month's time
                # (interview, answer, a first day two weeks on)
                ReceivingOffer.start_until >= needed_until,
            )
            .order_by(Suggestion.score.desc(), Suggestion.id)
        )
        for offer_id, office, own in suggested:
            if offer_id in done:
                continue
            key = f"{office}:{own}"
            try:
                self._step(session, day, seeker_id, "introduce", opening=key)
            except ShukkoError:
                continue  # filled or closed meanwhile: the next one
            self.later(day, seeker_id, f"interview:{key}", 3, 10)
            return
        self.later(day, seeker_id, "introduce", 7, 14)  # nothing suggested yet: next week

    def _interview(self, session: Session, day: date, seeker_id: int, key: str) -> None:
        interview = day + timedelta(days=self.rng.randint(3, 10))
        self._step(session, day, seeker_id, "schedule_interview", opening=key, on=interview)
        self.agenda[interview + timedelta(days=self.rng.randint(1, 4))].append(
            (seeker_id, f"answer:{key}")
        )

    def _answer(self, session: Session, day: date, seeker_id: int, key: str) -> None:
        if self.rng.random() >= OFFER_CHANCE:
            self._step(session, day, seeker_id, "record_outcome", opening=key, outcome="rejected")
            self.later(day, seeker_id, "introduce", 2, 10)
            return
        seeker = self.person(session, seeker_id)
        office, own = key.split(":")
        until = session.scalar(
            select(ReceivingOffer.start_until).where(
                ReceivingOffer.office_code == office, ReceivingOffer.offer_id == own
            )
        )
        # The first day: two weeks on, or sooner where the offer's latest start is near.
        earliest = max(seeker.leaving_on, day) + timedelta(days=1)
        start = max(earliest, day + timedelta(days=14))
        if start > until:
            start = earliest
        if start > until:  # the company can no longer take this person
            self._step(session, day, seeker_id, "record_outcome", opening=key, outcome="rejected")
            self.later(day, seeker_id, "introduce", 2, 10)
            return
        self._step(session, day, seeker_id, "offer", opening=key, start_on=start)
        if self.rng.random() < TAKEN:
            self.agenda[start].append((seeker_id, f"hire:{key}"))
        else:
            self.later(day, seeker_id, f"decline:{key}", 2, 7)

    def _decline(self, session: Session, day: date, seeker_id: int, key: str) -> None:
        self._step(session, day, seeker_id, "record_outcome", opening=key, outcome="declined")
        self.later(day, seeker_id, "introduce", 2, 10)

    def _hire(self, session: Session, day: date, seeker_id: int, key: str) -> None:
        self._step(session, day, seeker_id, "hire", opening=key)
        for due in session.scalars(
            select(FollowUp.due_on).where(FollowUp.registrant_id == seeker_id)
        ):
            self.agenda[due + timedelta(days=self.rng.randint(0, 7))].append(
                (seeker_id, "follow_up")
            )

    def _follow_up(self, session: Session, day: date, seeker_id: int) -> None:
        record_retention(session, registrant_id=seeker_id, on=day, actor=ACTOR, note="定着を確認")
        self.counts["follow_up"] += 1

    def _close(self, session: Session, day: date, seeker_id: int) -> None:
        seeker = self.person(session, seeker_id)
        if seeker is not None and seeker.state in ("registered", "counselled", "introduced"):
            self._step(session, day, seeker_id, "close", note="自ら就職先を確保（本人申告）")

    def _step(self, session: Session, day: date, seeker_id: int, event: str, **options):
        options.setdefault("on", day)
        fire_bank_event(
            session=session,
            request=BankEvent(registrant_id=seeker_id, event=event, actor=ACTOR, **options),
            today=day,
            rules=self.rules,
        )
        self.counts[event] += 1

    def run_step(self, session: Session, day: date, seeker_id: int, step: str) -> None:
        name, _, key = step.partition(":")
        if key:
            getattr(self, f"_{name}")(session, day, seeker_id, key)
        else:
            getattr(self, f"_{name}")(session, day, seeker_id)

