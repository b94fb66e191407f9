"""The import pages: upload an export, watch it run, read what became of every row."""

from datetime import timedelta

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import current_user, login_required

from booklib.domain.errors import ValidationError
from booklib.domain import imports as import_files
from booklib.domain.imports.jobs import ImportStatus
from booklib.domain.model import utcnow

from . import current
from .forms import ImportForm, attach_error

bp = Blueprint("imports", __name__, url_prefix="/import")

# A running import's page reloads itself, but not forever: a stuck one says so instead.
RELOAD_LIMIT = timedelta(minutes=10)


@bp.route("", methods=["GET", "POST"])
@login_required
def upload():
    form = ImportForm()
    status = 200
    if form.validate_on_submit():
        data = form.file.data.read() if form.file.data else b""
        try:
            job = current.imports().start(current_user.id, data)
        except ValidationError as exc:  # an empty or unknown file: nothing was stored
            attach_error(form, exc)
            status = 422 if exc.code == "unknown_layout" else 400
        else:
            flash(f"Importing {job.total} row(s) from your {job.source} export.", "success")
            return redirect(url_for("imports.report", import_id=job.id))
    past = current.imports().list(current_user.id)
    return render_template("imports/upload.html", form=form, past=past, layouts=import_files.KNOWN_LAYOUTS), status


@bp.get("/<import_id>")
@login_required
def report(import_id: str):
    job, rows = current.imports().report(current_user.id, import_id)
    running = job.status in (ImportStatus.QUEUED, ImportStatus.RUNNING)
    reloading = running and utcnow() - job.updated_at < RELOAD_LIMIT
    # Skipped rows first, each with its reason; then the others in file order.
    ordered = sorted(rows, key=lambda r: (r.outcome != "skipped", r.row))
    return render_template("imports/report.html", job=job, rows=ordered, running=running, reloading=reloading)
