"""Engines and sessions. The session is opened at the edge (CLI command, flow task)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path

from sqlalchemy import event
from sqlalchemy.engine import Engine, make_url
from sqlmodel import Session, create_engine


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    # WAL lets readers work while a writer commits; foreign keys are off by default in SQLite.
    cursor.execute("PRAGMA journal_mode=WAL")
    # Every commit durable: the WAL is synced to disk before COMMIT returns (the default of
    # most builds, set here so that no build's default weakens it).
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.close()


def make_engine(url: str, *, transactional_ddl: bool = False) -> Engine:
    """An engine for a SQLite file or a PostgreSQL server (psycopg 3).

    transactional_ddl (SQLite): let SQLAlchemy emit BEGIN itself, so that schema changes
    roll back with their transaction; Python's sqlite3 otherwise commits around DDL and a
    failed migration would leave half its tables behind.
    """
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database:
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": 10})
        event.listen(engine, "connect", _sqlite_pragmas)
        if transactional_ddl:
            # Batch migrations rebuild tables (create, copy, drop, rename): with foreign keys
            # enforced, dropping a referenced table fails. The pragma only takes effect
            # outside a transaction, so it is set when the connection opens.
            event.listen(engine, "connect", _migration_connection)
            event.listen(engine, "begin", lambda conn: conn.exec_driver_sql("BEGIN"))
        return engine
    engine = create_engine(url, pool_pre_ping=True)
    _end_reading_with_commit(engine)
    return engine


_WROTE = "shukko_wrote"  # in a connection's info: its transaction ran more than SELECTs


def _end_reading_with_commit(engine: Engine) -> None:
    """PostgreSQL: end a transaction that only read with COMMIT instead of ROLLBACK.

    psycopg forgets every statement it has prepared when it sends ROLLBACK, and a page or a
    command that only reads ends its session with one: each request's statements were
    parsed and planned anew (measured: 4 of the worklist's 5 ms in PostgreSQL). For a
    transaction that ran only SELECTs the two end it the same way; one that wrote anything,
    or failed, still rolls back."""

    @event.listens_for(engine, "begin")
    def _began(connection) -> None:
        connection.info.pop(_WROTE, None)

    @event.listens_for(engine, "before_cursor_execute")
    def _executing(connection, _cursor, statement: str, *_rest) -> None:
        if not _only_reads(statement):
            connection.info[_WROTE] = True

    @event.listens_for(engine, "rollback")
    def _ending(connection) -> None:
        from psycopg.pq import TransactionStatus

        dbapi_connection = connection.connection.dbapi_connection
        reading = not connection.info.get(_WROTE)
        if reading and dbapi_connection.info.transaction_status == TransactionStatus.INTRANS:
            dbapi_connection.commit()  # psycopg's rollback then finds nothing to end


_WRITING = re.compile(r"\b(INSERT|UPDATE|DELETE|MERGE)\b", re.IGNORECASE)


def _only_reads(statement: str) -> bool:
    """A SELECT, or a WITH query none of whose parts writes (a data-modifying CTE names
    INSERT, UPDATE, DELETE or MERGE; a read taken for a write only costs its plans)."""
    head = statement.lstrip()[:6].upper()
    if head == "SELECT":
        return True
    return head.startswith("WITH") and not _WRITING.search(statement)


def _migration_connection(dbapi_connection, _record) -> None:
    dbapi_connection.isolation_level = None
    dbapi_connection.execute("PRAGMA foreign_keys=OFF")


@lru_cache(maxsize=8)
def engine_for(url: str) -> Engine:
    """One engine per URL per process."""
    return make_engine(url)


@contextmanager
def session_scope(engine: Engine) -> Iterator[Session]:
    """A session that commits on success and rolls back on any error."""
    with Session(engine, expire_on_commit=False) as session:
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise


def dialect_insert(session: Session):
    """The dialect's INSERT, which has ON CONFLICT DO NOTHING."""
    if session.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    return insert


@lru_cache(maxsize=32)
def _insert_ignoring(insert, table, key: str):
    """INSERT ... ON CONFLICT (key) DO NOTHING, built once per dialect and table."""
    return insert(table).on_conflict_do_nothing(index_elements=[key])


def insert_missing(session: Session, table, rows: list[dict], key: str = "key") -> None:
    """Insert the rows whose unique `key` is not stored yet, in one statement."""
    if rows:
        session.connection().execute(_insert_ignoring(dialect_insert(session), table, key), rows)


def insert_new(session: Session, table, rows: list[dict], key: str = "key") -> set:
    """Insert the rows whose unique `key` is not stored yet; returns the keys this call
    inserted. Exactly-once writes for re-runs and overlapping runs: on PostgreSQL a second
    writer of the same key waits for the first to commit and then inserts nothing."""
    if not rows:
        return set()
    statement = (
        dialect_insert(session)(table)
        .on_conflict_do_nothing(index_elements=[key])
        .returning(table.c[key])
    )
    return set(session.execute(statement, rows).scalars())
