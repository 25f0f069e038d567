"""Field helpers shared by the tables (fresh Column per table, so they can sit in a base)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import JSON, DateTime
from sqlmodel import Field


def utcnow() -> datetime:
    """Now, timezone-aware (stored in UTC)."""
    return datetime.now(UTC)


def list_field(description: str | None = None) -> Any:
    """A JSON list column (skills, qualifications, areas)."""
    return Field(
        default_factory=list,
        sa_type=JSON,
        sa_column_kwargs={"nullable": False},
        description=description,
    )


def timestamp_field() -> Any:
    """A timezone-aware timestamp column, filled on insert."""
    return Field(
        default=None,
        sa_type=DateTime(timezone=True),
        sa_column_kwargs={"nullable": False, "default": utcnow},
    )
