"""Import one intake file: its rows validated chunk by chunk (here, or ahead by a worker
process), companies and offers upserted, every rejected row kept, and counted. All of a file
or nothing of it: the caller commits once per file."""

from __future__ import annotations

import gc
import hashlib
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select
from sqlmodel import Session

from models import Company, IntakeFile, IntakeReject, Partner
from models.bulk import DriverRows, DriverValues, select_in
from models.common import utcnow
from shukko.intake.columns import UnreadableFile
from shukko.intake.pipeline import ValidationWorker
from shukko.intake.readers import read_rows
from shukko.intake.ready import COMPANY_COLUMNS, ID_FIELD, INTAKE_TABLES, OFFER_FIELDS, ReadyRows
from shukko.intake.validation import (
    CHUNK_ROWS,
    ROW_FIELDS,
    ValidatedChunk,
    file_layout,
    validate_in_chunks,
)

REPORTED_REJECTS = 20
_REMEMBERED_COMPANIES = 10_000  # ids by key: a file's repeated companies are looked up once


# Columns every stored offer sets after its own values (created_at on insert only).
def _stored_columns(kind: str) -> tuple[str, ...]:
    return (
        "office_code", ID_FIELD[kind], "company_id", "partner_id", "intake_file_id", "is_open",
        "updated_at",
    )  # fmt: skip


@dataclass
class FileReport:
    """What became of one file: counts, and the first rejected rows with their reasons."""

    name: str
    status: str  # imported | skipped | failed
    kind: str | None = None
    reason: str | None = None
    rows_read: int = 0
    imported: int = 0
    updated: int = 0
    rejected: int = 0
    rejects: list[dict] = field(default_factory=list)
    file_id: int | None = None

    def as_dict(self) -> dict:
        return self.__dict__.copy()


