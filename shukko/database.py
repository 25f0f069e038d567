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
    before = current_revision(engine)
    config = alembic_config(engine.url.render_as_string(hide_password=False))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")
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


def require_current_schema(engine: Engine) -> None:
    """Refuse to work on a database that `shukko db upgrade` has not brought to head."""
    current = current_revision(engine)
    if current != head_revision():
        state = "has no shukko schema yet" if current is None else f"is at revision {current}"
        raise SchemaOutdated(
            f"the database {engine.url.render_as_string(hide_password=True)} {state}; "
            "run `shukko db upgrade` first"
        )
