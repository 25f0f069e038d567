"""Flow tests pay for one Prefect test server per session; nothing else imports Prefect."""

from __future__ import annotations

import os

import pytest


@pytest.fixture(scope="session", autouse=True)
def prefect_server(tmp_path_factory):
    from config.settings import prepare_prefect

    os.environ.setdefault("PREFECT_HOME", str(tmp_path_factory.mktemp("prefect-home")))
    prepare_prefect()
    from prefect.testing.utilities import prefect_test_harness

    from flows.deployments import without_heartbeats

    with prefect_test_harness(server_startup_timeout=120), without_heartbeats():
        yield
