"""imports: the job, its rows in chunks and their results

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-22
"""
import sqlalchemy as sa
from alembic import op

from booklib.adapters.sqlite.tables import UTCDateTime

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "imports",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("user_id", sa.String(36), nullable=False),
        sa.Column("source", sa.String(20), nullable=False),
        sa.Column("status", sa.String(10), nullable=False),
        *(sa.Column(name, sa.Integer, nullable=False)
          for name in ("total", "chunks", "processed", "added", "updated", "unchanged", "skipped")),
        sa.Column("error", sa.Text),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_imports")),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_imports_user_id_users"), ondelete="CASCADE"),
    )
    op.create_index("ix_imports_user_id_created_at", "imports", ["user_id", "created_at"])
    op.create_index("ix_imports_status", "imports", ["status"])
    op.create_table(
        "import_chunks",
        sa.Column("import_id", sa.String(36), nullable=False),
        sa.Column("chunk", sa.Integer, nullable=False),
        sa.Column("rows", sa.Text, nullable=False),
        sa.Column("results", sa.Text),
        sa.PrimaryKeyConstraint("import_id", "chunk", name=op.f("pk_import_chunks")),
        sa.ForeignKeyConstraint(["import_id"], ["imports.id"], name=op.f("fk_import_chunks_import_id_imports"),
                                ondelete="CASCADE"),
    )


def downgrade() -> None:
    op.drop_table("import_chunks")
    op.drop_table("imports")
