"""CSV and XLSX exports that a spreadsheet cannot turn into a formula (CSV injection)."""

from __future__ import annotations

import csv
from pathlib import Path

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value):
    """A text cell starting like a formula gets a leading apostrophe; numbers stay numbers."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def write_csv(path: Path, header: list[str], rows: list[list]) -> Path:
    """UTF-8 with BOM, so that Japanese Excel opens it with the right encoding."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow([safe_cell(h) for h in header])
        writer.writerows([[safe_cell(c) for c in row] for row in rows])
    return path


def write_xlsx(path: Path, sheets: dict[str, tuple[list[str], list[list]]]) -> Path:
    """One sheet per table; cells are written as values, never as formulas."""
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.remove(workbook.active)
    for title, (header, rows) in sheets.items():
        sheet = workbook.create_sheet(title=title[:31])
        sheet.append([safe_cell(h) for h in header])
        for row in rows:
            sheet.append([safe_cell(c) for c in row])
        for cells in sheet.iter_rows():
            for cell in cells:
                if isinstance(cell.value, str):
                    cell.data_type = "s"  # text even when it looks like a formula
    path.parent.mkdir(parents=True, exist_ok=True)
    workbook.save(path)
    return path
