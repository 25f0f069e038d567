"""The assignment as a network simplex that keeps its basis between pricing rounds
(ネットワーク単体法): pairs added after a solve enter the previous optimal spanning tree, so
a round that adds a few thousand pairs costs a few thousand pivots, not a solve from scratch.

The network is shukko.matching.assign's: source -> sender (its remaining headcount) ->
receiver (per pair, cost -score in thousandths) -> sink (its remaining headcount), and a free
source -> sink arc for capacity that no pair improves. The method is LEMON's NetworkSimplex
(Kiraly and Kovacs; block search pivot rule, spanning tree stored as parent / thread /
successor counts), compiled by Numba: an artificial root joined to every node gives the first
feasible tree; each pivot brings in an arc of negative reduced cost, pushes flow round the
cycle it closes and swaps the arc that blocks it out of the tree.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit

from shukko.matching.assign import integer_scores

_UPPER, _TREE, _LOWER = -1, 0, 1  # arc states: at capacity, in the tree, at zero
_UP, _DOWN = 1, -1  # a tree arc runs from the node to its parent (up) or back (down)
# Above any path of real arcs (scores are at most a few tens of thousands of thousandths, on
# paths of at most a few hundred thousand arcs), far below int64's limit.
ARTIFICIAL_COST = 2**50


@njit(cache=True)
def _pivot_until_optimal(
    source, target, cap, cost, flow, state, parent, pred, thread, rev_thread, succ_num,
    last_succ, pred_dir, pi, lo, hi, block, next_arc, dirty,
):  # pragma: no cover - compiled
    """Pivot until no arc in [lo, hi) has a negative reduced cost; returns the next arc to
    search from (the block search continues there) and the pivot count."""
    pivots = 0
    while True:
        entering, e = _find_entering(source, target, cost, state, pi, lo, hi, block, next_arc)
        if entering < 0:
            return next_arc, pivots
        next_arc = e
        pivots += 1
        join = _find_join(source[entering], target[entering], parent, succ_num)
        delta, u_out, result, u_in, v_in = _find_leaving(
            entering, join, source, target, cap, flow, state, parent, pred, pred_dir
        )
        if delta > 0:
            _push_flow(entering, join, delta, source, target, flow, state, parent, pred,
                       pred_dir)  # fmt: skip
        if result == 0:  # the entering arc itself is blocking: it changes bound
            state[entering] = -state[entering]
            continue
        state[entering] = _TREE
        leaving = pred[u_out]
        state[leaving] = _LOWER if flow[leaving] == 0 else _UPPER
        _update_tree(entering, join, u_in, v_in, u_out, source, parent, pred, thread,
                     rev_thread, succ_num, last_succ, pred_dir, dirty)  # fmt: skip
        # Potentials of the moved subtree: the entering arc's reduced cost becomes zero.
        sigma = pi[v_in] - pi[u_in] - pred_dir[u_in] * cost[entering]
        end = thread[last_succ[u_in]]
        u = u_in
        while u != end:
            pi[u] += sigma
            u = thread[u]


@njit(cache=True, inline="always")
def _find_entering(source, target, cost, state, pi, lo, hi, block, next_arc):  # pragma: no cover
    """Block search: the arc of most negative reduced cost in the first block with one
    (-1 when there is none), and where the next search starts."""
    best = 0
    entering = -1
    count = block
    e = next_arc
    for _step in range(hi - lo):
        c = state[e] * (cost[e] + pi[source[e]] - pi[target[e]])
        if c < best:
            best = c
            entering = e
        e += 1
        if e == hi:
            e = lo
        count -= 1
        if count == 0:
            if best < 0:
                return entering, e
            count = block
    if best >= 0:
        return -1, e
    return entering, e


@njit(cache=True, inline="always")
def _find_join(u, v, parent, succ_num):  # pragma: no cover - compiled
    """The join node of the cycle the entering arc (u, v) closes."""
    while u != v:
        if succ_num[u] < succ_num[v]:
            u = parent[u]
        else:
            v = parent[v]
    return u


@njit(cache=True, inline="always")
def _find_leaving(
    entering, join, source, target, cap, flow, state, parent, pred, pred_dir
):  # pragma: no cover - compiled
    """The leaving arc: the first blocking one on the cycle. Returns the flow that can be
    pushed, the node below the leaving arc, which side of the cycle it is on (0: the
    entering arc itself), and the entering arc's ends as the tree will hang them."""
    if state[entering] == _LOWER:
        first, second = source[entering], target[entering]
    else:
        first, second = target[entering], source[entering]
    delta = cap[entering]
    result = 0
    u_out = -1
    u = first
    while u != join:
        a = pred[u]
        d = flow[a]
        if pred_dir[u] == _DOWN:
            d = cap[a] - d
        if d < delta:
            delta, u_out, result = d, u, 1
        u = parent[u]
    u = second
    while u != join:
        a = pred[u]
        d = flow[a]
        if pred_dir[u] == _UP:
            d = cap[a] - d
        if d <= delta:
            delta, u_out, result = d, u, 2
        u = parent[u]
    if result == 1:
        return delta, u_out, result, first, second
    return delta, u_out, result, second, first


