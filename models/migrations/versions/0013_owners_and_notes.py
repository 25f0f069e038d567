"""owners and notes: each case's and registrant's responsible consultant (担当者), and the
notes (メモ) and owner changes written on them

Revision ID: 0013
Revises: 0012
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    for table in ("cases", "registrant"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column("owner_id", sa.Integer(), nullable=True))
            batch_op.create_index(f"ix_{table}_owner_id", ["owner_id"], unique=False)
            batch_op.create_foreign_key(
                f"fk_{table}_owner_id_user_account", "user_account", ["owner_id"], ["id"]
            )
    op.create_table(
        "work_note",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=True),
        sa.Column("registrant_id", sa.Integer(), nullable=True),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("text", sa.String(), nullable=True),
        sa.Column("owner_id", sa.Integer(), nullable=True),
        sa.Column("actor", sa.String(), nullable=False),
        sa.Column("written_on", sa.Date(), nullable=False),
        sa.Column("written_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "(case_id IS NULL) <> (registrant_id IS NULL)", name="ck_work_note_one_subject"
        ),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"]),
        sa.ForeignKeyConstraint(["owner_id"], ["user_account.id"]),
        sa.ForeignKeyConstraint(["registrant_id"], ["registrant.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_work_note_case_id", "work_note", ["case_id"])
    op.create_index("ix_work_note_registrant_id", "work_note", ["registrant_id"])


def downgrade() -> None:
    op.drop_table("work_note")
    for table in ("registrant", "cases"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_constraint(f"fk_{table}_owner_id_user_account", type_="foreignkey")
            batch_op.drop_index(f"ix_{table}_owner_id")
            batch_op.drop_column("owner_id")
