"""Hostile input: random bytes, random text under a good header, huge cells, mixed
encodings, formula-looking cells and a million-row file. No crash, counts that add up,
every bad row reported, memory flat."""

from __future__ import annotations

import csv
from itertools import count
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from models import IntakeReject, SendingOffer
from shukko.intake.readers import read_rows
from shukko.intake.store import import_file
from tests.intake.files import JAPANESE, sending_row, write_csv

files = count(1)
FUZZ = settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def header_line() -> str:
    return ",".join(JAPANESE[key] for key in sending_row()) + "\r\n"


def assert_accounted(report) -> None:
    if report.status == "failed":
        assert report.reason  # says why
        return
    assert report.rows_read == report.imported + report.updated + report.rejected
    assert all(r["row_number"] >= 2 and r["reason"] for r in report.rejects)


@FUZZ
@given(content=st.binary(max_size=3000), suffix=st.sampled_from([".csv", ".xlsx", ".txt"]))
def test_random_bytes_never_crash_the_intake(session, tmp_path, content, suffix):
    path = tmp_path / f"fuzz-{next(files)}{suffix}"
    path.write_bytes(content)
    report = import_file(session=session, path=path)
    session.rollback()
    assert_accounted(report)


@FUZZ
@given(
    lines=st.lists(
        st.text(alphabet=st.sampled_from(list('a1,"\n\r=+-@;、東京２０２４/\t ')), max_size=60),
        max_size=20,
    ),
    encoding=st.sampled_from(["utf-8", "cp932"]),
)
def test_random_rows_under_a_good_header_are_each_accounted_for(session, tmp_path, lines, encoding):
    path = tmp_path / f"rows-{next(files)}.csv"
    path.write_bytes((header_line() + "\r\n".join(lines)).encode(encoding))
    report = import_file(session=session, path=path)
    session.rollback()
    assert report.status == "imported"
    assert_accounted(report)


def test_huge_cells_are_rejected_with_their_row_and_the_rest_imported(session, tmp_path):
    path = write_csv(
        tmp_path / "huge.csv",
        [
            sending_row(1, company_name="A" * 300_000),
            sending_row(2, company_name="B" * 5_000),
            sending_row(3),
        ],
    )
    report = import_file(session=session, path=path)
    assert (report.rows_read, report.imported, report.rejected) == (3, 1, 2)
    reasons = {r["row_number"]: r["reason"] for r in report.rejects}
    assert "longer than 100,000 characters" in reasons[2]
    assert "at most 2000 characters" in reasons[3]
    stored = session.scalars(select(IntakeReject.value)).all()
    assert all(value is None or len(value) <= 200 for value in stored)  # not the whole cell


def test_a_file_that_changes_encoding_midway_is_refused_whole(session, tmp_path):
    head = header_line() + "".join(
        ",".join(sending_row(n).values()) + "\r\n" for n in range(1, 2000)
    )
    tail = ",".join(sending_row(5000, company_name="送出工業株式会社").values()) + "\r\n"
    path = tmp_path / "mixed.csv"
    path.write_bytes(head.encode("utf-8") + tail.encode("cp932"))
    report = import_file(session=session, path=path)
    assert report.status == "failed" and "encoding" in report.reason
    session.rollback()
    assert session.scalar(select(SendingOffer.id)) is None  # nothing half-imported


def test_formula_looking_cells_are_stored_as_text(session, tmp_path):
    cells = ['=HYPERLINK("http://x")', "+SUM(A1)", "-1+2", "@cmd"]
    path = write_csv(
        tmp_path / "formula.csv",
        [sending_row(n, company_name=c, notes=c) for n, c in enumerate(cells, start=1)],
    )
    report = import_file(session=session, path=path)
    assert report.imported == 4
    assert sorted(session.scalars(select(SendingOffer.notes))) == sorted(cells)


def test_a_million_row_file_is_read_in_flat_memory(request, tmp_path):
    if request.config.getoption("--db") == "postgresql":
        pytest.skip("reads the file only (no database): runs once, on the SQLite pass")
    row = list(sending_row(1).values())
    path = tmp_path / "million.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(list(sending_row(1)))
        writer.writerows([row] * 1_000_000)

    def rss_mib() -> float:
        status = Path("/proc/self/status").read_text(encoding="ascii")
        return int(status.split("VmRSS:")[1].split()[0]) / 1024

    before, highest, rows = rss_mib(), 0.0, 0
    for rows, _row in enumerate(read_rows(path), start=1):
        if rows % 100_000 == 0:
            highest = max(highest, rss_mib())
    assert rows == 1_000_001
    grew = highest - before
    assert grew < 20, f"memory grew {grew:.1f} MiB reading {path.stat().st_size:,} bytes"
