"""The demo year for a short span: deterministic for a seed, and its offers reproduce the
brochure's monthly 受入情報 and 送出情報 exactly."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlmodel import Session

from config import Settings
from models import Case, CaseEvent, ContractTerms, FollowUp, Notice
from models.db import make_engine
from models.reference import BROCHURE_MONTHS, BROCHURE_YEARS
from models.schema import upgrade
from shukko.demo.offer_files import (
    month_targets,
    pattern_note,
    plan_year,
    split_persons,
    transfer_targets,
)
from shukko.demo.year import run_demo_year
from shukko.reporting.report import build_report

APRIL_AND_MAY = 61


def simulate(engine, home, days=APRIL_AND_MAY, seed=7, fiscal_year=2021) -> dict:
    settings = Settings(home=home, database_url=engine.url.render_as_string(False))
    return run_demo_year(
        engine=engine, settings=settings, fiscal_year=fiscal_year, seed=seed, days=days
    )


def fingerprint(engine) -> tuple:
    with Session(engine) as session:
        return (
            tuple(session.execute(select(Case.id, Case.state, Case.headcount).order_by(Case.id))),
            session.scalar(select(func.count()).select_from(CaseEvent)),
            tuple(session.scalars(select(Notice.key).order_by(Notice.key))),
            tuple(session.scalars(select(FollowUp.key).order_by(FollowUp.key))),
        )


def test_the_demo_offers_reproduce_the_brochures_months(engine, tmp_path):
    upgrade(engine)
    totals = simulate(engine, tmp_path / "home")
    assert totals["days"] == APRIL_AND_MAY and totals["rejected"] > 0  # bad rows, as real files
    with Session(engine) as session:
        report = build_report(session, 2021)
    for month in report["monthly"][:2]:
        number = int(month["month"][-2:])
        assert month["receiving_info"] == BROCHURE_MONTHS[(2021, number)].receiving_info
        assert month["sending_info"] == BROCHURE_MONTHS[(2021, number)].sending_info
    assert report["totals"]["established"] > 0 and report["cases_by_state"]
    # The transfers' job seekers: registered from the requests, applying and interviewed (the
    # first hires come later: a leaving day, an interview, then a first day weeks ahead).
    seekers = totals["seekers"]
    assert seekers["registered"] > 20 and seekers["schedule_interview"] > 0
    assert report["transfers"]["seekers"] == seekers.get("hire", 0)
    letters = list((tmp_path / "home" / "outbox" / "notices").rglob("*.md"))
    assert letters  # and each one's PDF, laid out in the background, is there when it ends
    assert all(letter.with_suffix(".pdf").stat().st_size > 1000 for letter in letters)
    inbox = tmp_path / "home" / "inbox"
    assert not any(inbox.iterdir())  # every file was taken in
    archived = sorted(p.suffix for p in (tmp_path / "home" / "archive").iterdir())
    assert ".csv" in archived


def test_the_same_seed_gives_the_same_year(tmp_path):
    engines = []
    for name in ("one", "two"):
        engine = make_engine(f"sqlite:///{tmp_path / name}.db")
        upgrade(engine)
        simulate(engine, tmp_path / name, days=45)
        engines.append(engine)
    assert fingerprint(engines[0]) == fingerprint(engines[1])
    assert fingerprint(engines[0])[1] > 100


def test_offer_persons_add_up_exactly_and_a_year_without_brochure_rows_still_works():
    import random

    rng = random.Random(3)
    assert sum(split_persons(2320, "receiving", rng)) == 2320
    plan = plan_year(2022, seed=1)
    persons = sum(
        int(row["headcount"])
        for day in plan.values()
        for row in day.rows["sending"]
        if row["kind"] == "出向" and row["headcount"] != "0" and day.day.month == 4
    )
    assert persons == BROCHURE_MONTHS[(2022, 4)].sending_info
    # FY2022's brochure stops in January: February and March take the year's monthly mean.
    targets = month_targets(2022)
    assert targets[2] == targets[3] and targets[2]["sending"] > 0


def test_a_year_without_brochure_months_takes_the_latest_published_year_and_says_so():
    assert month_targets(2023) == month_targets(2022)
    assert pattern_note(2021) is None
    assert "2022年度" in pattern_note(2023) and "2023年度" in pattern_note(2023)


def test_a_year_after_2022_12_has_skill_development_secondments_and_their_letters(engine, tmp_path):
    upgrade(engine)
    simulate(engine, tmp_path / "home", fiscal_year=2023)
    with Session(engine) as session:
        purposes = dict(
            session.execute(
                select(ContractTerms.purpose, func.count()).group_by(ContractTerms.purpose)
            ).all()
        )
        letters = session.scalar(
            select(func.count()).select_from(Notice).where(Notice.programme == "skill-up")
        )
        report = build_report(session, 2023)
    assert purposes["skill_development"] > 0 and purposes["employment_retention"] > 0
    assert letters > 0
    assert {p["purpose"] for p in report["secondments_by_purpose"]} == {
        "employment_retention",
        "skill_development",
        "other",  # 技術支援・交流等: a row of its own, none in the demo
    }
    assert report["notes"] and "2023年度" in report["notes"][0]


def test_a_years_offers_of_every_kind_add_up_to_the_brochures_annual_row():
    """FY2021: 140,403 受入情報 and 19,454 送出情報 of every kind (the annual table's column
    labelled 2020), the 在籍型出向 months still exact, the rest transfers."""
    plan = plan_year(2021, seed=1)
    persons = {("receiving", "出向"): 0, ("receiving", "移籍"): 0,
               ("sending", "出向"): 0, ("sending", "移籍"): 0}  # fmt: skip
    for day in plan.values():
        for side, rows in day.rows.items():
            for row in rows:
                persons[(side, row["kind"])] += int(row["headcount"])
    annual = BROCHURE_YEARS[2021]
    assert (annual.receiving_info, annual.sending_info) == (140_403, 19_454)
    assert persons[("receiving", "出向")] + persons[("receiving", "移籍")] == 140_403
    assert persons[("sending", "出向")] + persons[("sending", "移籍")] == 19_454
    assert persons[("receiving", "出向")] == sum(
        BROCHURE_MONTHS[(2021, m)].receiving_info for m in range(1, 13)
    )
    # FY2022's annual column covers April-January: its months carry it, February and March
    # take their mean.
    fy2022 = transfer_targets(2022)
    covered = [fy2022[m]["receiving"] for m in (4, 5, 6, 7, 8, 9, 10, 11, 12, 1)]
    assert sum(covered) == BROCHURE_YEARS[2022].receiving_info - sum(
        BROCHURE_MONTHS[(2022, m)].receiving_info for m in (4, 5, 6, 7, 8, 9, 10, 11, 12, 1)
    )
    assert fy2022[2]["receiving"] == fy2022[3]["receiving"] > 0
