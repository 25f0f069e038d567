"""Import files and folders, one transaction per file, and the inbox run the flow makes."""

from __future__ import annotations

import shutil
from collections.abc import Iterable
from pathlib import Path

from sqlalchemy.engine import Engine
from sqlmodel import Session

from shukko.faults import crash_point
from shukko.intake.pipeline import ValidationWorker, worth_a_worker
from shukko.intake.store import FileReport, import_file
from shukko.intake.validation import CHUNK_ROWS
from shukko.limits import InputLimits, archive_problem


def expand(paths: Iterable[Path]) -> list[Path]:
    """Files as given, and the files inside given folders (sorted, hidden ones left out)."""
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files.extend(
                sorted(p for p in path.iterdir() if p.is_file() and not p.name.startswith("."))
            )
        else:
            files.append(path)
    return files


def import_paths(
    *,
    engine: Engine,
    paths: Iterable[Path],
    parallel: bool | None = None,
    chunk_rows: int = CHUNK_ROWS,
    limits: InputLimits = InputLimits(),
) -> list[FileReport]:
    """Import every file; each is committed whole or not at all, and one bad file never
    stops the others.

    parallel: validate the files in a worker process while this one stores (None: the
    large files, when there is a second core; False: everything in this process).
    chunk_rows: rows validated and stored at a time.
    limits: an XLSX whose parts would inflate past them is refused before it is opened."""
    files = expand(paths)
    refused = {
        path: problem
        for path in files
        if path.suffix.lower() in (".xlsx", ".xlsm")
        and (problem := archive_problem(path, limits)) is not None
    }
    ahead = [
        path
        for path in files
        if parallel is not False
        and path.is_file()
        and path not in refused
        and (parallel or worth_a_worker(path))
    ]
    reports = []
    with ValidationWorker(ahead, chunk_rows) as worker:
        for path in files:
            if path in refused:
                reason = f"not imported: {refused[path]}"
                reports.append(FileReport(name=path.name, status="failed", reason=reason))
            else:
                reports.append(_import_one(engine, path, worker, chunk_rows))
    return reports


def _import_one(
    engine: Engine, path: Path, worker: ValidationWorker, chunk_rows: int
) -> FileReport:
    if not path.exists():
        return FileReport(name=str(path), status="failed", reason="no such file")
    with Session(engine) as session:
        try:
            report = import_file(session=session, path=path, worker=worker, chunk_rows=chunk_rows)
            if report.status == "imported":
                session.commit()
            return report
        except Exception as exc:  # the file's transaction is undone; the run goes on
            session.rollback()
            return FileReport(name=path.name, status="failed", reason=_brief(exc))


def run_inbox(
    *,
    engine: Engine,
    inbox: Path,
    archive: Path,
    failed: Path,
    limits: InputLimits = InputLimits(),
) -> list[FileReport]:
    """Import every file in the inbox; move imported and already-seen files to the archive
    and unreadable ones to failed/ with a .reason.txt beside them."""
    reports = import_paths(engine=engine, paths=[inbox], limits=limits)
    crash_point("intake-committed")  # every file committed, none moved yet
    for report in reports:
        source = inbox / report.name
        if not source.exists():
            continue
        target_dir = failed if report.status == "failed" else archive
        target_dir.mkdir(parents=True, exist_ok=True)
        target = _free_name(target_dir / report.name)
        shutil.move(str(source), target)
        if report.status == "failed":
            target.with_name(target.name + ".reason.txt").write_text(
                f"{report.reason}\n", encoding="utf-8"
            )
    return reports


def _free_name(target: Path) -> Path:
    """The target path, or name-1.ext, name-2.ext ... when a file of that name is there."""
    candidate, n = target, 0
    while candidate.exists():
        n += 1
        candidate = target.with_name(f"{target.stem}-{n}{target.suffix}")
    return candidate


def _brief(exc: Exception) -> str:
    """One line for an operator: a database error carries its whole statement otherwise."""
    text = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0]
    return f"not imported, nothing of it was stored: {type(exc).__name__}: {text}"[:300]
