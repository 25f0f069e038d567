"""Schema management beside the tables: Alembic migrations, the schema check every command
makes, the shipped reference rows (offices), scratch databases for tests and benchmarks.

Alembic is imported only to migrate: checking a database's revision is one plain query
against SCHEMA_HEAD (a test keeps it equal to the newest migration), so that an operator's
command does not pay for loading the migration scripts.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select, text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError
from sqlmodel import Session

from models import Office
from models.reference import PREFECTURES

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
SCHEMA_HEAD = "0015"  # the newest migration's revision


def alembic_config(url: str):
    """An Alembic config for a database URL, independent of the working directory."""
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def head_revision() -> str:
    """The newest migration, as Alembic reads it from the scripts."""
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(alembic_config("sqlite://")).get_current_head()


def current_revision(engine: Engine) -> str | None:
    """The database's schema revision, None for a database without shukko's schema."""
    with engine.connect() as connection:
        try:
            return connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
        except DBAPIError:  # no alembic_version table: an empty database
            return None


def upgrade(engine: Engine) -> tuple[str | None, str]:
    """Create or upgrade the schema to head and sync the reference rows; (before, after)."""
    from alembic import command

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


def schema_behind(engine: Engine) -> tuple[str, dict] | None:
    """Why the database is not at this version's schema, as a refusal code and its
    parameters (shukko.refusals words them), or None when it is."""
    current = current_revision(engine)
    if current == SCHEMA_HEAD:
        return None
    url = engine.url.render_as_string(hide_password=True)
    if current is None:
        return "schema.missing", {"url": url}
    return "schema.behind", {"url": url, "revision": current}


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
