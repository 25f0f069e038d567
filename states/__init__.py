"""Case lifecycles declared with python-statemachine (states/)."""

from __future__ import annotations

from functools import cache

from statemachine import StateMachine

from states.bank import RegistrantMachine
from states.guards import FACT_EVENTS, CaseFacts, GuardCheck, GuardReason, guard_reason
from states.secondment import SecondmentMachine
from states.transfer import TransferMachine

MACHINES: dict[str, type[StateMachine]] = {
    "secondment": SecondmentMachine,
    "transfer": TransferMachine,
    "registrant": RegistrantMachine,  # キャリア人材バンク: a person, not a case
}

CREATE_EVENT = "create"  # the first entry of every case log: None -> initial state


def machine_class(kind: str) -> type[StateMachine]:
    """The machine of a case kind ('secondment' or 'transfer'), or of a bank 'registrant'."""
    return MACHINES[str(kind)]


@cache
def transition_table(kind: str) -> dict[tuple[str, str], tuple[str, tuple[str, ...]]]:
    """(state, event) -> (target state, guard names), read from the machine's declaration."""
    table: dict[tuple[str, str], tuple[str, tuple[str, ...]]] = {}
    for state in machine_class(kind).states:
        for transition in state.transitions:
            guards = tuple(str(spec.func) for spec in transition.cond)
            for event in transition.events:
                table[(state.value, event.id)] = (transition.target.value, guards)
    return table


@cache
def event_names(kind: str) -> tuple[str, ...]:
    """Every event of the machine, in declaration order."""
    return tuple(dict.fromkeys(event for _state, event in transition_table(kind)))


@cache
def state_labels(kind: str) -> dict[str, str]:
    """State value -> Japanese label."""
    return {state.value: state.name for state in machine_class(kind).states}


@cache
def final_states(kind: str) -> frozenset[str]:
    return frozenset(state.value for state in machine_class(kind).states if state.final)


class RowHandle:
    """A stand-in model that forwards to whichever case row it points at, so that one
    machine can serve a whole batch of cases (the nightly path) instead of one machine per
    event. The machine reads and writes `state` through it, exactly as on the row."""

    def __init__(self, row: object) -> None:
        object.__setattr__(self, "row", row)

    def __getattr__(self, name: str):
        return getattr(object.__getattribute__(self, "row"), name)

    def __setattr__(self, name: str, value) -> None:
        if name == "row":
            object.__setattr__(self, "row", value)
        else:
            setattr(object.__getattribute__(self, "row"), name, value)


def initial_state(kind: str) -> str:
    return next(state.value for state in machine_class(kind).states if state.initial)


__all__ = [
    "CREATE_EVENT",
    "FACT_EVENTS",
    "CaseFacts",
    "GuardCheck",
    "GuardReason",
    "RowHandle",
    "SecondmentMachine",
    "TransferMachine",
    "event_names",
    "final_states",
    "guard_reason",
    "initial_state",
    "machine_class",
    "state_labels",
    "transition_table",
]
