"""Stream the rows of an intake file (CSV in UTF-8 or CP932, or XLSX), one at a time, so that
memory stays flat whatever the file's size."""

from __future__ import annotations

import csv
import io
import itertools
from collections import deque
from collections.abc import Iterator
from pathlib import Path

from shukko.intake.columns import UnreadableFile

SAMPLE_BYTES = 1 << 16
MAX_LINES_PER_CELL = 20  # a quoted cell longer than this is taken for a stray quote
ZIP_MAGIC = b"PK\x03\x04"

MAX_LINE_CHARS = 100_000  # a longer line is rejected unread, so memory stays bounded
Row = tuple[int, list[object]]  # (row number as a spreadsheet shows it, 1 = header; cells)

csv.field_size_limit(MAX_LINE_CHARS * (MAX_LINES_PER_CELL + 1))


class OversizedRow(list):
    """Stands for the cells of a line too long to read; validation rejects it."""

    reason = f"the row is longer than {MAX_LINE_CHARS:,} characters and was not read"


def sniff_encoding(sample: bytes) -> str:
    """utf-8-sig, utf-8 or cp932 (Excel's Shift_JIS), from the first bytes of a file."""
    if sample.startswith(b"\xef\xbb\xbf"):
        return "utf-8-sig"
    for encoding in ("utf-8", "cp932"):
        # A multi-byte character may be cut at the end of the sample: allow 3 bytes of slack.
        for cut in range(4):
            try:
                sample[: len(sample) - cut].decode(encoding)
                return encoding
            except UnicodeDecodeError:
                continue
    raise UnreadableFile("the text is neither UTF-8 nor Shift_JIS (CP932)")


def read_rows(path: Path) -> Iterator[Row]:
    """Every non-blank row of the file with its row number; the first is the header."""
    with path.open("rb") as handle:
        sample = handle.read(SAMPLE_BYTES)
    if not sample.strip():
        raise UnreadableFile("the file is empty")
    if sample.startswith(ZIP_MAGIC):
        yield from _xlsx_rows(path)
        return
    if b"\x00" in sample:
        raise UnreadableFile("the file is not a CSV or XLSX file (it holds binary data)")
    yield from _csv_rows(path, sniff_encoding(sample))


def _csv_rows(path: Path, encoding: str) -> Iterator[Row]:
    try:
        with path.open(encoding=encoding, newline="") as handle:
            # Rows are numbered as a spreadsheet shows them: a cell spanning lines is one row.
            for number, (_line, cells) in enumerate(_records(_bounded_lines(handle)), start=1):
                if isinstance(cells, OversizedRow) or "".join(cells).strip():  # not blank
                    yield number, cells
    except UnicodeDecodeError as exc:
        raise UnreadableFile(
            f"the file changes encoding midway ({encoding} expected, byte {exc.start} is not)"
        ) from None


def _bounded_lines(handle) -> Iterator[str | OversizedRow]:
    """The file's lines, each at most MAX_LINE_CHARS; a longer one is skipped to its end
    and stands as an OversizedRow."""
    while True:
        line = handle.readline(MAX_LINE_CHARS)
        if not line:
            return
        if len(line) == MAX_LINE_CHARS and not line.endswith(("\n", "\r")):
            while (rest := handle.readline(MAX_LINE_CHARS)) and not rest.endswith(("\n", "\r")):
                pass
            yield OversizedRow()
            continue
        yield line


def _records(lines) -> Iterator[Row]:
    """CSV records from physical lines: a quoted cell may span lines, but a stray quote only
    spoils its own line instead of swallowing the rest of the file."""
    parse = _LineParser()
    pending: deque[tuple[int, str]] = deque()
    numbered = enumerate(lines, start=1)
    while True:
        if not pending:
            item = next(numbered, None)
            if item is None:
                return
            if isinstance(item[1], OversizedRow):
                yield item
                continue
            cells = parse(item[1])  # the common case: one line, one record
            if cells is not None:
                yield item[0], cells
                continue
            pending.append(item)
        else:
            start = pending[0][0]
            cells = parse("".join(line for _n, line in pending))
            if cells is not None:
                pending.clear()
                yield start, cells
                continue
        if len(pending) <= MAX_LINES_PER_CELL:
            item = next(numbered, None)
            if item is not None and not isinstance(item[1], OversizedRow):
                pending.append(item)
                continue
            if item is not None:  # keep it for after the pending lines are resolved
                numbered = itertools.chain([item], numbered)
        # An unbalanced quote: read the first line with its quotes as plain characters.
        first_number, first_line = pending.popleft()
        yield first_number, _plain_cells(first_line)


class _LineParser:
    """Parses one record's text with one csv reader for the whole file (a reader per line
    costs more than the parsing): the reader pulls the text from this object."""

    def __init__(self):
        self._text: str | None = None
        self._reader = csv.reader(self, strict=True)

    def __iter__(self):
        return self

    def __next__(self) -> str:
        text, self._text = self._text, None
        if text is None:
            raise StopIteration
        return text

    def __call__(self, text: str) -> list[str] | None:
        """The cells of one record, or None while a quoted cell is still open."""
        self._text = text
        try:
            return next(self._reader, [])
        except csv.Error as exc:
            if "unexpected end of data" in str(exc):
                return None
            try:
                return next(csv.reader(io.StringIO(text)), [])  # e.g. "ab"c: read leniently
            except csv.Error:  # e.g. a bare carriage return inside a cell
                return _plain_cells(text)
        finally:
            self._text = None


def _plain_cells(text: str) -> list[str]:
    """Cells split on commas with quotes and stray line breaks read as plain characters."""
    flat = text.rstrip("\r\n").replace("\r", " ").replace("\n", " ")
    return next(csv.reader(io.StringIO(flat), quoting=csv.QUOTE_NONE), [])


def _xlsx_rows(path: Path) -> Iterator[Row]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a broken archive
        raise UnreadableFile(f"the file is not a readable XLSX workbook ({exc})") from None
    try:
        sheet = workbook.worksheets[0]
        for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
            cells = list(values)
            if any(cell is not None and str(cell).strip() for cell in cells):
                yield number, cells
    finally:
        workbook.close()
