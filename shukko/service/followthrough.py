"""Notices written to companies and follow-ups of active secondments, for the front ends."""

from __future__ import annotations

from datetime import date

from sqlmodel import Session

from shukko.cases.followups import follow_up_row, follow_ups_query
from shukko.service.listing import listing
from shukko.service.schemas import BlockedStart, FollowUpRow, Listing, NoticeRow
from shukko.subsidies.notices import notice_row, notices_query


def list_notices(
    *, session: Session, case_id: int | None = None, limit: int | None = None
) -> Listing[NoticeRow]:
    """Subsidy notices and reminders written (助成金のご案内), newest first."""
    return listing(
        session, notices_query(case_id), lambda row: NoticeRow(**notice_row(row[0])), limit
    )


def list_follow_ups(
    *,
    session: Session,
    as_of: date,
    due_before: date | None = None,
    overdue: bool = False,
    include_done: bool = False,
    limit: int | None = None,
) -> Listing[FollowUpRow]:
    """Follow-ups by due date: open ones (and done ones when asked), overdue flagged."""
    statement = follow_ups_query(
        as_of=as_of, due_before=due_before, overdue=overdue, include_done=include_done
    )
    return listing(
        session, statement, lambda row: FollowUpRow(**follow_up_row(row[0], as_of)), limit
    )


def blocked_starts(*, session: Session, as_of: date, max_period_months: int) -> list[BlockedStart]:
    """Secondments whose start date has come but that are not contracted, and why."""
    from shukko.cases.follow_up_run import blocked_starts as find

    return [BlockedStart(**row) for row in find(session, as_of, max_period_months)]
