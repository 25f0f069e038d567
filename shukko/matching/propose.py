"""From open offers to proposals: candidates, scores, the optimal assignment, explained."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np

from shukko.matching.assign import assign
from shukko.matching.candidates import Edges, OfferRecord, breakdown, generate
from shukko.matching.rules import MatchingRules


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

    Offers whose persons are all in cases stay in the candidate generation with no capacity:
    each offer's best edges are then the same on a re-run the same day, so the first run's
    optimum leaves nothing to add and a re-run proposes nothing new.
    """
    edges = generate(sending, receiving, rules=rules, as_of=as_of, block_overrides=block_overrides)
    keep = np.ones(len(edges.sending), dtype=bool)
    if excluded and len(edges.sending):  # pairs withdrawn, or that already have a case
        s_ids = np.array([o.id for o in sending], dtype=np.int64)[edges.sending]
        r_ids = np.array([o.id for o in receiving], dtype=np.int64)[edges.receiving]
        pairs = np.array(sorted(excluded), dtype=np.int64).reshape(-1, 2)
        keep = ~np.isin(s_ids << 32 | r_ids, pairs[:, 0] << 32 | pairs[:, 1])
    if office:  # only pairs in which this office took at least one of the offers
        s_here = np.array([o.office == office for o in sending], dtype=bool)
        r_here = np.array([o.office == office for o in receiving], dtype=bool)
        if len(edges.sending):
            keep &= s_here[edges.sending] | r_here[edges.receiving]
    si, rj, total = edges.sending[keep], edges.receiving[keep], edges.total[keep]
    persons = assign(
        si, rj, total,
        np.array([o.remaining for o in sending], dtype=np.int64),
        np.array([o.remaining for o in receiving], dtype=np.int64),
    )  # fmt: skip
    proposals = proposals_from(edges, np.flatnonzero(keep), persons, sending, receiving, rules)
    figures = {
        "sending_open": len(sending),
        "receiving_open": len(receiving),
        "feasible_pairs": edges.feasible_pairs,
        "candidate_edges": int(keep.sum()),
        "proposals": len(proposals),
        "persons": int(persons.sum()),
        "total_score": round(float((persons * total).sum()), 3),
    }
    return proposals, figures
