from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField
from wtforms.validators import Length, Optional

DISTANCES = ("", "10", "30", "50", "100", "300")


class SupplierSearchForm(FlaskForm):
    """The supplier search's query and filters (GET, no CSRF)."""

    class Meta:
        csrf = False

    q = StringField(_l("What do you need?"), validators=[Optional(), Length(max=1000)])
    city = StringField(_l("Near"), validators=[Optional(), Length(max=100)])
    distance = SelectField(_l("Distance"), validators=[Optional()])
    category = SelectField(_l("Industry"), validators=[Optional()])
    certification = StringField(_l("Certification"), validators=[Optional(), Length(max=100)])
    language = SelectField(_l("Language"), validators=[Optional()])
    scope = SelectField(_l("Area"), validators=[Optional()])
