"""`shukko notices`, `shukko followups`, `shukko run FLOW` and `shukko serve`.

Registered on the `shukko` app by shukko.cli; Prefect is imported only by run and serve.
"""

from __future__ import annotations

import os
from typing import Annotated

import typer
from rich.table import Table

from shukko.cli import (
    EXIT_REFUSED,
    JsonOption,
    _date,
    _print_json,
    _session,
    _today,
    app,
    console,
    errors,
)

# The names of flows.deployments.FLOWS, written out so that `--help` needs no Prefect import
# (a test keeps the two equal).
FLOW_NAMES = ("intake", "matching", "subsidy-notice", "follow-up", "report", "nightly")


@app.command("notices")
def notices(
    case_id: Annotated[int | None, typer.Option("--case", help="only this case's notices")] = None,
    as_json: JsonOption = False,
) -> None:
    """Subsidy notices and reminders written to companies (助成金のご案内), newest first."""
    from shukko.notices import list_notices

    with _session() as session:
        rows = list_notices(session=session, case_id=case_id)
    if as_json:
        _print_json(rows)
        return
    table = Table("case", "side", "kind", "programme", "start", "deadline", "written", "file")
    for row in rows:
        table.add_row(
            str(row["case_id"]),
            row["side"],
            row["kind"],
            row["programme"] or "(none in force)",
            str(row["start_date"]),
            str(row["filing_deadline"] or ""),
            str(row["written_on"]),
            row["path"],
        )
    console.print(table)
    console.print(f"{len(rows)} notice(s)")


@app.command("followups")
def followups(
    due_before: Annotated[
        str | None, typer.Option("--due-before", help="only follow-ups due before this date")
    ] = None,
    overdue: Annotated[bool, typer.Option("--overdue", help="only overdue follow-ups")] = False,
    as_of: Annotated[str | None, typer.Option("--as-of", help="the day (default today)")] = None,
    as_json: JsonOption = False,
) -> None:
    """Open follow-ups of active secondments by due date, overdue ones flagged.

    Record one with `shukko case event ID record_follow_up --note ...`."""
    from config import get_settings
    from shukko.follow_up_run import blocked_starts
    from shukko.followups import list_follow_ups

    day = _date(as_of, "--as-of") or _today()
    before = _date(due_before, "--due-before")
    with _session() as session:
        rows = list_follow_ups(session=session, as_of=day, due_before=before, overdue=overdue)
        blocked = blocked_starts(session, day, get_settings().max_period_months)
    if as_json:
        _print_json(rows)
        return
    table = Table("case", "kind", "due", "overdue")
    for row in rows:
        late = f"[red]{row['overdue_days']} day(s)[/red]" if row["overdue"] else ""
        table.add_row(str(row["case_id"]), row["kind"], str(row["due_on"]), late)
    console.print(table)
    console.print(f"{len(rows)} follow-up(s), {sum(r['overdue'] for r in rows)} overdue")
    for flag in blocked:
        console.print(
            f"[yellow]case {flag['case_id']}[/yellow]: start date {flag['start_date']} has come "
            f"but it is {flag['state']}, not started: {flag['reason']}"
        )


def _parse_params(pairs: list[str]) -> dict:
    values = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key:
            errors.print(f"[red]error:[/red] --param {pair!r}: write it as name=value")
            raise typer.Exit(EXIT_REFUSED)
        values[key.strip().replace("-", "_")] = value
    return values


@app.command("run")
def run(
    flow: Annotated[str, typer.Argument(metavar="FLOW", help=" | ".join(FLOW_NAMES))],
    as_of: Annotated[str | None, typer.Option("--as-of", help="run for this day")] = None,
    param: Annotated[
        list[str] | None,
        typer.Option("--param", help="a flow parameter, name=value (repeatable), e.g. office=13"),
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Run one flow in this process, without a server (Prefect starts an ephemeral one)."""
    from pydantic import ValidationError

    if flow not in FLOW_NAMES:
        errors.print(f"[red]error:[/red] no flow {flow!r}; flows: {', '.join(FLOW_NAMES)}")
        raise typer.Exit(EXIT_REFUSED)
    values = _parse_params(param or [])
    day = _date(as_of, "--as-of")
    if day is not None:
        values["as_of"] = day
    with _session():
        pass  # refuses an outdated schema, with its message, before Prefect starts
    from flows.deployments import parameters_for, run_flow

    try:
        parameters = parameters_for(flow, values)
    except ValidationError as exc:
        for problem in exc.errors():
            where = ".".join(map(str, problem["loc"])) or "parameters"
            errors.print(f"[red]error:[/red] {flow} parameter {where}: {problem['msg']}")
        raise typer.Exit(EXIT_REFUSED) from None
    try:
        result = run_flow(flow, parameters)
    except Exception as exc:  # the flow run's own log has the traceback
        errors.print(f"[red]error:[/red] flow {flow} failed: {exc}")
        raise typer.Exit(EXIT_REFUSED) from None
    if as_json:
        _print_json(result)
    else:
        console.print(f"{flow} completed: {result}")


@app.command("serve")
def serve() -> None:
    """Serve every flow as a deployment on the Prefect server (PREFECT_API_URL).

    nightly runs at 02:00 Asia/Tokyo; the others run by hand from the UI or
    `prefect deployment run FLOW/shukko`."""
    from config.settings import use_project_prefect_home

    use_project_prefect_home()  # before Prefect reads its settings
    from prefect.settings import PREFECT_API_URL

    if not (os.environ.get("PREFECT_API_URL") or PREFECT_API_URL.value()):
        errors.print(
            "[red]error:[/red] no Prefect server: start one with "
            "`PREFECT_HOME=var/prefect prefect server start`, then "
            "`export PREFECT_API_URL=http://127.0.0.1:4200/api` and run `shukko serve` again "
            "(an ephemeral server cannot run schedules)"
        )
        raise typer.Exit(EXIT_REFUSED)
    from flows.deployments import serve_all

    serve_all()


@app.command("report")
def report(
    fy: Annotated[
        int | None,
        typer.Option(
            "--fy", min=2000, max=2100, help="fiscal year (年度, April-March); default: current"
        ),
    ] = None,
    out: Annotated[
        str | None, typer.Option("--out", help="folder for the files (default reports/FYyyyy)")
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """The Center's statistics for a fiscal year: tables, and Markdown, CSV, XLSX, PNG files."""
    from pathlib import Path

    from config import get_settings
    from shukko.report import build_report, fiscal_year_of
    from shukko.report_files import write_report_files

    year = fy if fy is not None else fiscal_year_of(_today())
    folder = Path(out) if out else get_settings().folder("reports") / f"FY{year}"
    with _session() as session:
        data = build_report(session, year)
    paths = write_report_files(data, folder)
    if as_json:
        _print_json({**data, "files": [str(p) for p in paths]})
        return
    render_report(data)
    console.print(f"files: {folder}/ ({', '.join(p.name for p in paths)})")


def render_report(data: dict) -> None:
    """The report's tables on the terminal (Rich)."""
    from shukko.report_files import tables

    for title, (header, rows) in tables(data).items():
        table = Table(*header, title=f"{title}（{data['fiscal_year']}年度）", title_justify="left")
        for row in rows:
            table.add_row(
                *("—" if c is None else f"{c:,}" if isinstance(c, int) else str(c) for c in row)
            )
        console.print(table)
