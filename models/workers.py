"""Workers (出向対象労働者). Personal data lives here and nowhere else."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from models.common import list_field, timestamp_field


class Worker(SQLModel, table=True):
    """個人情報: name, birth date, gender. Refer to a worker by id everywhere else."""

    id: int | None = Field(default=None, primary_key=True)
    name: str
    birth_date: date
    gender: str | None = None
    qualifications: list[str] = list_field()
    created_at: datetime | None = timestamp_field()


class CaseWorker(SQLModel, table=True):
    """A worker selected for a case; consent is recorded per worker in the case's events."""

    __tablename__ = "case_worker"
    __table_args__ = (UniqueConstraint("case_id", "worker_id"),)

    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="cases.id", index=True)
    worker_id: int = Field(foreign_key="worker.id")
    assigned_at: datetime | None = timestamp_field()
