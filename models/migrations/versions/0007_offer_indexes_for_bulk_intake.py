"""offer indexes for bulk intake

Drops two indexes of each offer table that cost a bulk intake a third of its insert time
and served no query: office_code is the first column of the unique (office_code, offer_id)
index, which serves lookups by office; is_open holds one value for nearly every row.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-28 08:20:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLES = ("sending_offer", "receiving_offer")
COLUMNS = ("office_code", "is_open")


def upgrade() -> None:
    for table in TABLES:
        for column in COLUMNS:
            op.drop_index(f"ix_{table}_{column}", table_name=table)


def downgrade() -> None:
    for table in TABLES:
        for column in COLUMNS:
            op.create_index(f"ix_{table}_{column}", table, [column], unique=False)
