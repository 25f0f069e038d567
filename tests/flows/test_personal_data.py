"""Personal data: a nightly run over cases whose workers, and career-bank registrants, carry
sentinel names and birth dates leaves them in none of the logs, Prefect artifacts, flow-run
parameters, notices or exported reports."""

from __future__ import annotations

import asyncio
import logging
from datetime import date

from sqlalchemy import select, update
from sqlmodel import Session

from models import Opening, RegistrantPerson, Worker
from shukko.bank.lifecycle import BankEvent, fire_bank_event
from shukko.bank.registration import Registration, register
from shukko.bank.rules import BankRules
from shukko.cases.offers import add_company
from tests.helpers import contracted_case

NAME = "機密 太郎ZQX"
BIRTH = date(1901, 2, 3)
SENTINELS = (NAME, "機密", "ZQX", "1901-02-03", "1901/2/3", "19010203")


def leaks(text: str) -> list[str]:
    return [s for s in SENTINELS if s in text]


def test_nightly_keeps_workers_personal_data_out_of_every_output(
    shukko_env, engine, caplog, capsys
):

    from flows.nightly import nightly_flow
    from flows.parameters import NightlyParameters

    person = (NAME, BIRTH)  # the sentinel from the moment the worker is assigned
    with Session(engine) as session:
        contracted_case(session, start="2023-06-01", end="2024-05-31", person=person)  # starts
        contracted_case(session, start="2023-07-03", end="2024-07-02", person=person)  # notices
        contracted_case(session, start="2023-06-01", end="2024-05-31", skip="rules_updated",
                        person=person)  # fmt: skip
        assert {w.name for w in session.scalars(select(Worker))} == {NAME}
        registered_bank_person(session)
        session.commit()

    with caplog.at_level(logging.DEBUG):
        nightly_flow(NightlyParameters(as_of=date(2023, 6, 1)))
    captured = capsys.readouterr()
    assert leaks(caplog.text + captured.out + captured.err) == []

    from prefect.logging.handlers import APILogHandler

    APILogHandler().flush()  # the run's logs have reached the server before they are read
    records = asyncio.run(prefect_records())
    assert "follow-up" in records  # the run's logs and artifacts were read
    assert "prefect.flow-run.Completed" in records  # and its events
    assert "1 suggestion(s)" in records  # the bank's suggestion was published (by ids)
    assert leaks(records) == []
    written = [
        p
        for p in shukko_env.rglob("*")
        if p.is_file() and p.suffix in (".md", ".html", ".csv", ".txt", ".json")
    ]
    assert any(p.suffix == ".html" for p in written)  # notices were written
    for path in written:
        assert leaks(path.read_text(encoding="utf-8-sig")) == [], path
    for chart in shukko_env.rglob("*.png"):  # text in a PNG (tEXt chunks) is bytes
        assert leaks(chart.read_bytes().decode("latin-1")) == [], chart
        assert not any(s.encode() in chart.read_bytes() for s in SENTINELS), chart
    assert leaks(every_table_but_the_personal_ones(engine)) == []
    from openpyxl import load_workbook

    for path in shukko_env.rglob("*.xlsx"):
        cells = " ".join(
            str(c.value) for sheet in load_workbook(path) for row in sheet.iter_rows() for c in row
        )
        assert leaks(cells) == [], path


def registered_bank_person(session) -> None:
    """A counselled registrant who consented, and an opening that fits: the night suggests it."""
    day = date(2023, 5, 15)
    person = Registration(office_code="13", name="仮名", birth_date=date(1962, 4, 1),
                          leaving_on=date(2023, 3, 31), reason="teinen", occupations=["C"],
                          employment_type="part_time")  # fmt: skip
    registrant = register(session=session, reg=person, actor="担当", today=day, rules=BankRules())
    for event in ("counsel", "record_consent"):
        fire_bank_event(session=session, today=day,
                        request=BankEvent(registrant.id, event, "担当", on=day))  # fmt: skip
    company = add_company(session=session, name="求人会社", industry_code="92",
                          prefecture_code="13")  # fmt: skip
    opening = dict(office_code="13", opening_id="K-1", received_on=day, occupation="C",
                   work_prefecture="13", employment_type="part_time", hourly_wage_yen=1200,
                   headcount=1)  # fmt: skip
    session.add(Opening(company_id=company.id, **opening))
    session.execute(update(RegistrantPerson).values(name=NAME, birth_date=BIRTH, contact=NAME))


async def _all_pages(read, **options) -> list:
    """Every page of a Prefect listing (the server returns 200 at most, in no fixed order)."""
    found, offset = [], 0
    while True:
        page = await read(limit=200, offset=offset, **options)
        found += page
        if len(page) < 200:
            return found
        offset += 200


async def prefect_records() -> str:
    """Everything the server holds about the runs: logs, artifacts, runs (name, parameters,
    state message), task runs' state messages and events."""
    from prefect.client.orchestration import get_client

    async with get_client() as client:
        logs = await _all_pages(client.read_logs)
        artifacts = await _all_pages(client.read_artifacts)
        runs = await _all_pages(client.read_flow_runs)
        tasks = await _all_pages(client.read_task_runs)
        events, page = [], await client.read_events(limit=50)
        while True:
            events += [e.model_dump_json() for e in page.events]
            if not page.next_page:
                break
            page = await client.read_events_page(page.next_page)
    return "\n".join(
        [log.message for log in logs]
        + [str(a.data) + str(a.description) for a in artifacts]
        + [str(r.parameters) + str(r.name) + str(r.state and r.state.message) for r in runs]
        + [str(t.name) + str(t.state and t.state.message) for t in tasks]
        + events
    )


def every_table_but_the_personal_ones(engine) -> str:
    """The text of every row of every table except worker and registrant_person."""
    from sqlalchemy import MetaData, select

    metadata = MetaData()
    metadata.reflect(engine)
    chunks = []
    with engine.connect() as connection:
        for name, table in metadata.tables.items():
            if name in ("worker", "registrant_person"):
                continue
            chunks += [str(tuple(row)) for row in connection.execute(select(table))]
    return "\n".join(chunks)
