"""interviews and offers: each introduction's interview day (採用面接), its outcome (内定,
不採用, 辞退) with the day it was recorded, and the first day agreed with the offer (入社予定日);
each registrant's programme (the career bank's, or a transfer's job seeker)

Revision ID: 0014
Revises: 0013
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COLUMNS = (  # (name, type) of the introduction's new columns, all nullable
    ("interview_on", sa.Date()),
    ("outcome", sa.String(length=16)),
    ("outcome_on", sa.Date()),
    ("start_on", sa.Date()),
)


def upgrade() -> None:
    with op.batch_alter_table("bank_introduction", schema=None) as batch_op:
        for name, type_ in COLUMNS:
            batch_op.add_column(sa.Column(name, type_, nullable=True))
    with op.batch_alter_table("registrant", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("programme", sa.String(length=16), nullable=False,
                      server_default="career_bank")  # fmt: skip
        )


def downgrade() -> None:
    with op.batch_alter_table("registrant", schema=None) as batch_op:
        batch_op.drop_column("programme")
    with op.batch_alter_table("bank_introduction", schema=None) as batch_op:
        for name, _type in reversed(COLUMNS):
            batch_op.drop_column(name)
