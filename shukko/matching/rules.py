"""Matching rules read from config/matching.toml."""

from __future__ import annotations

import tomllib
from functools import lru_cache
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from config.settings import CONFIG_DIR


class Constraints(BaseModel):
    model_config = ConfigDict(extra="forbid")
    kind_compatible: bool = True
    within_acceptable_area: bool = True
    period_overlap: bool = True
    start_window_overlap: bool = True
    qualifications_held: bool = True
    different_company: bool = True


class Weights(BaseModel):
    model_config = ConfigDict(extra="forbid")
    occupation: float = Field(3.0, ge=0)
    skills: float = Field(2.0, ge=0)
    wage: float = Field(2.0, ge=0)
    industry: float = Field(1.0, ge=0)
    distance: float = Field(2.0, ge=0)
    waiting: float = Field(1.0, ge=0)


class Scoring(BaseModel):
    model_config = ConfigDict(extra="forbid")
    waiting_full_days: int = Field(180, ge=1)
    distance_same_prefecture: float = 1.0
    distance_same_block: float = 0.6
    distance_elsewhere: float = 0.2
    industry_same_division: float = 1.0
    industry_other_division: float = 0.7
    wage_missing: float = 0.5


class Pruning(BaseModel):
    model_config = ConfigDict(extra="forbid")
    per_sending_offer: int = Field(30, ge=1)
    per_receiving_offer: int = Field(20, ge=1)


class Optimum(BaseModel):
    """exact: solve over every feasible pair (a small pruned graph, then pricing rounds that
    add the pairs left out that would improve it); false: over the [pruning] graph only.
    start_*: the pruned graph exact matching starts from, per offer (pricing adds the rest)."""

    model_config = ConfigDict(extra="forbid")
    exact: bool = True
    start_per_sending_offer: int = Field(5, ge=1)
    start_per_receiving_offer: int = Field(1, ge=1)


class MatchingRules(BaseModel):
    """Hard constraints, weights and pruning for one matching run."""

    model_config = ConfigDict(extra="forbid")
    constraints: Constraints = Constraints()
    weights: Weights = Weights()
    scoring: Scoring = Scoring()
    pruning: Pruning = Pruning()
    optimum: Optimum = Optimum()


@lru_cache(maxsize=4)
def load_rules(path: Path = CONFIG_DIR / "matching.toml") -> MatchingRules:
    """The rules in config/matching.toml (validated: a typo fails loudly)."""
    with path.open("rb") as handle:
        return MatchingRules.model_validate(tomllib.load(handle))
