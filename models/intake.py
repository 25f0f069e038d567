"""Intake bookkeeping: files read (by checksum), rows rejected, and referring partners."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from models.common import timestamp_field


class Partner(SQLModel, table=True):
    """A partner that refers offers (トスアップ): bank, local government, union, association."""

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(unique=True)
    kind: str = Field(description="bank, government, union, association, other")
    created_at: datetime | None = timestamp_field()


class IntakeFile(SQLModel, table=True):
    """One file an office sent, read once: a file with the same checksum is skipped."""

    __tablename__ = "intake_file"

    id: int | None = Field(default=None, primary_key=True)
    checksum: str = Field(unique=True, max_length=64, description="SHA-256 of the bytes")
    name: str
    kind: str = Field(description="sending or receiving")
    rows_read: int = 0
    imported: int = 0
    updated: int = 0
    rejected: int = 0
    imported_at: datetime | None = timestamp_field()


class IntakeReject(SQLModel, table=True):
    """A row that failed validation: kept with its file, row number, column and reason."""

    __tablename__ = "intake_reject"
    __table_args__ = (UniqueConstraint("file_id", "row_number", "column"),)

    id: int | None = Field(default=None, primary_key=True)
    file_id: int = Field(foreign_key="intake_file.id", index=True)
    row_number: int = Field(description="1-based line or sheet row, the header being row 1")
    column: str
    value: str | None = None
    reason: str
