"""From open offers to proposals: candidates, scores, the optimal assignment, explained."""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import date

import numpy as np

from shukko.matching.allowed import allowed_pairs
from shukko.matching.assign import assign
from shukko.matching.candidates import Edges, OfferRecord, PairSpace, breakdown, generate
from shukko.matching.pricing import optimise, unmatched
from shukko.matching.rules import MatchingRules
from shukko.matching.scan import count_feasible, pack


@dataclass(frozen=True)
class Proposal:
    """Persons proposed between one sending and one receiving offer, and why."""

    sending_id: int
    receiving_id: int
    kind: str
    persons: int
    score: float
    breakdown: dict[str, float]  # component -> weighted contribution


def case_kind(sending_kind: str, receiving_kind: str) -> str:
    """The case kind two compatible offers make: a secondment unless one wants a transfer."""
    kinds = {str(sending_kind), str(receiving_kind)}
    return "transfer" if "transfer" in kinds else "secondment"


def proposals_from(
    edges: Edges,
    edge_index: np.ndarray,
    persons: np.ndarray,
    sending: list[OfferRecord],
    receiving: list[OfferRecord],
    rules: MatchingRules,
) -> list[Proposal]:
    """Proposals for the edges that got persons (`persons[k]` for edge `edge_index[k]`),
    best first."""
    proposals = []
    for k in np.flatnonzero(persons > 0).tolist():
        index = int(edge_index[k])
        i, j = int(edges.sending[index]), int(edges.receiving[index])
        proposals.append(
            Proposal(
                sending_id=sending[i].id,
                receiving_id=receiving[j].id,
                kind=case_kind(sending[i].kind, receiving[j].kind),
                persons=int(persons[k]),
                score=round(float(edges.total[index]), 3),
                breakdown=breakdown(edges, index, rules),
            )
        )
    proposals.sort(key=lambda p: (-p.score, p.sending_id, p.receiving_id))
    return proposals


def propose(
    sending: list[OfferRecord],
    receiving: list[OfferRecord],
    *,
    rules: MatchingRules,
    as_of: date,
    block_overrides: dict[str, str] | None = None,
    excluded: set[tuple[int, int]] | None = None,
    office: str | None = None,
) -> tuple[list[Proposal], dict]:
    """The optimal proposals, and figures about the run (pairs, edges, total score).

    With `rules.optimum.exact`, optimal over every feasible pair (shukko.matching.pricing);
    otherwise over the pruned candidates. Offers whose persons are all in cases take part
    with no capacity, and pairs that had a case before are left out: a re-run the same day
    finds nothing to add.
    """
    started = time.perf_counter()
    space = PairSpace(sending, receiving, rules=rules, as_of=as_of,
                      block_overrides=block_overrides)  # fmt: skip
    seconds = {"pairs": time.perf_counter() - started}
    allowed = allowed_pairs(sending, receiving, excluded=excluded, office=office)
    capacity_s = np.array([o.remaining for o in sending], dtype=np.int64)
    capacity_r = np.array([o.remaining for o in receiving], dtype=np.int64)
    figures: dict = {"sending_open": len(sending), "receiving_open": len(receiving)}
    if rules.optimum.exact:
        optimum = optimise(space, capacity_s, capacity_r, allowed,
                           start_per_sender=rules.optimum.start_per_sending_offer,
                           start_per_receiver=rules.optimum.start_per_receiving_offer)  # fmt: skip
        edges, persons = optimum.edges, optimum.persons
        index = np.arange(len(edges.sending))
        figures.update(
            method="exact",
            feasible_pairs=optimum.feasible_pairs,
            allowed_pairs=optimum.allowed_pairs,
            optimal=optimum.optimal,
            candidate_edges=len(index),
            pricing_rounds=optimum.rounds,
            warm_solves=optimum.warm_solves,
            pivots=optimum.pivots,
            pairs_added=optimum.pairs_added,
            pruned_persons=optimum.pruned_persons,
            pruned_total_score=round(optimum.pruned_total, 3),
            unmatched=optimum.unmatched,
        )
        seconds.update(optimum.seconds)
    else:
        started = time.perf_counter()
        edges = generate(sending, receiving, rules=rules, as_of=as_of, space=space)
        seconds["generate"] = time.perf_counter() - started
        keep = allowed.mask(edges.sending, edges.receiving)
        index = np.flatnonzero(keep)
        si, rj = edges.sending[index], edges.receiving[index]
        started = time.perf_counter()
        persons = assign(si, rj, edges.total[index], capacity_s, capacity_r)
        seconds["solve"] = time.perf_counter() - started
        started = time.perf_counter()
        counted, found = count_feasible(space, pack(space), capacity_s, capacity_r, allowed)
        seconds["count"] = time.perf_counter() - started
        figures.update(
            method="pruned",
            feasible_pairs=counted.feasible_pairs,
            allowed_pairs=counted.allowed_pairs,
            optimal=False,
            candidate_edges=len(index),
            unmatched=unmatched(si, rj, persons, capacity_s, capacity_r, found),
        )
    proposals = proposals_from(edges, index, persons, sending, receiving, rules)
    figures.update(
        proposals=len(proposals),
        persons=int(persons.sum()),
        total_score=round(float((persons * edges.total[index]).sum()), 3),
        seconds={phase: round(value, 2) for phase, value in seconds.items()},
    )
    return proposals, figures


def describe(figures: dict) -> str:
    """The run's figures in one sentence (the CLI's summary, the flow's artifact)."""
    text = (
        f"{figures['proposals']} proposal(s) for {figures['persons']} person(s); "
        f"total score {figures['total_score']}; "
    )
    feasible, allowed = figures["feasible_pairs"], figures.get("allowed_pairs", 0)
    over = (
        f"all {feasible:,} feasible pairs"
        if allowed == feasible
        else f"the {allowed:,} feasible pairs this run may propose (of {feasible:,})"
    )
    if figures.get("method") == "exact":
        verdict = (
            f"optimal over {over}"
            if figures.get("optimal")
            else f"NOT proven optimal over {over}: the last check found pairs that would improve it"
        )
        text += (
            f"{verdict} "
            f"({figures['pricing_rounds']} solve(s), {figures['pairs_added']:,} pairs added to "
            f"the pruned start, which alone placed {figures['pruned_persons']} person(s) for "
            f"{figures['pruned_total_score']})"
        )
    else:
        text += f"optimal over the pruned candidates ({figures['candidate_edges']:,} of {over})"
    for side in ("sending", "receiving"):
        waiting = figures["unmatched"][side]
        if waiting["with_capacity_left"]:
            text += (
                f"; {waiting['with_capacity_left']} {side} offer(s) still waiting: "
                f"{waiting['no_feasible_counterpart']} with no feasible counterpart, "
                f"{waiting['counterparts_taken']} whose counterparts were placed elsewhere"
            )
    return text