@njit(cache=True, inline="always")
def _push_flow(
    entering, join, delta, source, target, flow, state, parent, pred, pred_dir
):  # pragma: no cover - compiled
    """Push delta round the cycle."""
    val = state[entering] * delta
    flow[entering] += val
    u = source[entering]
    while u != join:
        flow[pred[u]] -= pred_dir[u] * val
        u = parent[u]
    u = target[entering]
    while u != join:
        flow[pred[u]] += pred_dir[u] * val
        u = parent[u]


@njit(cache=True, inline="always")
def _reroot_stem(
    entering, u_in, v_in, u_out, old_rev_thread, old_succ_num, old_last_succ, source, parent,
    pred, thread, rev_thread, succ_num, last_succ, pred_dir, dirty,
):  # pragma: no cover - compiled
    """The stem from u_in up to u_out reversed: threads, parents, predecessors and subtree
    sizes of the nodes on it, u_in now hanging from v_in."""
    thread_continue = thread[old_last_succ] if old_rev_thread == v_in else thread[v_in]
    stem = u_in
    par_stem = v_in
    last = last_succ[u_in]
    after = thread[last]
    thread[v_in] = u_in
    n_dirty = 0
    dirty[n_dirty] = v_in
    n_dirty += 1
    while stem != u_out:
        next_stem = parent[stem]
        thread[last] = next_stem
        dirty[n_dirty] = last
        n_dirty += 1
        before = rev_thread[stem]
        thread[before] = after
        rev_thread[after] = before
        parent[stem] = par_stem
        par_stem = stem
        stem = next_stem
        last = rev_thread[par_stem] if last_succ[stem] == last_succ[par_stem] else last_succ[stem]
        after = thread[last]
    parent[u_out] = par_stem
    thread[last] = thread_continue
    rev_thread[thread_continue] = last
    last_succ[u_out] = last
    if old_rev_thread != v_in:
        thread[old_rev_thread] = after
        rev_thread[after] = old_rev_thread
    for k in range(n_dirty):
        w = dirty[k]
        rev_thread[thread[w]] = w
    tmp_sc = 0
    tmp_ls = last_succ[u_out]
    u = u_out
    p = parent[u]
    while u != u_in:
        pred[u] = pred[p]
        pred_dir[u] = -pred_dir[p]
        tmp_sc += succ_num[u] - succ_num[p]
        succ_num[u] = tmp_sc
        last_succ[p] = tmp_ls
        u = p
        p = parent[u]
    pred[u_in] = entering
    pred_dir[u_in] = _UP if u_in == source[entering] else _DOWN
    succ_num[u_in] = old_succ_num


