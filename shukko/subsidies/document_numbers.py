"""文書番号: each letter's number, by the office that sends it and the fiscal year it is
written in (産雇13-2023-00042). A counter per office and year hands out the next number in
the writer's transaction, so that numbers are unique and never reused; a letter that is
rolled back takes its number back with it."""

from __future__ import annotations

from datetime import date

from sqlalchemy import update
from sqlmodel import Session

from models import DocumentCounter, Notice
from models.db import dialect_insert


def fiscal_year_of(day: date) -> int:
    """The fiscal year (年度, April to March) a day falls in."""
    return day.year if day.month >= 4 else day.year - 1


def format_number(office_code: str, fiscal_year: int, sequence: int) -> str:
    return f"産雇{office_code}-{fiscal_year}-{sequence:05d}"


def next_number(session: Session, office_code: str, fiscal_year: int) -> str:
    """Take the office's next number of the year (the counter row is locked until commit)."""
    table = DocumentCounter.__table__
    session.execute(
        dialect_insert(session)(table)
        .values(office_code=office_code, fiscal_year=fiscal_year, last_number=0)
        .on_conflict_do_nothing(index_elements=["office_code", "fiscal_year"])
    )
    sequence = session.execute(
        update(table)
        .where(table.c.office_code == office_code, table.c.fiscal_year == fiscal_year)
        .values(last_number=table.c.last_number + 1)
        .returning(table.c.last_number)
    ).scalar_one()
    return format_number(office_code, fiscal_year, sequence)


def assign_document_numbers(session: Session, letters: list[tuple[str, str, date]]) -> dict:
    """Numbers for stored notices given as (key, office, written_on); stores each on its row
    and returns key -> number."""
    numbers = {}
    for key, office_code, written_on in letters:
        number = next_number(session, office_code, fiscal_year_of(written_on))
        session.execute(
            update(Notice.__table__).where(Notice.key == key).values(document_number=number)
        )
        numbers[key] = number
    return numbers
