"""The matching flow end to end: proposals as cases and a table artifact; a re-run adds none."""

from __future__ import annotations

import asyncio
from datetime import date

from sqlmodel import Session

from shukko.intake.store import import_file
from tests.intake.files import receiving_row, sending_row, write_csv


def test_matching_flow_proposes_once(shukko_env, engine, tmp_path):
    from prefect.client.orchestration import get_client

    from flows.matching import matching_flow
    from flows.parameters import MatchingParameters

    with Session(engine) as session:
        import_file(session=session, path=write_csv(tmp_path / "s.csv", [sending_row(1)]))
        import_file(
            session=session,
            path=write_csv(tmp_path / "r.csv", [receiving_row(1, work_prefecture="愛知")]),
        )
        session.commit()
    figures = matching_flow(MatchingParameters(as_of=date(2024, 5, 1)))
    assert figures["proposals"] == 1 and figures["persons"] == 2

    async def table() -> str:
        async with get_client() as client:
            artifacts = await client.read_latest_artifacts()
            return next(a.data for a in artifacts if a.key == "matching-proposals")

    assert "23:S-00001" in asyncio.run(table())
    assert matching_flow(MatchingParameters(as_of=date(2024, 5, 1)))["proposals"] == 0
