"""The nightly flow on Prefect's test server: every stage in order, each outcome reported,
one failing stage not hiding the others; a second run the same night changes nothing."""

from __future__ import annotations

import asyncio
from datetime import date

import pytest
from sqlalchemy import func, select
from sqlmodel import Session

from models import Case, Notice
from tests.helpers import contracted_case


def latest_artifact(key: str) -> str:
    from prefect.client.orchestration import get_client

    async def read() -> str:
        async with get_client() as client:
            artifacts = await client.read_latest_artifacts()
            return next(a.data for a in artifacts if a.key == key)

    return asyncio.run(read())


def test_nightly_runs_every_stage_and_a_rerun_changes_nothing(shukko_env, engine):
    from flows.nightly import nightly_flow
    from flows.parameters import NightlyParameters

    with Session(engine) as session:
        heading = contracted_case(session, start="2023-07-03", end="2024-07-02").id
        starting = contracted_case(session, start="2023-06-01", end="2024-05-31").id
    night = NightlyParameters(as_of=date(2023, 6, 1))
    result = nightly_flow(night)
    assert list(result) == [
        "intake", "matching", "bank-matching", "subsidy-notice", "follow-up", "report"]  # fmt: skip
    assert result["bank-matching"]["suggested"] == 0  # no registrants yet
    assert result["report"]["fiscal_year"] == 2023 and result["report"]["files"] >= 9
    assert result["subsidy-notice"] == {"notices": 2, "reminders": 0, "hiring_letters": 0}
    assert result["follow-up"]["started"] == 1
    assert (shukko_env / "outbox" / "notices" / f"case-{heading:06d}").is_dir()
    assert "Completed" in latest_artifact("nightly-stages")
    assert str(heading) in latest_artifact("subsidy-notices")

    again = nightly_flow(night)
    assert again["subsidy-notice"] == {"notices": 0, "reminders": 0, "hiring_letters": 0}
    assert again["follow-up"]["started"] == 0
    with Session(engine) as session:
        assert session.scalar(select(func.count()).select_from(Notice)) == 2
        assert session.get(Case, starting).state == "active"


def test_a_failing_stage_is_reported_and_the_later_stages_still_run(shukko_env, engine):
    from flows.nightly import StagesFailed, nightly_flow
    from flows.parameters import NightlyParameters

    with Session(engine) as session:
        case = contracted_case(session, start="2023-06-01", end="2024-05-31").id
    shukko_env.mkdir(parents=True, exist_ok=True)
    (shukko_env / "inbox").write_text("not a folder")  # intake cannot read its inbox
    with pytest.raises(StagesFailed, match="intake"):
        nightly_flow(NightlyParameters(as_of=date(2023, 6, 1)))
    stages = latest_artifact("nightly-stages")
    assert "Failed" in stages and "follow-up" in stages
    with Session(engine) as session:
        assert session.get(Case, case).state == "active"  # follow-up ran after the failure


def test_the_cli_names_every_flow_there_is():
    from flows.deployments import FLOWS
    from shukko.cli.flows import FLOW_NAMES

    assert tuple(FLOWS) == FLOW_NAMES
