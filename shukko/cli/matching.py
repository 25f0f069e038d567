"""`shukko match`: propose pairs as cases, or list one offer's best counterparts."""

from __future__ import annotations

from typing import Annotated

import typer

from shukko.cli.common import (
    JsonOption,
    console,
    errors,
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
    from shukko.service.cases import office_code
    from shukko.service.matching import score_components
    from shukko.service.offers import check_side, counterparts

    config = settings()
    given = parse_date(as_of, "--as-of")
    day = given or today()
    with session() as opened:
        check_side(side, "--side")
        if offer:
            found = counterparts(
                session=opened,
                key=offer,
                as_of=given,
                today=day,
                top=top,
                side=side,
                block_overrides=config.block_overrides,
            )
            if as_json:
                # The list of counterparts, as before; those already in a case with the
                # offer follow, with their case; why none is shown goes to stderr.
                print_json([*found.rows, *found.proposed])
                if not found.rows:
                    errors.print(_why_nothing(found), markup=False)
                return
            _print_counterparts(found, score_components())
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
    _print_proposals(created, figures, score_components())


def _print_counterparts(found, components) -> None:
    from rich.table import Table

    if found.as_of_moved:
        console.print(
            f"{found.offer}: its start window ended on {found.as_of.isoformat()}; "
            f"counterparts as of that day (give --as-of for another)"
        )
    if found.rows:
        table = Table(
            "offer",
            "remaining",
            "score",
            *components,
            title=f"best counterparts of {found.offer} ({found.side}) as of {found.as_of}",
        )
        for entry in found.rows:
            table.add_row(
                entry.offer,
                str(entry.remaining),
                f"{entry.score:.2f}",
                *(f"{entry.breakdown[c]:.2f}" for c in components),
            )
        console.print(table)
    else:
        console.print(_why_nothing(found))
    if found.proposed:
        table = Table(
            "offer", "case", "state", "remaining", "score", *components,
            title=f"already in a case with {found.offer}",
        )  # fmt: skip
        for entry in found.proposed:
            table.add_row(
                entry.offer,
                str(entry.case_id),
                entry.state_label,
                str(entry.remaining),
                f"{entry.score:.2f}",
                *(f"{entry.breakdown[c]:.2f}" for c in components),
            )
        console.print(table)


def _why_nothing(found) -> str:
    """Why an offer shows no counterpart, and what to do, for the shell."""
    start, until = found.window
    window = f"{start.isoformat()} to {until.isoformat()}"
    reasons = {
        "window_ended": f"{found.offer}: its start window ({window}) ended before "
        f"{found.as_of.isoformat()}; give --as-of {until.isoformat()} or earlier, or update "
        "the offer's window",
        "closed": f"{found.offer} is closed: it takes part in no matching",
        "used_up": f"{found.offer}: all its persons are in cases already "
        f"({len(found.proposed)} case(s) below)",
        "all_taken": f"{found.offer}: all {found.taken} feasible counterpart(s) have their "
        "persons in other cases already",
        "none_feasible": f"{found.offer}: no open offer meets the hard constraints with it "
        f"as of {found.as_of.isoformat()} (kind, area, period, start window {window}, "
        "qualifications, another company)",
    }
    return reasons.get(found.why_empty or "", f"{found.offer}: no counterpart")


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