@njit(cache=True, inline="always")
def _update_tree(
    entering, join, u_in, v_in, u_out, source, parent, pred, thread, rev_thread, succ_num,
    last_succ, pred_dir, dirty,
):  # pragma: no cover - compiled
    """The tree: u_out's subtree hangs from v_in by the entering arc, re-rooted at u_in."""
    old_rev_thread = rev_thread[u_out]
    old_succ_num = succ_num[u_out]
    old_last_succ = last_succ[u_out]
    v_out = parent[u_out]
    if u_in == u_out:
        parent[u_in] = v_in
        pred[u_in] = entering
        pred_dir[u_in] = _UP if u_in == source[entering] else _DOWN
        if thread[v_in] != u_out:
            after = thread[old_last_succ]
            thread[old_rev_thread] = after
            rev_thread[after] = old_rev_thread
            after = thread[v_in]
            thread[v_in] = u_out
            rev_thread[u_out] = v_in
            thread[old_last_succ] = after
            rev_thread[after] = old_last_succ
    else:
        _reroot_stem(entering, u_in, v_in, u_out, old_rev_thread, old_succ_num, old_last_succ,
                     source, parent, pred, thread, rev_thread, succ_num, last_succ, pred_dir,
                     dirty)  # fmt: skip
    up_limit_out = join if last_succ[join] == v_in else -1
    last_succ_out = last_succ[u_out]
    u = v_in
    while u != -1 and last_succ[u] == v_in:
        last_succ[u] = last_succ_out
        u = parent[u]
    if join != old_rev_thread and v_in != old_rev_thread:
        u = v_out
        while u != up_limit_out and last_succ[u] == old_last_succ:
            last_succ[u] = old_rev_thread
            u = parent[u]
    elif last_succ_out != old_last_succ:
        u = v_out
        while u != up_limit_out and last_succ[u] == old_last_succ:
            last_succ[u] = last_succ_out
            u = parent[u]
    u = v_in
    while u != join:
        succ_num[u] += old_succ_num
        u = parent[u]
    u = v_out
    while u != join:
        succ_num[u] -= old_succ_num
        u = parent[u]


