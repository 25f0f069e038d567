"""Schema management through Alembic, and the shipped reference rows (offices)."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlmodel import Session

from models import Office
from models.reference import PREFECTURES
from shukko.errors import SchemaOutdated

MIGRATIONS_DIR = Path(__file__).resolve().parent.parent / "models" / "migrations"


def alembic_config(url: str) -> Config:
    """An Alembic config for a database URL, independent of the working directory."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def head_revision() -> str:
    return ScriptDirectory.from_config(alembic_config("sqlite://")).get_current_head()


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def upgrade(engine: Engine) -> tuple[str | None, str]:
    """Create or upgrade the schema to head and sync the reference rows; (before, after)."""
    from models.db import make_engine

    before = current_revision(engine)
    url = engine.url.render_as_string(hide_password=False)
    config = alembic_config(url)
    # All migrations in one transaction: a failure leaves the schema as it was.
    migrating = make_engine(url, transactional_ddl=True)
    try:
        with migrating.begin() as connection:
            config.attributes["connection"] = connection
            command.upgrade(config, "head")
            if connection.dialect.name == "sqlite":  # keys were not enforced while rebuilding
                broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                if broken:
                    raise RuntimeError(f"migration left broken foreign keys: {broken[:5]}")
    finally:
        migrating.dispose()
    sync_reference_rows(engine)
    return before, head_revision()


def sync_reference_rows(engine: Engine) -> int:
    """The 47 prefectural offices (事務所); idempotent. Returns how many were added."""
    with Session(engine) as session:
        existing = set(session.scalars(select(Office.code)))
        added = [
            Office(code=p.code, name=f"{p.short_name}事務所")
            for p in PREFECTURES
            if p.code not in existing
        ]
        session.add_all(added)
        session.commit()
    return len(added)


def current_engine() -> Engine:
    """The configured database's engine, refused unless `shukko db upgrade` brought it to head."""
    from config import get_settings
    from models.db import engine_for

    engine = engine_for(get_settings().database_url)
    require_current_schema(engine)
    return engine


def require_current_schema(engine: Engine) -> None:
    """Refuse to work on a database that `shukko db upgrade` has not brought to head."""
    current = current_revision(engine)
    if current != head_revision():
        state = "has no shukko schema yet" if current is None else f"is at revision {current}"
        raise SchemaOutdated(
            f"the database {engine.url.render_as_string(hide_password=True)} {state}; "
            "run `shukko db upgrade` first"
        )


def create_scratch_database(server_url: str, prefix: str) -> str:
    """Create an empty, uniquely named PostgreSQL database next to `server_url` (for tests
    and benchmarks) and return its URL."""
    import uuid

    from sqlalchemy import text
    from sqlalchemy.engine import make_url

    from models.db import make_engine

    admin = make_engine(server_url).execution_options(isolation_level="AUTOCOMMIT")
    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return make_url(server_url).set(database=name).render_as_string(hide_password=False)


def drop_scratch_database(server_url: str, url: str) -> None:
    """Drop a database made by create_scratch_database, closing its connections."""
    from sqlalchemy import text
    from sqlalchemy.engine import make_url

    from models.db import make_engine

    admin = make_engine(server_url).execution_options(isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{make_url(url).database}" WITH (FORCE)'))
    admin.dispose()


def run_in_transaction(engine: Engine, work, *, attempts: int = 5):
    """Run `work(session)` in one transaction; when an overlapping run changed the same rows
    first (a version conflict, or SQLite's stale snapshot), start again from what is stored.
    The work must be idempotent, as every flow's is."""
    import time

    from sqlalchemy.exc import IntegrityError, OperationalError

    from models.db import session_scope
    from shukko.errors import ConcurrentChange

    for attempt in range(1, attempts + 1):
        try:
            with session_scope(engine) as session:
                return work(session)
        except (ConcurrentChange, IntegrityError, OperationalError) as exc:
            retryable = not isinstance(exc, OperationalError) or "locked" in str(exc)
            if not retryable or attempt == attempts:
                raise
            time.sleep(0.05 * attempt)
    raise AssertionError("unreachable")
