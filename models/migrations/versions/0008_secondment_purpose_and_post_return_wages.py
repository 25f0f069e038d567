"""secondment purpose and post-return wages

Contract terms gain the secondment's purpose (雇用維持 or 人材育成型), the worker's monthly
wage before the secondment and whether the two companies form one corporate group; the
wages of the months after a skill-development secondment returned get a table of their own.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-30 23:10:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("contract_terms", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "purpose",
                sa.String(length=24),
                nullable=False,
                server_default="employment_retention",
            )
        )
        batch_op.add_column(
            sa.Column("pre_secondment_monthly_wage_yen", sa.Integer(), nullable=True)
        )
        batch_op.add_column(
            sa.Column(
                "within_corporate_group", sa.Boolean(), nullable=False, server_default=sa.false()
            )
        )
    op.create_table(
        "post_return_wage",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("month", sa.Date(), nullable=False),
        sa.Column("wage_yen", sa.Integer(), nullable=False),
        sa.Column("recorded_by", sa.String(), nullable=False),
        sa.Column("recorded_on", sa.Date(), nullable=False),
        sa.Column("event_seq", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("case_id", "month"),
    )
    with op.batch_alter_table("post_return_wage", schema=None) as batch_op:
        batch_op.create_index("ix_post_return_wage_case_id", ["case_id"], unique=False)


def downgrade() -> None:
    op.drop_table("post_return_wage")
    with op.batch_alter_table("contract_terms", schema=None) as batch_op:
        batch_op.drop_column("within_corporate_group")
        batch_op.drop_column("pre_secondment_monthly_wage_yen")
        batch_op.drop_column("purpose")
