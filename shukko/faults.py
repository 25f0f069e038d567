"""Crash points for the crash-safety tests: when SHUKKO_CRASH_AT names a point, the process
kills itself there with SIGKILL (no cleanup, no rollback message), as a power cut would.
Unset, a crash point costs one dictionary lookup.

Transient faults for the retry tests: when SHUKKO_TRANSIENT_AT names a point, the first pass
there raises a serialization failure as PostgreSQL reports it (once: a marker file beside the
database remembers it)."""

from __future__ import annotations

import os
import signal
from pathlib import Path

CRASH_POINTS = ("intake-committed", "matching", "notices", "follow-up")


def crash_point(name: str) -> None:
    if os.environ.get("SHUKKO_CRASH_AT") == name:
        os.kill(os.getpid(), signal.SIGKILL)


TRANSIENT_POINTS = ("follow-up",)


def pause_point(name: str) -> None:
    """SHUKKO_PAUSE_AT names a point where the process waits SHUKKO_PAUSE_SECONDS (a night
    caught in the middle, for the worker-crash test)."""
    if os.environ.get("SHUKKO_PAUSE_AT") == name:
        import time

        time.sleep(float(os.environ.get("SHUKKO_PAUSE_SECONDS", "600")))


def transient_fault(name: str, marker: Path) -> None:
    if os.environ.get("SHUKKO_TRANSIENT_AT") != name or marker.exists():
        return
    marker.parent.mkdir(parents=True, exist_ok=True)
    marker.write_text("raised once\n")
    from sqlalchemy.exc import OperationalError

    class SerializationFailure(Exception):
        sqlstate = "40001"

    raise OperationalError(
        "UPDATE ...", {}, SerializationFailure("could not serialize access (injected)")
    )
