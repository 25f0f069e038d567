"""The demo: prepare the database and folders, simulate the year with a progress bar,
hand the last night to the runner the front end gives (the CLI gives the Prefect nightly
flow), and return the report."""

from __future__ import annotations

import shutil
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.engine import make_url

from models import ReceivingOffer, SendingOffer
from models.db import engine_for
from models.schema import upgrade
from shukko.demo.offer_files import pattern_note
from shukko.errors import InvalidInput
from shukko.reporting.files import write_report_files
from shukko.reporting.report import build_report

DEMO_FOLDERS = ("inbox", "archive", "failed", "outbox", "reports")


def _start_fresh(settings) -> None:
    """Remove the SQLite database and the demo's folders (never a PostgreSQL database)."""
    url = make_url(settings.database_url)
    if url.get_backend_name() != "sqlite":
        raise InvalidInput(code="demo.fresh_needs_sqlite")
    engine_for.cache_clear()
    if url.database:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{url.database}{suffix}").unlink(missing_ok=True)
    for name in DEMO_FOLDERS:
        shutil.rmtree(settings.home / name, ignore_errors=True)


def run_demo(
    *,
    settings,
    fiscal_year: int,
    seed: int,
    days: int | None,
    fresh: bool,
    console,
    last_night: Callable[[date], dict] | None = None,
) -> dict:
    """The demo year on the configured database; refuses one that already holds offers.
    `last_night(day)` runs the year's last night (else it runs as every other night)."""
    if fresh:
        _start_fresh(settings)
    engine = engine_for(settings.database_url)
    upgrade(engine)
    with engine.connect() as connection:
        offers = sum(
            connection.scalar(select(func.count()).select_from(table)) or 0
            for table in (SendingOffer, ReceivingOffer)
        )
    if offers:
        raise InvalidInput(code="demo.not_empty", offers=offers)
    from shukko.demo.year import run_demo_year

    note = pattern_note(fiscal_year)
    if note and console is not None:
        console.print(f"[yellow]note[/yellow] {note}")
    started = time.perf_counter()
    progress, task = _progress(console, days or 365, fiscal_year)  # at least one day

    def on_day(day: date, totals: dict) -> None:
        if progress is not None:
            progress.update(task, advance=1, description=f"{fiscal_year}年度 {day.isoformat()}")

    def run_last_night(day: date) -> dict:
        if progress is not None:
            progress.update(task, description=f"{day.isoformat()}: Prefect nightly flow")
        return last_night(day)

    try:
        totals = run_demo_year(
            engine=engine,
            settings=settings,
            fiscal_year=fiscal_year,
            seed=seed,
            days=days,
            on_day=on_day,
            last_night=run_last_night if last_night else None,
        )
    finally:
        if progress is not None:
            progress.stop()
    with engine.connect() as connection:
        from sqlmodel import Session

        with Session(bind=connection) as session:
            report = build_report(session, fiscal_year)
    if note:  # the year is shaped by another year's figures: the report says so too
        report["notes"].append(note)
        write_report_files(report, settings.home / "reports" / f"FY{fiscal_year}")
    return {
        "fiscal_year": fiscal_year,
        "seed": seed,
        "seconds": round(time.perf_counter() - started, 1),
        "totals": totals,
        "report": report,
        "report_folder": str(settings.home / "reports" / f"FY{fiscal_year}"),
        "database": engine.url.render_as_string(hide_password=True),
        "prefect_home": str(settings.prefect_home),
    }


def _progress(console, total: int, fiscal_year: int):
    if console is None:
        return None, None
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn

    progress = Progress(
        "[progress.description]{task.description}",
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=True,
    )
    task = progress.add_task(f"{fiscal_year}年度", total=total)
    progress.start()
    return progress, task
