"""What every command shares: the consoles, exit codes, options, the session at the edge,
dates, and printing results as tables or JSON. Heavy imports stay inside the functions, so
that a command loads only what it needs."""

from __future__ import annotations

import getpass
import json
import os
import sys
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import date
from typing import Annotated

import typer
from rich.console import Console

from shukko.cli.refusals import cli_words
from shukko.errors import ConcurrentChange, ShukkoError

# Piped output (scripts, CI logs) gets a wide console instead of Rich's 80-column default.
console = Console(width=None if sys.stdout.isatty() else 140)
errors = Console(stderr=True, soft_wrap=True)  # a message is never cut into lines

EXIT_REFUSED = 1
EXIT_CONFLICT = 3
TABLE_ROWS = 100  # a table shows a page of this many rows unless --limit or --all says otherwise

JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON for scripts.")]
LimitOption = Annotated[
    int | None,
    typer.Option("--limit", min=0, help=f"at most N rows (table default {TABLE_ROWS})"),
]
AllOption = Annotated[bool, typer.Option("--all", help="every row (--json gives every row)")]


def fail(message: str, code: int = EXIT_REFUSED) -> typer.Exit:
    errors.print(f"[red]error:[/red] {message}")
    return typer.Exit(code)


def default_actor() -> str:
    return os.environ.get("SHUKKO_ACTOR") or getpass.getuser()


def settings():
    """The settings, or a clear message and exit 1 when one is wrong."""
    from config import get_settings

    try:
        return get_settings()
    except Exception as exc:  # pydantic's ValidationError lists every bad setting
        raise fail(f"configuration: {exc}") from None


def case_rules():
    from shukko.case_rules import case_rules as rules_of

    return rules_of(settings())


def today() -> date:
    from shukko.clock import today as today_in

    return today_in(settings().timezone)


def limits():
    """The input limits from the settings (config/shukko.toml)."""
    from shukko.limits import input_limits

    return input_limits(settings())


def parse_date(value: str | None, option: str, *, window: bool = True) -> date | None:
    """A date option; within the plausible window (settings) unless it is a birth date."""
    if value is None:
        return None
    from shukko.clock import parse_date as parse
    from shukko.limits import check_date

    try:
        day = parse(value)
    except ValueError as exc:
        raise fail(f"{option}: {exc}") from None
    if window:
        try:
            check_date(day, option.lstrip("-").replace("-", "_"), limits(), today())
        except ShukkoError as exc:
            raise fail(cli_words(exc)) from None
    return day


def current_engine():
    """The configured database, refused with exit 1 unless its schema is current."""
    from shukko.service.database import current_engine as engine_of

    try:
        return engine_of(settings())
    except ShukkoError as exc:
        raise fail(cli_words(exc)) from None


@contextmanager
def session() -> Iterator:
    """A committed-or-rolled-back session; an operator's error becomes its message and exit
    code (1 refused, 3 changed by someone else meanwhile)."""
    from shukko.service.database import transaction

    engine = current_engine()
    try:
        with transaction(engine) as opened:
            yield opened
    except ConcurrentChange as exc:
        errors.print(f"[red]conflict:[/red] {cli_words(exc)}")
        raise typer.Exit(EXIT_CONFLICT) from None
    except ShukkoError as exc:
        raise fail(cli_words(exc)) from None


def print_json(data) -> None:
    sys.stdout.write(json.dumps(as_plain(data), ensure_ascii=False, default=str, indent=2) + "\n")


def as_plain(data):
    """Service results (pydantic models) as the plain data --json prints."""
    from pydantic import BaseModel

    if isinstance(data, BaseModel):
        from shukko.service.schemas import as_data

        return as_data(data)
    if isinstance(data, list):
        return [as_plain(item) for item in data]
    return data


def print_json_rows(rows: Iterable) -> None:
    """A JSON array written row by row, so that a listing of every row never sits in memory."""
    write = sys.stdout.write
    first = True
    for row in rows:
        text = json.dumps(as_plain(row), ensure_ascii=False, default=str, indent=2)
        write(("[\n" if first else ",\n") + "  " + text.replace("\n", "\n  "))
        first = False
    write("[]\n" if first else "\n]\n")


def row_limit(limit: int | None, every: bool, as_json: bool) -> int | None:
    """How many rows a listing shows: --limit, else all for --all and --json, else a page."""
    if every and limit is not None:
        raise fail("--limit and --all: give one of them")
    if limit is not None:
        return limit
    return None if every or as_json else TABLE_ROWS


def footer(listing, noun: str) -> str:
    """`showing N of M case(s)`, with how to see the rest when rows were left out."""
    text = f"showing {listing.shown:,} of {listing.total:,} {noun}"
    if listing.shown < listing.total:
        text += " (--limit N or --all for more)"
    return text


def show_listing(listing, as_json: bool, header: tuple[str, ...], cells, noun: str) -> None:
    """A listing as JSON (every row it yields, streamed) or as a table of `cells(row)` with
    `showing N of M` under it. Call it inside the session: the rows come from the database."""
    if as_json:
        print_json_rows(listing.rows)
        return
    from rich.table import Table

    table = Table(*header)
    for row in listing.rows:
        table.add_row(*cells(row))
    console.print(table)
    console.print(footer(listing, noun))
