"""Retries where they help: a stage that meets a transient database error is tried again
(visible in the run's log) and the night completes; bad input and bugs are not retried."""

from __future__ import annotations

import logging
from datetime import date

import pytest
from sqlalchemy.exc import IntegrityError, OperationalError

from shukko.service.transient import is_transient


class _Orig(Exception):
    def __init__(self, message: str, sqlstate: str | None = None) -> None:
        super().__init__(message)
        self.sqlstate = sqlstate


def db_error(kind, message: str, sqlstate: str | None = None):
    return kind("UPDATE cases ...", {}, _Orig(message, sqlstate))


@pytest.mark.parametrize(
    ("error", "transient"),
    [
        (db_error(OperationalError, "could not serialize access", "40001"), True),
        (db_error(OperationalError, "deadlock detected", "40P01"), True),
        (db_error(OperationalError, "server closed the connection unexpectedly", "08006"), True),
        (db_error(OperationalError, "database is locked"), True),
        (
            db_error(IntegrityError, "duplicate key value violates unique constraint", "23505"),
            False,
        ),
        (db_error(OperationalError, "no such table: cases"), False),
        (ValueError("a bad row"), False),
        (ZeroDivisionError("a bug"), False),
    ],
)
def test_only_transient_database_errors_are_retried(error, transient):
    assert is_transient(error) is transient


def test_a_stage_meeting_a_serialization_failure_is_retried_and_completes(
    shukko_env, monkeypatch, caplog
):
    from flows.follow_up import follow_up_flow
    from flows.parameters import FollowUpParameters

    monkeypatch.setenv("SHUKKO_TRANSIENT_AT", "follow-up")
    with caplog.at_level(logging.INFO):
        state = follow_up_flow(FollowUpParameters(as_of=date(2024, 6, 3)), return_state=True)
    assert state.is_completed()
    assert "Retry 1/3 will start" in caplog.text
    assert "could not serialize access (injected)" in caplog.text
    assert (shukko_env / ".transient-follow-up").exists()  # the fault was met once