def checksum(path: Path) -> str:
    """SHA-256 of a file's bytes, read in blocks."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def partner_kind(name: str) -> str:
    """The kind of a referring partner, guessed from its name."""
    if any(word in name for word in ("銀行", "信用金庫", "信用組合", "金庫", "bank")):
        return "bank"
    if any(word in name for word in ("労働組合", "労組", "ユニオン", "union")):
        return "union"
    # 連合会 and 協同組合 are federations and cooperatives of businesses, not unions.
    associations = ("連合会", "協同組合", "会議所", "協会", "商工会", "association")
    if any(word in name for word in associations):
        return "association"
    if name.endswith("連合"):
        return "union"
    if name.endswith(("県", "都", "府", "道", "市", "町", "村", "区", "労働局")):
        return "government"
    return "other"


def import_file(
    *,
    session: Session,
    path: Path,
    chunk_rows: int | None = None,
    worker: ValidationWorker | None = None,
) -> FileReport:
    """Read, validate and store one file; never commits (the caller commits per file).

    worker: a process validating this file ahead of the storing (see pipeline.py); without
    one the file is validated here, chunk by chunk."""
    report = FileReport(name=path.name, status="imported")
    digest = checksum(path)
    if session.scalar(select(IntakeFile.id).where(IntakeFile.checksum == digest)):
        report.status, report.reason = "skipped", "already imported (same checksum)"
        return report
    rows = read_rows(path)
    try:
        layout = file_layout(rows)
    except UnreadableFile as exc:
        report.status, report.reason = "failed", str(exc)
        return report
    report.kind = layout.kind
    record = IntakeFile(checksum=digest, name=path.name, kind=layout.kind)
    session.add(record)
    session.flush()
    report.file_id = record.id
    writer = _Writer(session, layout.kind, record.id, report)
    chunk_rows = chunk_rows or CHUNK_ROWS
    if worker is not None and worker.handles(path):
        rows.close()  # the worker reads the file itself
        chunks = worker.chunks(path)
    else:
        chunks = validate_in_chunks(rows, layout, chunk_rows)
    try:
        with cyclic_gc_paused():
            for chunk in chunks:
                writer.write(chunk)
                gc.collect(0)  # the chunk's own cycles, if any: young objects only, cheap
    except UnreadableFile as exc:  # e.g. the encoding changes midway
        session.rollback()
        return FileReport(name=path.name, status="failed", kind=layout.kind, reason=str(exc))
    record.rows_read, record.imported = report.rows_read, report.imported
    record.updated, record.rejected = report.updated, report.rejected
    session.flush()
    return report


@contextmanager
def cyclic_gc_paused() -> Iterator[None]:
    """Python's automatic cycle collection paused while a file is stored: the rows are
    acyclic and freed as soon as they are stored, but the collector would walk every object
    of the process again and again for them (a sixth of an import's time)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


class _Writer:
    """Stores validated chunks, remembering companies and partners."""

    def __init__(self, session: Session, kind: str, file_id: int, report: FileReport):
        self.session, self.file_id, self.report = session, file_id, report
        self.table = INTAKE_TABLES[kind].__table__
        self.id_column = ID_FIELD[kind]
        dialect = session.get_bind().dialect
        columns = (*OFFER_FIELDS[kind], "extra", *_stored_columns(kind))
        self.new_offers = DriverRows(session, self.table, (*columns, "created_at"))
        self.changed_offers = DriverRows(session, self.table, (*columns, "id"))
        self.new_companies = DriverRows(
            session, Company.__table__, (*COMPANY_COLUMNS, "created_at")
        )
        self.offer_values = DriverValues(self.table, ("is_open", "updated_at"), dialect)
        self.company_values = DriverValues(Company.__table__, ("created_at",), dialect)
        self.rows = ReadyRows(kind, ROW_FIELDS[kind], dialect)
        self.companies: dict[tuple, int] = {}
        self.partners: dict[str, int] = {}

    def write(self, chunk: ValidatedChunk) -> None:
        if len(self.companies) > _REMEMBERED_COMPANIES:
            self.companies.clear()  # memory stays flat however long the file
        self.report.rows_read += chunk.rows_read
        self.report.rejected += chunk.rejected
        if chunk.problems:
            rejects = [{**problem, "file_id": self.file_id} for problem in chunk.problems]
            self.session.execute(IntakeReject.__table__.insert(), rejects)
            room = REPORTED_REJECTS - len(self.report.rejects)
            self.report.rejects.extend(chunk.problems[: max(room, 0)])
        if chunk.good:
            self._store(chunk.good)

    def _store(self, validated: list[tuple[int, tuple, dict]]) -> None:
        ready = self.rows.ready
        good = [ready(number, values, extra) for number, values, extra in validated]
        company_ids = self._company_ids({key: company for _n, _k, _o, key, company, _r in good})
        partner_ids = self._partner_ids({referred_by for *_, referred_by in good} - {None})
        latest: dict[tuple[str, str], tuple] = {}
        for _number, key, offer, company_key, _company, referred_by in good:
            # A later row of the same file updates the offer.
            latest[key] = (*offer, *key, company_ids[company_key], partner_ids.get(referred_by))
        repeats = len(good) - len(latest)
        existing = self._existing_offers(latest)
        now = self.offer_values.value("updated_at", utcnow())  # also created_at of new ones
        stored = (self.file_id, self.offer_values.value("is_open", True), now)
        new_rows = [(*v, *stored, now) for key, v in latest.items() if key not in existing]
        changed = [(*v, *stored, existing[key]) for key, v in latest.items() if key in existing]
        # Driver-level executemany: SQLAlchemy's per-row work would cost more than SQLite's.
        self.new_offers.insert(new_rows)
        self.changed_offers.update_by_id(changed)
        self.report.imported += len(new_rows)
        self.report.updated += len(changed) + repeats

    def _existing_offers(self, keys: Iterable[tuple[str, str]]) -> dict[tuple[str, str], int]:
        """The ids of the offers already stored, by (office, offer_id). By offer_id through
        its index, then the pairs: a row-value IN would scan the table in SQLite, and a file
        may hold every office's offers."""
        keys = set(keys)
        return {
            (office, offer_id): row_id
            for office, offer_id, row_id in select_in(
                self.session,
                self.table,
                ("office_code", self.id_column, "id"),
                self.id_column,
                {offer_id for _office, offer_id in keys},
            )
            if (office, offer_id) in keys
        }

    def _company_ids(self, wanted: dict[tuple, tuple]) -> dict[tuple, int]:
        """Company ids by key, creating the companies not stored yet (given by key as their
        values in the order of COMPANY_FIELDS)."""
        missing = {key: company for key, company in wanted.items() if key not in self.companies}
        if missing:
            self._look_up_companies(missing)
            new = [(key, company) for key, company in missing.items() if key not in self.companies]
            if new:
                # One executemany, then the ids by key: RETURNING would go row by row.
                created_at = self.company_values.value("created_at", utcnow())
                self.new_companies.insert(
                    [(*self.rows.company_row(company), created_at) for _key, company in new]
                )
                self._look_up_companies([key for key, _company in new])
        return self.companies

    def _look_up_companies(self, keys: Iterable[tuple]) -> None:
        companies = Company.__table__
        numbers = [key[1] for key in keys if key[0] == "cn"]
        names = [key[1] for key in keys if key[0] == "name"]
        for company_id, number in select_in(
            self.session, companies, ("id", "corporate_number"), "corporate_number", numbers
        ):
            self.companies[("cn", number)] = company_id
        for company_id, name, prefecture in select_in(
            self.session,
            companies,
            ("id", "name", "prefecture_code"),
            "name",
            names,
            where="corporate_number IS NULL",
        ):
            self.companies[("name", name, prefecture)] = company_id

    def _partner_ids(self, names: set[str]) -> dict[str, int]:
        missing = names - set(self.partners)
        if missing:
            for partner_id, name in self.session.execute(
                select(Partner.id, Partner.name).where(Partner.name.in_(missing))
            ):
                self.partners[name] = partner_id
            for name in sorted(missing - set(self.partners)):
                partner = Partner(name=name, kind=partner_kind(name))
                self.session.add(partner)
                self.session.flush()
                self.partners[name] = partner.id
        return self.partners
