"""The subsidy-notice flow: notices and reminders due on the day, written once each."""

from __future__ import annotations

from datetime import date

from prefect import flow, get_run_logger, task
from prefect.artifacts import create_table_artifact
from prefect.cache_policies import NO_CACHE

from config import get_settings
from flows.parameters import NoticeParameters, run_namer
from flows.retries import STAGE_TASK
from shukko.service import night
from shukko.service.database import current_engine


@task(**STAGE_TASK)
def write_notices(as_of: date, case_id: int | None) -> list[dict]:
    """Store and write the notices due (Markdown and HTML in the outbox)."""
    settings = get_settings()
    return night.notices(current_engine(settings), settings, as_of, case_id=case_id)


@task(cache_policy=NO_CACHE)
def publish_notices(written: list[dict], as_of: date) -> dict:
    """A table of what was written: case, side, kind, programme and deadline (no names)."""
    rows = [
        {
            key: str(n[key]) if n[key] is not None else ""
            for key in ("case_id", "side", "kind", "programme", "filing_deadline")
        }
        for n in written[:1000]
    ]
    counts = {"notices": sum(n["kind"] == "notice" for n in written)}
    counts["hiring_letters"] = sum(n["kind"] == "hiring" for n in written)
    counts["reminders"] = len(written) - counts["notices"] - counts["hiring_letters"]
    create_table_artifact(
        key="subsidy-notices",
        table=rows,
        description=f"{as_of}: {counts['notices']} notice(s), {counts['reminders']} reminder(s), "
        f"{counts['hiring_letters']} letter(s) after a job seeker's hire",
    )
    return counts


@flow(name="subsidy-notice", flow_run_name=run_namer("subsidy-notice", NoticeParameters))
def subsidy_notice_flow(parameters: NoticeParameters = NoticeParameters()) -> dict:
    """助成金のご案内: notices to both companies of cases heading to their start, reminders
    before the filing deadline; each exactly once, whatever is re-run."""
    day = parameters.day()
    counts = publish_notices(write_notices(day, parameters.case_id), day)
    get_run_logger().info("subsidy-notice %s: %s", day, counts)
    return counts


if __name__ == "__main__":
    print(subsidy_notice_flow())
