"""The library pages: list, add, view, edit, delete, refresh metadata."""

from datetime import timedelta

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from booklib.domain.errors import ConflictError, DomainError, ValidationError
from booklib.domain.model import ENTRY_FIELDS, ListQuery, ReadingStatus, Sort, SyncStatus, utcnow

from . import current
from .forms import AddBookForm, ConfirmForm, EditBookForm, attach_error, has_errors

PENDING_RELOAD_LIMIT = timedelta(minutes=2)

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
    return render_template(
        "books/list.html",
        page=page,
        query=query,
        statuses=list(ReadingStatus),
        sorts=list(Sort),
        form=ConfirmForm(),
    )


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
    return render_template("books/add.html", form=form), 400 if has_errors(form) else 200


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
    waiting = entry.user_book.sync_status is SyncStatus.PENDING
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
    form = EditBookForm(data={**values, "rating": str(values["rating"] or "")})
    if form.validate_on_submit():
        changes = {name: getattr(form, name).data for name in ENTRY_FIELDS if hasattr(form, name)}
        try:
            library.update_entry(current_user.id, entry_id, changes)
        except ValidationError as exc:
            attach_error(form, exc)
        else:
            flash("Saved.", "success")
            return redirect(url_for("books.detail", entry_id=entry_id))
    return render_template("books/edit.html", form=form, book=values), 400 if has_errors(form) else 200


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
