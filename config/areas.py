"""Area aliases (config/areas.toml): the names people write for groups of prefectures."""

from __future__ import annotations

import tomllib
from functools import lru_cache
from pathlib import Path

from config.settings import CONFIG_DIR
from models.reference import BLOCK_NAMES, PREFECTURES_BY_CODE


@lru_cache(maxsize=2)
def area_aliases(path: Path = CONFIG_DIR / "areas.toml") -> dict[str, tuple[str, ...]]:
    """Alias -> prefecture codes and block names; a typo in the file fails loudly."""
    with path.open("rb") as handle:
        aliases = tomllib.load(handle)["aliases"]
    for name, parts in aliases.items():
        unknown = [p for p in parts if p not in PREFECTURES_BY_CODE and p not in BLOCK_NAMES]
        if unknown:
            raise ValueError(f"{path}: {name} = {parts}: {unknown} are not prefectures or blocks")
    return {name: tuple(parts) for name, parts in aliases.items()}
