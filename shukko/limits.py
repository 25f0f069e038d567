"""Bounds on what an operator or a file can hand us, checked before anything is parsed or
stored: free text, dates, terms files, XLSX archives. Each refusal names the field."""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from shukko.clock import add_months
from shukko.errors import InvalidInput


@dataclass(frozen=True)
class InputLimits:
    max_text_chars: int = 2000
    earliest_date: date = date(2000, 1, 1)
    latest_years_ahead: int = 5
    max_terms_file_bytes: int = 256 * 1024
    max_xlsx_uncompressed_bytes: int = 512 * 1024 * 1024
    max_xlsx_compression_ratio: int = 200


def input_limits(settings) -> InputLimits:
    return InputLimits(
        max_text_chars=settings.max_text_chars,
        earliest_date=settings.earliest_date,
        latest_years_ahead=settings.latest_years_ahead,
        max_terms_file_bytes=settings.max_terms_file_bytes,
        max_xlsx_uncompressed_bytes=settings.max_xlsx_uncompressed_bytes,
        max_xlsx_compression_ratio=settings.max_xlsx_compression_ratio,
    )


def check_text(value: str | None, field: str, limits: InputLimits) -> str | None:
    if value is not None and len(value) > limits.max_text_chars:
        raise InvalidInput(
            code="input.text_too_long", fields=(field,), field=field, length=len(value),
            limit=limits.max_text_chars,
        )  # fmt: skip
    return value


def check_date(day: date | None, field: str, limits: InputLimits, today: date) -> date | None:
    """A date within the plausible window: not before earliest_date, not more than
    latest_years_ahead years after today."""
    if day is None:
        return None
    latest = add_months(today, 12 * limits.latest_years_ahead)
    if not limits.earliest_date <= day <= latest:
        raise InvalidInput(
            code="input.date_outside", fields=(field,), field=field, day=day,
            earliest=limits.earliest_date, latest=latest,
        )  # fmt: skip
    return day


def archive_problem(path: Path, limits: InputLimits) -> str | None:
    """Why an XLSX (a zip archive) is refused before it is opened: its parts declare more
    than the limit uncompressed, or one is compressed implausibly hard (a zip bomb)."""
    try:
        with zipfile.ZipFile(path) as archive:
            parts = archive.infolist()
    except (zipfile.BadZipFile, OSError):
        return None  # not an archive: the reader says what is wrong with it
    total = sum(part.file_size for part in parts)
    if total > limits.max_xlsx_uncompressed_bytes:
        return (
            f"the workbook inflates to {total:,} bytes, more than the "
            f"{limits.max_xlsx_uncompressed_bytes:,} accepted (max_xlsx_uncompressed_bytes)"
        )
    for part in parts:
        ratio = part.file_size / max(part.compress_size, 1)
        if part.file_size > 1024 * 1024 and ratio > limits.max_xlsx_compression_ratio:
            return (
                f"its part {part.filename} is compressed {ratio:,.0f} times, more than the "
                f"{limits.max_xlsx_compression_ratio} accepted (max_xlsx_compression_ratio)"
            )
    return None
