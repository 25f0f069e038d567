"""Migrations and models agree, and upgrading is idempotent."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import func, inspect, select
from sqlmodel import Session, SQLModel

from models import Office
from shukko.database import current_revision, head_revision, upgrade


def test_migrated_schema_matches_the_models(engine):
    with engine.connect() as connection:
        diff = compare_metadata(MigrationContext.configure(connection), SQLModel.metadata)
    assert diff == []
    assert set(SQLModel.metadata.tables) <= set(inspect(engine).get_table_names())


def test_upgrade_twice_changes_nothing_and_seeds_47_offices(engine):
    before, after = upgrade(engine)
    assert before == after == head_revision() == current_revision(engine)
    with Session(engine) as session:
        assert session.scalar(select(func.count()).select_from(Office)) == 47
        assert session.get(Office, "13").name == "東京事務所"
