"""web hardening: one open case per offer pair, sign-in forms (pre-sessions), failed
sign-ins by address, sessions' idle time and flash message

Revision ID: 0012
Revises: 0011
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OPEN_CASE = sa.text("state NOT IN ('hired', 'returned', 'transferred', 'withdrawn')")


def upgrade() -> None:
    op.create_index(
        "uq_case_open_pair", "cases", ["sending_offer_id", "receiving_offer_id"], unique=True,
        sqlite_where=OPEN_CASE, postgresql_where=OPEN_CASE,
    )  # fmt: skip
    with op.batch_alter_table("web_session", schema=None) as batch_op:
        batch_op.add_column(sa.Column("last_seen_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("flash", sa.String(length=400), nullable=True))
    op.create_table(
        "sign_in_form",
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("csrf_token", sa.String(length=64), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("token_hash"),
    )
    op.create_index("ix_sign_in_form_expires_at", "sign_in_form", ["expires_at"])
    op.create_table(
        "sign_in_failure",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("address", sa.String(length=64), nullable=False),
        sa.Column("failed_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_sign_in_failure_address", "sign_in_failure", ["address"])
    op.create_index("ix_sign_in_failure_failed_at", "sign_in_failure", ["failed_at"])


def downgrade() -> None:
    op.drop_table("sign_in_failure")
    op.drop_table("sign_in_form")
    with op.batch_alter_table("web_session", schema=None) as batch_op:
        batch_op.drop_column("flash")
        batch_op.drop_column("last_seen_at")
    op.drop_index("uq_case_open_pair", table_name="cases")
