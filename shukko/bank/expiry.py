"""A registration with no activity for the configured months is closed, with the reason, by
the follow-up run (as actor `system`, through the same lifecycle as a consultant's step)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlmodel import Session

from models import Registrant
from shukko.bank.lifecycle import BankEvent, fire_bank_event
from shukko.bank.rules import BankRules
from shukko.clock import add_months
from states.bank import OPEN_STATES

SYSTEM_ACTOR = "system"


def close_inactive(session: Session, as_of: date, rules: BankRules) -> list[int]:
    """Close open registrations idle since before `as_of - inactive_months`."""
    cutoff = add_months(as_of, -rules.inactive_months)
    idle = session.scalars(
        select(Registrant.id)
        .where(Registrant.state.in_(OPEN_STATES), Registrant.last_activity_on < cutoff)
        .order_by(Registrant.id)
    ).all()
    for registrant_id in idle:
        fire_bank_event(
            session=session,
            request=BankEvent(
                registrant_id=registrant_id,
                event="close",
                actor=SYSTEM_ACTOR,
                note=f"{rules.inactive_months}か月間活動がないため登録終了",
            ),
            today=as_of,
        )
    return list(idle)
