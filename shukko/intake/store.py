"""Import one intake file: validate every row, upsert companies and offers, keep every
rejected row, and count. All of a file or nothing of it: the caller commits once per file."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from operator import itemgetter
from pathlib import Path

from sqlalchemy import select
from sqlmodel import Session

from models import Company, IntakeFile, IntakeReject, Partner
from models.common import utcnow
from models.db import DriverRows, select_in
from shukko.intake.columns import UnreadableFile
from shukko.intake.pipeline import ValidationWorker
from shukko.intake.readers import read_rows
from shukko.intake.validation import (
    CHUNK_ROWS,
    ROW_FIELDS,
    ValidatedChunk,
    file_layout,
    validate_in_chunks,
)
from shukko.offers import OFFER_TABLES
from shukko.sme import is_sme

REPORTED_REJECTS = 20
_OFFER_FIELDS = {  # the fields of each kind that its table stores
    "sending": ("acceptable_area", "reason", "dismissals"),
    "receiving": ("work_prefecture", "required_qualifications", "conditions"),
}
_COMMON_OFFER_FIELDS = (
    "kind", "headcount", "occupation", "job_title", "skills", "qualifications",
    "period_months_min", "period_months_max", "start_from", "start_until", "monthly_wage_yen",
    "notes", "received_on",
)  # fmt: skip
# A company's values in a row, and the columns they go to (with is_sme and created_at).
_COMPANY_FIELDS = (
    "company_name", "corporate_number", "industry", "prefecture", "capital_yen", "employees",
    "has_union",
)  # fmt: skip
_COMPANY_COLUMNS = (
    "name", "corporate_number", "industry_code", "prefecture_code", "capital_yen", "employees",
    "has_union", "is_sme", "created_at",
)  # fmt: skip
# Columns every stored offer sets besides its fields (created_at is set on insert only).
_STORED_COLUMNS = (
    "office_code", "offer_id", "company_id", "partner_id", "extra", "intake_file_id", "is_open",
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
    if any(word in name for word in ("労働組合", "連合", "組合", "union")):
        return "union"
    if any(word in name for word in ("会議所", "協会", "連合会", "商工会", "association")):
        return "association"
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
        for chunk in chunks:
            writer.write(chunk)
    except UnreadableFile as exc:  # e.g. the encoding changes midway
        session.rollback()
        return FileReport(name=path.name, status="failed", kind=layout.kind, reason=str(exc))
    record.rows_read, record.imported = report.rows_read, report.imported
    record.updated, record.rejected = report.updated, report.rejected
    session.flush()
    return report


class _Writer:
    """Stores validated chunks, remembering companies and partners."""

    def __init__(self, session: Session, kind: str, file_id: int, report: FileReport):
        self.session, self.kind, self.file_id, self.report = session, kind, file_id, report
        self.table = OFFER_TABLES[kind]
        fields = _COMMON_OFFER_FIELDS + _OFFER_FIELDS[kind]
        position = {name: index for index, name in enumerate(ROW_FIELDS[kind])}
        self._offer_values = itemgetter(*(position[name] for name in fields))
        self._key = itemgetter(position["office"], position["offer_id"])
        self._referred_by = itemgetter(position["referred_by"])
        self._company = itemgetter(*(position[name] for name in _COMPANY_FIELDS))
        columns = (*fields, *_STORED_COLUMNS)
        self.new_offers = DriverRows(session, self.table.__table__, (*columns, "created_at"))
        self.changed_offers = DriverRows(session, self.table.__table__, (*columns, "id"))
        self.new_companies = DriverRows(session, Company.__table__, _COMPANY_COLUMNS)
        self.companies: dict[tuple, int] = {}
        self.partners: dict[str, int] = {}

    def write(self, chunk: ValidatedChunk) -> None:
        # Forget the previous chunk's companies: memory stays flat however long the file.
        self.companies.clear()
        self.report.rows_read += chunk.rows_read
        self.report.rejected += chunk.rejected
        if chunk.problems:
            rejects = [{**problem, "file_id": self.file_id} for problem in chunk.problems]
            self.session.execute(IntakeReject.__table__.insert(), rejects)
            room = REPORTED_REJECTS - len(self.report.rejects)
            self.report.rejects.extend(chunk.problems[: max(room, 0)])
        if chunk.good:
            self._store(chunk.good)

    def _store(self, good: list[tuple[int, tuple, dict]]) -> None:
        companies = [self._company(row) for _n, row, _e in good]
        company_ids = self._company_ids(companies)
        partner_ids = self._partner_ids({self._referred_by(row) for _n, row, _e in good} - {None})
        latest: dict[tuple[str, str], list] = {}
        repeats = 0
        for (_number, row, extra), company in zip(good, companies, strict=True):
            key = self._key(row)
            if key in latest:
                repeats += 1  # a later row of the same file updates the offer
            latest[key] = [
                *self._offer_values(row),
                *key,
                company_ids[_company_key(company)],
                partner_ids.get(self._referred_by(row)),
                extra,
                self.file_id,
                True,
            ]
        # By offer_id through its index, then the pairs: a row-value IN would scan the table
        # in SQLite, which makes a large import quadratic.
        existing = {
            (office, offer_id): row_id
            for office, offer_id, row_id in select_in(
                self.session,
                self.table.__table__,
                ("office_code", "offer_id", "id"),
                "offer_id",
                {offer_id for _, offer_id in latest},
            )
            if (office, offer_id) in latest
        }
        now = utcnow()  # created_at of new offers, updated_at of every offer stored
        new_rows, changed = [], []
        for key, values in latest.items():
            if key in existing:
                changed.append(self.changed_offers.convert([*values, now, existing[key]]))
            else:
                new_rows.append(self.new_offers.convert([*values, now, now]))
        # Driver-level executemany: SQLAlchemy's per-row work would cost more than SQLite's.
        self.new_offers.insert(new_rows)
        self.changed_offers.update_by_id(changed)
        self.report.imported += len(new_rows)
        self.report.updated += len(changed) + repeats

    def _company_ids(self, companies: Iterable[tuple]) -> dict[tuple, int]:
        """Company ids by key, creating the companies not stored yet (each given as its
        values in the order of _COMPANY_FIELDS)."""
        wanted = {_company_key(company): company for company in companies}
        missing = {key: company for key, company in wanted.items() if key not in self.companies}
        if missing:
            self._look_up_companies(missing)
            new = [company for key, company in missing.items() if key not in self.companies]
            if new:
                # One executemany, then the ids by key: RETURNING would go row by row.
                now = utcnow()
                self.new_companies.insert(
                    [self.new_companies.convert(_company_row(company, now)) for company in new]
                )
                self._look_up_companies({_company_key(company) for company in new})
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


def _company_row(company: tuple, now) -> list:
    """The values of a new company row (in the order of _COMPANY_COLUMNS)."""
    _name, _number, industry, _prefecture, capital, employees, _union = company
    return [*company, is_sme(industry, capital, employees), now]


def _company_key(company: tuple) -> tuple:
    """By corporate number, else by name and prefecture."""
    name, number, _industry, prefecture, *_rest = company
    if number:
        return ("cn", number)
    return ("name", name, prefecture)
