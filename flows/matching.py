"""The matching flow: propose optimal pairs of open offers as cases, publish the proposals."""

from __future__ import annotations

from datetime import date

from prefect import flow, get_run_logger, task
from prefect.artifacts import create_table_artifact
from prefect.cache_policies import NO_CACHE

from config import get_settings
from flows.parameters import MatchingParameters, run_namer
from flows.retries import STAGE_TASK
from shukko.service import night
from shukko.service.database import current_engine


@task(**STAGE_TASK)
def propose_cases(as_of: date, office: str | None) -> dict:
    """Run the assignment and write proposals as `proposed` cases (idempotent)."""
    settings = get_settings()
    created, figures = night.matching(current_engine(settings), settings, as_of, office=office)
    return {"proposals": created, "figures": figures}


@task(cache_policy=NO_CACHE)
def publish_proposals(result: dict) -> dict:
    """A table of the proposals: offer ids and scores only (offers carry no personal data)."""
    rows = [
        {
            "case": p["case_id"],
            "kind": p["kind"],
            "persons": p["persons"],
            "sending": p["sending"],
            "receiving": p["receiving"],
            "score": p["score"],
            **p["breakdown"],
        }
        for p in result["proposals"][:1000]
    ]
    figures = result["figures"]
    create_table_artifact(
        key="matching-proposals",
        table=rows,
        description=figures["summary"],
    )
    return figures


@flow(name="matching", flow_run_name=run_namer("matching", MatchingParameters))
def matching_flow(parameters: MatchingParameters = MatchingParameters()) -> dict:
    """マッチング: propose sending/receiving pairs as cases; consultants decide."""
    day = parameters.day()
    figures = publish_proposals(propose_cases(day, parameters.office))
    get_run_logger().info("matching %s: %s", day, figures)
    return figures


if __name__ == "__main__":
    print(matching_flow())
