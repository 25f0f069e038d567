"""The compiled pricing scan against the NumPy scorer on random instances: it counts every
feasible pair, marks the offers that have a feasible counterpart with capacity, and what it
leaves out of a sender's pool never gains more than the sender's cut (the bound that lets
pricing skip a rescan)."""

from __future__ import annotations

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from shukko.matching.allowed import AllowedPairs
from shukko.matching.assign import integer_scores
from shukko.matching.candidates import PairSpace, generate
from shukko.matching.scan import FLOAT_MARGIN, count_feasible, pack, scan
from tests.matching.test_pricing import FULL, flatten
from tests.matching.test_propose import AS_OF, _records, offers_strategy


def instance(sending_raw, receiving_raw):
    sending, receiving = _records(sending_raw, 1, "sending"), _records(receiving_raw, 100, "r")
    space = PairSpace(sending, receiving, rules=FULL, as_of=AS_OF)
    full = generate(sending, receiving, rules=FULL, as_of=AS_OF, space=space)
    cap_s = np.array([o.remaining for o in sending])
    cap_r = np.array([o.remaining for o in receiving])
    return space, full, cap_s, cap_r


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    sending_raw=st.lists(offers_strategy, min_size=1, max_size=3).map(flatten),
    receiving_raw=st.lists(offers_strategy, min_size=1, max_size=5).map(flatten),
    emptied=st.lists(st.integers(0, 40), max_size=6),
)
def test_every_feasible_pair_is_counted_and_counterparts_marked(
    sending_raw, receiving_raw, emptied
):
    space, full, cap_s, cap_r = instance(sending_raw, receiving_raw)
    for index in emptied:  # some offers have all their persons in cases already
        (cap_s if index % 2 else cap_r)[index // 2 % (len(cap_s) if index % 2 else len(cap_r))] = 0
    counted, (has_s, has_r) = count_feasible(space, pack(space), cap_s, cap_r)
    assert counted.feasible_pairs == counted.allowed_pairs == len(full.sending)
    usable = (cap_s[full.sending] > 0) & (cap_r[full.receiving] > 0)
    expected_s = np.zeros(len(cap_s), bool)
    expected_s[full.sending[usable]] = True
    expected_r = np.zeros(len(cap_r), bool)
    expected_r[full.receiving[usable]] = True
    assert (has_s == expected_s).all() and (has_r == expected_r).all()


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    sending_raw=st.lists(offers_strategy, min_size=1, max_size=3).map(flatten),
    receiving_raw=st.lists(offers_strategy, min_size=1, max_size=5).map(flatten),
    pool_size=st.integers(1, 4),
    seed=st.integers(0, 2**16),
)
def test_nothing_left_out_of_a_pool_gains_more_than_the_cut(
    sending_raw, receiving_raw, pool_size, seed
):
    space, full, cap_s, cap_r = instance(sending_raw, receiving_raw)
    rng = np.random.default_rng(seed)
    alpha = rng.integers(0, 9000, len(cap_s)).astype(float)
    beta = rng.integers(0, 3000, len(cap_r)).astype(float)
    margin = 1500.0
    # A run limited to some offers' office, with some pairs withdrawn before: what it may
    # not propose is neither pooled nor bounded by the cut, and is counted apart.
    withdrawn = rng.random(len(full.sending)) < 0.3
    allowed = AllowedPairs(rng.random(len(cap_s)) < 0.5, rng.random(len(cap_r)) < 0.5,
                           full.sending[withdrawn], full.receiving[withdrawn])  # fmt: skip
    found = scan(space, pack(space), np.arange(len(cap_s)), alpha, beta, cap_s, cap_r,
                 pool_size=pool_size, margin=margin, allowed=allowed)  # fmt: skip
    may = allowed.mask(full.sending, full.receiving)
    counted, _ = count_feasible(space, pack(space), cap_s, cap_r, allowed)
    assert counted.allowed_pairs == int(may.sum()) and counted.feasible_pairs == len(may)
    gain = integer_scores(full.total) - alpha[full.sending] - beta[full.receiving]
    gain, full_s, full_r = gain[may], full.sending[may], full.receiving[may]
    pairs = zip(full_s.tolist(), full_r.tolist(), strict=True)
    exact = dict(zip(pairs, gain.tolist(), strict=True))
    pooled = list(zip(found.si.tolist(), found.rj.tolist(), strict=True))
    for pair, float_gain in zip(pooled, found.gain.tolist(), strict=True):
        assert pair in exact, f"pooled pair {pair} is not feasible or not allowed"
        # The float gain is the exact one before rounding to thousandths.
        assert abs(float_gain - exact[pair]) <= 0.5 + 1e-6
        assert exact[pair] > -margin - FLOAT_MARGIN
    assert (np.bincount(found.si, minlength=len(cap_s)) <= pool_size).all()
    for (i, j), g in exact.items():
        if (i, j) not in set(pooled) and cap_s[i] > 0 and cap_r[j] > 0:
            assert g <= found.cut[i], f"{(i, j)} gains {g}, above the cut {found.cut[i]}"
