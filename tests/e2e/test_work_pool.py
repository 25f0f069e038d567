"""The distributed path end to end, on PostgreSQL: a Prefect server whose own database is
PostgreSQL, shukko on PostgreSQL, `shukko deploy --pool`, two `prefect worker start`
processes. A night and a hand-started matching run are picked up by workers and complete; a
worker SIGKILLed in the middle of a night leaves its run to the heartbeat automation, which
marks it Crashed; re-running that night gives the database an uninterrupted night gives; a
failed and a crashed night each call the alert webhook served here, naming the night."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import threading
import time
import urllib.request
from datetime import date
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from typing import ClassVar

import pytest
from sqlalchemy import select, text
from sqlmodel import Session

from models import Case, CaseEvent, FollowUp, Notice
from models.db import make_engine
from models.schema import create_scratch_database, drop_scratch_database, upgrade
from tests.e2e.conftest import BIN, free_port, stop, wait_until
from tests.helpers import contracted_case, restart_numbering

FIRST, SECOND, THIRD = date(2023, 6, 1), date(2023, 6, 2), date(2023, 6, 5)
HEARTBEAT, CRASHED_AFTER = 30, 60


@pytest.fixture
def postgres_server(request) -> str:
    if request.config.getoption("--db") != "postgresql":
        pytest.skip("the work-pool test runs on the PostgreSQL pass (--db postgresql)")
    from tests.conftest import postgres_url_or_skip

    return postgres_url_or_skip()


class Hook(BaseHTTPRequestHandler):
    received: ClassVar[list[str]] = []

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        Hook.received.append(self.rfile.read(length).decode("utf-8", "replace"))
        self.send_response(200)
        self.end_headers()

    def log_message(self, *_args) -> None:
        pass


def seed(url: str) -> None:
    """The same cases in any database: one starting on FIRST, one heading to its start."""
    restart_numbering()
    engine = make_engine(url)
    with Session(engine) as session:
        contracted_case(session, start="2023-06-01", end="2024-05-31")
        contracted_case(session, start="2023-07-03", end="2024-07-02")
    engine.dispose()


def snapshot(url: str) -> tuple:
    """What a night leaves in the database, ids included (the same seed gives the same ids)."""
    engine = make_engine(url)
    with Session(engine) as session:
        result = (
            tuple(session.execute(select(Case.id, Case.state, Case.version).order_by(Case.id))),
            tuple(
                session.execute(
                    select(
                        CaseEvent.case_id, CaseEvent.seq, CaseEvent.event, CaseEvent.to_state
                    ).order_by(CaseEvent.case_id, CaseEvent.seq)
                )
            ),
            tuple(session.scalars(select(Notice.key).order_by(Notice.key))),
            tuple(session.execute(select(FollowUp.key, FollowUp.status).order_by(FollowUp.key))),
        )
    engine.dispose()
    return result


def test_workers_on_a_work_pool_with_crash_detection_and_alerts(postgres_server, tmp_path):
    prefect_db = create_scratch_database(postgres_server, "prefect_e2e")
    shukko_db = create_scratch_database(postgres_server, "shukko_e2e")
    reference_db = create_scratch_database(postgres_server, "shukko_ref")
    processes: list[subprocess.Popen] = []
    hook = HTTPServer(("127.0.0.1", 0), Hook)
    threading.Thread(target=hook.serve_forever, daemon=True).start()
    Hook.received = []
    try:
        for url in (shukko_db, reference_db):
            upgrade(make_engine(url))
            seed(url)
        port = free_port()
        api = f"http://127.0.0.1:{port}/api"
        server_env = {
            **os.environ,
            "PREFECT_HOME": str(tmp_path / "server-home"),
            "PREFECT_API_DATABASE_CONNECTION_URL": prefect_db.replace(
                "postgresql+psycopg", "postgresql+asyncpg"
            ),
            "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
            "PREFECT_UI_ENABLED": "false",
            "DO_NOT_TRACK": "1",
        }
        server_env.pop("PREFECT_API_URL", None)
        command = [BIN / "prefect", "server", "start", "--host", "127.0.0.1", "--port", str(port)]
        processes.append(start(command, server_env, tmp_path / "server.log"))
        wait_until(
            lambda: urllib.request.urlopen(f"{api}/health", timeout=2).status == 200,
            "prefect server on PostgreSQL",
            180,
            processes[0],
        )
        home = tmp_path / "home"
        env = {
            **os.environ,
            "PREFECT_API_URL": api,
            "PREFECT_HOME": str(tmp_path / "client-home"),
            "SHUKKO_DATABASE_URL": shukko_db,
            "SHUKKO_HOME": str(home),
            "SHUKKO_HEARTBEAT_SECONDS": str(HEARTBEAT),
            "SHUKKO_CRASHED_AFTER_SECONDS": str(CRASHED_AFTER),
            "SHUKKO_ALERT_WEBHOOK_URL": f"http://127.0.0.1:{hook.server_port}/alert",
            "PREFECT_WORKER_QUERY_SECONDS": "1",
            "DO_NOT_TRACK": "1",
        }
        deployed = subprocess.run([BIN / "shukko", "deploy", "--pool", "center", "--json"],
                                  env=env, capture_output=True, text=True, timeout=120)  # fmt: skip
        assert deployed.returncode == 0, deployed.stderr
        assert len(json.loads(deployed.stdout)["automations"]) == 2

        workers = [start_worker(env, tmp_path, name) for name in ("a", "b")]
        processes += workers
        night = run(api, "nightly/shukko", FIRST)
        matching = run(api, "matching/shukko", FIRST)
        assert (night.state.type.value, matching.state.type.value) == ("COMPLETED", "COMPLETED")
        assert {night.work_pool_name, matching.work_pool_name} == {"center"}

        # A night caught in the middle: only a worker that pauses there is left, then killed.
        for worker in workers:
            stop(worker)
        doomed = start_worker({**env, "SHUKKO_PAUSE_AT": "follow-up"}, tmp_path, "doomed")
        processes.append(doomed)
        crashed = run(api, "nightly/shukko", SECOND, wait=False)
        wait_until(lambda: state_of(api, crashed) == "RUNNING", "the night running", 120)
        time.sleep(HEARTBEAT + 10)  # at least one heartbeat has reached the server
        # The machine is gone: the worker, and the run it started in a session of its own.
        run_pid = int(str(flow_run_of(api, crashed).infrastructure_pid).rsplit(":", 1)[-1])
        os.killpg(run_pid, signal.SIGKILL)
        os.killpg(doomed.pid, signal.SIGKILL)
        doomed.wait()
        wait_until(
            lambda: state_of(api, crashed) == "CRASHED",
            "the heartbeat automation marking the night Crashed",
            CRASHED_AFTER + 120,
        )

        processes.append(start_worker(env, tmp_path, "c"))
        again = run(api, "nightly/shukko", SECOND)
        assert again.state.type.value == "COMPLETED"
        reference(reference_db, home)
        assert snapshot(shukko_db) == snapshot(reference_db)

        inbox = home / "inbox"
        if inbox.is_dir():
            inbox.rmdir()  # empty: every file of the nights was moved aside
        inbox.write_text("not a folder")  # the intake stage fails
        failed = run(api, "nightly/shukko", THIRD)
        assert failed.state.type.value == "FAILED"
        wait_until(lambda: len(Hook.received) >= 2, "the alert webhook called twice", 90)
        alerts = "\n".join(Hook.received)
        assert "nightly-2023-06-02 ended Crashed" in alerts
        assert "nightly-2023-06-05 ended Failed" in alerts and "intake" in alerts
    finally:
        for process in reversed(processes):
            stop(process)
        hook.shutdown()
        for url in (prefect_db, shukko_db, reference_db):
            _terminate(postgres_server, url)
            drop_scratch_database(postgres_server, url)


def start(command, env: dict, log: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [str(part) for part in command],
        env=env,
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
        cwd=log.parent,
    )


def start_worker(env: dict, tmp_path: Path, name: str) -> subprocess.Popen:
    return start(
        [BIN / "prefect", "worker", "start", "--pool", "center", "--name", f"worker-{name}"],
        env,
        tmp_path / f"worker-{name}.log",
    )


def run(api: str, deployment: str, day: date, wait: bool = True):
    from prefect.deployments import run_deployment
    from prefect.settings import PREFECT_API_URL, temporary_settings

    with temporary_settings({PREFECT_API_URL: api}):
        return run_deployment(
            deployment,
            parameters={"parameters": {"as_of": day.isoformat()}},
            timeout=300 if wait else 0,
        )


def flow_run_of(api: str, flow_run):
    from prefect.client.orchestration import get_client
    from prefect.settings import PREFECT_API_URL, temporary_settings

    with temporary_settings({PREFECT_API_URL: api}), get_client(sync_client=True) as client:
        return client.read_flow_run(flow_run.id)


def state_of(api: str, flow_run) -> str:
    return flow_run_of(api, flow_run).state.type.value


def reference(url: str, home: Path) -> None:
    """The same runs, uninterrupted, in this process (the stages the flows run): the first
    night, the hand-started matching, the second night."""
    from config.settings import Settings
    from shukko.service.night import matching, night

    settings = Settings(home=home.parent / "reference-home", database_url=url)
    engine = make_engine(url)
    night(engine, settings, FIRST)
    matching(engine, settings, FIRST)
    night(engine, settings, SECOND)
    engine.dispose()


def _terminate(server: str, url: str) -> None:
    """Close what the killed processes left connected, so the database can be dropped."""
    from sqlalchemy.engine import make_url

    name = make_url(url).database
    admin = make_engine(server).execution_options(isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(
            text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = :n"),
            {"n": name},
        )
    admin.dispose()