class NetworkSimplex:
    """The assignment's min-cost flow over all offers, solved and re-solved as pairs are
    added (`add`, then `solve`). Nodes: senders, receivers, source, sink; arcs: the pairs in
    the order added, then the source's, the sink's and the free arc."""

    def __init__(self, sending_capacity: np.ndarray, receiving_capacity: np.ndarray):
        self.cap_s = np.asarray(sending_capacity, dtype=np.int64)
        self.cap_r = np.asarray(receiving_capacity, dtype=np.int64)
        n_s, n_r = len(self.cap_s), len(self.cap_r)
        self.n_s = n_s
        self.source, self.sink = n_s + n_r, n_s + n_r + 1
        n = n_s + n_r + 2
        self.n = n
        supply = int(self.cap_s.sum())
        # The fixed arcs: source -> sender, receiver -> sink, source -> sink.
        self._fixed = (
            np.concatenate([np.full(n_s, self.source), np.arange(n_s, n_s + n_r), [self.source]]),
            np.concatenate([np.arange(n_s), np.full(n_r, self.sink), [self.sink]]),
            np.concatenate([self.cap_s, self.cap_r, [supply]]),
        )
        self.pairs = 0  # arcs of pairs, before the fixed ones
        self.solved_pairs = 0  # of those, the ones in the network at the last solve
        self.source_arc = np.zeros(0, dtype=np.int64)
        self.target_arc = np.zeros(0, dtype=np.int64)
        self.cap = np.zeros(0, dtype=np.int64)
        self.cost = np.zeros(0, dtype=np.int64)
        self.flow = np.zeros(0, dtype=np.int64)
        self.state = np.zeros(0, dtype=np.int64)
        self._arrays(np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0, np.int64))
        # The first tree: every node joined to an artificial root (node n) by an artificial
        # arc (after the real ones); the supply goes source -> root -> sink at a cost no
        # real path reaches.
        root = n
        art = self.real + np.arange(n)
        self.art_cost = ARTIFICIAL_COST
        self.parent = np.full(n + 1, root, dtype=np.int64)
        self.parent[root] = -1
        self.pred = np.concatenate([art, [-1]]).astype(np.int64)
        self.thread = np.concatenate([np.arange(1, n + 1), [0]]).astype(np.int64)
        self.rev_thread = np.concatenate([[root], np.arange(n)]).astype(np.int64)
        self.succ_num = np.ones(n + 1, dtype=np.int64)
        self.succ_num[root] = n + 1
        self.last_succ = np.concatenate([np.arange(n), [n - 1]]).astype(np.int64)
        self.pred_dir = np.full(n + 1, _UP, dtype=np.int64)
        self.pi = np.zeros(n + 1, dtype=np.int64)
        art_source = np.arange(n)
        art_target = np.full(n, root)
        art_flow = np.zeros(n, dtype=np.int64)
        art_cost = np.zeros(n, dtype=np.int64)
        art_source[self.sink], art_target[self.sink] = root, self.sink  # the demand node
        art_flow[self.source] = art_flow[self.sink] = supply
        art_cost[self.sink] = self.art_cost
        self.pred_dir[self.sink] = _DOWN
        self.pi[self.sink] = self.art_cost
        self.art = (art_source, art_target, art_flow, art_cost)
        self._arrays_with_art()
        self.next_arc = 0
        self.dirty = np.empty(n + 1, dtype=np.int64)

    def _pivot(self, lo: int, hi: int, start: int) -> int:
        if hi <= lo:
            return start
        block = max(int(math.sqrt(hi - lo)), 10)
        next_arc, pivots = _pivot_until_optimal(
            self.source_arc, self.target_arc, self.cap, self.cost, self.flow, self.state,
            self.parent, self.pred, self.thread, self.rev_thread, self.succ_num,
            self.last_succ, self.pred_dir, self.pi, lo, hi, block, start, self.dirty,
        )  # fmt: skip
        self.pivots += pivots
        return next_arc

    def _arrays(self, si, rj, score_cost):
        """The real arcs: the pairs, then the fixed arcs."""
        n_s = self.n_s
        fs, ft, fc = self._fixed
        self.real_source = np.concatenate([si, fs]).astype(np.int64)
        self.real_target = np.concatenate([rj + n_s, ft]).astype(np.int64)
        self.real_cap = np.concatenate(
            [np.minimum(self.cap_s[si], self.cap_r[rj]), fc]
        ).astype(np.int64)
        self.real_cost = np.concatenate([score_cost, np.zeros(len(fs), np.int64)]).astype(np.int64)
        self.real = len(self.real_source)

    def _arrays_with_art(self, flow=None, state=None):
        s, t, f, c = self.art
        self.source_arc = np.concatenate([self.real_source, s]).astype(np.int64)
        self.target_arc = np.concatenate([self.real_target, t]).astype(np.int64)
        self.cap = np.concatenate([self.real_cap, np.full(self.n, 2**40)]).astype(np.int64)
        self.cost = np.concatenate([self.real_cost, c]).astype(np.int64)
        if flow is None:
            self.flow = np.concatenate([np.zeros(self.real, np.int64), f])
            self.state = np.concatenate([np.full(self.real, _LOWER), np.full(self.n, _TREE)])
        else:
            self.flow, self.state = flow, state
        self.state = self.state.astype(np.int64)

    def add(self, si: np.ndarray, rj: np.ndarray, scores: np.ndarray) -> None:
        """Pairs (sender index, receiver index, score) that may carry persons from now on;
        they join the network at zero flow, outside the tree."""
        pairs_old = self.pairs
        if not hasattr(self, "pair_si"):
            self.pair_si = np.zeros(0, np.int64)
            self.pair_rj = np.zeros(0, np.int64)
            self.pair_cost = np.zeros(0, np.int64)
        self.pair_si = np.concatenate([self.pair_si, si]).astype(np.int64)
        self.pair_rj = np.concatenate([self.pair_rj, rj]).astype(np.int64)
        self.pair_cost = np.concatenate([self.pair_cost, -integer_scores(scores)])
        self.pairs = len(self.pair_si)
        added = self.pairs - pairs_old
        old_flow, old_state = self.flow, self.state
        self._arrays(self.pair_si, self.pair_rj, self.pair_cost)
        # Old arcs keep their flow and state; indices after the old pairs shift by `added`.
        shift = np.where(np.arange(len(old_flow)) < pairs_old, 0, added)
        flow = np.zeros(self.real + self.n, np.int64)
        state = np.full(self.real + self.n, _LOWER, np.int64)
        keep = np.arange(len(old_flow)) + shift
        flow[keep], state[keep] = old_flow, old_state
        self.pred[self.pred >= 0] = self.pred[self.pred >= 0] + shift[self.pred[self.pred >= 0]]
        self._arrays_with_art(flow, state)

    def solve(self) -> np.ndarray:
        """Optimal persons per pair (in the order added), from the current tree: the pairs
        added since the last solve are priced first (most pivots bring one of them in), then
        every arc until none has a negative reduced cost. Artificial arcs never re-enter."""
        self.pivots = 0
        if self.solved_pairs:
            self._pivot(self.solved_pairs, self.pairs, self.solved_pairs)
        self.next_arc = self._pivot(0, self.real, min(self.next_arc, self.real - 1))
        self.solved_pairs = self.pairs
        art_flow = self.flow[self.real :]
        if art_flow.any():
            raise RuntimeError("the assignment's network simplex ended with flow on the root")
        return self.flow[: self.pairs].copy()
