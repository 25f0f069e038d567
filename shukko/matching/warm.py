"""Re-optimise a solved assignment after edges are added (再最適化), instead of solving the
grown graph from scratch: OR-Tools' SimpleMinCostFlow cannot start from a previous flow.

The assignment is the min-cost flow of shukko.matching.assign (source -> sender -> receiver
-> sink, cost -score, a free source -> sink arc for capacity left unused). Its flow was
optimal on the old edges, so node potentials exist under which every residual arc has a
non-negative reduced cost (a Bellman-Ford from a virtual root finds them). Each added edge
is then switched on one at a time: while its reduced cost is negative, a Dijkstra from its
receiver, bounded by that cost, looks for the way back to its sender; a way shorter than the
bound closes a negative cycle, and flow is pushed round it; either way the potentials of
the nodes the search settled move so that every switched-on arc keeps a non-negative
reduced cost. When all are on, no residual arc has a negative reduced cost: the flow is
optimal on the grown graph. Late pricing rounds add few edges whose gains are small, so the
searches stay local; `reoptimise` declines (returns None) when a search grows too large, and
the caller solves from scratch.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from shukko.matching.assign import integer_scores

# A search that settles more nodes than this, over all the added edges, is not worth it:
# the caller solves from scratch instead.
SETTLED_LIMIT_PER_NODE = 16
SMALL_GRAPH = 10_000  # nodes: below this, a repair is cheap whatever it settles


@njit(cache=True)
def _graph(n, tails, heads):  # pragma: no cover - compiled
    """Residual adjacency: per node the arcs leaving it (forward) and entering it (backward
    ones, encoded as -arc - 1)."""
    count = np.zeros(n + 1, dtype=np.int64)
    for a in range(len(tails)):
        count[tails[a] + 1] += 1
        count[heads[a] + 1] += 1
    start = np.cumsum(count)
    fill = start[:-1].copy()
    adjacent = np.empty(2 * len(tails), dtype=np.int64)
    for a in range(len(tails)):
        adjacent[fill[tails[a]]] = a
        fill[tails[a]] += 1
        adjacent[fill[heads[a]]] = -a - 1
        fill[heads[a]] += 1
    return start, adjacent


@njit(cache=True)
def _root_potentials(n, start, adjacent, tails, heads, cost, cap, flow, active):  # pragma: no cover
    """Shortest distances from a virtual root joined to every node at cost 0, over the
    active residual arcs (Bellman-Ford with a queue); ok False on a negative cycle."""
    pi = np.zeros(n, dtype=np.int64)
    queued = np.ones(n, dtype=np.bool_)
    queue = np.empty(n + 1, dtype=np.int64)
    visits = np.zeros(n, dtype=np.int64)
    for v in range(n):
        queue[v] = v
    first, last, size = 0, n % (n + 1), n
    while size > 0:
        u = queue[first]
        first, size = (first + 1) % (n + 1), size - 1
        queued[u] = False
        visits[u] += 1
        if visits[u] > n + 1:
            return pi, False
        for k in range(start[u], start[u + 1]):
            a = adjacent[k]
            if a >= 0:
                if not active[a] or flow[a] >= cap[a]:
                    continue
                v, c = heads[a], cost[a]
            else:
                a = -a - 1
                if not active[a] or flow[a] <= 0:
                    continue
                v, c = tails[a], -cost[a]
            if pi[u] + c < pi[v]:
                pi[v] = pi[u] + c
                if not queued[v]:
                    queued[v] = True
                    queue[last] = v
                    last, size = (last + 1) % (n + 1), size + 1
    return pi, True


# fmt: off
@njit(cache=True)
def _switch_on(
    n, start, adjacent, tails, heads, cost, cap, flow, active, pi, added, limit,
):  # pragma: no cover - compiled
    # fmt: on
    """Switch on each added arc, pushing flow round the negative cycles it closes; False
    when the searches settled more than `limit` nodes in all."""
    dist = np.full(n, np.int64(2**62))
    settled = np.zeros(n, dtype=np.bool_)
    pred = np.full(n, -1, dtype=np.int64)  # the residual arc (encoded) that reached a node
    touched = np.empty(n, dtype=np.int64)
    heap_d = np.empty(len(adjacent) + 1, dtype=np.int64)
    heap_v = np.empty(len(adjacent) + 1, dtype=np.int64)
    spent = 0
    for a in added:
        active[a] = True
        i, j = tails[a], heads[a]
        while flow[a] < cap[a]:
            reduced = cost[a] + pi[i] - pi[j]
            if reduced >= 0:
                break
            bound = -reduced
            # Dijkstra from j on reduced costs, until i is settled or the bound is reached.
            n_touched = 0
            dist[j] = 0
            touched[n_touched] = j
            n_touched += 1
            heap_d[0], heap_v[0] = 0, j
            size = 1
            found = -1
            reach = bound
            while size > 0:
                d, u = heap_d[0], heap_v[0]
                size -= 1
                if size > 0:  # pop: the last entry sifts down from the root
                    hd, hv = heap_d[size], heap_v[size]
                    pos = 0
                    while True:
                        child = 2 * pos + 1
                        if child >= size:
                            break
                        if child + 1 < size and heap_d[child + 1] < heap_d[child]:
                            child += 1
                        if heap_d[child] >= hd:
                            break
                        heap_d[pos], heap_v[pos] = heap_d[child], heap_v[child]
                        pos = child
                    heap_d[pos], heap_v[pos] = hd, hv
                if settled[u] or d > dist[u]:
                    continue
                if d >= bound:
                    break
                settled[u] = True
                spent += 1
                if u == i:
                    found, reach = u, d
                    break
                for k in range(start[u], start[u + 1]):
                    e = adjacent[k]
                    if e >= 0:
                        if not active[e] or flow[e] >= cap[e]:
                            continue
                        v, c = heads[e], cost[e]
                    else:
                        b = -e - 1
                        if not active[b] or flow[b] <= 0:
                            continue
                        v, c = tails[b], -cost[b]
                    if settled[v]:
                        continue
                    nd = d + c + pi[u] - pi[v]
                    if nd < dist[v]:
                        if dist[v] == np.int64(2**62):
                            touched[n_touched] = v
                            n_touched += 1
                        dist[v] = nd
                        pred[v] = e
                        pos = size  # push: sift up
                        size += 1
                        while pos > 0:
                            parent = (pos - 1) // 2
                            if heap_d[parent] <= nd:
                                break
                            heap_d[pos], heap_v[pos] = heap_d[parent], heap_v[parent]
                            pos = parent
                        heap_d[pos], heap_v[pos] = nd, v
            if found >= 0:  # a negative cycle: the path j -> i and the arc i -> j
                amount = cap[a] - flow[a]
                v = i
                while v != j:
                    e = pred[v]
                    if e >= 0:
                        amount = min(amount, cap[e] - flow[e])
                        v = tails[e]
                    else:
                        b = -e - 1
                        amount = min(amount, flow[b])
                        v = heads[b]
                v = i
                while v != j:
                    e = pred[v]
                    if e >= 0:
                        flow[e] += amount
                        v = tails[e]
                    else:
                        b = -e - 1
                        flow[b] -= amount
                        v = heads[b]
                flow[a] += amount
            # Settled nodes move by how far short of the reach they were: every active arc
            # keeps a non-negative reduced cost, and the arc a gains `reach`.
            for t in range(n_touched):
                v = touched[t]
                if settled[v]:
                    pi[v] -= reach - dist[v]
                settled[v] = False
                dist[v] = np.int64(2**62)
                pred[v] = -1
            if spent > limit:
                return False
            if found < 0:
                break
    return True


def reoptimise(
    edges_sending: np.ndarray,
    edges_receiving: np.ndarray,
    scores: np.ndarray,
    persons: np.ndarray,
    added: np.ndarray,
    sending_capacity: np.ndarray,
    receiving_capacity: np.ndarray,
) -> np.ndarray | None:
    """Persons per edge, optimal on all the edges, from `persons` (optimal on the edges not
    `added`, and zero on those); None when the repair would cost more than a fresh solve."""
    n_s, n_r = len(sending_capacity), len(receiving_capacity)
    source, sink = n_s + n_r, n_s + n_r + 1
    n_edges = len(edges_sending)
    used_s = np.bincount(edges_sending, weights=persons, minlength=n_s).astype(np.int64)
    used_r = np.bincount(edges_receiving, weights=persons, minlength=n_r).astype(np.int64)
    supply = int(sending_capacity.sum())
    tails = np.concatenate([edges_sending, np.full(n_s, source), np.arange(n_r) + n_s, [source]])
    heads = np.concatenate([edges_receiving + n_s, np.arange(n_s), np.full(n_r, sink), [sink]])
    cost = np.concatenate([-integer_scores(scores), np.zeros(n_s + n_r + 1, dtype=np.int64)])
    edge_cap = np.minimum(sending_capacity[edges_sending], receiving_capacity[edges_receiving])
    cap = np.concatenate([edge_cap, sending_capacity, receiving_capacity, [supply]])
    flow = np.concatenate([persons, used_s, used_r, [supply - int(persons.sum())]])
    tails, heads = tails.astype(np.int64), heads.astype(np.int64)
    cost, cap, flow = cost.astype(np.int64), cap.astype(np.int64), flow.astype(np.int64)
    active = np.ones(len(tails), dtype=np.bool_)
    active[added] = False
    n = n_s + n_r + 2
    start, adjacent = _graph(n, tails, heads)
    pi, ok = _root_potentials(n, start, adjacent, tails, heads, cost, cap, flow, active)
    if not ok:
        raise RuntimeError("the previous assignment was not optimal on its edges")
    limit = SETTLED_LIMIT_PER_NODE * max(n, SMALL_GRAPH)
    order = np.asarray(added, dtype=np.int64)
    if not _switch_on(n, start, adjacent, tails, heads, cost, cap, flow, active, pi, order, limit):
        return None
    return flow[:n_edges].copy()
