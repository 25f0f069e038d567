"""Which database errors are worth a retry: the ones that say nothing about the data or the
code — a serialization failure, a deadlock, a lost or refused connection, a locked SQLite
file. Bad input, a constraint violated by the data, or a bug are never retried."""

from __future__ import annotations

from sqlalchemy.exc import DBAPIError

# SQLSTATE classes and codes: 40001 serialization_failure, 40P01 deadlock_detected,
# 08* connection exceptions, 57P01-57P03 admin shutdown / crash shutdown / cannot connect now.
TRANSIENT_SQLSTATES = ("40001", "40P01", "57P01", "57P02", "57P03")
TRANSIENT_CLASSES = ("08",)
TRANSIENT_WORDS = ("database is locked", "server closed the connection", "connection refused",
                   "terminating connection", "connection is closed")  # fmt: skip


def is_transient(exc: BaseException | None) -> bool:
    """True for an error a later attempt of the same idempotent work may not meet."""
    while exc is not None:
        if isinstance(exc, DBAPIError):
            if exc.connection_invalidated:
                return True
            state = getattr(exc.orig, "sqlstate", None) or ""
            if state in TRANSIENT_SQLSTATES or state[:2] in TRANSIENT_CLASSES:
                return True
            text = str(exc.orig).lower()
            return any(words in text for words in TRANSIENT_WORDS)
        exc = exc.__cause__ or exc.__context__
    return False
