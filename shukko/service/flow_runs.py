"""Flow runs for the web's flows page: each deployment's latest run from the Prefect server
named by PREFECT_API_URL, and starting one. The one module of the service that reaches
Prefect (through flows.status, lazily), so that the web asks the service, never Prefect."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import date


@dataclass(frozen=True)
class FlowsStatus:
    server: str | None  # PREFECT_API_URL, or None: no server to read
    runs: list = field(default_factory=list)  # flows.status.DeploymentStatus
    problem: str | None = None


def load_prefect() -> None:
    """Prefect's environment and its import, now: importing Prefect's main module (as any
    flow or client does) configures the process's logging once, so a server process does it
    before configuring its own log."""
    from config.settings import prepare_prefect

    prepare_prefect()
    import prefect.main  # noqa: F401


def flows_status() -> FlowsStatus:
    server = os.environ.get("PREFECT_API_URL")
    if not server:
        return FlowsStatus(None)
    from config.settings import prepare_prefect

    prepare_prefect()
    from flows.status import latest_runs

    try:
        return FlowsStatus(server, latest_runs())
    except Exception as exc:  # the server is down or refuses: say so on the page
        return FlowsStatus(server, problem=f"{type(exc).__name__}: {exc}"[:300])


def start(flow: str, as_of: date) -> str:
    from config.settings import prepare_prefect

    prepare_prefect()
    from flows.status import start_run

    if not os.environ.get("PREFECT_API_URL"):
        raise RuntimeError("PREFECT_API_URL is not set")
    return start_run(flow, as_of)
