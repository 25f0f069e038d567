"""job seekers: a transfer's job seekers (移籍の求職者) registered from a company's request
(再就職支援の依頼: a sending offer), introduced to receiving offers (受入情報) — an
introduction, a suggestion and a log entry name an opening or a receiving offer; a follow-up
(定着確認 after a hire) and a notice (the receiver's letter after a hire) are a case's or a
person's

Revision ID: 0015
Revises: 0014
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Tables whose rows name what a person was introduced to, and whether one target is required.
TARGETED = {"bank_introduction": True, "bank_suggestion": True, "registrant_event": False}
# Tables whose rows were a case's and may now be a person's.
PERSONS_TOO = ("follow_up", "notice")


def upgrade() -> None:
    with op.batch_alter_table("registrant", schema=None) as batch_op:
        batch_op.add_column(sa.Column("request_id", sa.Integer(), nullable=True))
        batch_op.create_index("ix_registrant_request_id", ["request_id"], unique=False)
        batch_op.create_foreign_key(
            "fk_registrant_request_id_sending_offer", "sending_offer", ["request_id"], ["id"]
        )
    for table, required in TARGETED.items():
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column("receiving_offer_id", sa.Integer(), nullable=True))
            batch_op.create_foreign_key(
                f"fk_{table}_receiving_offer_id", "receiving_offer", ["receiving_offer_id"], ["id"]
            )
            if not required:
                continue
            batch_op.alter_column("opening_id", existing_type=sa.Integer(), nullable=True)
            batch_op.create_index(
                f"ix_{table}_receiving_offer_id", ["receiving_offer_id"], unique=False
            )
            batch_op.create_unique_constraint(
                f"uq_{table}_registrant_receiving_offer", ["registrant_id", "receiving_offer_id"]
            )
            batch_op.create_check_constraint(
                f"ck_{table}_one_target", "(opening_id IS NULL) <> (receiving_offer_id IS NULL)"
            )
    for table in PERSONS_TOO:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.alter_column("case_id", existing_type=sa.Integer(), nullable=True)
            batch_op.add_column(sa.Column("registrant_id", sa.Integer(), nullable=True))
            # A person's follow-ups are asked by status and day (the worklist): the index says
            # so, or SQLite prefers the national (status, due_on) one and reads thousands.
            columns = ["registrant_id", "status", "due_on"] if table == "follow_up" else [
                "registrant_id"
            ]
            batch_op.create_index(f"ix_{table}_registrant_id", columns, unique=False)
            batch_op.create_foreign_key(
                f"fk_{table}_registrant_id_registrant", "registrant", ["registrant_id"], ["id"]
            )
            batch_op.create_check_constraint(
                f"ck_{table}_one_subject", "(case_id IS NULL) <> (registrant_id IS NULL)"
            )


def downgrade() -> None:
    for table in reversed(PERSONS_TOO):
        op.execute(f"DELETE FROM {table} WHERE case_id IS NULL")
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_constraint(f"ck_{table}_one_subject", type_="check")
            batch_op.drop_constraint(f"fk_{table}_registrant_id_registrant", type_="foreignkey")
            batch_op.drop_index(f"ix_{table}_registrant_id")
            batch_op.drop_column("registrant_id")
            batch_op.alter_column("case_id", existing_type=sa.Integer(), nullable=False)
    for table, required in reversed(TARGETED.items()):
        with op.batch_alter_table(table, schema=None) as batch_op:
            if required:
                batch_op.drop_constraint(f"ck_{table}_one_target", type_="check")
                batch_op.drop_constraint(
                    f"uq_{table}_registrant_receiving_offer", type_="unique"
                )
                batch_op.drop_index(f"ix_{table}_receiving_offer_id")
                batch_op.alter_column("opening_id", existing_type=sa.Integer(), nullable=False)
            batch_op.drop_constraint(f"fk_{table}_receiving_offer_id", type_="foreignkey")
            batch_op.drop_column("receiving_offer_id")
    with op.batch_alter_table("registrant", schema=None) as batch_op:
        batch_op.drop_constraint("fk_registrant_request_id_sending_offer", type_="foreignkey")
        batch_op.drop_index("ix_registrant_request_id")
        batch_op.drop_column("request_id")
