"""Listings page through the database: a count, then the rows in pages (constant memory)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import TypeVar

from sqlalchemy import func, select
from sqlmodel import Session

from shukko.errors import InvalidInput
from shukko.service.schemas import Listing

PAGE = 1000
Row = TypeVar("Row")


def check_limit(limit: int | None) -> int | None:
    if limit is not None and limit < 0:
        raise InvalidInput(code="input.limit", fields=("limit",), value=limit)
    return limit


def listing(
    session: Session, statement, make: Callable[..., Row], limit: int | None, offset: int = 0
) -> Listing[Row]:
    """Count what `statement` selects, then stream at most `limit` of its rows as `make(row)`,
    from the `offset`-th (a page of a web list)."""
    check_limit(limit)
    total = session.scalar(select(func.count()).select_from(statement.order_by(None).subquery()))
    return Listing(total or 0, _stream(session, statement, make, limit, offset), limit)


def _stream(session: Session, statement, make, limit: int | None, offset: int = 0) -> Iterator:
    if offset:
        statement = statement.offset(offset)
    if limit is not None:
        statement = statement.limit(limit)
    result = session.execute(statement.execution_options(yield_per=PAGE))
    for row in result:
        yield make(row)
