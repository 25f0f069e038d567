"""web hardening: one open case per offer pair, each case's two offices kept with it (the
worklist reads by them), follow-ups by status and due day, sign-in forms (pre-sessions), failed sign-ins by address, sessions'
idle time and flash message

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
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.add_column(sa.Column("sending_office_code", sa.String(length=2), nullable=True))
        batch_op.add_column(
            sa.Column("receiving_office_code", sa.String(length=2), nullable=True)
        )
    op.execute(
        "UPDATE cases SET sending_office_code = (SELECT o.office_code FROM sending_offer o"
        " WHERE o.id = cases.sending_offer_id), receiving_office_code = (SELECT o.office_code"
        " FROM receiving_offer o WHERE o.id = cases.receiving_offer_id)"
    )
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.alter_column(
            "sending_office_code", existing_type=sa.String(length=2), nullable=False
        )
        batch_op.alter_column(
            "receiving_office_code", existing_type=sa.String(length=2), nullable=False
        )
        batch_op.create_index(
            "ix_cases_sending_office_state", ["sending_office_code", "state"], unique=False
        )
        batch_op.create_index(
            "ix_cases_receiving_office_state", ["receiving_office_code", "state"], unique=False
        )
    op.create_index("ix_follow_up_status_due_on", "follow_up", ["status", "due_on"])
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
    op.drop_index("ix_follow_up_status_due_on", table_name="follow_up")
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.drop_index("ix_cases_receiving_office_state")
        batch_op.drop_index("ix_cases_sending_office_state")
        batch_op.drop_column("receiving_office_code")
        batch_op.drop_column("sending_office_code")
