"""the reading model: did-not-finish, half-star ratings, read-throughs, tags, review, notes, page counts

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-22
"""
import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

# Reflected constraints keep the names they have (SQLite's batch copy would otherwise prefix them again).
CONVENTION = {"ck": "%(constraint_name)s"}
# 0001's names went through the naming convention a second time; this is what they are in databases.
OLD_STATUS = "ck_user_books_ck_user_books_status"
OLD_RATING = "ck_user_books_ck_user_books_rating"
STATUS_CHECK = "status IN ('to-read', 'reading', 'read', 'did-not-finish')"
RATING_CHECK = "rating IS NULL OR (rating BETWEEN 0.5 AND 5 AND rating * 2 = CAST(rating * 2 AS INTEGER))"


def upgrade() -> None:
    with op.batch_alter_table("books") as batch:
        batch.add_column(sa.Column("page_count", sa.Integer))
    with op.batch_alter_table("user_books", naming_convention=CONVENTION) as batch:
        batch.drop_constraint(op.f(OLD_STATUS), type_="check")
        batch.drop_constraint(op.f(OLD_RATING), type_="check")
        batch.alter_column("status", type_=sa.String(20), existing_type=sa.String(10), existing_nullable=False)
        batch.alter_column("rating", type_=sa.Float, existing_type=sa.Integer)
        for name, kind in (("page_count", sa.Integer), ("reads", sa.Text), ("tags", sa.Text), ("tag_keys", sa.Text),
                           ("review", sa.Text), ("notes", sa.Text)):
            batch.add_column(sa.Column(name, kind))
        batch.create_check_constraint(op.f("ck_user_books_status"), STATUS_CHECK)
        batch.create_check_constraint(op.f("ck_user_books_rating"), RATING_CHECK)


def downgrade() -> None:
    with op.batch_alter_table("user_books", naming_convention=CONVENTION) as batch:
        batch.drop_constraint("ck_user_books_status", type_="check")
        batch.drop_constraint("ck_user_books_rating", type_="check")
        for name in ("notes", "review", "tag_keys", "tags", "reads", "page_count"):
            batch.drop_column(name)
        batch.alter_column("rating", type_=sa.Integer, existing_type=sa.Float)
        batch.alter_column("status", type_=sa.String(10), existing_type=sa.String(20), existing_nullable=False)
        batch.create_check_constraint(op.f(OLD_STATUS), "status IN ('to-read', 'reading', 'read')")
        batch.create_check_constraint(op.f(OLD_RATING), "rating IS NULL OR (rating BETWEEN 1 AND 5)")
    with op.batch_alter_table("books") as batch:
        batch.drop_column("page_count")
