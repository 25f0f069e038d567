"""`shukko intake` and `shukko offers list`: offer files in, offers out."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from shukko.cli.common import (
    EXIT_REFUSED,
    AllOption,
    JsonOption,
    LimitOption,
    current_engine,
    limits,
    print_json,
    row_limit,
    session,
    settings,
    show_listing,
)

app = typer.Typer(help="Sending (送出) and receiving (受入) offers.", no_args_is_help=True)


def intake(
    paths: Annotated[list[Path], typer.Argument(metavar="PATH...", help="files or folders")],
    as_json: JsonOption = False,
) -> None:
    """Import offer files (CSV in UTF-8 or Shift_JIS, XLSX); bad rows are kept, not lost.

    Exit 0 when every file was read (even with rejected rows), 1 when a file could not be.
    """
    from shukko.service.intake import import_files

    settings()  # a bad setting is reported before anything is read
    reports = import_files(engine=current_engine(), paths=paths, limits=limits())
    if as_json:
        print_json([report.as_dict() for report in reports])
    else:
        from shukko.cli.render import render_intake

        render_intake(reports)
    if any(report.status == "failed" for report in reports):
        raise typer.Exit(EXIT_REFUSED)


@app.command("list")
def offers_list(
    kind: Annotated[str | None, typer.Option(help="sending or receiving")] = None,
    office: Annotated[str | None, typer.Option(help="office code 01-47 or name")] = None,
    only_open: Annotated[bool, typer.Option("--open", help="only open offers")] = False,
    limit: LimitOption = None,
    every: AllOption = False,
    as_json: JsonOption = False,
) -> None:
    """List offers: sending, then receiving, each newest first."""
    from shukko.service.cases import office_code
    from shukko.service.offers import list_offers

    with session() as opened:
        listing = list_offers(
            session=opened,
            kind=kind,
            office=office_code(office),
            only_open=only_open,
            limit=row_limit(limit, every, as_json),
        )
        show_listing(
            listing,
            as_json,
            (
                "side",
                "offer",
                "received",
                "company",
                "JSIC",
                "pref.",
                "kind",
                "persons",
                "start window",
            ),
            lambda row: (
                row.side,
                f"{row.office}:{row.offer_id}",
                str(row.received_on),
                row.company,
                row.industry,
                row.prefecture,
                row.kind,
                str(row.headcount),
                f"{row.start_from}..{row.start_until}",
            ),
            "offer(s)",
        )
