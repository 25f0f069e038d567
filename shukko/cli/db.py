"""`shukko db upgrade`: create the database or bring it to this version's schema."""

from __future__ import annotations

import typer

from shukko.cli.common import console, settings

app = typer.Typer(help="Create or upgrade the database schema.", no_args_is_help=True)


@app.command("upgrade")
def db_upgrade() -> None:
    """Create the database or upgrade it to this version's schema (Alembic migrations)."""
    from shukko.service.database import upgrade_database

    where, before, after = upgrade_database(settings())
    if before == after:
        console.print(f"database {where} is up to date (revision {after})")
    else:
        console.print(f"database {where} upgraded from {before or 'empty'} to {after}")
