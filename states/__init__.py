"""Case lifecycles declared with python-statemachine (states/)."""

from __future__ import annotations

from functools import cache

from statemachine import StateMachine

from states.guards import CaseFacts, guard_message
from states.secondment import SecondmentMachine
from states.transfer import TransferMachine

MACHINES: dict[str, type[StateMachine]] = {
    "secondment": SecondmentMachine,
    "transfer": TransferMachine,
}

CREATE_EVENT = "create"  # the first entry of every case log: None -> initial state


def machine_class(kind: str) -> type[StateMachine]:
    """The machine of a case kind ('secondment' or 'transfer')."""
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


def initial_state(kind: str) -> str:
    return next(state.value for state in machine_class(kind).states if state.initial)


__all__ = [
    "CREATE_EVENT",
    "CaseFacts",
    "SecondmentMachine",
    "TransferMachine",
    "event_names",
    "final_states",
    "guard_message",
    "initial_state",
    "machine_class",
    "state_labels",
    "transition_table",
]
