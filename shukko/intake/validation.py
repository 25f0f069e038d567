"""Rows of an intake file, validated chunk by chunk: the validated values of the good rows
and a problem (row, column, value, reason) for each fault of the bad ones. No database
here, so this can run in a separate process while the previous chunk is being stored."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import islice
from operator import itemgetter
from pathlib import Path

from pydantic import ValidationError

from shukko.intake.columns import Layout, UnreadableFile, read_layout
from shukko.intake.readers import OversizedRow, Row, read_rows
from shukko.intake.schemas import ROW_MODELS, cross_field_column

CHUNK_ROWS = 2000
# The order of a good row's values: the fields of the kind's model.
ROW_FIELDS = {kind: tuple(model.model_fields) for kind, model in ROW_MODELS.items()}


@dataclass
class ValidatedChunk:
    """One chunk of rows: the good ones as plain values, the bad ones as problems."""

    rows_read: int = 0
    rejected: int = 0
    # (row number, the validated values in the order of ROW_FIELDS[kind], unknown columns
    # kept as notes); tuples rather than models or dicts: they cross processes cheaply.
    good: list[tuple[int, tuple, dict]] = field(default_factory=list)
    problems: list[dict] = field(default_factory=list)  # row_number, column, value, reason


def file_layout(rows: Iterator[Row]) -> Layout:
    """The layout the header row (the first non-blank row) gives."""
    header = next(rows, None)
    if header is None:
        raise UnreadableFile("the file has no header row")
    return read_layout(header[1])


def validated_chunks(path: Path, chunk_rows: int = CHUNK_ROWS) -> Iterator[ValidatedChunk]:
    """The file's data rows, validated, in chunks of `chunk_rows` (the header is read and
    checked first; an unreadable file raises UnreadableFile before or between chunks)."""
    rows = read_rows(path)
    yield from validate_in_chunks(rows, file_layout(rows), chunk_rows)


def validate_in_chunks(
    rows: Iterator[Row], layout: Layout, chunk_rows: int = CHUNK_ROWS
) -> Iterator[ValidatedChunk]:
    """Data rows (the header already read) validated in chunks of `chunk_rows`."""
    validator = RowValidator(layout)
    while chunk := list(islice(rows, chunk_rows)):
        yield validator.validate(chunk)


class RowValidator:
    """Turns raw cells into validated values with the model of the file's kind."""

    def __init__(self, layout: Layout):
        self.layout = layout
        self.model = ROW_MODELS[layout.kind]
        self._values_of = itemgetter(*ROW_FIELDS[layout.kind])
        # The cells of the known columns (several: the required ones are there), by name.
        self._names = tuple(layout.fields.values())
        self._cells_of = itemgetter(*layout.fields)
        self._last_index = max(layout.fields)

    def validate(self, chunk: list[Row]) -> ValidatedChunk:
        result = ValidatedChunk(rows_read=len(chunk))
        # The loop runs for every row of a national year: names are looked up once.
        good, values_of, known_cells = result.good, self._values_of, self._known_cells
        validate = self.model.__pydantic_validator__.validate_python  # model_validate's core
        for number, cells in chunk:
            if isinstance(cells, OversizedRow):
                result.rejected += 1
                result.problems.append(_problem(number, "(row)", None, OversizedRow.reason))
                continue
            values = known_cells(cells)
            extra = self._extra_cells(cells) if self.layout.extra else {}
            try:
                good.append((number, values_of(validate(values).__dict__), extra))
            except ValidationError as exc:
                result.rejected += 1
                result.problems.extend(self._problems(number, values, exc))
        return result

    def _known_cells(self, cells: list) -> dict:
        """The cells of the known columns by field name (None where a row is short)."""
        if len(cells) > self._last_index:  # the common case: every column is there
            return dict(zip(self._names, self._cells_of(cells), strict=True))
        width = len(cells)
        return {
            name: cells[index] if index < width else None
            for index, name in self.layout.fields.items()
        }

    def _extra_cells(self, cells: list) -> dict:
        """Cells of unknown columns, kept as notes under their headers."""
        width = len(cells)
        return {
            header: str(cells[index]).strip()
            for index, header in self.layout.extra.items()
            if index < width and cells[index] is not None and str(cells[index]).strip()
        }

    def _problems(self, number: int, values: dict, exc: ValidationError) -> list[dict]:
        """One problem per column, in words an office clerk understands."""
        problems: dict[str, dict] = {}
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
            problems.setdefault(column, _problem(number, column, raw, message))
        return list(problems.values())


def _problem(number: int, column: str, raw, reason: str) -> dict:
    return {
        "row_number": number,
        "column": column,
        "value": None if raw is None else str(raw)[:200],
        "reason": reason,
    }
