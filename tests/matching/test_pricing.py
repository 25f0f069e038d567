"""The optimum over every feasible pair, reached by pricing from a pruned graph: on random
instances it equals the optimum solved on the full graph, keeps every hard constraint, never
proposes an excluded pair, and a second run on what is left proposes nothing."""

from __future__ import annotations

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from shukko.matching.assign import assign, integer_scores
from shukko.matching.candidates import generate
from shukko.matching.potentials import potentials
from shukko.matching.propose import propose
from shukko.matching.rules import MatchingRules
from tests.matching.test_propose import AS_OF, _records, offer, offers_strategy

# A start of one edge per offer: pricing has everything to do.
EXACT = MatchingRules.model_validate(
    {"optimum": {"exact": True, "start_per_sending_offer": 1, "start_per_receiving_offer": 1}}
)
FULL = MatchingRules.model_validate(
    {"pruning": {"per_sending_offer": 10**6, "per_receiving_offer": 10**6}}
)


def full_graph_optimum(sending, receiving) -> int:
    """The optimum solved directly on every feasible pair, in the solver's integer units."""
    edges = generate(sending, receiving, rules=FULL, as_of=AS_OF)
    persons = assign(edges.sending, edges.receiving, edges.total,
                     np.array([o.remaining for o in sending]),
                     np.array([o.remaining for o in receiving]))  # fmt: skip
    return int((persons * integer_scores(edges.total)).sum())


def flatten(parts: list[list]) -> list:
    """Several lists of offers as one: instances of up to 21 x 35 offers."""
    return [item for part in parts for item in part]


def proposed_total(proposals) -> int:
    return sum(p.persons * round(p.score * 1000) for p in proposals)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    sending_raw=st.lists(offers_strategy, min_size=1, max_size=3).map(flatten),
    receiving_raw=st.lists(offers_strategy, min_size=1, max_size=5).map(flatten),
)
def test_pricing_reaches_the_full_graph_optimum(sending_raw, receiving_raw):
    sending, receiving = _records(sending_raw, 1, "sending"), _records(receiving_raw, 100, "r")
    proposals, figures = propose(sending, receiving, rules=EXACT, as_of=AS_OF)
    assert proposed_total(proposals) == full_graph_optimum(sending, receiving)
    assert figures["method"] == "exact"
    full = generate(sending, receiving, rules=FULL, as_of=AS_OF)
    assert figures["feasible_pairs"] == len(full.sending)  # the true count
    # What is left has nothing more to place: a re-run on it proposes nothing.
    used = {}
    for p in proposals:
        used[p.sending_id] = used.get(p.sending_id, 0) + p.persons
        used[p.receiving_id] = used.get(p.receiving_id, 0) + p.persons
    for o in (*sending, *receiving):
        o.remaining -= used.get(o.id, 0)
        assert o.remaining >= 0
    pairs = {(p.sending_id, p.receiving_id) for p in proposals}
    again, _ = propose(sending, receiving, rules=EXACT, as_of=AS_OF, excluded=pairs)
    assert again == []


def test_pricing_keeps_out_excluded_pairs_and_other_offices():
    sending = [offer(1, remaining=2), offer(2, remaining=1, occupation="C")]
    receiving = [offer(10), offer(11), offer(12, occupation="C")]
    for o in sending + receiving:
        o.office = "13" if o.id in (1, 10) else "27"
    proposals, _ = propose(sending, receiving, rules=EXACT, as_of=AS_OF, excluded={(1, 10)})
    assert (1, 10) not in {(p.sending_id, p.receiving_id) for p in proposals}
    proposals, _ = propose(sending, receiving, rules=EXACT, as_of=AS_OF, office="13")
    assert proposals and all(p.sending_id == 1 or p.receiving_id == 10 for p in proposals)


def test_offers_left_waiting_are_told_apart_by_why():
    # Sender 1 has one person and two receivers want it; receiver 12 is a transfer that no
    # secondment-only sender can take.
    sending = [offer(1, kind="secondment")]
    receiving = [offer(10), offer(11), offer(12, kind="transfer")]
    _, figures = propose(sending, receiving, rules=EXACT, as_of=AS_OF)
    assert figures["persons"] == 1
    assert figures["unmatched"]["receiving"] == {
        "with_capacity_left": 2, "no_feasible_counterpart": 1, "counterparts_taken": 1,
    }  # fmt: skip
    assert figures["unmatched"]["sending"]["with_capacity_left"] == 0


def test_the_potentials_are_a_dual_solution_of_the_assignment():
    rng = np.random.default_rng(3)
    n_s, n_r = 30, 80
    si, rj = rng.integers(0, n_s, 600), rng.integers(0, n_r, 600)
    _, first = np.unique(si * n_r + rj, return_index=True)
    si, rj = si[first], rj[first]
    score = rng.uniform(3, 11, len(si))
    cap_s, cap_r = rng.integers(0, 4, n_s), rng.integers(0, 2, n_r)
    persons = assign(si, rj, score, cap_s, cap_r)
    alpha, beta = potentials(si, rj, integer_scores(score), persons, cap_s, cap_r)
    cost = integer_scores(score)
    giving, taking = cap_s > 0, cap_r > 0
    usable = giving[si] & taking[rj]
    assert (cost[usable] <= alpha[si][usable] + beta[rj][usable]).all()  # dual feasible
    flowing = persons > 0
    assert (cost[flowing] == alpha[si][flowing] + beta[rj][flowing]).all()  # tight
    assert (beta[taking] >= 0).all() and (alpha[giving] >= 0).all()
    # The dual objective equals the primal one (strong duality).
    assert int((persons * cost).sum()) == int((alpha[giving] * cap_s[giving]).sum()
                                              + (beta[taking] * cap_r[taking]).sum())  # fmt: skip
