"""letters: 3-digit JSIC industries, the skills-promoter fact, post-return wages per worker,
document numbers

Revision ID: 0011
Revises: 0010
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _widen_industry(length_from: int, length_to: int) -> None:
    with op.batch_alter_table("company", schema=None) as batch_op:
        batch_op.alter_column(
            "industry_code",
            existing_type=sa.String(length=length_from),
            type_=sa.String(length=length_to),
        )


def upgrade() -> None:
    _widen_industry(2, 3)
    with op.batch_alter_table("contract_terms", schema=None) as batch_op:
        batch_op.add_column(sa.Column("skills_promoter_appointed", sa.Boolean(), nullable=True))
    with op.batch_alter_table("notice", schema=None) as batch_op:
        batch_op.add_column(sa.Column("document_number", sa.String(length=32), nullable=True))
        batch_op.create_unique_constraint("uq_notice_document_number", ["document_number"])
    op.create_table(
        "document_counter",
        sa.Column("office_code", sa.String(length=2), nullable=False),
        sa.Column("fiscal_year", sa.Integer(), nullable=False),
        sa.Column("last_number", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("office_code", "fiscal_year"),
    )
    # Wages after return per worker: the table is rebuilt (its old unique key had no name);
    # a case's recorded months go to its first worker (until now a case had one).
    op.create_table(
        "post_return_wage_new",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("worker_id", sa.Integer(), nullable=False),
        sa.Column("month", sa.Date(), nullable=False),
        sa.Column("wage_yen", sa.Integer(), nullable=False),
        sa.Column("recorded_by", sa.String(), nullable=False),
        sa.Column("recorded_on", sa.Date(), nullable=False),
        sa.Column("event_seq", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"]),
        sa.ForeignKeyConstraint(["worker_id"], ["worker.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("case_id", "worker_id", "month", name="uq_post_return_wage_month"),
    )
    op.execute(
        "INSERT INTO post_return_wage_new (id, case_id, worker_id, month, wage_yen, recorded_by,"
        " recorded_on, event_seq)"
        " SELECT p.id, p.case_id, (SELECT min(w.worker_id) FROM case_worker w"
        " WHERE w.case_id = p.case_id), p.month, p.wage_yen, p.recorded_by, p.recorded_on,"
        " p.event_seq FROM post_return_wage p"
        " WHERE EXISTS (SELECT 1 FROM case_worker w WHERE w.case_id = p.case_id)"
    )
    op.drop_table("post_return_wage")
    op.rename_table("post_return_wage_new", "post_return_wage")
    with op.batch_alter_table("post_return_wage", schema=None) as batch_op:
        batch_op.create_index("ix_post_return_wage_case_id", ["case_id"], unique=False)
    if op.get_bind().dialect.name == "postgresql":  # ids continue after the copied rows
        op.execute(
            "ALTER SEQUENCE post_return_wage_new_id_seq RENAME TO post_return_wage_id_seq"
        )
        op.execute(
            "SELECT setval('post_return_wage_id_seq',"
            " COALESCE((SELECT max(id) FROM post_return_wage), 0) + 1, false)"
        )


def downgrade() -> None:
    op.create_table(
        "post_return_wage_old",
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
    op.execute(  # one worker's months per case survive the way back
        "INSERT INTO post_return_wage_old (id, case_id, month, wage_yen, recorded_by,"
        " recorded_on, event_seq)"
        " SELECT p.id, p.case_id, p.month, p.wage_yen, p.recorded_by, p.recorded_on,"
        " p.event_seq FROM post_return_wage p WHERE p.worker_id = (SELECT min(q.worker_id)"
        " FROM post_return_wage q WHERE q.case_id = p.case_id)"
    )
    op.drop_table("post_return_wage")
    op.rename_table("post_return_wage_old", "post_return_wage")
    with op.batch_alter_table("post_return_wage", schema=None) as batch_op:
        batch_op.create_index("ix_post_return_wage_case_id", ["case_id"], unique=False)
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "ALTER SEQUENCE post_return_wage_old_id_seq RENAME TO post_return_wage_id_seq"
        )
    op.drop_table("document_counter")
    with op.batch_alter_table("notice", schema=None) as batch_op:
        batch_op.drop_constraint("uq_notice_document_number", type_="unique")
        batch_op.drop_column("document_number")
    with op.batch_alter_table("contract_terms", schema=None) as batch_op:
        batch_op.drop_column("skills_promoter_appointed")
    _widen_industry(3, 2)
