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
            started = flows_page_starts_a_run(env, engine, tmp_path)
            started_run = asyncio.run(wait_for_run(started))
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
    # The web worklist's flows page started a matching run for its day; the server ran it.
    assert started_run.name.startswith("matching-2023-06-01")
    assert started_run.state.is_completed(), (tmp_path / "serve.log").read_text()[-3000:]


def flows_page_starts_a_run(env: dict, engine, tmp_path) -> str:
    """`shukko web` with PREFECT_API_URL: an office admin sees each deployment's latest run
    and starts matching for the page's day; returns the flow run id the page reports."""
    import re

    import httpx

    from shukko.service.accounts import add_user
    from tests.web.conftest import free_port

    with Session(engine) as session:
        add_user(session=session, name="admin13", office="13", role="office_admin",
                 password="correct horse battery")  # fmt: skip
        session.commit()
    port = free_port()
    log = (tmp_path / "web.log").open("w")
    web = subprocess.Popen(
        [BIN / "shukko", "web", "--port", str(port), "--as-of", "2023-06-01"],
        env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
    )  # fmt: skip
    try:
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=30) as browser:
            deadline = time.monotonic() + STARTUP_SECONDS
            while True:
                try:
                    login = browser.get("/login")
                    break
                except httpx.TransportError:
                    assert web.poll() is None, (tmp_path / "web.log").read_text()
                    assert time.monotonic() < deadline, "shukko web did not answer"
                    time.sleep(0.3)
            token = re.search(r'name="csrf_token" value="([^"]+)"', login.text).group(1)
            browser.post("/login", data={"name": "admin13", "password": "correct horse battery",
                                         "csrf_token": token, "next": "/flows"})  # fmt: skip
            page = browser.get("/flows")
            assert page.status_code == 200, page.text
            nightly_row = re.search(r'data-flow="nightly">(.*?)</tr>', page.text, re.S).group(1)
            assert "nightly-2023-06-01" in nightly_row and "Completed" in nightly_row
            token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
            answer = browser.post("/flows/matching/run", data={"csrf_token": token},
                                  follow_redirects=False)  # fmt: skip
            assert answer.status_code == 303, answer.text
            assert answer.headers["location"] == "/flows"
            # The page says which run started, in its message box (kept in the session).
            started = browser.get("/flows").text
            return re.search(r"フロー実行 ID ([0-9a-f-]{36})", started).group(1)
    finally:
        stop(web)
        log.close()


async def wait_for_run(run_id: str):
    from prefect.client.orchestration import get_client

    async with get_client() as client:
        deadline = time.monotonic() + STARTUP_SECONDS
        while True:
            run = await client.read_flow_run(run_id)
            if run.state.is_final() or time.monotonic() > deadline:
                return run
            await asyncio.sleep(1)
