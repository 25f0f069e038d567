"""Large files are validated in a worker process while the importing process stores: the
result is the same as validating in one process, and a worker that fails loses nothing."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlmodel import Session

from models import Company, IntakeFile, IntakeReject, Partner, ReceivingOffer, SendingOffer
from models.db import make_engine
from models.schema import upgrade
from shukko.intake import pipeline
from shukko.intake.run import import_paths
from shukko.intake.validation import validated_chunks
from tests.intake.files import receiving_row, sending_row, write_csv

CHUNK = 4  # rows per chunk: every file below crosses in several chunks


def national_files(folder: Path) -> list[Path]:
    """Three files: sending offers with bad rows, a repeated id, an unknown column and
    referring partners; receiving offers in CP932; then a file updating some offers."""
    sending = [
        sending_row(n, referred_by="中央信用金庫" if n % 3 else "", 社内メモ=f"メモ{n}")
        for n in range(1, 24)
    ]
    sending[4]["headcount"] = "0"
    sending[9]["received_on"] = "2024/2/30"
    sending[15] = sending_row(3, headcount="5")  # the same offer again, later in the file
    receiving = [receiving_row(n, skills="溶接、フォークリフト") for n in range(1, 18)]
    receiving[7]["work_prefecture"] = "火星"
    update = [sending_row(n, headcount="9") for n in (1, 2, 40)]
    return [
        write_csv(folder / "1-sending.csv", sending, japanese=True),
        write_csv(folder / "2-receiving.csv", receiving, encoding="cp932"),
        write_csv(folder / "3-update.csv", update),
    ]


def contents(engine) -> dict:
    """What an import stored, by natural keys (ids and timestamps left out)."""
    with Session(engine) as session:
        offers = sorted(
            (
                offer.office_code, offer.offer_id, offer.headcount, offer.received_on,
                offer.start_until, tuple(offer.skills), offer.extra, name, number, partner,
            )
            for table in (SendingOffer, ReceivingOffer)
            for offer, name, number, partner in session.execute(
                select(table, Company.name, Company.corporate_number, Partner.name)
                .join(Company, Company.id == table.company_id)
                .outerjoin(Partner, Partner.id == table.partner_id)
            )
        )  # fmt: skip
        files = sorted(
            session.execute(
                select(
                    IntakeFile.name,
                    IntakeFile.rows_read,
                    IntakeFile.imported,
                    IntakeFile.updated,
                    IntakeFile.rejected,
                )
            ).all()
        )
        rejects = sorted(
            session.execute(
                select(
                    IntakeFile.name,
                    IntakeReject.row_number,
                    IntakeReject.column,
                    IntakeReject.value,
                    IntakeReject.reason,
                ).join(IntakeFile, IntakeFile.id == IntakeReject.file_id)
            ).all()
        )
        companies = sorted(
            session.execute(select(Company.name, Company.is_sme, Company.has_union)).all()
        )
    return {"offers": offers, "files": files, "rejects": rejects, "companies": companies}


@pytest.fixture
def forked(monkeypatch):
    """Workers forked from the test process, so that a function patched here runs there."""
    monkeypatch.setattr(pipeline, "_start_method", lambda: "fork")


@pytest.mark.parametrize("threads", [1, 3], ids=["forked", "from-a-fork-server"])
def test_a_worker_stores_what_one_process_stores(engine, tmp_path, monkeypatch, threads):
    # With other threads about (a Prefect flow run) the worker comes from a fork server.
    monkeypatch.setattr(pipeline.threading, "active_count", lambda: threads)
    handed_over = []
    chunks_of = pipeline.ValidationWorker._chunks_of

    def counted(self, index):
        for chunk in chunks_of(self, index):
            handed_over.append(index)
            yield chunk

    monkeypatch.setattr(pipeline.ValidationWorker, "_chunks_of", counted)
    files = national_files(tmp_path)
    alone = make_engine(f"sqlite:///{tmp_path}/alone.db")
    upgrade(alone)
    alone_reports = import_paths(engine=alone, paths=files, parallel=False, chunk_rows=CHUNK)
    reports = import_paths(engine=engine, paths=files, parallel=True, chunk_rows=CHUNK)
    summary = [(r.status, r.rows_read, r.imported, r.updated, r.rejected) for r in reports]
    assert summary == [
        ("imported", 23, 20, 1, 2),
        ("imported", 17, 16, 0, 1),
        ("imported", 3, 1, 2, 0),
    ]
    assert summary == [
        (r.status, r.rows_read, r.imported, r.updated, r.rejected) for r in alone_reports
    ]
    assert [r.rejects for r in reports] == [r.rejects for r in alone_reports]
    assert contents(engine) == contents(alone)
    assert sorted(set(handed_over)) == [0, 1, 2]  # every file came from the worker
    assert handed_over.count(0) == 6  # 23 rows in chunks of 4
    alone.dispose()


def test_a_worker_that_cannot_start_leaves_the_files_to_this_process(
    engine, tmp_path, monkeypatch, forked
):
    def dies_at_once(*_args):
        os._exit(7)  # like a main script that cannot be imported in a new process

    monkeypatch.setattr(pipeline, "_validate_files", dies_at_once)
    reports = import_paths(
        engine=engine, paths=national_files(tmp_path), parallel=True, chunk_rows=CHUNK
    )
    assert [(r.status, r.imported) for r in reports] == [
        ("imported", 20),
        ("imported", 16),
        ("imported", 1),
    ]


def test_a_worker_dying_midway_fails_that_file_whole_and_the_run_goes_on(
    engine, tmp_path, monkeypatch, forked
):
    def dies_after_one_chunk(paths, chunk_rows, handoff, _parent):
        handoff.put((0, "chunk", next(validated_chunks(Path(paths[0]), chunk_rows))))
        handoff.close()
        handoff.join_thread()  # the chunk is in the pipe
        os._exit(9)

    monkeypatch.setattr(pipeline, "_validate_files", dies_after_one_chunk)
    first, second, third = import_paths(
        engine=engine, paths=national_files(tmp_path), parallel=True, chunk_rows=CHUNK
    )
    assert first.status == "failed" and "exit code 9" in first.reason
    assert "nothing of it was stored" in first.reason
    assert (second.status, second.imported, third.status) == ("imported", 16, "imported")
    with Session(engine) as session:
        stored = set(session.scalars(select(IntakeFile.name)))
        assert stored == {"2-receiving.csv", "3-update.csv"}
        sending = set(session.scalars(select(SendingOffer.offer_id)))
        assert sending == {"S-00001", "S-00002", "S-00040"}  # the third file's, as new offers


def test_a_failed_store_passes_over_the_rest_of_that_file(engine, tmp_path, monkeypatch):
    from shukko.intake import store

    original, calls = store._Writer._store, []

    def fails_on_the_second_chunk_of_the_first_file(self, good):
        calls.append(self.report.name)
        if calls.count("1-sending.csv") == 2 and self.report.name == "1-sending.csv":
            raise OSError("disk full")
        return original(self, good)

    monkeypatch.setattr(store._Writer, "_store", fails_on_the_second_chunk_of_the_first_file)
    first, second, third = import_paths(
        engine=engine, paths=national_files(tmp_path), parallel=True, chunk_rows=CHUNK
    )
    assert first.status == "failed" and "disk full" in first.reason
    assert [(r.status, r.rows_read, r.imported) for r in (second, third)] == [
        ("imported", 17, 16),
        ("imported", 3, 3),  # S-00001 and S-00002 are new now: the first file was undone
    ]
    with Session(engine) as session:
        assert session.scalar(select(IntakeReject.id).join(IntakeFile).where(
            IntakeFile.name == "1-sending.csv"
        )) is None  # fmt: skip


def test_a_file_unreadable_midway_is_refused_whole_through_the_worker(engine, tmp_path):
    rows = "".join(",".join(sending_row(n).values()) + "\r\n" for n in range(1, 2000))
    header = ",".join(sending_row(1)) + "\r\n"
    tail = ",".join(sending_row(5000, company_name="送出工業株式会社").values()) + "\r\n"
    mixed = tmp_path / "mixed.csv"
    mixed.write_bytes((header + rows).encode("utf-8") + tail.encode("cp932"))
    good = write_csv(tmp_path / "good.csv", [receiving_row(1)])
    first, second = import_paths(engine=engine, paths=[mixed, good], parallel=True)
    assert first.status == "failed" and "changes encoding midway" in first.reason
    assert (second.status, second.imported) == ("imported", 1)
    with Session(engine) as session:
        assert session.scalar(select(SendingOffer.id)) is None
