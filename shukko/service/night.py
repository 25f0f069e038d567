"""The night's stages, defined once: intake, matching, subsidy notices, follow-up and the
report, each a plain function of the engine, the settings and the day. The Prefect flows run
each as a task; the demo runs `night` for every simulated day. Nothing here imports Prefect.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy.engine import Engine

from models.db import session_scope
from shukko.case_rules import case_rules
from shukko.service.database import run_in_transaction


def intake(engine: Engine, settings) -> list:
    """受付: import every file in the inbox, one transaction each; move each to archive/ or
    failed/. Returns a FileReport per file."""
    from shukko.intake.run import run_inbox
    from shukko.limits import input_limits

    return run_inbox(
        engine=engine,
        inbox=settings.folder("inbox"),
        archive=settings.folder("archive"),
        failed=settings.folder("failed"),
        limits=input_limits(settings),
    )


def matching(
    engine: Engine, settings, day: date, *, office: str | None = None, rules=None
) -> tuple[list[dict], dict]:
    """マッチング: propose optimal pairs of open offers as cases; (proposals, figures)."""
    from shukko.matching.rules import load_rules
    from shukko.service.matching import propose_cases

    rules = rules or load_rules()
    return run_in_transaction(
        engine,
        lambda session: propose_cases(
            session=session,
            rules=rules,
            as_of=day,
            office=office,
            block_overrides=settings.block_overrides,
        ),
    )


def bank_matching(engine: Engine, settings, day: date, *, office: str | None = None) -> dict:
    """キャリア人材バンク: openings suggested to counselled registrants who consented; and
    receiving offers open to transfers suggested to counselled job seekers who consented
    (under "job_seekers")."""
    from shukko.bank.rules import bank_rules
    from shukko.bank.suggest import suggest

    rules = bank_rules(settings)

    def both(session) -> dict:
        figures = suggest(session, as_of=day, per_registrant=rules.suggestions, office=office)
        figures["job_seekers"] = suggest(
            session, as_of=day, per_registrant=rules.suggestions, office=office,
            programme="transfer",
        )  # fmt: skip
        return figures

    return run_in_transaction(engine, both)


def notices(engine: Engine, settings, day: date, *, case_id: int | None = None) -> list[dict]:
    """助成金のご案内: the notices and reminders due on the day, and the letters to receivers
    that hired a job seeker (not for one case's run), each written once."""
    from shukko.subsidies.hiring import write_hiring_letters
    from shukko.subsidies.notices import write_due_notices

    outbox = settings.folder("outbox") / "notices"

    def work(session) -> list[dict]:
        written = write_due_notices(session=session, outbox=outbox, as_of=day,
                                    reminder_days=settings.reminder_days, case_id=case_id)
        if case_id is None:
            written += write_hiring_letters(session=session, outbox=outbox, as_of=day)
        return written

    return run_in_transaction(engine, work)


def follow_up(engine: Engine, settings, day: date) -> dict:
    """フォローアップ: start and close cases by the calendar, keep follow-ups current."""
    from shukko.cases.follow_up_run import run_follow_up

    rules = case_rules(settings)
    from shukko.bank.expiry import close_inactive
    from shukko.bank.rules import bank_rules
    from shukko.faults import pause_point, transient_fault

    outbox = settings.folder("outbox") / "notices"
    bank = bank_rules(settings)

    def work(session):
        transient_fault("follow-up", settings.home / ".transient-follow-up")
        pause_point("follow-up")
        result = run_follow_up(session, as_of=day, rules=rules, outbox=outbox)
        result["bank_closed"] = close_inactive(session, day, bank)
        return result

    return run_in_transaction(engine, work)


def report(engine: Engine, settings, fiscal_year: int, *, folder=None) -> dict:
    """統計: the fiscal year's tables, and their files (Markdown, CSV, XLSX, PNG)."""
    from shukko.reporting.files import write_report_files
    from shukko.reporting.report import build_report

    with session_scope(engine) as session:
        data = build_report(session, fiscal_year)
    folder = folder or settings.folder("reports") / f"FY{fiscal_year}"
    data["files"] = [str(path) for path in write_report_files(data, folder)]
    return data


def untimed(_stage: str, work):
    return work()


def night(
    engine: Engine, settings, day: date, *, match: bool = True, rules=None, stage=untimed
) -> dict:
    """One night's stages in order, as the nightly flow runs them (without Prefect; the
    report is left to the end of a replayed year). `stage(name, work)` runs each one (the
    nightly benchmark passes a timer)."""
    files = stage("intake", lambda: intake(engine, settings))
    proposals: list[dict] = []
    if match:
        proposals, _figures = stage(
            "matching", lambda: matching(engine, settings, day, rules=rules)
        )
    suggestions = (
        stage("bank-matching", lambda: bank_matching(engine, settings, day)) if match else {}
    )
    written = stage("subsidy-notice", lambda: notices(engine, settings, day))
    follow = stage("follow-up", lambda: follow_up(engine, settings, day))
    return {
        "files": files,
        "proposals": proposals,
        "suggestions": suggestions,
        "notices": written,
        "follow_up": follow,
    }
