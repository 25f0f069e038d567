"""Reference data the front ends show by name: the 47 prefectures, whose codes are the
offices' (01 北海道 ... 47 沖縄県), industries (JSIC major groups), occupations (職業分類
major groups), and the lifecycles' state names."""

from __future__ import annotations

from models.reference import INDUSTRY_GROUPS, OCCUPATIONS, PREFECTURES_BY_CODE
from states import state_labels

__all__ = [
    "INDUSTRY_GROUPS", "OCCUPATIONS", "PREFECTURES_BY_CODE", "programme_name", "state_names",
]  # fmt: skip


def state_names(kind: str) -> dict[str, str]:
    """A lifecycle's states by value, in Japanese: a case's kind (secondment, transfer) or
    the career bank's registrant."""
    return state_labels(kind)


def programme_name(key: str | None) -> str:
    """A subsidy programme by its name (config/subsidies.toml), for its key."""
    from shukko.subsidies.programmes import load_programmes

    if not key:
        return ""
    return next((p.name for p in load_programmes() if p.key == key), key)
