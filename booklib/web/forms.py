"""WTForms for the HTML pages (CSRF comes with FlaskForm). Domain rules stay in the services."""

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    DateField,
    EmailField,
    FieldList,
    Form,
    FormField,
    HiddenField,
    PasswordField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, EqualTo, Length, Optional
from wtforms.widgets import NumberInput

from booklib.domain.model import (
    FIELD_LIMITS,
    MAX_PAGE_COUNT,
    MAX_READS,
    MIN_PASSWORD_LENGTH,
    PERSONAL_LIMITS,
    ReadingStatus,
)

STATUS_CHOICES = [SelectChoice(s.value, s.value.replace("-", " ").capitalize()) for s in ReadingStatus]
RATING_CHOICES = [SelectChoice("", "No rating")] + [SelectChoice(str(n), "★" * n) for n in range(1, 6)]
# One spelling per status, wherever a page names one.
STATUS_LABELS = {s.value: s.value.replace("-", " ").capitalize() for s in ReadingStatus}


def _half_stars(value: float) -> str:
    whole, half = int(value), value % 1 >= 0.5
    return "★" * whole + ("½" if half else "")


def _rating_value(value: float) -> str:
    """The rating as the entry stores it and the select submits it: "4", "4.5"."""
    return str(int(value)) if float(value).is_integer() else str(value)


# No rating, then ½ (0.5) … ★★★★★ (5): half steps, as the domain takes them.
HALF_STAR_CHOICES = [SelectChoice("", "No rating")] + [
    SelectChoice(_rating_value(n / 2), f"{_half_stars(n / 2)} ({_rating_value(n / 2)})") for n in range(1, 11)
]


class RegisterForm(FlaskForm):
    username = StringField("Username", validators=[DataRequired(), Length(3, 30)])
    email = EmailField("Email", validators=[DataRequired(), Length(max=254)])
    password = PasswordField("Password", validators=[DataRequired(), Length(min=MIN_PASSWORD_LENGTH)])
    confirm_password = PasswordField(
        "Confirm password", validators=[DataRequired(), EqualTo("password", message="The passwords differ.")]
    )


class LoginForm(FlaskForm):
    email = EmailField("Email", validators=[DataRequired()])
    password = PasswordField("Password", validators=[DataRequired()])
    remember = BooleanField("Remember me on this device")


class AddBookForm(FlaskForm):
    isbn = StringField("ISBN", validators=[Optional(), Length(max=40)])
    title = StringField("Title", validators=[Optional(), Length(max=FIELD_LIMITS["title"])])
    author = StringField("Author", validators=[Optional(), Length(max=FIELD_LIMITS["author"])])
    status = SelectField("Status", choices=STATUS_CHOICES, default="to-read")


class ReadForm(Form):
    """One read-through on the edit page: two days, and a box to remove it. `existing` marks a row
    shown from the entry (kept even without dates), as against the empty row for adding a read."""

    started_on = DateField("Started", validators=[Optional()])
    finished_on = DateField("Finished", validators=[Optional()])
    remove = BooleanField("Remove this read")
    existing = HiddenField()


class EditBookForm(FlaskForm):
    title = StringField("Title", validators=[Optional(), Length(max=FIELD_LIMITS["title"])])
    author = StringField("Author", validators=[Optional(), Length(max=FIELD_LIMITS["author"])])
    genre = StringField("Genre", validators=[Optional(), Length(max=FIELD_LIMITS["genre"])])
    description = TextAreaField("Description", validators=[Optional(), Length(max=FIELD_LIMITS["description"])])
    status = SelectField("Status", choices=STATUS_CHOICES)
    rating = SelectField("Rating", choices=HALF_STAR_CHOICES, validate_choice=False)
    # Checked by the service (parse_tags, parse_page_count), whose messages land next to the field.
    tags = StringField("Tags")
    page_count = StringField("Pages", widget=NumberInput(min=1, max=MAX_PAGE_COUNT, step=1))
    review = TextAreaField("Review", validators=[Optional(), Length(max=PERSONAL_LIMITS["review"])])
    notes = TextAreaField("Private notes", validators=[Optional(), Length(max=PERSONAL_LIMITS["notes"])])
    reads = FieldList(FormField(ReadForm), max_entries=MAX_READS + 1)


class ConfirmForm(FlaskForm):
    """An empty form: just the CSRF token, for delete/refresh/logout buttons."""


class ScanForm(FlaskForm):
    image = FileField("Photo of the barcode")


class ImportForm(FlaskForm):
    file = FileField("Export file (CSV)")


def has_errors(form) -> bool:
    return bool(form.form_errors) or any(field.errors for field in form)


def attach_error(form, error) -> None:
    """Show a domain error next to the field it names, or above the form."""
    field = getattr(form, error.field, None) if error.field else None
    (field.errors if field is not None else form.form_errors).append(error.message)


class ChangePasswordForm(FlaskForm):
    current_password = PasswordField("Current password", validators=[DataRequired()])
    new_password = PasswordField("New password", validators=[DataRequired(), Length(min=MIN_PASSWORD_LENGTH)])
    confirm_password = PasswordField(
        "Confirm new password", validators=[DataRequired(), EqualTo("new_password", message="The passwords differ.")]
    )


class DeleteAccountForm(FlaskForm):
    password = PasswordField("Your password, to confirm", validators=[DataRequired()])
