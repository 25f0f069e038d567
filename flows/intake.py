"""The intake flow: import every file in the inbox, move it aside, publish a summary."""

from __future__ import annotations

from prefect import flow, get_run_logger, task
from prefect.artifacts import create_markdown_artifact, create_table_artifact
from prefect.cache_policies import NO_CACHE

from config import get_settings
from flows.parameters import IntakeParameters, run_namer
from flows.retries import STAGE_TASK
from shukko.service import night
from shukko.service.database import current_engine

SUMMARY_COLUMNS = (
    "name",
    "kind",
    "status",
    "rows_read",
    "imported",
    "updated",
    "rejected",
    "reason",
)


@task(**STAGE_TASK)
def import_inbox() -> list[dict]:
    """Import the inbox's files, one transaction each; move them to archive/ or failed/."""
    settings = get_settings()
    return [report.as_dict() for report in night.intake(current_engine(settings), settings)]


@task(cache_policy=NO_CACHE)
def publish_summary(reports: list[dict]) -> dict:
    """Counts per file and the first rejected rows with their reasons (no cell values)."""
    totals = {
        key: sum(report[key] for report in reports)
        for key in ("rows_read", "imported", "updated", "rejected")
    }
    totals["files"] = len(reports)
    totals["failed_files"] = sum(report["status"] == "failed" for report in reports)
    totals["skipped_files"] = sum(report["status"] == "skipped" for report in reports)
    create_table_artifact(
        key="intake-files",
        table=[{column: report[column] for column in SUMMARY_COLUMNS} for report in reports],
        description="Intake: rows read = imported + updated + rejected, per file",
    )
    lines = [
        "# Intake",
        "",
        f"{totals['files']} file(s): {totals['rows_read']} rows read, "
        f"{totals['imported']} imported, {totals['updated']} updated, "
        f"{totals['rejected']} rejected; {totals['failed_files']} unreadable, "
        f"{totals['skipped_files']} already imported.",
        "",
    ]
    for report in reports:
        if report["status"] == "failed":
            lines.append(f"- **{report['name']}** could not be read: {report['reason']}")
        for reject in report["rejects"]:
            lines.append(
                f"- {report['name']} row {reject['row_number']}, {reject['column']}: "
                f"{reject['reason']}"
            )
    create_markdown_artifact(key="intake-summary", markdown="\n".join(lines))
    return totals


@flow(name="intake", log_prints=False, flow_run_name=run_namer("intake", IntakeParameters))
def intake_flow(parameters: IntakeParameters = IntakeParameters()) -> dict:
    """受付: import the offices' offer files from the inbox (CSV/XLSX), keeping every bad row.

    Offers carry the date each office received them; as_of only names the run's day."""
    reports = import_inbox()
    totals = publish_summary(reports)
    get_run_logger().info(
        f"intake {parameters.day()}: "
        "%(files)s file(s), %(rows_read)s rows read, %(imported)s imported, "
        "%(updated)s updated, %(rejected)s rejected",
        totals,
    )
    return totals


if __name__ == "__main__":
    print(intake_flow())
