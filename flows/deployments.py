"""Every flow by its name, run in-process (`shukko run`), served as deployments on a Prefect
server from one process (`shukko serve`), or deployed to a work pool that workers on any
number of machines pick up (`shukko deploy --pool NAME`): nightly on its 02:00 Asia/Tokyo
schedule, the others by hand."""

from __future__ import annotations

import contextlib
import sys

from pydantic import BaseModel

from config import get_settings
from config.settings import PREFECT_DEFAULTS
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


def deployments(job_variables: dict | None = None) -> list:
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
                job_variables=job_variables,
            )
        )
    return built


def serve_all() -> None:
    """Serve every deployment until interrupted; they stay active when serve stops."""
    from prefect import serve

    serve(*deployments(), pause_on_shutdown=False)


CRASH_AUTOMATION = "shukko: crash runs whose heartbeats stopped"
ALERT_AUTOMATION = "shukko: alert when a night fails or crashes"
ALERT_BLOCK = "shukko-alert"


def deploy_to_pool(pool: str, settings) -> dict:
    """Every flow as a deployment on the process work pool `pool` (created when missing),
    its runs sending heartbeats; the automation that marks runs whose heartbeats stopped as
    Crashed; and, with an alert webhook set, the automation that calls it when a nightly run
    ends Failed or Crashed. Running it again replaces what it made."""
    from prefect import deploy
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.actions import WorkPoolCreate
    from prefect.exceptions import ObjectNotFound

    with get_client(sync_client=True) as client:
        try:
            client.read_work_pool(pool)
            created = False
        except ObjectNotFound:
            client.create_work_pool(WorkPoolCreate(name=pool, type="process"))
            created = True
    environment = {
        **PREFECT_DEFAULTS,
        "PREFECT_FLOWS_HEARTBEAT_FREQUENCY": str(settings.heartbeat_seconds),
    }
    with contextlib.redirect_stdout(sys.stderr):  # Prefect's table: not into --json output
        ids = deploy(
            *deployments(job_variables={"env": environment}),
            work_pool_name=pool,
            build=False,
            push=False,
            print_next_steps_message=False,
            ignore_warnings=True,
        )
    automations = [_replace_automation(crash_automation(settings.crashed_after_seconds))]
    if settings.alert_webhook_url:
        automations.append(_replace_automation(alert_automation(settings.alert_webhook_url)))
    else:
        _delete_automation(ALERT_AUTOMATION)
    return {
        "pool": pool,
        "pool_created": created,
        "deployments": [f"{name}/{DEPLOYMENT_NAME}" for name in FLOWS],
        "deployment_ids": [str(i) for i in ids],
        "automations": automations,
    }


def crash_automation(after_seconds: int):
    """Prefect's zombie-run automation: a flow run whose heartbeat is not followed by another
    heartbeat or a final state within `after_seconds` is marked Crashed."""
    from datetime import timedelta

    from prefect.automations import Automation
    from prefect.client.schemas.objects import StateType
    from prefect.events.actions import ChangeFlowRunState
    from prefect.events.schemas.automations import EventTrigger, Posture
    from prefect.events.schemas.events import ResourceSpecification

    return Automation(
        name=CRASH_AUTOMATION,
        trigger=EventTrigger(
            after={"prefect.flow-run.heartbeat"},
            expect={
                "prefect.flow-run.heartbeat",
                "prefect.flow-run.Completed",
                "prefect.flow-run.Failed",
                "prefect.flow-run.Cancelled",
                "prefect.flow-run.Crashed",
            },
            match=ResourceSpecification({"prefect.resource.id": ["prefect.flow-run.*"]}),
            for_each={"prefect.resource.id"},
            posture=Posture.Proactive,
            threshold=1,
            within=timedelta(seconds=after_seconds),
        ),
        actions=[
            ChangeFlowRunState(
                state=StateType.CRASHED,
                message=f"no heartbeat for {after_seconds} s: the worker running it is gone",
            )
        ],
    )


ALERT_PAYLOAD = (
    '{"text": "shukko: {{ flow_run.name }} ended {{ flow_run.state.name }}: '
    '{{ flow_run.state.message }}"}'
)


def alert_automation(url: str):
    """Calls the webhook when a nightly run ends Failed or Crashed; the payload names the
    run (nightly-YYYY-MM-DD) and its state message (the failed stages) — ids and dates only."""
    from prefect.automations import Automation
    from prefect.blocks.webhook import Webhook
    from prefect.events.actions import CallWebhook
    from prefect.events.schemas.automations import EventTrigger, Posture
    from prefect.events.schemas.events import ResourceSpecification
    from pydantic import SecretStr

    # The Center's alert endpoint may sit on its own network: private addresses allowed.
    webhook = Webhook(method="POST", url=SecretStr(url), allow_private_urls=True)
    block_id = webhook.save(ALERT_BLOCK, overwrite=True)
    return Automation(
        name=ALERT_AUTOMATION,
        trigger=EventTrigger(
            expect={"prefect.flow-run.Failed", "prefect.flow-run.Crashed"},
            match=ResourceSpecification({"prefect.resource.id": ["prefect.flow-run.*"]}),
            match_related=ResourceSpecification(
                {"prefect.resource.role": "flow", "prefect.resource.name": "nightly"}
            ),
            posture=Posture.Reactive,
            threshold=1,
        ),
        actions=[CallWebhook(block_document_id=block_id, payload=ALERT_PAYLOAD)],
    )


def _delete_automation(name: str) -> None:
    from prefect.automations import Automation
    from prefect.exceptions import ObjectNotFound

    with contextlib.suppress(ObjectNotFound, ValueError):
        Automation.read(name=name).delete()


def _replace_automation(automation) -> str:
    _delete_automation(automation.name)
    automation.create()
    return automation.name
