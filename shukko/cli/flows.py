"""`shukko run FLOW` and `shukko serve`: the only commands that import Prefect (through
flows/), so that every other command answers without loading it."""

from __future__ import annotations

import os
from typing import Annotated

import typer

from config.settings import prepare_prefect
from shukko.cli.common import (
    EXIT_REFUSED,
    JsonOption,
    console,
    current_engine,
    errors,
    parse_date,
    print_json,
    settings,
)

# The names of flows.deployments.FLOWS, written out so that `--help` needs no Prefect import
# (a test keeps the two equal).
FLOW_NAMES = (
    "intake",
    "matching",
    "bank-matching",
    "subsidy-notice",
    "follow-up",
    "report",
    "nightly",
)


def _parse_params(pairs: list[str]) -> dict:
    values = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key:
            errors.print(f"[red]error:[/red] --param {pair!r}: write it as name=value")
            raise typer.Exit(EXIT_REFUSED)
        values[key.strip().replace("-", "_")] = value
    return values


def run(
    flow: Annotated[str, typer.Argument(metavar="FLOW", help=" | ".join(FLOW_NAMES))],
    as_of: Annotated[str | None, typer.Option("--as-of", help="run for this day")] = None,
    param: Annotated[
        list[str] | None,
        typer.Option("--param", help="a flow parameter, name=value (repeatable), e.g. office=13"),
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Run one flow in this process, without a server (Prefect starts an ephemeral one)."""
    from pydantic import ValidationError

    if flow not in FLOW_NAMES:
        errors.print(f"[red]error:[/red] no flow {flow!r}; flows: {', '.join(FLOW_NAMES)}")
        raise typer.Exit(EXIT_REFUSED)
    values = _parse_params(param or [])
    day = parse_date(as_of, "--as-of")
    if day is not None:
        values["as_of"] = day
    current_engine()  # refuses an outdated schema, with its message, before Prefect starts
    prepare_prefect()
    from flows.deployments import parameters_for, run_flow

    try:
        parameters = parameters_for(flow, values)
    except ValidationError as exc:
        for problem in exc.errors():
            where = ".".join(map(str, problem["loc"])) or "parameters"
            errors.print(f"[red]error:[/red] {flow} parameter {where}: {problem['msg']}")
        raise typer.Exit(EXIT_REFUSED) from None
    try:
        result = run_flow(flow, parameters)
    except Exception as exc:  # the flow run's own log has the traceback
        errors.print(f"[red]error:[/red] flow {flow} failed: {exc}")
        raise typer.Exit(EXIT_REFUSED) from None
    if as_json:
        print_json(result)
    else:
        console.print(f"{flow} completed: {result}")


def serve() -> None:
    """Serve every flow as a deployment on the Prefect server (PREFECT_API_URL).

    nightly runs at 02:00 Asia/Tokyo; the others run by hand from the UI or
    `prefect deployment run FLOW/shukko`."""
    require_prefect_server(
        "start one with `PREFECT_HOME=var/prefect prefect server start`, then "
        "`export PREFECT_API_URL=http://127.0.0.1:4200/api` and run `shukko serve` again "
        "(an ephemeral server cannot run schedules)"
    )
    prepare_prefect()
    from flows.deployments import serve_all

    serve_all()


def require_prefect_server(what_to_do: str) -> None:
    """Refuse (exit 1, saying what to do) unless PREFECT_API_URL names a Prefect server."""
    prepare_prefect()  # before Prefect reads its settings
    from prefect.settings import PREFECT_API_URL

    if not (os.environ.get("PREFECT_API_URL") or PREFECT_API_URL.value()):
        errors.print(f"[red]error:[/red] no Prefect server: {what_to_do}")
        raise typer.Exit(EXIT_REFUSED)


def deploy(
    pool: Annotated[str, typer.Option("--pool", help="the process work pool (created if missing)")],
    as_json: JsonOption = False,
) -> None:
    """Deploy every flow to a Prefect work pool, for workers on any number of machines.

    `prefect worker start --pool NAME` on any machine with shukko installed (same
    SHUKKO_DATABASE_URL and SHUKKO_HOME) runs them. Also creates the automations that mark
    runs whose heartbeats stopped as Crashed and, with SHUKKO_ALERT_WEBHOOK_URL set, call
    that webhook when a night fails or crashes."""
    require_prefect_server(
        "set PREFECT_API_URL to the server's API (e.g. http://prefect-host:4200/api); "
        "workers and deployments need a real server"
    )
    current_engine()  # refuses an outdated schema before anything is deployed
    prepare_prefect()
    from flows.deployments import deploy_to_pool

    result = deploy_to_pool(pool, settings())
    if as_json:
        print_json(result)
        return
    console.print(
        f"{len(result['deployments'])} deployment(s) on work pool {pool!r}"
        + (" (created)" if result["pool_created"] else "")
        + f"; automations: {', '.join(result['automations'])}"
    )
    console.print(f"start workers with: prefect worker start --pool {pool}")


def run_nightly(day):
    """The Prefect nightly flow for one day, in this process (the demo's last night)."""
    prepare_prefect()
    from flows.deployments import run_flow
    from flows.parameters import NightlyParameters

    return run_flow("nightly", NightlyParameters(as_of=day))
