"""The stats page: this year's (or any year's) reading in numbers and charts, and the yearly goal."""

from calendar import month_abbr

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from wtforms import HiddenField, IntegerField
from wtforms.validators import NumberRange, Optional

from booklib.domain.errors import ValidationError
from booklib.domain.stats import MAX_GOAL

from . import current
from .forms import attach_error

bp = Blueprint("stats", __name__, url_prefix="/stats")


class GoalForm(FlaskForm):
    year = HiddenField()
    books = IntegerField("Books to read this year", validators=[Optional(), NumberRange(1, MAX_GOAL)],
                         description="Leave empty for no goal.")


def _page(year, form: GoalForm, status: int = 200):
    from .charts import bar_chart  # loaded with the first stats page, not at every cold start

    figures = current.stats().overview(current_user.id, year)
    months = [(month_abbr[int(m["month"][5:])], m["books"]) for m in figures["months"]]
    pages = [(month_abbr[int(m["month"][5:])], m["pages"]) for m in figures["months"]]
    ratings = [(f"{r['rating']}★", r["count"]) for r in figures["ratings"]]
    charts = {
        "books": bar_chart(f"Books finished per month in {figures['year']}", months, "books"),
        "pages": bar_chart(f"Pages read per month in {figures['year']}", pages, "pages"),
        "ratings": bar_chart("Your ratings", ratings, "books"),
    }
    if figures["years"]:
        charts["years"] = bar_chart("Books finished per year", [(str(y["year"]), y["books"]) for y in figures["years"]],
                                    "books")
    if not form.is_submitted():
        form.year.data = figures["year"]
        form.books.data = figures["goal"]["books"] if figures["goal"] else None
    return render_template("stats/index.html", figures=figures, charts=charts, form=form), status


@bp.get("")
@login_required
def index():
    return _page(request.args.get("year"), GoalForm())


@bp.post("/goal")
@login_required
def goal():
    form = GoalForm()
    if form.validate_on_submit():
        try:
            set_to = current.stats().set_goal(current_user.id, form.year.data, form.books.data)
        except ValidationError as exc:
            attach_error(form, exc)
        else:
            flash(f"Goal set: {set_to['books']} books in {set_to['year']}." if set_to else "Goal removed.", "success")
            return redirect(url_for("stats.index", year=form.year.data))
    return _page(form.year.data, form, 400)
