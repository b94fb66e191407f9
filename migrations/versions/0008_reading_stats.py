"""reading stats: per-user counters and yearly goals

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-22

Counters are built from a reader's library the first time their stats are shown (then kept up to
date by every write), so existing libraries need no backfill here.
"""
import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "stats_counters",
        sa.Column("user_id", sa.String(36), nullable=False),
        sa.Column("name", sa.String(300), nullable=False),
        sa.Column("value", sa.Integer, nullable=False),
        sa.PrimaryKeyConstraint("user_id", "name", name=op.f("pk_stats_counters")),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_stats_counters_user_id_users"),
                                ondelete="CASCADE"),
    )
    op.create_table(
        "reading_goals",
        sa.Column("user_id", sa.String(36), nullable=False),
        sa.Column("year", sa.Integer, nullable=False),
        sa.Column("books", sa.Integer, nullable=False),
        sa.PrimaryKeyConstraint("user_id", "year", name=op.f("pk_reading_goals")),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_reading_goals_user_id_users"),
                                ondelete="CASCADE"),
    )


def downgrade() -> None:
    op.drop_table("reading_goals")
    op.drop_table("stats_counters")
