"""The nightly flow (02:00 Asia/Tokyo): every stage in order as a subflow of its own, so each
shows in the Prefect UI; a stage that fails is reported and the later stages still run."""

from __future__ import annotations

from prefect import flow, get_run_logger
from prefect.artifacts import create_table_artifact
from prefect.exceptions import MissingResult

from flows.bank_matching import bank_matching_flow
from flows.follow_up import follow_up_flow
from flows.intake import intake_flow
from flows.matching import matching_flow
from flows.notices import subsidy_notice_flow
from flows.parameters import (
    BankMatchingParameters,
    FollowUpParameters,
    IntakeParameters,
    MatchingParameters,
    NightlyParameters,
    NoticeParameters,
    ReportParameters,
    run_namer,
)
from flows.report import report_flow

STAGES = (
    ("intake", intake_flow, IntakeParameters),
    ("matching", matching_flow, MatchingParameters),
    ("bank-matching", bank_matching_flow, BankMatchingParameters),
    ("subsidy-notice", subsidy_notice_flow, NoticeParameters),
    ("follow-up", follow_up_flow, FollowUpParameters),
    ("report", report_flow, ReportParameters),
)


class StagesFailed(RuntimeError):
    """One or more stages of the night failed; the others ran."""


def _result(state):
    """A completed stage's summary. Now and then Prefect hands back a subflow's final state
    as the API has it, without its data (MissingResult, seen after a killed night is run
    again): the stage did complete, and its own run shows what it did."""
    try:
        return state.result()
    except MissingResult:
        return "completed (its summary is in the stage's own run)"


@flow(name="nightly", flow_run_name=run_namer("nightly", NightlyParameters))
def nightly_flow(parameters: NightlyParameters = NightlyParameters()) -> dict:
    """夜間処理: intake, matching, bank matching, subsidy notices, follow-up and the report,
    in that order."""
    day = parameters.day()
    logger = get_run_logger()
    outcomes: dict[str, dict] = {}
    for name, stage, stage_parameters in STAGES:
        state = stage(stage_parameters(as_of=day), return_state=True)
        if state.is_completed():
            outcomes[name] = {"stage": name, "state": "Completed", "result": _result(state)}
        else:
            # The stage's own run shows its traceback; the night names it and goes on.
            outcomes[name] = {"stage": name, "state": state.name, "result": state.message}
            logger.error("nightly %s: stage %s ended %s: %s", day, name, state.name, state.message)
    create_table_artifact(
        key="nightly-stages",
        table=[{**o, "result": str(o["result"])} for o in outcomes.values()],
        description=f"Night of {day}: each stage's outcome",
    )
    failed = [name for name, o in outcomes.items() if o["state"] != "Completed"]
    if failed:
        raise StagesFailed(f"night of {day}: stage(s) failed: {', '.join(failed)}")
    logger.info("nightly %s: all %d stages completed", day, len(outcomes))
    return {name: o["result"] for name, o in outcomes.items()}


if __name__ == "__main__":
    print(nightly_flow())
