from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SubmitField


class EmptyForm(FlaskForm):
    """A POST-only button that still carries its CSRF token."""

    submit = SubmitField(_l("Confirm"))
