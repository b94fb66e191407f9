"""listings by index: natural-order sort keys and search text on each entry, an index per listing order,
trigram search (FTS5 on SQLite, pg_trgm on PostgreSQL); existing entries are filled in

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-22
"""
import sqlalchemy as sa
from alembic import op

from booklib.adapters.sqlite.listing import derived
from booklib.adapters.sqlite.search import create_sqlite_search, drop_sqlite_search
from booklib.adapters.sqlite.tables import SORT_KEY, UTCDateTime

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

BATCH = 1000
TRIGRAM_INDEXES = {"ix_user_books_search_text": "search_text", "ix_user_books_search_isbn": "search_isbn"}


def upgrade() -> None:
    # Plain ALTER TABLE ... ADD COLUMN on SQLite too: no table copy, rowids stay.
    op.add_column("user_books", sa.Column("title_key", SORT_KEY, nullable=False, server_default=""))
    op.add_column("user_books", sa.Column("author_key", SORT_KEY, nullable=False, server_default=""))
    op.add_column("user_books", sa.Column("search_text", sa.Text, nullable=False, server_default=""))
    op.add_column("user_books", sa.Column("search_isbn", sa.String(13), nullable=False, server_default=""))
    op.add_column("user_books", sa.Column("rating_key", sa.Float, nullable=False, server_default="0"))
    op.execute("UPDATE user_books SET rating_key = rating WHERE rating IS NOT NULL")
    _backfill(op.get_bind())
    op.create_table(
        "user_book_tags",
        sa.Column("entry_id", sa.String(36), nullable=False),
        sa.Column("tag_key", sa.String(200), nullable=False),
        sa.Column("user_id", sa.String(36), nullable=False),
        sa.Column("date_added", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("entry_id", "tag_key", name=op.f("pk_user_book_tags")),
        sa.ForeignKeyConstraint(["entry_id"], ["user_books.id"], name=op.f("fk_user_book_tags_entry_id_user_books"),
                                ondelete="CASCADE"),
    )
    op.create_index("ix_user_book_tags_listing", "user_book_tags", ["user_id", "tag_key", "date_added", "entry_id"])
    _backfill_tags(op.get_bind())

    op.drop_index("ix_user_books_user_id_date_added", table_name="user_books")
    op.create_index("ix_user_books_book_id", "user_books", ["book_id"])
    op.create_index("ix_user_books_newest", "user_books", ["user_id", "date_added", "id"])
    op.create_index("ix_user_books_status", "user_books", ["user_id", "status", "date_added", "id"])
    op.create_index("ix_user_books_title", "user_books", ["user_id", "title_key", "id"])
    op.create_index("ix_user_books_author", "user_books", ["user_id", "author_key", "id"])
    op.create_index("ix_user_books_rating", "user_books", ["user_id", "rating_key", "id"])

    if op.get_bind().dialect.name == "postgresql":
        op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        for name, column in TRIGRAM_INDEXES.items():
            op.create_index(name, "user_books", [column], postgresql_using="gin",
                            postgresql_ops={column: "gin_trgm_ops"})
    elif op.get_bind().dialect.name == "sqlite":
        create_sqlite_search(op.execute)


def _backfill(conn) -> None:
    """Every existing entry's keys, a batch at a time in entry id order."""
    ub, bk = sa.table("user_books", sa.column("id"), sa.column("book_id"), sa.column("title"), sa.column("author"),
                      *(sa.column(n) for n in ("title_key", "author_key", "search_text", "search_isbn"))), \
        sa.table("books", sa.column("id"), sa.column("title"), sa.column("author"), sa.column("isbn"))
    stmt = (sa.select(ub.c.id, ub.c.title, ub.c.author, bk.c.title, bk.c.author, bk.c.isbn)
            .select_from(ub.join(bk, ub.c.book_id == bk.c.id)).order_by(ub.c.id).limit(BATCH))
    write = sa.update(ub).where(ub.c.id == sa.bindparam("entry_id")).values(
        {name: sa.bindparam(f"new_{name}") for name in ("title_key", "author_key", "search_text", "search_isbn")})
    last = None
    while True:
        rows = conn.execute(stmt if last is None else stmt.where(ub.c.id > last)).all()
        if not rows:
            return
        conn.execute(write, [{"entry_id": row[0], **{f"new_{k}": v for k, v in derived(*row[1:]).items()}}
                             for row in rows])
        last = rows[-1][0]


def _backfill_tags(conn) -> None:
    """A row per tag of every entry, from the newline-framed folded keys entries keep (0004)."""
    ub = sa.table("user_books", sa.column("id"), sa.column("user_id"), sa.column("date_added", UTCDateTime()),
                  sa.column("tag_keys"))
    tags = sa.table("user_book_tags", sa.column("entry_id"), sa.column("tag_key"), sa.column("user_id"),
                    sa.column("date_added", UTCDateTime()))
    stmt = (sa.select(ub.c.id, ub.c.user_id, ub.c.date_added, ub.c.tag_keys).where(ub.c.tag_keys.is_not(None))
            .order_by(ub.c.id).limit(BATCH))
    last = None
    while True:
        rows = conn.execute(stmt if last is None else stmt.where(ub.c.id > last)).all()
        if not rows:
            return
        values = [{"entry_id": entry_id, "tag_key": key, "user_id": user_id, "date_added": added}
                  for entry_id, user_id, added, keys in rows for key in set(keys.split("\n")) if key]
        if values:
            conn.execute(sa.insert(tags), values)
        last = rows[-1][0]


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for name in TRIGRAM_INDEXES:
            op.drop_index(name, table_name="user_books")
    elif op.get_bind().dialect.name == "sqlite":
        drop_sqlite_search(op.execute)
    op.drop_table("user_book_tags")
    for name in ("rating", "author", "title", "status", "newest", "book_id"):
        op.drop_index(f"ix_user_books_{name}", table_name="user_books")
    op.create_index("ix_user_books_user_id_date_added", "user_books", ["user_id", "date_added"])
    with op.batch_alter_table("user_books") as batch:
        for name in ("rating_key", "search_isbn", "search_text", "author_key", "title_key"):
            batch.drop_column(name)
