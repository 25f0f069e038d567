"""Import one intake file: validate every row, upsert companies and offers, keep every
rejected row, and count. All of a file or nothing of it: the caller commits once per file."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path

from pydantic import ValidationError
from sqlalchemy import select, update
from sqlmodel import Session

from models import Company, IntakeFile, IntakeReject, Partner
from models.common import utcnow
from shukko.intake.columns import Layout, UnreadableFile, read_layout
from shukko.intake.readers import OversizedRow, read_rows
from shukko.intake.schemas import ROW_MODELS, OfferRow, cross_field_column
from shukko.offers import OFFER_TABLES
from shukko.sme import is_sme

CHUNK_ROWS = 2000
REPORTED_REJECTS = 20
_OFFER_FIELDS = {
    "sending": ("acceptable_area", "reason", "dismissals"),
    "receiving": ("work_prefecture", "required_qualifications", "conditions"),
}
_COMMON_OFFER_FIELDS = (
    "kind", "headcount", "occupation", "job_title", "skills", "qualifications",
    "period_months_min", "period_months_max", "start_from", "start_until", "monthly_wage_yen",
    "notes", "received_on",
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


def _chunks(rows: Iterator, size: int) -> Iterator[list]:
    while chunk := list(islice(rows, size)):
        yield chunk


def import_file(*, session: Session, path: Path, chunk_rows: int | None = None) -> FileReport:
    """Read, validate and store one file; never commits (the caller commits per file)."""
    report = FileReport(name=path.name, status="imported")
    digest = checksum(path)
    if session.scalar(select(IntakeFile.id).where(IntakeFile.checksum == digest)):
        report.status, report.reason = "skipped", "already imported (same checksum)"
        return report
    rows = read_rows(path)
    try:
        header = next(rows, None)
        if header is None:
            raise UnreadableFile("the file has no header row")
        layout = read_layout(header[1])
    except UnreadableFile as exc:
        report.status, report.reason = "failed", str(exc)
        return report
    report.kind = layout.kind
    record = IntakeFile(checksum=digest, name=path.name, kind=layout.kind)
    session.add(record)
    session.flush()
    report.file_id = record.id
    writer = _Writer(session, layout, record.id, report)
    try:
        for chunk in _chunks(rows, chunk_rows or CHUNK_ROWS):
            writer.write(chunk)
    except UnreadableFile as exc:  # e.g. the encoding changes midway
        session.rollback()
        return FileReport(name=path.name, status="failed", kind=layout.kind, reason=str(exc))
    record.rows_read, record.imported = report.rows_read, report.imported
    record.updated, record.rejected = report.updated, report.rejected
    session.flush()
    return report


class _Writer:
    """Validates and stores rows chunk by chunk, remembering companies and partners."""

    def __init__(self, session: Session, layout: Layout, file_id: int, report: FileReport):
        self.session, self.layout, self.file_id, self.report = session, layout, file_id, report
        self.model = ROW_MODELS[layout.kind]
        self.table = OFFER_TABLES[layout.kind]
        self.companies: dict[tuple, int] = {}
        self.partners: dict[str, int] = {}

    def write(self, chunk: list[tuple[int, list]]) -> None:
        # Forget the previous chunk's companies: memory stays flat however long the file.
        self.companies.clear()
        good: list[tuple[int, OfferRow, dict]] = []
        rejects: list[dict] = []
        for number, cells in chunk:
            self.report.rows_read += 1
            row, problems, extra = self._validate(number, cells)
            if problems:
                self.report.rejected += 1
                rejects.extend(problems)
            else:
                good.append((number, row, extra))
        if rejects:
            self.session.execute(IntakeReject.__table__.insert(), rejects)
            room = REPORTED_REJECTS - len(self.report.rejects)
            self.report.rejects.extend(
                {k: r[k] for k in ("row_number", "column", "value", "reason")}
                for r in rejects[: max(room, 0)]
            )
        if good:
            self._store(good)

    def _validate(self, number: int, cells: list) -> tuple[OfferRow | None, list[dict], dict]:
        if isinstance(cells, OversizedRow):
            return None, [self._problem(number, "(row)", None, OversizedRow.reason)], {}
        values = {
            name: cells[index] if index < len(cells) else None
            for index, name in self.layout.fields.items()
        }
        extra = {
            header: str(cells[index]).strip()
            for index, header in self.layout.extra.items()
            if index < len(cells) and cells[index] is not None and str(cells[index]).strip()
        }
        try:
            return self.model.model_validate(values), [], extra
        except ValidationError as exc:
            problems = {}
            for error in exc.errors():
                field_name = str(error["loc"][0]) if error["loc"] else None
                message = error["msg"].removeprefix("Value error, ")
                if field_name is None:
                    field_name = cross_field_column(message)
                column = self.layout.headers.get(field_name, field_name)
                if error["type"] == "missing" or (
                    error["type"] in ("string_type", "date_type", "int_type")
                    and values.get(field_name) in (None, "")
                ):
                    message = "a value is required"
                raw = values.get(field_name)
                problems.setdefault(column, self._problem(number, column, raw, message))
            return None, list(problems.values()), extra

    def _problem(self, number: int, column: str, raw, reason: str) -> dict:
        return {
            "file_id": self.file_id,
            "row_number": number,
            "column": column,
            "value": None if raw is None else str(raw)[:200],
            "reason": reason,
        }

    def _store(self, good: list[tuple[int, OfferRow, dict]]) -> None:
        company_ids = self._company_ids([row for _n, row, _e in good])
        partner_ids = self._partner_ids({row.referred_by for _n, row, _e in good} - {None})
        latest: dict[tuple[str, str], dict] = {}
        repeats = 0
        for _number, row, extra in good:
            key = (row.office, row.offer_id)
            if key in latest:
                repeats += 1  # a later row of the same file updates the offer
            values = {name: getattr(row, name) for name in _COMMON_OFFER_FIELDS}
            for name in _OFFER_FIELDS[self.layout.kind]:
                values[name] = getattr(row, name)
            values.update(
                office_code=row.office,
                offer_id=row.offer_id,
                company_id=company_ids[_company_key(row)],
                partner_id=partner_ids.get(row.referred_by),
                extra=extra,
                intake_file_id=self.file_id,
                is_open=True,
            )
            latest[key] = values
        table = self.table
        # By offer_id through its index, then the pairs: a row-value IN would scan the table
        # in SQLite, which makes a large import quadratic.
        existing = {
            (office, offer_id): row_id
            for office, offer_id, row_id in self.session.execute(
                select(table.office_code, table.offer_id, table.id).where(
                    table.offer_id.in_({offer_id for _, offer_id in latest})
                )
            )
            if (office, offer_id) in latest
        }
        new_rows = [values for key, values in latest.items() if key not in existing]
        changed = [
            {**values, "id": existing[key], "updated_at": utcnow()}
            for key, values in latest.items()
            if key in existing
        ]
        if new_rows:  # Core executemany: an order of magnitude faster than ORM objects
            self.session.execute(table.__table__.insert(), new_rows)
        if changed:
            self.session.execute(update(table), changed)
        self.report.imported += len(new_rows)
        self.report.updated += len(changed) + repeats

    def _company_ids(self, rows: Iterable[OfferRow]) -> dict[tuple, int]:
        wanted = {_company_key(row): row for row in rows}
        missing = {key: row for key, row in wanted.items() if key not in self.companies}
        if missing:
            numbers = [key[1] for key in missing if key[0] == "cn"]
            names = [key[1] for key in missing if key[0] == "name"]
            if numbers:
                for company_id, number in self.session.execute(
                    select(Company.id, Company.corporate_number).where(
                        Company.corporate_number.in_(numbers)
                    )
                ):
                    self.companies[("cn", number)] = company_id
            if names:
                for company_id, name, prefecture in self.session.execute(
                    select(Company.id, Company.name, Company.prefecture_code).where(
                        Company.name.in_(names), Company.corporate_number.is_(None)
                    )
                ):
                    self.companies[("name", name, prefecture)] = company_id
            new = [(key, row) for key, row in missing.items() if key not in self.companies]
            if new:
                companies = Company.__table__
                created = self.session.execute(
                    companies.insert().returning(companies.c.id, sort_by_parameter_order=True),
                    [
                        {
                            "name": row.company_name,
                            "corporate_number": row.corporate_number,
                            "industry_code": row.industry,
                            "prefecture_code": row.prefecture,
                            "capital_yen": row.capital_yen,
                            "employees": row.employees,
                            "has_union": row.has_union,
                            "is_sme": is_sme(row.industry, row.capital_yen, row.employees),
                        }
                        for _key, row in new
                    ],
                ).scalars()
                for (key, _row), company_id in zip(new, created, strict=True):
                    self.companies[key] = company_id
        return self.companies

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


def _company_key(row: OfferRow) -> tuple:
    if row.corporate_number:
        return ("cn", row.corporate_number)
    return ("name", row.company_name, row.prefecture)
