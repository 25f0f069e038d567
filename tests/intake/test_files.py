"""Whole files through `import_file`: encodings, XLSX quirks, broken files, counts, upserts."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select
from sqlmodel import Session

from models import Company, IntakeFile, IntakeReject, Partner, ReceivingOffer, SendingOffer
from shukko.intake.run import import_paths, run_inbox
from shukko.intake.store import import_file
from tests.intake.files import receiving_row, sending_row, write_csv, write_xlsx


def count(session, table) -> int:
    return session.scalar(select(func.count()).select_from(table))


def test_utf8_with_bom_and_japanese_headers(session, tmp_path):
    path = write_csv(
        tmp_path / "s.csv", [sending_row(1), sending_row(2)], japanese=True, encoding="utf-8-sig"
    )
    report = import_file(session=session, path=path)
    assert (report.kind, report.rows_read, report.imported, report.rejected) == ("sending", 2, 2, 0)


def test_cp932_as_excel_writes_it(session, tmp_path):
    rows = [receiving_row(1, notes="髙橋様（①）"), receiving_row(2)]  # CP932-only characters
    path = write_csv(tmp_path / "r.csv", rows, japanese=True, encoding="cp932")
    report = import_file(session=session, path=path)
    assert (report.kind, report.imported) == ("receiving", 2)
    assert (
        session.scalar(select(ReceivingOffer.notes).where(ReceivingOffer.offer_id == "R-00001"))
        == "髙橋様(1)"
    )


def test_english_headers_in_any_order_and_unknown_columns_kept(session, tmp_path):
    row = {"社内メモ": "至急", **dict(reversed(list(sending_row(1).items())))}
    report = import_file(session=session, path=write_csv(tmp_path / "s.csv", [row]))
    assert report.imported == 1
    assert session.scalar(select(SendingOffer.extra)) == {"社内メモ": "至急"}


def test_bad_rows_are_kept_with_row_column_and_reason(session, tmp_path):
    rows = [
        sending_row(1),
        sending_row(2, headcount="0"),
        sending_row(3),
        sending_row(4, received_on="2024/2/30", occupation="Z"),
    ]
    report = import_file(session=session, path=write_csv(tmp_path / "s.csv", rows, japanese=True))
    assert (report.rows_read, report.imported, report.updated, report.rejected) == (4, 2, 0, 2)
    rejects = session.execute(
        select(
            IntakeReject.row_number, IntakeReject.column, IntakeReject.value, IntakeReject.reason
        ).order_by(IntakeReject.row_number, IntakeReject.column)
    ).all()
    assert rejects == [
        (3, "人数", "0", "0 is less than 1"),
        (5, "受付日", "2024/2/30", "'2024/2/30' is not a real date"),
        (5, "職種", "Z", "'Z' is not an occupation group (A-L or its name, e.g. 事務従事者)"),
    ]


def test_xlsx_with_blank_rows_merged_header_and_formula(session, tmp_path):
    from openpyxl import load_workbook

    path = write_xlsx(tmp_path / "r.xlsx", [receiving_row(1), receiving_row(2), receiving_row(3)])
    workbook = load_workbook(path)
    sheet = workbook.active
    sheet.insert_rows(3)  # a blank row between the first and second offer
    last = sheet.max_column + 1
    sheet.cell(row=1, column=last, value="メモ")
    sheet.cell(row=1, column=last + 1, value=None)
    sheet.merge_cells(start_row=1, start_column=last, end_row=1, end_column=last + 1)
    headcount_col = next(c.column for c in sheet[1] if c.value == "人数")
    sheet.cell(row=2, column=headcount_col, value="=1+1")  # a formula never calculated
    workbook.save(path)
    report = import_file(session=session, path=path)
    assert (report.rows_read, report.imported, report.rejected) == (3, 2, 1)
    reject = session.scalar(select(IntakeReject))
    assert (reject.row_number, reject.column, reject.reason) == (2, "人数", "a value is required")


def test_a_stray_quote_spoils_only_its_own_row(session, tmp_path):
    path = write_csv(tmp_path / "s.csv", [sending_row(n) for n in range(1, 5)])
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    lines[2] = lines[2].replace("送出工業2株式会社", '送出"工業2株式会社', 1)
    lines[3] = lines[3].replace(",2,", ',"2,', 1)  # an opening quote that never closes
    path.write_text("".join(lines), encoding="utf-8")
    report = import_file(session=session, path=path)
    assert report.rows_read == 4
    assert report.imported + report.rejected == 4
    assert report.imported >= 3


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"", "the file is empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "not a CSV or XLSX file"),
        (b"PK\x03\x04 not really a workbook", "not a readable XLSX workbook"),
        ("名前,住所\n山田,東京\n".encode(), "required columns are missing"),
        ("受付番号,勤務地,希望勤務地\n".encode(), "columns of both kinds"),
    ],
)
def test_unreadable_files_say_why_and_store_nothing(session, tmp_path, content, reason):
    path = tmp_path / "bad.csv"
    path.write_bytes(content)
    report = import_file(session=session, path=path)
    assert report.status == "failed" and reason in report.reason
    assert count(session, IntakeFile) == 0


def test_later_rows_update_offers_and_companies_are_deduplicated(session, tmp_path):
    first = write_csv(
        tmp_path / "a.csv",
        [
            sending_row(1, corporate_number="5180001008846", referred_by="名古屋中央銀行"),
            sending_row(2, company_name="送出工業1株式会社"),
        ],
    )
    import_file(session=session, path=first)
    second = write_csv(
        tmp_path / "b.csv",
        [
            sending_row(
                1,
                corporate_number="5180001008846",
                headcount="5",
                company_name="送出工業(旧社名)",
                referred_by="名古屋中央銀行",
            ),
            sending_row(3, referred_by="愛知県"),
            sending_row(3, headcount="4"),
        ],
    )
    report = import_file(session=session, path=second)
    assert (report.imported, report.updated) == (1, 2)
    assert (
        session.scalar(select(SendingOffer.headcount).where(SendingOffer.offer_id == "S-00001"))
        == 5
    )
    assert (
        session.scalar(select(SendingOffer.headcount).where(SendingOffer.offer_id == "S-00003"))
        == 4
    )
    # by corporate number (renamed, still one), and by name and prefecture for the others
    assert count(session, Company) == 3
    assert (
        session.scalar(
            select(func.count()).select_from(Company).where(Company.corporate_number.is_not(None))
        )
        == 1
    )
    partners = dict(session.execute(select(Partner.name, Partner.kind)).all())
    assert partners == {"名古屋中央銀行": "bank", "愛知県": "government"}


def test_rerunning_a_folder_changes_nothing(engine, tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    write_csv(folder / "s.csv", [sending_row(1), sending_row(2, headcount="x")])
    write_xlsx(folder / "r.xlsx", [receiving_row(1)])
    first = import_paths(engine=engine, paths=[folder])
    assert [r.status for r in first] == ["imported", "imported"]

    def snapshot():
        with Session(engine) as session:
            return tuple(
                count(session, t)
                for t in (SendingOffer, ReceivingOffer, Company, IntakeFile, IntakeReject)
            )

    before = snapshot()
    again = import_paths(engine=engine, paths=[folder])
    assert [r.status for r in again] == ["skipped", "skipped"]
    assert snapshot() == before == (1, 1, 2, 2, 1)


def test_a_crash_mid_file_leaves_nothing_and_a_rerun_imports_it_all(engine, tmp_path, monkeypatch):
    from shukko.intake import store

    path = write_csv(tmp_path / "s.csv", [sending_row(n) for n in range(1, 7)])
    original = store._Writer._store
    calls = []

    def crash_on_second_chunk(self, good):
        calls.append(1)
        if len(calls) == 2:
            raise OSError("disk full")
        return original(self, good)

    monkeypatch.setattr(store._Writer, "_store", crash_on_second_chunk)
    (report,) = import_paths(engine=engine, paths=[path], chunk_rows=3)
    assert report.status == "failed" and "disk full" in report.reason
    with Session(engine) as session:
        assert count(session, SendingOffer) == 0 and count(session, IntakeFile) == 0
    monkeypatch.setattr(store._Writer, "_store", original)
    (report,) = import_paths(engine=engine, paths=[path])
    assert (report.status, report.imported) == ("imported", 6)


def test_inbox_run_moves_files_aside(engine, tmp_path):
    inbox, archive, failed = tmp_path / "inbox", tmp_path / "archive", tmp_path / "failed"
    inbox.mkdir()
    write_csv(inbox / "good.csv", [sending_row(1)])
    (inbox / "photo.csv").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00")
    reports = run_inbox(engine=engine, inbox=inbox, archive=archive, failed=failed)
    assert {r.name: r.status for r in reports} == {"good.csv": "imported", "photo.csv": "failed"}
    assert list(inbox.iterdir()) == []
    assert (archive / "good.csv").exists()
    assert "binary data" in (failed / "photo.csv.reason.txt").read_text(encoding="utf-8")
