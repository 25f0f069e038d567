"""Node potentials of an optimal assignment (双対価格): the shortest distances from the
source in the residual graph of the solved flow. OR-Tools' SimpleMinCostFlow does not expose
its own, so they are computed again here, with a queue-based Bellman-Ford (SPFA) compiled by
Numba: the residual graph of an optimal flow has no negative cycle, and SPFA visits each node
only a few times on it (about 200,000 visits at national scale, a few milliseconds).

With the edges uncapacitated (each edge's capacity is implied by both offers' headcounts),
a sender's potential `alpha` and a receiver's `beta` are the LP duals of the transportation
problem: alpha + beta >= score on every edge of the graph, equal where persons flow, zero
for an offer with capacity left. A pair outside the graph whose score exceeds alpha + beta
would improve the solution; when no pair does, the solution is optimal over all of them.
"""

from __future__ import annotations

import numpy as np
from numba import njit

UNREACHED = np.int64(2**62)


@njit(cache=True)
def _shortest_distances(indptr, heads, weights, source):  # pragma: no cover - compiled
    n = len(indptr) - 1
    dist = np.full(n, UNREACHED, dtype=np.int64)
    queued = np.zeros(n, dtype=np.bool_)
    queue = np.empty(n + 1, dtype=np.int64)
    visits = np.zeros(n, dtype=np.int64)
    first, last, size = 0, 0, 0
    dist[source] = 0
    queue[last] = source
    last, size = (last + 1) % (n + 1), 1
    queued[source] = True
    while size > 0:
        node = queue[first]
        first, size = (first + 1) % (n + 1), size - 1
        queued[node] = False
        visits[node] += 1
        if visits[node] > n:  # only a negative cycle makes a node come back n times
            return dist, False
        here = dist[node]
        for k in range(indptr[node], indptr[node + 1]):
            head = heads[k]
            there = here + weights[k]
            if there < dist[head]:
                dist[head] = there
                if not queued[head]:
                    queued[head] = True
                    queue[last] = head
                    last, size = (last + 1) % (n + 1), size + 1
    return dist, True


def potentials(
    si: np.ndarray,
    rj: np.ndarray,
    cost: np.ndarray,
    persons: np.ndarray,
    sending_capacity: np.ndarray,
    receiving_capacity: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """(alpha per sender, beta per receiver) in the solver's integer units, for an optimal
    `persons` per edge (si[k], rj[k]) of integer score `cost[k]`."""
    n_s, n_r = len(sending_capacity), len(receiving_capacity)
    source, sink = n_s + n_r, n_s + n_r + 1
    used_s = np.bincount(si, weights=persons, minlength=n_s).astype(np.int64)
    used_r = np.bincount(rj, weights=persons, minlength=n_r).astype(np.int64)
    senders, receivers = np.arange(n_s), np.arange(n_r) + n_s
    flowing = persons > 0
    arcs = [
        (si, rj + n_s, -cost),  # one more person on an edge
        (rj[flowing] + n_s, si[flowing], cost[flowing]),  # one person fewer
        _zero_arcs(np.full(n_s, source), senders, used_s < sending_capacity),
        _zero_arcs(senders, np.full(n_s, source), used_s > 0),
        _zero_arcs(receivers, np.full(n_r, sink), used_r < receiving_capacity),
        _zero_arcs(np.full(n_r, sink), receivers, used_r > 0),
        (np.array([source]), np.array([sink]), np.array([0])),  # capacity left unused
    ]
    tails = np.concatenate([a[0] for a in arcs]).astype(np.int64)
    heads = np.concatenate([a[1] for a in arcs]).astype(np.int64)
    weights = np.concatenate([a[2] for a in arcs]).astype(np.int64)
    order = np.argsort(tails, kind="stable")
    indptr = np.zeros(n_s + n_r + 3, dtype=np.int64)
    np.cumsum(np.bincount(tails, minlength=n_s + n_r + 2), out=indptr[1:])
    dist, settled = _shortest_distances(indptr, heads[order], weights[order], source)
    if not settled:
        raise RuntimeError("the assignment is not optimal: its residual graph has a negative cycle")
    alpha = dist[:n_s]
    # A receiver no edge reaches can take persons at no price: its potential is the sink's.
    beta = -np.minimum(dist[n_s : n_s + n_r], dist[sink])
    return alpha, beta


def _zero_arcs(tails: np.ndarray, heads: np.ndarray, present: np.ndarray):
    return tails[present], heads[present], np.zeros(int(present.sum()), dtype=np.int64)
