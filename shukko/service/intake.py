"""取り込み for the front ends: offer files (CSV, XLSX) read into the database, each file's
report saying what was stored and which rows were rejected, and why."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from sqlalchemy.engine import Engine

from shukko.limits import InputLimits


def import_files(*, engine: Engine, paths: Iterable[Path], limits: InputLimits = InputLimits()):
    """Import files and folders of offers; a bad row or file never takes good ones with it.
    Returns one report per file (shukko.intake.store.FileReport)."""
    from shukko.intake.run import import_paths

    return import_paths(engine=engine, paths=paths, limits=limits)
