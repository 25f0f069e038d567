"""A consultant's notes (メモ) and the changes of owner (担当者) of a case or a registrant:
the work around a lifecycle, beside its log (not events of it: they move no state and need
no version)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, String
from sqlmodel import Field, SQLModel

from models.common import timestamp_field


class WorkNote(SQLModel, table=True):
    """One note or one change of owner, on exactly one case or one registrant."""

    __tablename__ = "work_note"
    __table_args__ = (
        CheckConstraint(
            "(case_id IS NULL) <> (registrant_id IS NULL)", name="ck_work_note_one_subject"
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    case_id: int | None = Field(default=None, foreign_key="cases.id", index=True)
    registrant_id: int | None = Field(default=None, foreign_key="registrant.id", index=True)
    kind: str = Field(sa_type=String(16), description="note (メモ) or owner (担当者の変更)")
    text: str | None = Field(default=None, description="the note: free text, never a name")
    owner_id: int | None = Field(
        default=None, foreign_key="user_account.id", description="owner: the new owner"
    )
    actor: str = Field(description="who wrote it: a user's name, or the operator's")
    written_on: date = Field(description="the business day it was written")
    written_at: datetime | None = timestamp_field()
