"""The intake flow end to end: inbox in, archive and failed out, counts and an artifact."""

from __future__ import annotations

import asyncio

from sqlalchemy import func, select
from sqlmodel import Session

from models import SendingOffer
from tests.intake.files import sending_row, write_csv


def test_intake_flow_imports_the_inbox_and_publishes_a_summary(shukko_env, engine):
    from prefect.client.orchestration import get_client

    from flows.intake import intake_flow

    inbox = shukko_env / "inbox"
    inbox.mkdir(parents=True)
    write_csv(
        inbox / "aichi.csv",
        [sending_row(1), sending_row(2, headcount="0")],
        japanese=True,
        encoding="cp932",
    )
    (inbox / "scan.csv").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00")

    totals = intake_flow()
    assert totals["rows_read"] == 2 and totals["imported"] == 1 and totals["rejected"] == 1
    assert totals["failed_files"] == 1
    assert (shukko_env / "archive" / "aichi.csv").exists()
    assert (shukko_env / "failed" / "scan.csv.reason.txt").exists()
    with Session(engine) as session:
        assert session.scalar(select(func.count()).select_from(SendingOffer)) == 1

    async def summary() -> str:
        async with get_client() as client:
            artifacts = await client.read_latest_artifacts()
            return next(a.data for a in artifacts if a.key == "intake-summary")

    markdown = asyncio.run(summary())
    assert "aichi.csv row 3, 人数: 0 is less than 1" in markdown
    assert "scan.csv** could not be read" in markdown

    again = intake_flow()  # the inbox is empty now: nothing changes
    assert again["files"] == 0
