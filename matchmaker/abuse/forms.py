"""The report a member fills in, and the note staff write when closing it."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from ..formfields import no_control_chars, options
from .models import CATEGORIES

TEXT_MAX = 2000


def category_label(code: str) -> str:
    return str({
        "spam": _l("Spam or unsolicited advertising"), "harassment": _l("Harassment or threats"),
        "fraud": _l("Fraud or a suspicious request for money"), "inappropriate": _l("Inappropriate content"),
        "other": _l("Other"),
    }.get(code, code))


class ReportForm(FlaskForm):
    category = SelectField(_l("What is wrong?"), validators=[DataRequired()], validate_choice=False)
    text = TextAreaField(_l("Tell the city's staff what happened"),
                         validators=[DataRequired(), Length(max=TEXT_MAX), no_control_chars])
    submit = SubmitField(_l("Report to the city's staff"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.category.choices = options([("", _l("Choose…"))] + [(c, category_label(c)) for c in CATEGORIES])

    def validate_category(self, field):
        if field.data not in CATEGORIES:
            raise ValidationError(_l("Please choose what is wrong."))


class CloseForm(FlaskForm):
    note = TextAreaField(_l("Note (what was done)"), validators=[Optional(), Length(max=TEXT_MAX), no_control_chars])
    submit = SubmitField(_l("Close the report"))
