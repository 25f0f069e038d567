"""Assignment: maximise the total score under both sides' remaining headcounts, as a
min-cost flow over the sparse candidate graph (OR-Tools)."""

from __future__ import annotations

import numpy as np
from ortools.graph.python import min_cost_flow

SCALE = 1000  # scores become integer costs at 1/1000 precision


def integer_scores(scores: np.ndarray) -> np.ndarray:
    """Scores as the solver weighs them: whole thousandths."""
    return np.round(np.asarray(scores) * SCALE).astype(np.int64)


def assign(
    edges_sending: np.ndarray,
    edges_receiving: np.ndarray,
    scores: np.ndarray,
    sending_capacity: np.ndarray,
    receiving_capacity: np.ndarray,
) -> np.ndarray:
    """Persons per edge (same order as the edges) that maximise the sum of score x persons.

    source -> sender i (capacity i) -> receiver j (per edge) -> sink (capacity j), plus a
    free source -> sink arc, so capacity that no edge improves simply stays unused.
    """
    n_edges = len(edges_sending)
    if n_edges == 0:
        return np.zeros(0, dtype=np.int64)
    # Only the offers on some edge become nodes: the solver's time grows with them.
    senders, edges_sending = np.unique(edges_sending, return_inverse=True)
    receivers, edges_receiving = np.unique(edges_receiving, return_inverse=True)
    sending_capacity, receiving_capacity = sending_capacity[senders], receiving_capacity[receivers]
    n_s, n_r = len(sending_capacity), len(receiving_capacity)
    source, sink = n_s + n_r, n_s + n_r + 1
    supply = int(sending_capacity.sum())
    flow = min_cost_flow.SimpleMinCostFlow()
    edge_cap = np.minimum(sending_capacity[edges_sending], receiving_capacity[edges_receiving])
    arcs = flow.add_arcs_with_capacity_and_unit_cost(
        np.asarray(edges_sending, dtype=np.int64),
        np.asarray(edges_receiving, dtype=np.int64) + n_s,
        edge_cap.astype(np.int64),
        -integer_scores(scores),
    )
    flow.add_arcs_with_capacity_and_unit_cost(
        np.full(n_s, source, dtype=np.int64),
        np.arange(n_s, dtype=np.int64),
        sending_capacity.astype(np.int64),
        np.zeros(n_s, dtype=np.int64),
    )
    flow.add_arcs_with_capacity_and_unit_cost(
        np.arange(n_s, n_s + n_r, dtype=np.int64),
        np.full(n_r, sink, dtype=np.int64),
        receiving_capacity.astype(np.int64),
        np.zeros(n_r, dtype=np.int64),
    )
    flow.add_arc_with_capacity_and_unit_cost(source, sink, supply, 0)
    flow.set_node_supply(source, supply)
    flow.set_node_supply(sink, -supply)
    status = flow.solve()
    if status != flow.OPTIMAL:
        raise RuntimeError(f"the assignment solver ended with status {status}")
    return np.asarray(flow.flows(arcs), dtype=np.int64)
