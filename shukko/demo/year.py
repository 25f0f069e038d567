"""The demo year: every day of a fiscal year, the consultants' work by day and the night's
run (intake, matching, subsidy notices, follow-up) through the stages the flows run
(shukko.service.night).

The last night can be handed to the real Prefect nightly flow (`last_night`), so that it and
its artifacts show in the UI afterwards.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import date, timedelta
from functools import partial

from sqlalchemy.engine import Engine

from shukko.bank.rules import bank_rules
from shukko.case_rules import case_rules
from shukko.clock import is_business_day
from shukko.demo.bank import BankDesk
from shukko.demo.consultants import Consultants
from shukko.demo.offer_files import plan_year, write_day_files
from shukko.demo.seekers import SeekerDesk
from shukko.documents.pdf import pdfs_in_background
from shukko.matching.rules import load_rules
from shukko.reporting.report import fiscal_year_bounds
from shukko.service.database import run_in_transaction
from shukko.service.night import night, untimed


def weekly_matching_day(day: date) -> bool:
    """The first business day of its week: the demo's consultants meet weekly over the
    proposals (production runs matching every night; here a year must fit in minutes)."""
    monday = day - timedelta(days=day.weekday())
    first = next(
        (d for d in (monday + timedelta(days=i) for i in range(5)) if is_business_day(d)), None
    )
    return day == first


def run_demo_year(
    *,
    engine: Engine,
    settings,
    fiscal_year: int,
    seed: int = 1,
    days: int | None = None,
    on_day: Callable[[date, dict], None] | None = None,
    last_night: Callable[[date], dict] | None = None,
    stage: Callable = untimed,
) -> dict:
    """Simulate the fiscal year (or its first `days` days); returns the running totals.
    `stage(name, work)` runs each part of a day and night (the demo benchmark passes a
    timer)."""
    rng = random.Random(seed)
    plan = plan_year(fiscal_year, seed)
    first, last = fiscal_year_bounds(fiscal_year)
    if days is not None:
        last = min(last, first + timedelta(days=days - 1))
    consultants = Consultants(random.Random(seed + 1), case_rules(settings))
    bank = BankDesk(random.Random(seed + 2), bank_rules(settings))
    seekers = SeekerDesk(random.Random(seed + 3), bank_rules(settings))
    rules = load_rules()
    inbox = settings.folder("inbox")
    totals = {
        "days": 0,
        "files": 0,
        "rows_read": 0,
        "rejected": 0,
        "proposals": 0,
        "notices": 0,
        "started": 0,
        "closed": 0,
    }
    desks = (
        ("consultants", consultants.work),
        ("career-bank desk", bank.work),
        ("job-seeker desk", seekers.work),
    )
    # The letters' PDFs are laid out by worker processes while the next day goes on.
    with pdfs_in_background() as letters:
        day = first
        while day <= last:
            business = is_business_day(day)
            for name, work in desks:
                step = partial(work, day=day, business_day=business)
                stage(name, partial(run_in_transaction, engine, step))
            if day in plan:
                stage("intake files", partial(write_day_files, plan[day], inbox, rng))
            if business:
                stage("intake files", partial(bank.write_openings, day, inbox))
            if day == last and last_night is not None:
                if letters is not None:  # the flow's night lays out its own letters
                    stage("letters' PDFs (waited for)", letters.stop)
                last_night(day)
            else:
                match = weekly_matching_day(day)
                result = night(engine, settings, day, rules=rules, match=match, stage=stage)
                consultants.take_proposals(result["proposals"], day)
                _count_night(totals, result)
            totals["days"] += 1
            if on_day is not None:
                on_day(day, totals)
            day += timedelta(days=1)
        if letters is not None:
            stage("letters' PDFs (waited for)", letters.stop)
    totals["events_by_consultants"] = consultants.counts["events"]
    totals["bank"] = dict(bank.counts)
    totals["seekers"] = dict(seekers.counts)
    totals["from"], totals["to"] = first, last
    return totals


def _count_night(totals: dict, result: dict) -> None:
    totals["files"] += len(result["files"])
    totals["rows_read"] += sum(r.rows_read for r in result["files"])
    totals["rejected"] += sum(r.rejected for r in result["files"])
    totals["proposals"] += len(result["proposals"])
    totals["notices"] += len(result["notices"])
    totals["started"] += len(result["follow_up"]["started"])
    totals["closed"] += len(result["follow_up"]["closed"])
