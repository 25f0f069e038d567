"""The bank-matching flow: suggest openings to the career bank's registrants (ids and scores
only in its artifact: registrants are people, their names never leave their table)."""

from __future__ import annotations

from datetime import date

from prefect import flow, get_run_logger, task
from prefect.artifacts import create_table_artifact
from prefect.cache_policies import NO_CACHE

from config import get_settings
from flows.parameters import BankMatchingParameters, run_namer
from flows.retries import STAGE_TASK
from shukko.service import night
from shukko.service.database import current_engine


@task(**STAGE_TASK)
def suggest_openings(as_of: date, office: str | None) -> dict:
    """Store new suggestions for every eligible registrant (never the same pair twice)."""
    settings = get_settings()
    return night.bank_matching(current_engine(settings), settings, as_of, office=office)


@task(cache_policy=NO_CACHE)
def publish_suggestions(result: dict) -> dict:
    create_table_artifact(
        key="bank-suggestions",
        table=result["rows"][:1000],
        description=(
            f"{result['suggested']} suggestion(s) for {result['registrants_with_new']} of "
            f"{result['registrants']} eligible registrant(s) over {result['openings']} opening(s)"
        ),
    )
    return {k: v for k, v in result.items() if k != "rows"}


@flow(name="bank-matching", flow_run_name=run_namer("bank-matching", BankMatchingParameters))
def bank_matching_flow(parameters: BankMatchingParameters = BankMatchingParameters()) -> dict:
    """キャリア人材バンク: suggest openings to registrants; consultants introduce."""
    day = parameters.day()
    figures = publish_suggestions(suggest_openings(day, parameters.office))
    get_run_logger().info("bank-matching %s: %s", day, figures)
    return figures


if __name__ == "__main__":
    print(bank_matching_flow())
