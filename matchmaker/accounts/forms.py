from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, PasswordField, SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, Email, EqualTo, Length, Optional, ValidationError

from .. import locality
from ..formfields import IndustryField, no_control_chars, options
from .passwords import password_problem

LOCALE_CHOICES = [("ja", "日本語"), ("en", "English")]


class LoginForm(FlaskForm):
    email = StringField(_l("Email"), validators=[DataRequired(), Email(), Length(max=254)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=200)])
    remember = BooleanField(_l("Keep me signed in"))
    submit = SubmitField(_l("Log in"))


class PasswordRules:
    """The password rule of passwords.py; the form's name, e-mail and firm name count as easy guesses."""

    def __call__(self, form, field):
        personal = [getattr(getattr(form, name, None), "data", "") or "" for name in ("name", "email", "firm_name")]
        if current_user.is_authenticated:
            personal += [current_user.name, current_user.email]
        problem = password_problem(field.data or "", *personal)
        if problem:
            raise ValidationError(problem)


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
    country = SelectField(_l("Country"), default=locality.home_country)  # the city's own country first
    city = StringField(_l("City / municipality"), validators=[DataRequired(), Length(max=100), no_control_chars])
    industries = IndustryField(_l("Industry"), validators=[Optional()])
    accept = BooleanField(_l("I confirm that the information about my company is accurate and may be shown publicly."),
                          validators=[DataRequired(message=_l("Please confirm to continue."))])
    accept_terms = BooleanField(_l("I agree to the terms of use and the privacy policy."),
                                validators=[DataRequired(message=_l("Please accept the terms of use to register."))])
    # the versions the page showed; registration records them (legal/service.py)
    terms_version = HiddenField()
    privacy_version = HiddenField()
    submit = SubmitField(_l("Create account"))

    # Whether the address already has an account is never said here (no probing for accounts): the
    # page after registering is the same, and the owner of the address gets a mail (routes.py).


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


class ForgotPasswordForm(FlaskForm):
    email = StringField(_l("Email"), validators=[DataRequired(), Email(), Length(max=254)])
    submit = SubmitField(_l("Send me a link"))


class ResetPasswordForm(FlaskForm):
    password = PasswordField(_l("New password"), validators=[DataRequired(), Length(max=200), PasswordRules()])
    password2 = PasswordField(
        _l("Repeat new password"), validators=[DataRequired(), EqualTo("password", message=_l("Passwords do not match."))]
    )
    submit = SubmitField(_l("Set the new password"))


class DeleteAccountForm(FlaskForm):
    password = PasswordField(_l("Your password"), validators=[DataRequired(), Length(max=200)])
    delete_firm = BooleanField(_l("Also delete our firm, its profile, offerings and needs"))
    confirm = BooleanField(_l("I understand that this cannot be undone."),
                           validators=[DataRequired(message=_l("Please confirm to continue."))])
    submit = SubmitField(_l("Delete"))


class ApiTokenForm(FlaskForm):
    token_name = StringField(_l("Token name"), validators=[DataRequired(), Length(max=100), no_control_chars])
    scope_read = BooleanField(_l("Read (your firm's own listings, including closed ones)"), default=True)
    scope_write = BooleanField(_l("Write (your firm's profile, offerings and needs)"))
    scope_organizer = BooleanField(_l("Organizer (trade fairs and indicators)"))
    expires = SelectField(_l("Valid for"), choices=options([("30", _l("30 days")), ("90", _l("90 days")),
                                                            ("365", _l("1 year")), ("", _l("No expiry"))]),
                          default="90")
    create_token = SubmitField(_l("Create token"))
