"""Replay a case's event log through its machine's declared transitions."""

from __future__ import annotations

from collections.abc import Iterable

from models import CaseEvent
from shukko.cases.records import ASSIGN_WORKER_EVENT
from states import CREATE_EVENT, initial_state, transition_table


class ReplayError(Exception):
    """The log does not describe a path the machine allows."""


def replay(kind: str, events: Iterable[CaseEvent]) -> str | None:
    """The state the log leads to; raises ReplayError at the first inconsistent entry."""
    table = transition_table(kind)
    state: str | None = None
    expected_seq = 1
    for entry in events:
        if entry.seq != expected_seq:
            raise ReplayError(f"sequence gap: expected {expected_seq}, found {entry.seq}")
        expected_seq += 1
        if entry.from_state != state:
            raise ReplayError(
                f"event {entry.seq} ({entry.event}) starts from {entry.from_state}, "
                f"but the log had reached {state}"
            )
        if entry.event == CREATE_EVENT:
            allowed_target = initial_state(kind) if state is None else None
        elif entry.event == ASSIGN_WORKER_EVENT:
            allowed_target = state
        else:
            allowed_target = table.get((state, entry.event), (None,))[0]
        if allowed_target is None or entry.to_state != allowed_target:
            raise ReplayError(
                f"event {entry.seq} ({entry.event}) from {state} to {entry.to_state} "
                f"is not a transition of a {kind} case"
            )
        state = entry.to_state
    return state
