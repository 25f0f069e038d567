"""The configured database for the front ends: its engine, refused unless its schema is
current, and transactions that start again when an overlapping run won a race."""

from __future__ import annotations

import time

from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError, OperationalError

from models.db import engine_for, session_scope
from models.schema import schema_behind
from shukko.errors import ConcurrentChange, SchemaOutdated


def transaction(engine: Engine):
    """A session that commits on success and rolls back on any error (a context manager)."""
    return session_scope(engine)


def upgrade_database(settings) -> tuple[str, str | None, str]:
    """Create the settings' database or bring it to this version's schema: (where, the
    revision before, the revision after)."""
    from models.schema import upgrade

    engine = engine_for(settings.database_url)
    before, after = upgrade(engine)
    return engine.url.render_as_string(hide_password=True), before, after


def current_engine(settings) -> Engine:
    """The engine of the settings' database, refused unless the upgrade brought it
    to this version's schema."""
    engine = engine_for(settings.database_url)
    behind = schema_behind(engine)
    if behind:
        code, params = behind
        raise SchemaOutdated(code=code, **params)
    return engine


def run_in_transaction(engine: Engine, work, *, attempts: int = 5):
    """Run `work(session)` in one transaction; when an overlapping run changed the same rows
    first (a version conflict, or SQLite's stale snapshot), start again from what is stored.
    The work must be idempotent, as every flow's is."""
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
