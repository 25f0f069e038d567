"""The demo's career bank (キャリア人材バンク): people registering, companies' openings arriving
as files in the inbox, consultants counselling, introducing suggested openings and recording
re-employment.

Volumes are assumptions, stated as such: the brochure charts re-employments by year
(再就職数の推移) as an image whose figures our copy does not carry. The demo registers about
four people per office a month (about 2,300 a year nationally; two in five through their
company's request before they leave), receives openings for about one and a half places per
registrant, and places about half of the registrants (DESIGN.md section 10: "about half of
registrants find work"). Ages at leaving are mostly 60 or 65, as the brochure says is common.
Its own random stream, so the secondment side of a year replays as before.
"""

from __future__ import annotations

import csv
import random
from datetime import date, timedelta
from pathlib import Path

from sqlalchemy import select
from sqlmodel import Session

from models import Company, Introduction, Opening, Suggestion
from models.reference import PREFECTURES
from shukko.bank.lifecycle import BankEvent, fire_bank_event
from shukko.bank.registration import Registration, register
from shukko.bank.rules import BankRules
from shukko.demo.agenda import Desk
from shukko.errors import ShukkoError

ACTOR = "demo-consultant"
REGISTRATIONS_PER_OFFICE_MONTH = 4
PLACES_PER_REGISTRANT = 1.5
HIRE_CHANCE = 0.28  # of an introduction; with up to three, about half of registrants placed
MAX_INTRODUCTIONS = 3
# 受入職種: clerical, services, security, transport, cleaning and packing lead (brochure p.13
# shows these groups; the weights are the demo's assumption).
OCCUPATION_WEIGHTS = {"C": 5, "E": 3, "F": 3, "I": 3, "K": 4, "H": 2, "B": 2, "A": 1, "D": 1}
HEADER = (
    "求人番号", "事務所", "受付日", "事業所名", "法人番号", "業種", "所在地", "職種", "就業場所",
    "雇用形態", "週所定労働時間", "月給", "時給", "人数", "必要資格", "有効期限",
)  # fmt: skip
FAMILY = ["佐藤", "鈴木", "高橋", "田中", "伊藤", "渡辺", "山本", "中村", "小林", "加藤"]
GIVEN = ["一郎", "和子", "茂", "幸子", "博", "洋子", "勇", "節子", "正", "京子"]


