"""WTForms for the HTML pages (CSRF comes with FlaskForm). Domain rules stay in the services."""

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import EmailField, PasswordField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, EqualTo, Length, Optional

from booklib.domain.model import FIELD_LIMITS, MIN_PASSWORD_LENGTH, ReadingStatus

STATUS_CHOICES = [SelectChoice(s.value, s.value.replace("-", " ").capitalize()) for s in ReadingStatus]
RATING_CHOICES = [SelectChoice("", "No rating")] + [SelectChoice(str(n), "★" * n) for n in range(1, 6)]


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


class AddBookForm(FlaskForm):
    isbn = StringField("ISBN", validators=[Optional(), Length(max=40)])
    title = StringField("Title", validators=[Optional(), Length(max=FIELD_LIMITS["title"])])
    author = StringField("Author", validators=[Optional(), Length(max=FIELD_LIMITS["author"])])
    status = SelectField("Status", choices=STATUS_CHOICES, default="to-read")


class EditBookForm(FlaskForm):
    title = StringField("Title", validators=[Optional(), Length(max=FIELD_LIMITS["title"])])
    author = StringField("Author", validators=[Optional(), Length(max=FIELD_LIMITS["author"])])
    genre = StringField("Genre", validators=[Optional(), Length(max=FIELD_LIMITS["genre"])])
    description = TextAreaField("Description", validators=[Optional(), Length(max=FIELD_LIMITS["description"])])
    status = SelectField("Status", choices=STATUS_CHOICES)
    rating = SelectField("Rating", choices=RATING_CHOICES, validate_choice=False)


class ConfirmForm(FlaskForm):
    """An empty form: just the CSRF token, for delete/refresh/logout buttons."""


class ScanForm(FlaskForm):
    image = FileField("Photo of the barcode")


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
