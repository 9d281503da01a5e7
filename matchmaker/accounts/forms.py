from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, PasswordField, SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, Email, EqualTo, Length, Optional, ValidationError

from ..formfields import IndustryField, no_control_chars, options
from ..security import email_taken

LOCALE_CHOICES = [("ja", "日本語"), ("en", "English")]


class LoginForm(FlaskForm):
    email = StringField(_l("Email"), validators=[DataRequired(), Email(), Length(max=254)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=200)])
    remember = BooleanField(_l("Keep me signed in"))
    submit = SubmitField(_l("Log in"))


class PasswordRules:
    def __call__(self, form, field):
        pw = field.data or ""
        if len(pw) < 10:
            raise ValidationError(_l("Use at least 10 characters."))
        if pw.isdigit() or pw.isalpha():
            raise ValidationError(_l("Mix letters with digits or symbols."))


class RegisterForm(FlaskForm):
    name = StringField(_l("Your name"), validators=[DataRequired(), Length(max=100), no_control_chars])
    email = StringField(_l("Email"), validators=[DataRequired(), Email(), Length(max=254)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=200), PasswordRules()])
    password2 = PasswordField(
        _l("Repeat password"), validators=[DataRequired(), EqualTo("password", message=_l("Passwords do not match."))]
    )
    locale = SelectField(_l("Language"), choices=options(LOCALE_CHOICES), default="ja")
    firm_name = StringField(_l("Company name"), validators=[DataRequired(), Length(max=200), no_control_chars])
    firm_name_en = StringField(_l("Company name in English"), validators=[Optional(), Length(max=200), no_control_chars])
    country = SelectField(_l("Country"), default="JP")
    city = StringField(_l("City / municipality"), validators=[DataRequired(), Length(max=100), no_control_chars])
    industries = IndustryField(_l("Industry"), validators=[Optional()])
    accept = BooleanField(_l("I confirm that the information about my company is accurate and may be shown publicly."),
                          validators=[DataRequired(message=_l("Please confirm to continue."))])
    submit = SubmitField(_l("Create account"))

    def validate_email(self, field):
        # Only a well-formed address is looked up (a NUL byte in the query fails on PostgreSQL).
        if not field.errors and email_taken(field.data):
            raise ValidationError(_l("An account with this email already exists."))


class SettingsForm(FlaskForm):
    name = StringField(_l("Your name"), validators=[DataRequired(), Length(max=100), no_control_chars])
    locale = SelectField(_l("Language"), choices=options(LOCALE_CHOICES))
    submit = SubmitField(_l("Save"))


class PasswordForm(FlaskForm):
    current = PasswordField(_l("Current password"), validators=[DataRequired()])
    password = PasswordField(_l("New password"), validators=[DataRequired(), Length(max=200), PasswordRules()])
    password2 = PasswordField(
        _l("Repeat new password"), validators=[DataRequired(), EqualTo("password", message=_l("Passwords do not match."))]
    )
    submit = SubmitField(_l("Change password"))
