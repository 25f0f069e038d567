"""`shukko match`: propose pairs as cases, or list one offer's best counterparts."""

from __future__ import annotations

from typing import Annotated

import typer

from shukko.cli.common import (
    JsonOption,
    console,
    parse_date,
    print_json,
    session,
    settings,
    today,
)


def match(
    as_of: Annotated[
        str | None, typer.Option(help="the day to match as of (default today)")
    ] = None,
    office: Annotated[str | None, typer.Option(help="only pairs this office took part in")] = None,
    offer: Annotated[
        str | None, typer.Option(help="list the best counterparts of OFFICE:OFFER_ID instead")
    ] = None,
    side: Annotated[str | None, typer.Option(help="with --offer: sending or receiving")] = None,
    top: Annotated[int, typer.Option(min=1, help="with --offer: how many")] = 10,
    as_json: JsonOption = False,
) -> None:
    """Propose optimal pairs of open offers as `proposed` cases, each score explained.

    With --offer, list one offer's best counterparts without creating anything.
    """
    from shukko.matching.candidates import COMPONENTS
    from shukko.service.cases import office_code
    from shukko.service.offers import check_side, counterparts

    config = settings()
    day = parse_date(as_of, "--as-of") or today()
    with session() as opened:
        check_side(side, "--side")
        if offer:
            found = counterparts(
                session=opened,
                key=offer,
                as_of=day,
                top=top,
                side=side,
                block_overrides=config.block_overrides,
            )
            if as_json:
                print_json(found.rows)
                return
            _print_counterparts(found, COMPONENTS)
            return
        from shukko.service.matching import propose_cases

        created, figures = propose_cases(
            session=opened,
            as_of=day,
            office=office_code(office),
            block_overrides=config.block_overrides,
        )
    if as_json:
        print_json({"proposals": created, "figures": figures})
        return
    _print_proposals(created, figures, COMPONENTS)


def _print_counterparts(found, components) -> None:
    from rich.table import Table

    table = Table(
        "offer",
        "remaining",
        "score",
        *components,
        title=f"best counterparts of {found.offer} ({found.side})",
    )
    for entry in found.rows:
        table.add_row(
            entry.offer,
            str(entry.remaining),
            f"{entry.score:.2f}",
            *(f"{entry.breakdown[c]:.2f}" for c in components),
        )
    console.print(table)


def _print_proposals(created: list[dict], figures: dict, components) -> None:
    from rich.table import Table

    table = Table(
        "case", "kind", "persons", "sending", "receiving", "score", *components, title="proposals"
    )
    for row in created:
        table.add_row(
            str(row["case_id"]),
            row["kind"],
            str(row["persons"]),
            row["sending"],
            row["receiving"],
            f"{row['score']:.2f}",
            *(f"{row['breakdown'][c]:.2f}" for c in components),
        )
    console.print(table)
    console.print(figures["summary"])
