"""The deployments on a Prefect server as the web worklist's flows page shows them: each
flow's latest run, and starting a run for a day (it then shows in the Prefect UI)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from flows.deployments import DEPLOYMENT_NAME, FLOWS, parameters_for


@dataclass(frozen=True)
class DeploymentStatus:
    flow: str
    deployed: bool
    run_name: str | None = None
    state: str | None = None  # Prefect's state name: Completed, Failed, Running, ...
    started: datetime | None = None
    run_id: str | None = None
    next_run: datetime | None = None  # the next scheduled run (nightly's 02:00)


def latest_runs() -> list[DeploymentStatus]:
    """Every flow of shukko with its deployment's latest run that has started, and its next
    scheduled one (not deployed: deployed=False)."""
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import (
        DeploymentFilter,
        DeploymentFilterId,
        FlowRunFilter,
        FlowRunFilterStartTime,
        FlowRunFilterState,
        FlowRunFilterStateType,
    )
    from prefect.client.schemas.objects import StateType
    from prefect.client.schemas.sorting import FlowRunSort

    statuses = []
    with get_client(sync_client=True) as client:
        for flow in FLOWS:
            try:
                deployment = client.read_deployment_by_name(f"{flow}/{DEPLOYMENT_NAME}")
            except Exception:  # ObjectNotFound: the flow is not deployed on this server
                statuses.append(DeploymentStatus(flow, deployed=False))
                continue
            of_deployment = DeploymentFilter(id=DeploymentFilterId(any_=[deployment.id]))
            runs = client.read_flow_runs(
                deployment_filter=of_deployment,
                flow_run_filter=FlowRunFilter(start_time=FlowRunFilterStartTime(is_null_=False)),
                sort=FlowRunSort.START_TIME_DESC,
                limit=1,
            )
            scheduled = client.read_flow_runs(
                deployment_filter=of_deployment,
                flow_run_filter=FlowRunFilter(
                    state=FlowRunFilterState(
                        type=FlowRunFilterStateType(any_=[StateType.SCHEDULED])
                    )
                ),
                sort=FlowRunSort.EXPECTED_START_TIME_ASC,
                limit=1,
            )
            next_run = scheduled[0].expected_start_time if scheduled else None
            if not runs:
                statuses.append(DeploymentStatus(flow, deployed=True, next_run=next_run))
                continue
            run = runs[0]
            statuses.append(
                DeploymentStatus(
                    flow,
                    deployed=True,
                    run_name=run.name,
                    state=run.state.name if run.state else None,
                    started=run.start_time,
                    run_id=str(run.id),
                    next_run=next_run,
                )
            )
    return statuses


def start_run(flow: str, as_of: date) -> str:
    """Start the deployment's run for `as_of` without waiting for it; the flow run's id (its
    name, e.g. matching-2024-06-03, is given when it starts)."""
    from prefect.deployments import run_deployment

    if flow not in FLOWS:
        raise KeyError(flow)
    parameters = parameters_for(flow, {"as_of": as_of}).model_dump(mode="json", exclude_none=True)
    run = run_deployment(
        f"{flow}/{DEPLOYMENT_NAME}", parameters={"parameters": parameters}, timeout=0
    )
    return str(run.id)
