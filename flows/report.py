"""The report flow: the Center's statistics for a fiscal year, as files and artifacts."""

from __future__ import annotations

from prefect import flow, get_run_logger, task
from prefect.artifacts import create_markdown_artifact, create_table_artifact
from prefect.cache_policies import NO_CACHE

from config import get_settings
from flows.parameters import ReportParameters, run_namer
from flows.retries import STAGE_TASK
from shukko.clock import fiscal_year_of
from shukko.service import night
from shukko.service.database import current_engine
from shukko.service.reports import markdown, tables


@task(**STAGE_TASK)
def report_files(fiscal_year: int) -> dict:
    """Build the report and write its files (Markdown, CSV, XLSX, PNG)."""
    settings = get_settings()
    return night.report(current_engine(settings), settings, fiscal_year)


@task(cache_policy=NO_CACHE)
def publish_report(data: dict) -> dict:
    """Each table as a table artifact and the whole report as Markdown (counts only)."""
    for title, (header, rows) in tables(data).items():
        key = {
            "月別実績": "report-monthly",
            "送出業種": "report-sending-industries",
            "受入業種": "report-receiving-industries",
            "紹介元": "report-referrals",
            "案件の状態": "report-cases-by-state",
        }.get(title)
        if key:
            create_table_artifact(
                key=key,
                table=[
                    dict(zip(header, ["" if c is None else c for c in row], strict=True))
                    for row in rows
                ],
                description=f"{title} ({data['fiscal_year']}年度)",
            )
    create_markdown_artifact(key="report", markdown=markdown(data))
    return {"fiscal_year": data["fiscal_year"], **data["totals"], "files": len(data["files"])}


@flow(name="report", flow_run_name=run_namer("report", ReportParameters))
def report_flow(parameters: ReportParameters = ReportParameters()) -> dict:
    """統計: the fiscal year's monthly 受入情報・送出情報・成立数, industries, referrals, states."""
    year = parameters.fiscal_year or fiscal_year_of(parameters.day())
    summary = publish_report(report_files(year))
    get_run_logger().info("report FY%s: %s", year, summary)
    return summary


if __name__ == "__main__":
    print(report_flow())
