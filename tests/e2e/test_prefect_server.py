"""End to end against a real Prefect server: `prefect server start` on a free port with a
temporary home, `shukko serve`, the nightly schedule, a run triggered through the client,
its artifacts and its effects in the database."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import time

from sqlalchemy import func, select
from sqlmodel import Session

from models import Case, Notice, SendingOffer
from shukko.cli.flows import FLOW_NAMES
from tests.e2e.conftest import BIN, STARTUP_SECONDS, stop
from tests.helpers import contracted_case
from tests.intake.files import sending_row, write_csv


def test_served_nightly_runs_on_a_real_server(prefect_server, shukko_env, engine, tmp_path):
    from prefect.client.orchestration import get_client
    from prefect.deployments import run_deployment
    from prefect.settings import PREFECT_API_URL, temporary_settings

    with Session(engine) as session:
        starting = contracted_case(session, start="2023-06-01", end="2024-05-31").id
        heading = contracted_case(session, start="2023-07-03", end="2024-07-02").id
    inbox = shukko_env / "inbox"
    inbox.mkdir(parents=True)
    write_csv(inbox / "aichi.csv", [sending_row(1)], japanese=True, encoding="cp932")

    env = {
        **os.environ,
        "PREFECT_API_URL": prefect_server,
        "PREFECT_HOME": str(tmp_path / "prefect-client"),
        "PREFECT_RUNNER_POLL_FREQUENCY": "1",
        "DO_NOT_TRACK": "1",
    }
    log = (tmp_path / "serve.log").open("w")
    serve = subprocess.Popen(
        [BIN / "shukko", "serve"],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )

    async def scenario() -> tuple:
        async with get_client() as client:
            deadline = time.monotonic() + STARTUP_SECONDS
            while len(await client.read_deployments()) < len(FLOW_NAMES):  # one per flow
                assert serve.poll() is None, (tmp_path / "serve.log").read_text()
                assert time.monotonic() < deadline, "shukko serve made no deployments"
                await asyncio.sleep(0.5)
            nightly = await client.read_deployment_by_name("nightly/shukko")
            run = await run_deployment(
                "nightly/shukko",
                client=client,
                timeout=STARTUP_SECONDS,
                poll_interval=1,
                parameters={"parameters": {"as_of": "2023-06-01"}},
                as_subflow=False,
            )
            artifacts = await client.read_latest_artifacts()
            flows = {f.name for f in await client.read_flows()}
            return nightly, run, {a.key: a.data for a in artifacts}, flows

    try:
        with temporary_settings({PREFECT_API_URL: prefect_server}):
            nightly, run, artifacts, flows = asyncio.run(scenario())
    finally:
        stop(serve)
        log.close()

    (schedule,) = nightly.schedules
    assert schedule.schedule.cron == "0 2 * * *"
    assert schedule.schedule.timezone == "Asia/Tokyo"
    assert schedule.active
    assert run.state.is_completed(), (tmp_path / "serve.log").read_text()[-3000:]
    assert {"intake", "matching", "subsidy-notice", "follow-up", "report", "nightly"} <= flows
    assert json.loads(artifacts["report-monthly"])[0]["月"] == "2023-04"
    assert "Completed" in artifacts["nightly-stages"]
    assert "aichi.csv" in artifacts["intake-files"]
    assert str(heading) in artifacts["subsidy-notices"]
    with Session(engine) as session:
        # The night asked for (2023-06-01), not today: the case due that day started.
        assert session.get(Case, starting).state == "active"
        assert session.scalar(select(func.count()).select_from(Notice)) == 2
        assert session.scalar(select(func.count()).select_from(SendingOffer)) >= 3
    assert (shukko_env / "archive" / "aichi.csv").exists()
