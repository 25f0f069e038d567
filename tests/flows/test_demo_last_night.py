"""`shukko demo` for a few days: the last night runs as the Prefect nightly flow, so it and
its artifacts are on the Prefect server afterwards; the report's files are written."""

from __future__ import annotations

import asyncio

from config import get_settings


def test_the_demos_last_night_is_a_prefect_nightly_run(shukko_env, engine):
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import FlowFilter, FlowFilterName

    from shukko.cli.flows import run_nightly
    from shukko.demo.run import run_demo

    outcome = run_demo(
        settings=get_settings(),
        fiscal_year=2021,
        seed=1,
        days=3,
        fresh=False,
        console=None,
        last_night=run_nightly,
    )
    assert outcome["totals"]["days"] == 3
    assert outcome["report"]["monthly"][0]["receiving_info"] > 0
    assert (shukko_env / "reports" / "FY2021" / "monthly.png").exists()

    async def nightly_runs() -> list:
        async with get_client() as client:
            return await client.read_flow_runs(
                flow_filter=FlowFilter(name=FlowFilterName(any_=["nightly"]))
            )

    runs = asyncio.run(nightly_runs())
    last = [run for run in runs if run.parameters["parameters"]["as_of"] == "2021-04-03"]
    assert last and all(run.state.is_completed() for run in last)
    # Named for what it does, so that it can be found in the UI's run list.
    assert {run.name for run in last} == {"nightly-2021-04-03"}
