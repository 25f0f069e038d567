"""`shukko notices` and `shukko followups`: what was written to companies, what is due."""

from __future__ import annotations

from typing import Annotated

import typer

from shukko.cli.common import (
    AllOption,
    JsonOption,
    LimitOption,
    console,
    parse_date,
    row_limit,
    session,
    settings,
    show_listing,
    today,
)


def notices(
    case_id: Annotated[int | None, typer.Option("--case", help="only this case's notices")] = None,
    limit: LimitOption = None,
    every: AllOption = False,
    as_json: JsonOption = False,
) -> None:
    """Subsidy notices and reminders written to companies (助成金のご案内), newest first."""
    from shukko.service.followthrough import list_notices

    with session() as opened:
        listing = list_notices(
            session=opened, case_id=case_id, limit=row_limit(limit, every, as_json)
        )
        show_listing(
            listing,
            as_json,
            ("case", "side", "kind", "programme", "start", "deadline", "written", "file"),
            lambda row: (
                str(row.case_id),
                row.side,
                row.kind,
                row.programme or "(none in force)",
                str(row.start_date),
                str(row.filing_deadline or ""),
                str(row.written_on),
                row.path,
            ),
            "notice(s)",
        )


def followups(
    due_before: Annotated[
        str | None, typer.Option("--due-before", help="only follow-ups due before this date")
    ] = None,
    overdue: Annotated[bool, typer.Option("--overdue", help="only overdue follow-ups")] = False,
    as_of: Annotated[str | None, typer.Option("--as-of", help="the day (default today)")] = None,
    limit: LimitOption = None,
    every: AllOption = False,
    as_json: JsonOption = False,
) -> None:
    """Open follow-ups of active secondments (and job seekers' 定着確認) by due date, overdue
    ones flagged.

    Record one with `shukko case event ID record_follow_up --note ...` (a job seeker's with
    `shukko seekers follow-up ID`)."""
    from shukko.service.followthrough import blocked_starts, list_follow_ups

    day = parse_date(as_of, "--as-of") or today()
    before = parse_date(due_before, "--due-before")
    with session() as opened:
        listing = list_follow_ups(
            session=opened,
            as_of=day,
            due_before=before,
            overdue=overdue,
            limit=row_limit(limit, every, as_json),
        )
        if not as_json:  # what the table tells besides its rows
            late = list_follow_ups(
                session=opened, as_of=day, due_before=before, overdue=True, limit=0
            ).total
            blocked = blocked_starts(
                session=opened, as_of=day, max_period_months=settings().max_period_months
            )
        show_listing(
            listing,
            as_json,
            ("case", "kind", "due", "overdue"),
            lambda row: (
                str(row.case_id) if row.case_id else f"seeker {row.registrant_id}",
                row.kind,
                str(row.due_on),
                f"[red]{row.overdue_days} day(s)[/red]" if row.overdue else "",
            ),
            "follow-up(s)",
        )
    if as_json:
        return
    console.print(f"{late:,} overdue")
    for flag in blocked:
        console.print(
            f"[yellow]case {flag.case_id}[/yellow]: start date {flag.start_date} has come "
            f"but it is {flag.state}, not started: {flag.reason}"
        )
