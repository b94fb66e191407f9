"""users, books and user_books

Revision ID: 0001
Revises:
Create Date: 2026-11-22
"""
import sqlalchemy as sa
from alembic import op

from booklib.adapters.sqlite.tables import UTCDateTime

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "users",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("username", sa.String(30), nullable=False),
        sa.Column("username_key", sa.String(30), nullable=False),
        sa.Column("email", sa.String(254), nullable=False),
        sa.Column("password_hash", sa.String(255), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_users"),
        sa.UniqueConstraint("username_key", name="uq_users_username_key"),
        sa.UniqueConstraint("email", name="uq_users_email"),
    )
    op.create_table(
        "books",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("isbn", sa.String(13)),
        sa.Column("title", sa.String(500)),
        sa.Column("author", sa.String(500)),
        sa.Column("genre", sa.String(200)),
        sa.Column("cover_image_url", sa.String(2000)),
        sa.Column("description", sa.Text),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_books"),
        sa.UniqueConstraint("isbn", name="uq_books_isbn"),
    )
    op.create_table(
        "user_books",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("user_id", sa.String(36), nullable=False),
        sa.Column("book_id", sa.String(36), nullable=False),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("rating", sa.Integer),
        sa.Column("sync_status", sa.String(10), nullable=False),
        sa.Column("sync_error", sa.Text),
        sa.Column("title", sa.String(500)),
        sa.Column("author", sa.String(500)),
        sa.Column("genre", sa.String(200)),
        sa.Column("description", sa.Text),
        sa.Column("date_added", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_user_books"),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name="fk_user_books_user_id_users", ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["book_id"], ["books.id"], name="fk_user_books_book_id_books"),
        sa.UniqueConstraint("user_id", "book_id", name="uq_user_books_user_id_book_id"),
        sa.CheckConstraint("status IN ('to-read', 'reading', 'read')", name="ck_user_books_status"),
        sa.CheckConstraint("rating IS NULL OR (rating BETWEEN 1 AND 5)", name="ck_user_books_rating"),
        sa.CheckConstraint("sync_status IN ('PENDING', 'SYNCED', 'FAILED')", name="ck_user_books_sync_status"),
    )
    op.create_index("ix_user_books_user_id_date_added", "user_books", ["user_id", "date_added"])
    op.create_index("ix_user_books_sync_status", "user_books", ["sync_status"])


def downgrade() -> None:
    op.drop_table("user_books")
    op.drop_table("books")
    op.drop_table("users")
