"""Intake files written the way offices write them: CSV in UTF-8 (BOM or not) or CP932, XLSX."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from shukko.intake.columns import COMMON, RECEIVING_ONLY, SENDING_ONLY

JAPANESE = {**COMMON, **SENDING_ONLY, **RECEIVING_ONLY}


def sending_row(n: int = 1, **changes) -> dict:
    row = {
        "offer_id": f"S-{n:05d}",
        "office": "愛知",
        "received_on": "2024/4/1",
        "company_name": f"送出工業{n}株式会社",
        "industry": "31",
        "prefecture": "愛知県",
        "kind": "出向",
        "headcount": "2",
        "occupation": "H",
    }
    row.update(changes)
    return row


def receiving_row(n: int = 1, **changes) -> dict:
    row = {
        "offer_id": f"R-{n:05d}",
        "office": "13",
        "received_on": "2024-04-01",
        "company_name": f"受入物流{n}株式会社",
        "industry": "44",
        "prefecture": "東京都",
        "kind": "いずれも",
        "headcount": "3",
        "occupation": "運搬・清掃・包装等従事者",
        "work_prefecture": "神奈川",
    }
    row.update(changes)
    return row


def write_csv(
    path: Path, rows: list[dict], *, japanese: bool = False, encoding: str = "utf-8"
) -> Path:
    """A CSV with the union of the rows' keys as header (Japanese names if asked)."""
    header = list(dict.fromkeys(key for row in rows for key in row))
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([JAPANESE.get(h, h) if japanese else h for h in header])
    for row in rows:
        writer.writerow([row.get(h, "") for h in header])
    path.write_bytes(buffer.getvalue().encode(encoding))
    return path


def write_xlsx(path: Path, rows: list[dict], *, japanese: bool = True) -> Path:
    from openpyxl import Workbook

    header = list(dict.fromkeys(key for row in rows for key in row))
    workbook = Workbook()
    sheet = workbook.active
    sheet.append([JAPANESE.get(h, h) if japanese else h for h in header])
    for row in rows:
        sheet.append([row.get(h) for h in header])
    workbook.save(path)
    return path
