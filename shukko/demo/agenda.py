"""The demo's desks (the consultants of cases, the career bank's): steps planned by day."""

from __future__ import annotations

import random
from collections import defaultdict
from datetime import date, timedelta

from sqlalchemy import select
from sqlmodel import Session

from models import Registrant


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

    @staticmethod
    def person(session: Session, registrant_id: int):
        """A registrant's state and leaving day, read as columns (an ORM object the session
        held would make each of its steps read and write it as one)."""
        return session.execute(
            select(Registrant.state, Registrant.leaving_on).where(Registrant.id == registrant_id)
        ).one_or_none()
