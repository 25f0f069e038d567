"""The follow-up flow: start and close cases by the calendar, keep follow-ups current."""

from __future__ import annotations

from datetime import date

from prefect import flow, get_run_logger, task
from prefect.artifacts import create_markdown_artifact, create_table_artifact
from prefect.cache_policies import NO_CACHE

from config import get_settings
from flows.parameters import FollowUpParameters, run_namer
from flows.retries import STAGE_TASK
from shukko.service import night
from shukko.service.database import current_engine


@task(**STAGE_TASK)
def follow_up_cases(as_of: date) -> dict:
    """Start due cases, close ended ones, schedule and flag follow-ups (one transaction)."""
    settings = get_settings()
    return night.follow_up(current_engine(settings), settings, as_of)


@task(cache_policy=NO_CACHE)
def publish_follow_up(result: dict) -> dict:
    """Case ids, dates and reasons only: what started, closed, is blocked or overdue."""
    counts = {
        "started": len(result["started"]),
        "closed": len(result["closed"]),
        "blocked": len(result["blocked"]),
        "overdue": len(result["overdue"]),
        **{f"follow_ups_{k}": v for k, v in result["follow_ups"].items()},
        "wage_reports_asked": result["wage_reports"]["scheduled"],
        "claim_notices": len(result["claims"]),
        "bank_closed": len(result.get("bank_closed", [])),
    }
    lines = [
        f"# Follow-up {result['as_of']}",
        "",
        f"{counts['started']} case(s) started, {counts['closed']} closed (期間満了), "
        f"{counts['follow_ups_scheduled']} follow-up(s) scheduled, "
        f"{counts['follow_ups_done']} recorded, {counts['overdue']} overdue; "
        f"{counts['wage_reports_asked']} post-return wage(s) asked for, "
        f"{counts['claim_notices']} claim notice(s) written; "
        f"{counts['bank_closed']} idle bank registration(s) closed.",
        "",
    ]
    if result["blocked"]:
        lines += ["## Start date come, not contracted (not started)", ""]
        lines += [
            f"- case {b['case_id']} ({b['state']}, start {b['start_date']}, "
            f"{b['days_late']} day(s) late): {b['reason']}"
            for b in result["blocked"][:200]
        ]
    create_markdown_artifact(key="follow-up-summary", markdown="\n".join(lines))
    create_table_artifact(
        key="follow-ups-overdue",
        table=[
            {
                "case": f["case_id"],
                "kind": f["kind"],
                "due_on": str(f["due_on"]),
                "overdue_days": f["overdue_days"],
            }
            for f in result["overdue"][:1000]
        ],
        description=f"{counts['overdue']} follow-up(s) overdue on {result['as_of']}",
    )
    return counts


@flow(name="follow-up", flow_run_name=run_namer("follow-up", FollowUpParameters))
def follow_up_flow(parameters: FollowUpParameters = FollowUpParameters()) -> dict:
    """フォローアップ: start contracted cases whose day has come (blocked ones are flagged),
    schedule follow-ups, flag overdue ones, close cases whose end date has passed."""
    counts = publish_follow_up(follow_up_cases(parameters.day()))
    get_run_logger().info("follow-up %s: %s", parameters.day(), counts)
    return counts


if __name__ == "__main__":
    print(follow_up_flow())
