"""The library pages: list, add, view, edit, delete, refresh metadata."""

from datetime import date, timedelta

from flask import (
    Blueprint,
    current_app,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user, login_required

from booklib.domain.errors import ConflictError, DomainError, ValidationError
from booklib.domain.model import (
    DEFAULT_PAGE_SIZE,
    ListQuery,
    ReadingStatus,
    ReadThrough,
    Sort,
    SyncStatus,
    parse_reads,
    utcnow,
)

from . import current
from .forms import (
    STATUS_LABELS,
    AddBookForm,
    ConfirmForm,
    EditBookForm,
    attach_error,
    has_errors,
)

PENDING_RELOAD_LIMIT = timedelta(minutes=2)
# The library as a list or as a grid of covers; the choice is remembered in a cookie.
VIEWS = ("list", "grid")
VIEW_COOKIE = "booklib_view"
# "Previous page" needs the cursors of the pages before: they ride along in `back`, joined by "."
# (never in a cursor, which is base64url). Past this many pages back, "previous" starts over.
MAX_BACK = 40

bp = Blueprint("books", __name__, url_prefix="/books")


@bp.get("")
@login_required
def library():
    args = request.args
    try:
        query = ListQuery.parse(args.get("status"), args.get("q"), args.get("sort"), args.get("limit"), args.get("cursor"),
                            args.get("tag"))
    except ValidationError as exc:
        flash(exc.message, "error")
        return redirect(url_for("books.library"))
    page = current.library().list_entries(current_user.id, query)
    chosen = args.get("view")
    view = chosen if chosen in VIEWS else request.cookies.get(VIEW_COOKIE)
    view = view if view in VIEWS else "list"
    back = [c for c in (args.get("back") or "").split(".") if c][-MAX_BACK:] if query.cursor else []
    response = make_response(render_template(
        "books/list.html",
        page=page,
        query=query,
        view=view,
        paging=_paging(query, page, back, _total(query)),
        statuses=list(ReadingStatus),
        sorts=list(Sort),
        form=ConfirmForm(),
    ))
    if chosen in VIEWS:
        response.set_cookie(VIEW_COOKIE, chosen, max_age=365 * 24 * 3600, samesite="Lax", httponly=True)
    return response


def _total(query: ListQuery) -> int | None:
    """The entries this listing walks, from the stats counters: known for the whole library and for a
    status, not for a search or a tag (None: the pager then says "Page N" alone)."""
    if query.q or query.tag:
        return None
    return current.stats().entry_count(current_user.id, query.status.value if query.status else None)


def _paging(query: ListQuery, page, back: list[str], total: int | None = None) -> dict:
    """Page number, the page count where the total is known, and the links to the previous and next
    pages (None where there is none)."""
    here = {"status": query.status.value if query.status else None, "q": query.q,
            "sort": query.sort.value, "tag": query.tag,
            "limit": query.limit if query.limit != DEFAULT_PAGE_SIZE else None}
    previous = None
    if query.cursor:
        previous = url_for("books.library", **here, cursor=back[-1] if back else None,
                           back=".".join(back[:-1]) or None)
    following = None
    if page.next_cursor:
        trail = back + [query.cursor] if query.cursor else []
        following = url_for("books.library", **here, cursor=page.next_cursor, back=".".join(trail[-MAX_BACK:]) or None)
    number = len(back) + 2 if query.cursor else 1
    count = max(-(-total // query.limit), number) if total is not None and len(back) < MAX_BACK - 1 else None
    return {"number": number, "count": count, "total": total, "previous": previous, "next": following, "here": here}


@bp.route("/add", methods=["GET", "POST"])
@login_required
def add():
    form = AddBookForm()
    if form.validate_on_submit():
        try:
            entry = _add_from_form(form)
        except (ValidationError, ConflictError) as exc:
            attach_error(form, exc)
        else:
            title = entry.to_dict()["title"] or f"ISBN {entry.book.isbn}"
            flash(f"Added “{title}”." + (" Fetching its details…" if entry.book.isbn else ""), "success")
            if request.form.get("next") == "add":
                return redirect(url_for("books.add"))
            return redirect(url_for("books.detail", entry_id=entry.id))
    return render_template("books/add.html", form=form, phone=_phone_link()), 400 if has_errors(form) else 200


def _phone_link() -> dict | None:
    """Under `make run-lan`: the add page's address on the home network, and its QR code as inline SVG."""
    base = current_app.config.get("BOOKLIB_LAN_URL")
    if not base:
        return None
    import segno  # only here: the QR code is a local, `make run-lan` feature

    url = base.rstrip("/") + url_for("books.add")
    svg = segno.make(url, error="m").svg_inline(scale=4, border=3, dark="#000", light="#fff", omitsize=False)
    return {"url": url, "svg": svg}


def _add_from_form(form: AddBookForm):
    library = current.library()
    isbn = (form.isbn.data or "").strip()
    extra = {"title": form.title.data or None, "author": form.author.data or None}
    if isbn:
        return library.add_by_isbn(current_user.id, isbn, status=form.status.data, **extra)
    if not extra["title"]:
        raise ValidationError("Enter an ISBN, or a title for a book without one.", field="isbn")
    return library.add_manual(current_user.id, status=form.status.data, **extra)


@bp.get("/<entry_id>")
@login_required
def detail(entry_id: str):
    entry = current.library().get_entry(current_user.id, entry_id)
    # Waiting on a lookup under way; one waiting to retry after an unreachable service says so instead.
    waiting = entry.user_book.sync_status is SyncStatus.PENDING and not entry.user_book.sync_error
    # A lookup takes seconds; past this the page stops reloading itself and offers "Try again".
    overdue = waiting and utcnow() - entry.user_book.updated_at > PENDING_RELOAD_LIMIT
    return render_template("books/detail.html", entry=entry, book=entry.to_dict(), form=ConfirmForm(),
                           reloading=waiting and not overdue, overdue=overdue)


@bp.route("/<entry_id>/edit", methods=["GET", "POST"])
@login_required
def edit(entry_id: str):
    library = current.library()
    entry = library.get_entry(current_user.id, entry_id)
    values = entry.to_dict()
    form = EditBookForm(data=_form_data(entry, values))
    if form.validate_on_submit():
        try:
            changes = _changes_from_form(form, entry)
            library.update_entry(current_user.id, entry_id, changes)
        except ValidationError as exc:
            attach_error(form, exc)
        else:
            flash("Saved.", "success")
            return redirect(url_for("books.detail", entry_id=entry_id))
    if not form.reads.max_entries or len(form.reads.entries) < form.reads.max_entries:
        form.reads.append_entry()  # the empty row that adds a read
    return render_template("books/edit.html", form=form, book=values), 400 if has_errors(form) else 200


# The edit form's plain fields, sent to the service as the form has them.
SIMPLE_FIELDS = ("title", "author", "genre", "description", "status", "rating", "tags", "page_count", "review", "notes")


def _form_data(entry, values: dict) -> dict:
    return {
        **{name: values[name] for name in SIMPLE_FIELDS},
        "rating": "" if values["rating"] is None else str(values["rating"]),
        "page_count": "" if values["page_count"] is None else str(values["page_count"]),
        "tags": ", ".join(values["tags"]),
        "reads": [{"started_on": read.started_on, "finished_on": read.finished_on, "existing": "1"}
                  for read in entry.user_book.reads],
    }


def _changes_from_form(form: EditBookForm, entry) -> dict:
    """What the reader sent. A field the request leaves out entirely is left as it is (a browser
    sends them all). The read-throughs go only when the reader changed them, so that a change of
    status alone dates them in the service (reading opens a read today, read closes it)."""
    changes = {name: getattr(form, name).data for name in SIMPLE_FIELDS if name in request.form}
    reads = _reads_from_form(form)
    if reads is not None and reads != entry.user_book.reads:
        changes["reads"] = [read.to_dict() for read in reads]
    return changes


def _reads_from_form(form: EditBookForm) -> tuple[ReadThrough, ...] | None:
    """The rows kept (not marked "remove"; the empty row for adding one skipped), oldest first, or
    None when the request has no read rows at all. Raises ValidationError(field="reads")."""
    if not any(key.startswith(f"{form.reads.name}-") for key in request.form):
        return None
    rows = []
    for row in form.reads.entries:
        started, finished = row.form.started_on.data, row.form.finished_on.data
        if row.form.remove.data or (started is None and finished is None and not row.form.existing.data):
            continue
        rows.append({"started_on": started, "finished_on": finished})
    return parse_reads(rows)


@bp.route("/<entry_id>/delete", methods=["GET", "POST"])
@login_required
def delete(entry_id: str):
    library = current.library()
    entry = library.get_entry(current_user.id, entry_id)
    form = ConfirmForm()
    if form.validate_on_submit():
        library.delete_entry(current_user.id, entry_id)
        flash(f"Removed “{entry.to_dict()['title'] or entry.book.isbn}” from your library.", "success")
        return redirect(url_for("books.library"))
    return render_template("books/delete.html", book=entry.to_dict(), form=form)


@bp.post("/<entry_id>/refresh")
@login_required
def refresh(entry_id: str):
    if ConfirmForm().validate_on_submit():
        try:
            current.library().refresh(current_user.id, entry_id)
            flash("Fetching the book's details again…", "info")
        except DomainError as exc:
            if exc.code == "not_found":
                raise
            flash(exc.message, "error")
    return redirect(url_for("books.detail", entry_id=entry_id))


@bp.app_template_filter("stars")
def stars(rating) -> str:
    """4.5 -> ★★★★½☆ ... as text a screen reader can also say: the page adds "4.5 of 5" beside it."""
    if not rating:
        return "not rated"
    whole, half = int(rating), rating % 1 >= 0.5
    return "★" * whole + ("½" if half else "") + "☆" * (5 - whole - half)


@bp.app_template_filter("status_label")
def status_label(status) -> str:
    """did-not-finish -> "Did not finish": the one spelling the forms use too."""
    value = getattr(status, "value", status)
    return STATUS_LABELS.get(value, str(value))


@bp.app_template_filter("rating_number")
def rating_number(rating) -> str:
    return str(int(rating)) if float(rating).is_integer() else str(rating)


@bp.app_template_filter("day")
def day(value) -> str:
    """2019-03-01 (a date or its ISO text) -> "1 Mar 2019"."""
    if isinstance(value, str):
        value = date.fromisoformat(value[:10])
    return f"{value.day} {value:%b %Y}"
