"""Test databases: a fresh migrated SQLite file per test by default; with --db postgresql
(and SHUKKO_TEST_DATABASE_URL) a PostgreSQL database created for the session and emptied
between tests."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.engine import Engine, make_url
from sqlmodel import Session, SQLModel

from models.db import make_engine
from models.schema import (
    create_scratch_database,
    drop_scratch_database,
    sync_reference_rows,
    upgrade,
)

PG_ENV = "SHUKKO_TEST_DATABASE_URL"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--db",
        choices=["sqlite", "postgresql"],
        default=os.environ.get("SHUKKO_TEST_DB", "sqlite"),
        help="database every test runs on (postgresql needs SHUKKO_TEST_DATABASE_URL)",
    )


def pytest_report_header(config: pytest.Config) -> str:
    pg = os.environ.get(PG_ENV)
    where = make_url(pg).render_as_string(hide_password=True) if pg else "not set"
    return f"shukko: tests on {config.getoption('--db')}; {PG_ENV}: {where}"


def postgres_url_or_skip() -> str:
    """The PostgreSQL server URL for tests, or a visible skip saying how to provide one."""
    url = os.environ.get(PG_ENV)
    if not url:
        pytest.skip(f"PostgreSQL not tested: set {PG_ENV}=postgresql+psycopg://user@host/db")
    return url


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One migrated SQLite file, copied for every test (migrating each time costs more)."""
    path = tmp_path_factory.mktemp("template") / "shukko.db"
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    engine.dispose()
    return path


@pytest.fixture(scope="session")
def postgres_database(request: pytest.FixtureRequest) -> Iterator[str]:
    """A migrated PostgreSQL database for the whole session."""
    server = postgres_url_or_skip()
    url = create_scratch_database(server, "shukko_test")
    engine = make_engine(url)
    upgrade(engine)
    engine.dispose()
    yield url
    drop_scratch_database(server, url)


def _empty_postgres(engine: Engine) -> None:
    tables = [t.name for t in SQLModel.metadata.sorted_tables if t.name != "office"]
    with engine.begin() as connection:
        connection.execute(
            text("TRUNCATE " + ", ".join(f'"{t}"' for t in tables) + " RESTART IDENTITY CASCADE")
        )
    sync_reference_rows(engine)


def sqlite_copy(template: Path, folder: Path) -> str:
    target = folder / "shukko.db"
    shutil.copy(template, target)
    return f"sqlite:///{target}"


@pytest.fixture
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """The URL of an empty, migrated database for this test."""
    if request.config.getoption("--db") == "postgresql":
        url = request.getfixturevalue("postgres_database")
        engine = make_engine(url)
        _empty_postgres(engine)
        engine.dispose()
        return url
    return sqlite_copy(request.getfixturevalue("sqlite_template"), tmp_path)


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    engine = make_engine(db_url)
    yield engine
    engine.dispose()


@pytest.fixture
def session(engine: Engine) -> Iterator[Session]:
    with Session(engine, expire_on_commit=False) as session:
        yield session


@pytest.fixture
def shukko_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, db_url: str) -> Path:
    """Point the settings (and so the CLI) at this test's database and a temporary home."""
    from config import get_settings
    from models.db import engine_for

    monkeypatch.setenv("SHUKKO_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("SHUKKO_DATABASE_URL", db_url)
    monkeypatch.setenv("SHUKKO_ACTOR", "test-operator")
    get_settings.cache_clear()
    yield tmp_path / "home"
    get_settings.cache_clear()
    engine_for.cache_clear()