class BankDesk(Desk):
    """The bank's day: registrations, openings files, and the consultants' steps."""

    def __init__(self, rng: random.Random, rules: BankRules) -> None:
        super().__init__(rng)
        self.rules = rules
        self.counter = 0

    def write_openings(self, day: date, inbox: Path) -> Path | None:
        """Today's openings as a CSV in the inbox (UTF-8 or Shift_JIS), a bad row now and then."""
        expected = REGISTRATIONS_PER_OFFICE_MONTH * len(PREFECTURES) * PLACES_PER_REGISTRANT / 21
        count = max(0, round(self.rng.gauss(expected / 1.5, expected / 6)))
        if not count:
            return None
        rows = [self._opening_row(day) for _ in range(count)]
        if self.rng.random() < 0.1:
            rows.append({**self._opening_row(day), "職種": "Z"})  # a typo the intake rejects
        path = inbox / f"{day.isoformat()}_求人.csv"
        encoding = "cp932" if self.rng.random() < 0.4 else "utf-8-sig"
        with path.open("w", encoding=encoding, newline="") as handle:
            writer = csv.writer(handle, lineterminator="\r\n")
            writer.writerow(HEADER)
            writer.writerows([[row.get(h, "") for h in HEADER] for row in rows])
        return path

    def _opening_row(self, day: date) -> dict:
        self.counter += 1
        office = self.rng.choice(PREFECTURES).code
        part_time = self.rng.random() < 0.6
        hours = self.rng.choice([16, 20, 24, 30]) if part_time else 40
        return {
            "求人番号": f"K{day:%y%m%d}-{self.counter:05d}",
            "事務所": office,
            "受付日": day.isoformat(),
            "事業所名": f"求人{office}{self.counter % 400}株式会社",
            "業種": self.rng.choice(["09", "44", "58", "76", "83", "85", "92"]),
            "所在地": office,
            "職種": self.rng.choices(list(OCCUPATION_WEIGHTS), OCCUPATION_WEIGHTS.values())[0],
            "就業場所": office,
            "雇用形態": "パート" if part_time else self.rng.choice(["正社員", "契約社員・嘱託"]),
            "週所定労働時間": hours,
            "時給": self.rng.choice([1100, 1200, 1300, 1500]) if part_time else "",
            "月給": "" if part_time else self.rng.choice([200_000, 230_000, 260_000, 300_000]),
            "人数": self.rng.choice([1, 1, 1, 2, 3]),
            "有効期限": (day + timedelta(days=self.rng.choice([60, 90, 120]))).isoformat(),
        }

    def arrive(self, session: Session, day: date) -> None:
        """The day's registrations: people aged 60 and over, on their own or from a company."""
        expected = REGISTRATIONS_PER_OFFICE_MONTH * len(PREFECTURES) / 21
        companies = session.scalars(
            select(Company.name).order_by(Company.id.desc()).limit(300)
        ).all()  # the companies that asked for help: ones the offices know
        for _ in range(max(0, round(self.rng.gauss(expected, expected / 5)))):
            office = self.rng.choice(PREFECTURES).code
            via_company = bool(companies) and self.rng.random() < 0.4
            age = self.rng.choice([60, 60, 60, 65, 65, 61, 62, 63, 64, 66])
            leaving = (
                day + timedelta(days=self.rng.randint(14, 90))
                if via_company
                else day - timedelta(days=self.rng.randint(10, 300))
            )
            born = leaving.replace(year=leaving.year - age, day=min(leaving.day, 28))
            wants_part = self.rng.random() < 0.6
            person = Registration(
                office_code=office,
                name=f"{self.rng.choice(FAMILY)} {self.rng.choice(GIVEN)}",
                birth_date=born - timedelta(days=self.rng.randint(0, 200)),
                leaving_on=leaving,
                reason=self.rng.choice(["teinen", "teinen", "keizoku", "other"]),
                via_company=self.rng.choice(companies) if via_company else None,
                occupations=self.rng.sample(list(OCCUPATION_WEIGHTS), 2),
                areas=[office],
                employment_type="part_time" if wants_part else "either",
                wage_yen=self.rng.choice([1000, 1100, 1200]) if wants_part else None,
            )
            try:
                registrant = register(
                    session=session, reg=person, actor=ACTOR, today=day, rules=self.rules
                )
            except ShukkoError:
                self.counts["not_eligible"] += 1
                continue
            self.counts["registered"] += 1
            self.later(day, registrant.id, "counsel", 3, 12)

    def _counsel(self, session: Session, day: date, registrant_id: int) -> None:
        self._step(session, day, registrant_id, "counsel")
        if self.rng.random() < 0.92:  # most agree to share their profile
            self._step(session, day, registrant_id, "record_consent")
            self.later(day, registrant_id, "introduce", 8, 20)
        else:
            self.later(day, registrant_id, "close", 20, 60)

    def _introduce(self, session: Session, day: date, registrant_id: int) -> None:
        registrant = self.person(session, registrant_id)
        if registrant is None or registrant.state not in ("counselled", "introduced"):
            return
        suggestion = session.execute(
            select(Suggestion.opening_id)
            .where(Suggestion.registrant_id == registrant_id)
            .order_by(Suggestion.score.desc(), Suggestion.id)
        ).scalars()
        done = set(
            session.scalars(
                select(Introduction.opening_id).where(Introduction.registrant_id == registrant_id)
            )
        )
        for opening_id in suggestion:
            if opening_id in done:
                continue
            opening = session.get(Opening, opening_id)
            key = f"{opening.office_code}:{opening.opening_id}"
            try:
                self._step(session, day, registrant_id, "introduce", opening=key)
            except ShukkoError:
                continue  # filled or closed meanwhile: the next one
            if self.rng.random() < HIRE_CHANCE:
                self.later(day, registrant_id, f"hire:{key}", 7, 25)
            elif len(done) + 1 < MAX_INTRODUCTIONS:
                self.later(day, registrant_id, "introduce", 10, 30)
            # else: no more introductions; the registration stays open until it expires
            return
        if len(done) < MAX_INTRODUCTIONS:
            self.later(day, registrant_id, "introduce", 7, 14)  # no suggestion yet: next week

    def _step(self, session: Session, day: date, registrant_id: int, event: str, **options):
        fire_bank_event(
            session=session,
            request=BankEvent(
                registrant_id=registrant_id, event=event, actor=ACTOR, on=day, **options
            ),
            today=day,
        )
        self.counts[event] += 1

    def _close(self, session: Session, day: date, registrant_id: int) -> None:
        registrant = self.person(session, registrant_id)
        if registrant is not None and registrant.state in ("registered", "counselled"):
            self._step(session, day, registrant_id, "close", note="本人の希望により登録終了")

    def run_step(self, session: Session, day: date, registrant_id: int, step: str) -> None:
        if step.startswith("hire:"):
            key = step.split(":", 1)[1]
            try:
                self._step(session, day, registrant_id, "hire", opening=key)
            except ShukkoError:
                self.later(day, registrant_id, "introduce", 3, 10)  # filled: look again
            return
        getattr(self, f"_{step}")(session, day, registrant_id)
