"""The follow-up run (nightly): start contracted secondments whose day has come, close the
ones whose end has passed, keep every active case's follow-ups current and flag overdue ones.

Steps by the calendar go through the transition service like an operator's, with the actor
"system" and the date they belong to (the start date, the end date), so the log reads true
when a missed night is caught up later.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from sqlalchemy import select
from sqlmodel import Session

from models import Case, CaseKind
from shukko.case_rules import CaseRules
from shukko.cases.facts import load_facts
from shukko.cases.followups import (
    cases_to_refresh,
    flag_overdue,
    list_follow_ups,
    move_watermark,
    refresh,
)
from shukko.cases.transitions import EventRequest, blocking_guards, fire_many
from shukko.faults import crash_point
from shukko.refusals import Refusal
from shukko.subsidies.claim_notices import write_claim_notices
from shukko.subsidies.post_return import refresh_wage_follow_ups
from states import guard_reason

SYSTEM_ACTOR = "system"


def _secondments(session: Session, *conditions) -> list[Case]:
    return list(
        session.scalars(
            select(Case).where(Case.kind == CaseKind.secondment, *conditions).order_by(Case.id)
        )
    )


def start_due(
    session: Session, as_of: date, rules: CaseRules, counts: dict[str, int] | None = None
) -> list[int]:
    """Contracted secondments whose start date has come become active (出向開始)."""
    due = _secondments(session, Case.state == "contracted", Case.start_date <= as_of)
    rows, _refused = fire_many(
        session=session,
        requests=[EventRequest(c.id, "start", SYSTEM_ACTOR, on=c.start_date) for c in due],
        today=as_of,
        rules=rules,
        follow_up_counts=counts,
    )
    return [row["case_id"] for row in rows]


def blocked_starts(session: Session, as_of: date, max_period_months: int) -> list[dict]:
    """Secondments whose start date has come but that are not contracted: they stay where
    they are, and each says what is missing (the sign_contract guards that do not hold)."""
    late = _secondments(
        session,
        Case.state.in_(("preparing", "interviewing", "proposed")),
        Case.start_date.is_not(None),
        Case.start_date <= as_of,
    )
    facts = load_facts(session=session, cases=late, max_period_months=max_period_months)
    flagged = []
    for case in late:
        missing = (
            blocking_guards(case, facts[case.id], "sign_contract", {})
            if case.state == "preparing"
            else []
        )
        flagged.append(
            {
                "case_id": case.id,
                "state": case.state,
                "start_date": case.start_date,
                "days_late": (as_of - case.start_date).days,
                "missing": missing,
                "reason": "; ".join(str(Refusal(*guard_reason(g, facts[case.id]))) for g in missing)
                or f"still {case.state}: the contract is not signed",
            }
        )
    return flagged


def close_ended(
    session: Session, as_of: date, rules: CaseRules, counts: dict[str, int] | None = None
) -> list[int]:
    """Active secondments whose end date has passed return to origin (復帰); extended cases
    have a later end date, converted ones are no longer active."""
    ended = _secondments(session, Case.state == "active", Case.end_date < as_of)
    rows, _refused = fire_many(
        session=session,
        requests=[
            EventRequest(c.id, "return_to_origin", SYSTEM_ACTOR, on=c.end_date, note="出向期間満了")
            for c in ended
        ],
        today=as_of,
        rules=rules,
        follow_up_counts=counts,
    )
    return [row["case_id"] for row in rows]


def run_follow_up(
    session: Session, *, as_of: date, rules: CaseRules, outbox: Path | None = None
) -> dict:
    """One night's follow-up work; idempotent on the same day. After skill-development
    secondments: ask for each month's wage once it is due, and write the claim notice (into
    `outbox`) once all six are in."""
    counts = {"scheduled": 0, "cancelled": 0, "done": 0}
    started = start_due(session, as_of, rules, counts)
    crash_point("follow-up")  # cases started, not committed
    closed = close_ended(session, as_of, rules, counts)
    changed, newest = cases_to_refresh(session)
    for key, value in refresh(session, changed, as_of=as_of, plan=rules.follow_up).items():
        counts[key] += value
    move_watermark(session, newest)
    wages = refresh_wage_follow_ups(session, as_of)
    claims = write_claim_notices(session=session, outbox=outbox, as_of=as_of) if outbox else []
    newly_overdue = flag_overdue(session, as_of)
    overdue = list_follow_ups(session=session, as_of=as_of, overdue=True)
    return {
        "as_of": as_of,
        "started": started,
        "closed": closed,
        "blocked": blocked_starts(session, as_of, rules.max_period_months),
        "follow_ups": counts,
        "wage_reports": wages,
        "claims": claims,
        "newly_overdue": newly_overdue,
        "overdue": overdue,
    }
