"""マッチング for the front ends: propose optimal pairs of open offers as `proposed` cases."""

from __future__ import annotations

from datetime import date

from sqlmodel import Session


def score_components() -> tuple[str, ...]:
    """The parts of a pair's score, in the order a breakdown shows them."""
    from shukko.matching.candidates import COMPONENTS

    return tuple(COMPONENTS)


def propose_cases(
    *,
    session: Session,
    as_of: date,
    office: str | None = None,
    block_overrides: dict[str, str] | None = None,
    rules=None,
) -> tuple[list[dict], dict]:
    """Write the optimal proposals as cases, each score explained; (proposals, figures).
    Idempotent: a re-run proposes nothing new, a withdrawn pair is not proposed again. The
    figures carry `summary`, the run in one sentence, as every front end shows it."""
    from shukko.matching.propose import describe
    from shukko.matching.rules import load_rules
    from shukko.matching.run import run_matching

    proposals, figures = run_matching(
        session=session,
        rules=rules or load_rules(),
        as_of=as_of,
        office=office,
        block_overrides=block_overrides,
    )
    return proposals, {**figures, "summary": describe(figures)}
