"""`shukko report`, `shukko demo` and `shukko diagram`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from shukko.cli.common import (
    JsonOption,
    case_rules,
    console,
    current_engine,
    fail,
    print_json,
    session,
    settings,
    today,
)
from shukko.cli.refusals import cli_words
from shukko.errors import ShukkoError


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
    from shukko.clock import fiscal_year_of
    from shukko.service import night

    year = fy if fy is not None else fiscal_year_of(today())
    folder = Path(out) if out else settings().folder("reports") / f"FY{year}"
    data = night.report(current_engine(), settings(), year, folder=folder)
    if as_json:
        print_json(data)
        return
    from shukko.cli.render import render_report

    render_report(data)
    console.print(f"files: {folder}/ ({', '.join(Path(p).name for p in data['files'])})")


def diagram(
    out: Annotated[Path, typer.Option(help="folder for the Markdown files")] = Path("docs/states"),
) -> None:
    """Write Mermaid state diagrams generated from the machines."""
    from shukko.service.reports import write_state_diagrams

    for path in write_state_diagrams(out):
        console.print(f"wrote {path}")


def demo(
    fy: Annotated[
        int, typer.Option("--fy", min=2000, max=2100, help="fiscal year to simulate (April-March)")
    ] = 2021,
    seed: Annotated[int, typer.Option("--seed", help="seed of the simulation")] = 1,
    days: Annotated[
        int | None, typer.Option("--days", min=1, max=366, help="only the first N days of the year")
    ] = None,
    fresh: Annotated[
        bool,
        typer.Option("--fresh", help="start from an empty SQLite database and empty folders"),
    ] = False,
    one_case: Annotated[
        bool, typer.Option("--one-case", help="only walk one case through its lifecycle")
    ] = False,
    as_json: JsonOption = False,
) -> None:
    """Simulate a fiscal year of the Center's work day by day, then print its report."""
    if one_case:
        _demo_one_case(as_json)
        return
    from shukko.cli.flows import run_nightly
    from shukko.demo.run import run_demo

    try:
        outcome = run_demo(
            settings=settings(),
            fiscal_year=fy,
            seed=seed,
            days=days,
            fresh=fresh,
            console=None if as_json else console,
            last_night=run_nightly,  # the last night runs as the Prefect nightly flow
        )
    except ShukkoError as exc:
        raise fail(cli_words(exc)) from None
    if as_json:
        print_json(outcome)
        return
    from shukko.cli.render import render_report

    render_report(outcome["report"])
    totals = outcome["totals"]
    console.print(
        f"{totals['days']} day(s) simulated in {outcome['seconds']} s: {totals['files']} intake "
        f"file(s), {totals['rows_read']} rows ({totals['rejected']} rejected), "
        f"{totals['proposals']} proposals, {totals['notices']} notices, "
        f"{totals['started']} secondments started, {totals['closed']} returned, "
        f"{totals['seekers'].get('registered', 0)} job seekers registered, "
        f"{totals['seekers'].get('hire', 0)} hired."
    )
    console.print(f"report files: {outcome['report_folder']}")
    console.print(f"database: {outcome['database']}")
    console.print(
        "the last night ran as the Prefect flow `nightly`; to see it in the UI: "
        f"PREFECT_HOME={outcome['prefect_home']} .venv/bin/prefect server start"
    )


def _demo_one_case(as_json: bool) -> None:
    """Walk one secondment case through its whole lifecycle on the configured database."""
    from shukko.demo.walkthrough import walk_one_case
    from shukko.service.case_views import case_view
    from shukko.service.database import upgrade_database

    where, _before, _after = upgrade_database(settings())
    with session() as opened:
        # With --json the steps are not told: stdout holds the JSON alone.
        say = (lambda _text: None) if as_json else console.print
        case_id = walk_one_case(session=opened, today=today(), say=say)
    with session() as opened:
        view = case_view(session=opened, case_id=case_id, today=today(), rules=case_rules())
    if as_json:
        print_json(view)
        return
    from shukko.cli.render import render_case

    render_case(view)
    console.print(f"database: {where}")
