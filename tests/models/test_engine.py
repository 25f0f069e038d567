"""How sessions end (models.db): what was not committed is never kept, and on PostgreSQL a
session that only read keeps the statements psycopg prepared (a page's queries are planned
once per connection, not on every request)."""

from __future__ import annotations

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError
from sqlmodel import Session

from models import Company


def _companies(engine) -> list[str]:
    with Session(engine) as session:
        return list(session.scalars(select(Company.name)))


def test_a_session_closed_without_commit_keeps_nothing_it_wrote(engine):
    with Session(engine) as session:
        session.scalars(select(Company.id)).all()  # it read first, then wrote
        session.add(Company(name="書きかけ株式会社", industry_code="31", prefecture_code="13"))
        session.flush()
        with session.connection().begin_nested():
            session.connection().execute(
                text("  insert into company (name, industry_code, prefecture_code, created_at) "
                     "values ('途中株式会社', '31', '13', CURRENT_TIMESTAMP)")
            )  # fmt: skip

    assert _companies(engine) == []


@pytest.mark.parametrize(
    "statement",
    [
        "WITH named AS (SELECT '共通式株式会社' AS name) insert into company (name, "
        "industry_code, prefecture_code, created_at) SELECT name, '31', '13', "
        "CURRENT_TIMESTAMP FROM named",
        # PostgreSQL's data-modifying WITH: the query itself is a SELECT.
        "WITH added AS (insert into company (name, industry_code, prefecture_code, "
        "created_at) values ('共通式株式会社', '31', '13', CURRENT_TIMESTAMP) RETURNING id) "
        "SELECT id FROM added",
    ],
    ids=["with-insert", "with-cte-insert"],
)
def test_a_write_in_a_with_query_is_not_kept_without_commit(engine, statement):
    if engine.dialect.name != "postgresql":
        # How a session ends is chosen on PostgreSQL only; and Python's sqlite3 begins a
        # transaction before INSERT, not before WITH (shukko writes no WITH on SQLite).
        pytest.skip("the end of a reading transaction: PostgreSQL only")
    with Session(engine) as session:
        session.connection().execute(text(statement))

    assert _companies(engine) == []


def test_a_failed_read_ends_cleanly_and_the_next_session_works(engine):
    with Session(engine) as session, pytest.raises(DBAPIError):
        session.connection().execute(text("SELECT name FROM no_such_table"))

    with Session(engine) as session:
        session.add(Company(name="次の株式会社", industry_code="31", prefecture_code="13"))
        session.commit()
    assert _companies(engine) == ["次の株式会社"]


@pytest.mark.parametrize(
    "statement",
    [
        select(Company.id).where(Company.prefecture_code == "13"),
        # A WITH query that only reads (the worklist's lines are one).
        select(select(Company.id).where(Company.prefecture_code == "13").cte("of_tokyo")),
    ],
    ids=["select", "with"],
)
def test_reading_sessions_keep_their_prepared_statements(engine, statement):
    if engine.dialect.name != "postgresql":
        pytest.skip("psycopg's prepared statements: PostgreSQL only")
    for _ in range(8):  # psycopg prepares a statement on its fifth execution
        with Session(engine) as session:
            session.scalars(statement).all()

    sql = str(statement.compile(engine))
    with Session(engine) as session:
        prepared = session.scalars(text("SELECT statement FROM pg_prepared_statements")).all()
    assert any(" ".join(sql.split())[:40] in " ".join(found.split()) for found in prepared), (
        "a reading session's end discarded psycopg's prepared statements"
    )
