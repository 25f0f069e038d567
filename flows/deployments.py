"""Every flow by its name, run in-process (`shukko run`) or served as deployments on a Prefect
server (`shukko serve`): nightly on its 02:00 Asia/Tokyo schedule, the others by hand."""

from __future__ import annotations

from pydantic import BaseModel

from config import get_settings
from flows.nightly import STAGES, nightly_flow
from flows.parameters import NightlyParameters

# Every stage of the night can also run alone; the night itself last.
FLOWS = {name: (flow, parameters) for name, flow, parameters in STAGES}
FLOWS["nightly"] = (nightly_flow, NightlyParameters)
DEPLOYMENT_NAME = "shukko"
NIGHTLY_CRON = "0 2 * * *"


def parameters_for(name: str, values: dict) -> BaseModel:
    """The flow's typed parameters from plain values (a pydantic ValidationError says which
    value is wrong)."""
    return FLOWS[name][1].model_validate(values)


def run_flow(name: str, parameters: BaseModel):
    """Run one flow in this process (no server needed; Prefect starts an ephemeral one).

    Heartbeats are off: they let a server notice a crashed worker, and each flow call would
    otherwise wait about a second for its heartbeat thread at exit."""
    with without_heartbeats():
        return FLOWS[name][0](parameters)


def without_heartbeats():
    from prefect.settings import PREFECT_FLOWS_HEARTBEAT_FREQUENCY, temporary_settings

    return temporary_settings({PREFECT_FLOWS_HEARTBEAT_FREQUENCY: None})


def deployments() -> list:
    """A deployment per flow; only nightly has a schedule. One run at a time per flow, so a
    slow night and a hand-started run of the same flow never overlap."""
    from prefect.deployments.runner import EntrypointType
    from prefect.schedules import Cron

    timezone = get_settings().timezone
    built = []
    for name, (flow, _parameters) in FLOWS.items():
        schedules = [Cron(NIGHTLY_CRON, timezone=timezone)] if name == "nightly" else None
        built.append(
            flow.to_deployment(
                name=DEPLOYMENT_NAME,
                schedules=schedules,
                concurrency_limit=1,
                tags=["shukko"],
                description=(flow.description or "").strip().splitlines()[0],
                # Import by module, so the runner finds the flow from any working directory.
                entrypoint_type=EntrypointType.MODULE_PATH,
            )
        )
    return built


def serve_all() -> None:
    """Serve every deployment until interrupted; they stay active when serve stops."""
    from prefect import serve

    serve(*deployments(), pause_on_shutdown=False)
