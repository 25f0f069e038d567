"""The optimum over every feasible pair, reached by pricing from a pruned graph: on random
instances it equals the optimum solved on the full graph, keeps every hard constraint, never
proposes an excluded pair, and a second run on what is left proposes nothing."""

from __future__ import annotations

from datetime import timedelta

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from shukko.matching.allowed import allowed_pairs
from shukko.matching.assign import assign, integer_scores
from shukko.matching.candidates import PairSpace, generate
from shukko.matching.potentials import potentials
from shukko.matching.propose import describe, propose
from shukko.matching.rules import MatchingRules
from tests.matching.test_propose import AS_OF, PREFS, _records, offer, offers_strategy

# A start of one edge per offer: pricing has everything to do.
EXACT = MatchingRules.model_validate(
    {"optimum": {"exact": True, "start_per_sending_offer": 1, "start_per_receiving_offer": 1}}
)
FULL = MatchingRules.model_validate(
    {"pruning": {"per_sending_offer": 10**6, "per_receiving_offer": 10**6}}
)


def full_graph_optimum(sending, receiving, *, office=None, excluded=None) -> int:
    """The optimum solved directly on every feasible pair the run may propose, in the
    solver's integer units."""
    edges = generate(sending, receiving, rules=FULL, as_of=AS_OF)
    keep = allowed_pairs(sending, receiving, office=office, excluded=excluded).mask(
        edges.sending, edges.receiving
    )
    persons = assign(edges.sending[keep], edges.receiving[keep], edges.total[keep],
                     np.array([o.remaining for o in sending]),
                     np.array([o.remaining for o in receiving]))  # fmt: skip
    return int((persons * integer_scores(edges.total[keep])).sum())


def flatten(parts: list[list]) -> list:
    """Several lists of offers as one: instances of up to 21 x 35 offers."""
    return [item for part in parts for item in part]


def proposed_total(proposals, sending, receiving) -> int:
    """The proposals' total in the solver's integer units, each pair scored again exactly
    (a proposal's score is rounded for people to read)."""
    index_s = {o.id: k for k, o in enumerate(sending)}
    index_r = {o.id: k for k, o in enumerate(receiving)}
    pairs = PairSpace(sending, receiving, rules=EXACT, as_of=AS_OF).edges(
        np.array([index_s[p.sending_id] for p in proposals], dtype=np.int64),
        np.array([index_r[p.receiving_id] for p in proposals], dtype=np.int64),
    )
    persons = np.array([p.persons for p in proposals], dtype=np.int64)
    return int((persons * integer_scores(pairs.total)).sum())


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    sending_raw=st.lists(offers_strategy, min_size=1, max_size=3).map(flatten),
    receiving_raw=st.lists(offers_strategy, min_size=1, max_size=5).map(flatten),
)
def test_pricing_reaches_the_full_graph_optimum(sending_raw, receiving_raw):
    sending, receiving = _records(sending_raw, 1, "sending"), _records(receiving_raw, 100, "r")
    proposals, figures = propose(sending, receiving, rules=EXACT, as_of=AS_OF)
    assert proposed_total(proposals, sending, receiving) == full_graph_optimum(sending, receiving)
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


def crowded(rng: np.random.Generator, n_sending: int, n_receiving: int):
    """Offers whose pools fill: nationwide senders (全国) with more persons than one office's
    receivers can take, hundreds of receivers with many distinct scores (wages, industries,
    skills, occupations, received dates), each offer taken by its prefecture's office."""
    skills = ["溶接", "旋盤", "CAD", "接客", "介護", "運転"]

    def made(first: int, n: int, sending: bool):
        offers = []
        for k in range(n):
            pref = str(rng.choice(PREFS))
            o = offer(
                first + k,
                pref=pref,
                industry=str(rng.choice(["09", "31", "44", "58", "85", "92"])),
                occupation=str(rng.choice(list("HHHIK"))),
                remaining=int(rng.integers(1, 6 if sending else 3)),
                wage=int(rng.integers(20, 45)) * 10_000,
                skills=tuple(rng.choice(skills, int(rng.integers(0, 3)), replace=False)),
                area=("全国",) if sending else (),
            )
            o.received_on = AS_OF - timedelta(days=int(rng.integers(0, 200)))
            o.office = pref
            offers.append(o)
        return offers

    return made(1, n_sending, True), made(10_000, n_receiving, False)


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    seed=st.integers(0, 2**32 - 1),
    office=st.sampled_from([None, *PREFS]),
    excluded_share=st.sampled_from([0.0, 0.5, 0.9]),
)
def test_pricing_is_optimal_over_the_allowed_pairs_when_pools_fill(seed, office, excluded_share):
    """Limited to one office, or with most of the best pairs withdrawn before, the method
    still equals a solve over every pair the run may propose, and says optimal."""
    rng = np.random.default_rng(seed)
    sending, receiving = crowded(rng, 60, 420)
    full = generate(sending, receiving, rules=FULL, as_of=AS_OF)
    withdrawn = rng.random(len(full.sending)) < excluded_share
    excluded = {
        (sending[i].id, receiving[j].id)
        for i, j in zip(full.sending[withdrawn].tolist(), full.receiving[withdrawn].tolist(),
                        strict=True)
    }  # fmt: skip
    proposals, figures = propose(sending, receiving, rules=EXACT, as_of=AS_OF, office=office,
                                 excluded=excluded)  # fmt: skip
    optimum = full_graph_optimum(sending, receiving, office=office, excluded=excluded)
    assert proposed_total(proposals, sending, receiving) == optimum
    assert figures["optimal"] is True
    allowed = len(full.sending) - len(excluded) if office is None else figures["allowed_pairs"]
    assert figures["allowed_pairs"] == allowed
    offices = {o.id: o.office for o in (*sending, *receiving)}
    for p in proposals:
        assert (p.sending_id, p.receiving_id) not in excluded
        assert office is None or office in (offices[p.sending_id], offices[p.receiving_id])


def test_a_run_that_could_still_improve_is_not_called_optimal():
    sending, receiving = crowded(np.random.default_rng(1), 30, 200)
    _, figures = propose(sending, receiving, rules=EXACT, as_of=AS_OF, office="13")
    assert figures["optimal"] is True and "optimal over the" in describe(figures)
    from shukko.matching import pricing

    saved = pricing.optimise.__kwdefaults__["max_rounds"]
    pricing.optimise.__kwdefaults__["max_rounds"] = 1  # stop after the pruned start
    try:
        _, figures = propose(sending, receiving, rules=EXACT, as_of=AS_OF, office="13")
    finally:
        pricing.optimise.__kwdefaults__["max_rounds"] = saved
    assert figures["optimal"] is False
    assert "NOT proven optimal" in describe(figures)
