"""The SME rule's figures (config/sme.toml), validated."""

from __future__ import annotations

import tomllib
from functools import lru_cache
from pathlib import Path

from pydantic import BaseModel, ConfigDict

from config.settings import CONFIG_DIR


class SmeRules(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    limits: dict[str, tuple[int, int]]
    retail_groups: frozenset[str]
    wholesale_groups: frozenset[str]
    service_divisions: frozenset[str]
    service_groups: frozenset[str]
    service_exceptions: frozenset[str]
    split_groups: frozenset[str]
    no_capital_forms: tuple[str, ...]


@lru_cache(maxsize=2)
def sme_rules(path: Path = CONFIG_DIR / "sme.toml") -> SmeRules:
    with path.open("rb") as handle:
        data = tomllib.load(handle)
    return SmeRules(
        limits=data["limits"], **data["industries"], no_capital_forms=data["no_capital"]["forms"]
    )
