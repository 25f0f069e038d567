"""Crash points for the crash-safety tests: when SHUKKO_CRASH_AT names a point, the process
kills itself there with SIGKILL (no cleanup, no rollback message), as a power cut would.
Unset, a crash point costs one dictionary lookup."""

from __future__ import annotations

import os
import signal

CRASH_POINTS = ("intake-committed", "matching", "notices", "follow-up")


def crash_point(name: str) -> None:
    if os.environ.get("SHUKKO_CRASH_AT") == name:
        os.kill(os.getpid(), signal.SIGKILL)
