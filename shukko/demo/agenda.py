"""The demo's desks (the consultants of cases, the career bank's): steps planned by day."""

from __future__ import annotations

import random
from collections import defaultdict
from datetime import date, timedelta

from sqlalchemy import select
from sqlmodel import Session

from models import Registrant
from shukko.errors import ShukkoError


class Desk:
    """An agenda of (id, step) per day, the random stream it draws from, and counts."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.agenda: dict[date, list[tuple[int, str]]] = defaultdict(list)
        self.counts: dict[str, int] = defaultdict(int)

    def later(self, day: date, key: int, step: str, low: int, high: int) -> None:
        """Plan `step` for `key` between `low` and `high` days after `day`."""
        self.agenda[day + timedelta(days=self.rng.randint(low, high))].append((key, step))

    def due(self, day: date, business_day: bool) -> list[tuple[int, str]]:
        """The day's steps, in order; on a day off they move to the next day (none today)."""
        todo = self.agenda.pop(day, [])
        if not business_day:
            self.agenda[day + timedelta(days=1)].extend(todo)
            return []
        return sorted(todo)

    def work(self, session: Session, day: date, business_day: bool) -> None:
        """A business day: the day's arrivals (`arrive`), then its steps (`run_step`); a
        refused step is counted (e.g. the place filled meanwhile) and the day goes on."""
        todo = self.due(day, business_day)
        if not business_day:
            return
        self.arrive(session, day)
        for key, step in todo:
            try:
                self.run_step(session, day, key, step)
            except ShukkoError:
                self.counts["refused"] += 1

    def arrive(self, session: Session, day: date) -> None:
        """The day's new people (none by default)."""

    def run_step(self, session: Session, day: date, key: int, step: str) -> None:
        raise NotImplementedError

    @staticmethod
    def person(session: Session, registrant_id: int):
        """A registrant's state and leaving day, read as columns (an ORM object the session
        held would make each of its steps read and write it as one)."""
        return session.execute(
            select(Registrant.state, Registrant.leaving_on).where(Registrant.id == registrant_id)
        ).one_or_none()
