"""Bulk reads and writes through the database driver, for imports of many rows.

SQLAlchemy processes every parameter of every row in Python; on a bulk import that costs
more than the database's own work. These helpers keep SQLAlchemy's types (values go through
the columns' bind processors) but hand the rows to the driver's executemany.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from sqlalchemy import JSON
from sqlalchemy.engine import Dialect
from sqlmodel import Session

_IN_BATCH = 500  # values per IN (...) of select_in
_REMEMBERED_VALUES = 4096  # per column: dates and short lists repeat; memory stays bounded


class DriverValues:
    """Values of some columns of a table in the driver's own types, ready for executemany.

    SQLAlchemy's executemany processes every parameter of every row in Python, which costs
    more than the database's own work on a bulk import. Here each value goes through the
    column type's bind processor for the dialect (so it is stored exactly as SQLAlchemy
    would store it), remembering the results for repeated values (dates, short lists).
    """

    def __init__(self, table, columns: Sequence[str], dialect: Dialect):
        self.columns = tuple(columns)
        self._converters = []  # (index in a row, results by value, processor, key of a value)
        self._by_column = {}
        for index, name in enumerate(self.columns):
            column_type = table.c[name].type
            process = column_type.dialect_impl(dialect).bind_processor(dialect)
            if process is not None:
                key = _json_key if isinstance(column_type, JSON) else None
                converter = (index, {}, process, key)
                self._converters.append(converter)
                self._by_column[name] = converter

    def row(self, values: list) -> list:
        """One row's values (in the order of `columns`), converted in place."""
        for index, results, process, key in self._converters:
            value = values[index]
            if value is not None:
                values[index] = _converted(value, results, process, key)
        return values

    def value(self, column: str, value):
        """One value of `column`, converted."""
        converter = self._by_column.get(column)
        if converter is None or value is None:
            return value
        _index, results, process, key = converter
        return _converted(value, results, process, key)


def _converted(value, results: dict, process, key):
    """The processor's result for a value, remembered: dates, flags and short lists repeat."""
    try:
        cache_key = value if key is None else key(value)
        return results[cache_key]
    except KeyError:
        if len(results) >= _REMEMBERED_VALUES:
            results.clear()  # memory stays bounded on a long file
        result = results[cache_key] = process(value)
        return result
    except TypeError:  # an unhashable value (e.g. a list of lists)
        return process(value)


def _json_key(value):
    """A hashable stand-in for a JSON value: a list by its items, a dict by its pairs."""
    if type(value) is list:
        return tuple(value)
    if type(value) is dict:
        return (dict, *value.items())  # the leading type tells it from a list of pairs
    return value


class DriverRows:
    """Rows of one table, already in the driver's types, written with the driver's
    executemany in the session's transaction."""

    def __init__(self, session: Session, table, columns: Sequence[str]):
        self.connection = session.connection()
        dialect = self.connection.dialect
        self.columns = tuple(columns)
        self._marker = _marker(dialect)
        self._table = dialect.identifier_preparer.format_table(table)
        self._names = [dialect.identifier_preparer.quote(name) for name in self.columns]

    def insert(self, rows: list[tuple]) -> None:
        """Insert rows (tuples in the order of `columns`)."""
        if rows:
            marks = ", ".join([self._marker] * len(self._names))
            sql = f"INSERT INTO {self._table} ({', '.join(self._names)}) VALUES ({marks})"
            self.connection.exec_driver_sql(sql, rows)

    def insert_with_ids(self, rows: list[tuple]) -> list[int]:
        """Insert rows (as `insert`) and return their ids, in the rows' order. Only on
        SQLite: a table's new rows get ascending ids there, and the transaction holds the
        database's write lock from its first write, so the newest ids are these rows'."""
        if self.connection.dialect.name != "sqlite":
            raise NotImplementedError("insert_with_ids: SQLite only (elsewhere use RETURNING)")
        if not rows:
            return []
        self.insert(rows)
        newest = self.connection.exec_driver_sql(
            f"SELECT id FROM {self._table} ORDER BY id DESC LIMIT {len(rows)}"
        )
        return [row_id for (row_id,) in reversed(newest.all())]

    def update_by_id(self, rows: list[tuple]) -> None:
        """Update rows whose last value (the last of `columns`) is the id of the row."""
        self.update_where(rows, keys=1)

    def update_where(self, rows: list[tuple], keys: int) -> int:
        """Update rows matched by their last `keys` values (the last `keys` of `columns`,
        e.g. id and the version read); returns how many rows matched."""
        if not rows:
            return 0
        marker = self._marker
        assignments = ", ".join(f"{name} = {marker}" for name in self._names[:-keys])
        where = " AND ".join(f"{name} = {marker}" for name in self._names[-keys:])
        sql = f"UPDATE {self._table} SET {assignments} WHERE {where}"
        if len(rows) == 1:  # a single execute: its rowcount is exact on every driver
            return self.connection.exec_driver_sql(sql, rows[0]).rowcount
        return self.connection.exec_driver_sql(sql, rows).rowcount


def select_in(
    session: Session,
    table,
    columns: Sequence[str],
    key: str,
    values: Iterable,
    *,
    where: str = "",
) -> list[tuple]:
    """The `columns` of the rows whose `key` is one of `values` (strings or numbers), read
    through the driver: compiling an IN of thousands of values costs more than running it.
    `where` adds a condition in SQL over the table's own columns (no parameters)."""
    connection = session.connection()
    preparer = connection.dialect.identifier_preparer
    marker = _marker(connection.dialect)
    names = ", ".join(preparer.quote(name) for name in columns)
    head = f"SELECT {names} FROM {preparer.format_table(table)} WHERE "
    if where:
        head += f"({where}) AND "
    # Always _IN_BATCH values, the last batch padded with NULLs (which match nothing): one
    # statement text, so the driver's statement cache holds one prepared statement instead
    # of one per length (each is large: over a long import they added up to 30 MiB).
    sql = f"{head}{preparer.quote(key)} IN ({', '.join([marker] * _IN_BATCH)})"
    values, found = list(values), []
    for start in range(0, len(values), _IN_BATCH):
        part = values[start : start + _IN_BATCH]
        part += [None] * (_IN_BATCH - len(part))
        found.extend(connection.exec_driver_sql(sql, tuple(part)).all())
    return found


def _marker(dialect) -> str:
    """The positional parameter marker of the dialect's driver."""
    if dialect.paramstyle == "qmark":
        return "?"
    if dialect.paramstyle in ("format", "pyformat"):
        return "%s"
    raise NotImplementedError(f"paramstyle {dialect.paramstyle} is not supported")
