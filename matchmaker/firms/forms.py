from datetime import date

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (BooleanField, FieldList, FloatField, Form, FormField, IntegerField, SelectField, StringField,
                     SubmitField, TextAreaField)
from wtforms.validators import URL, DataRequired, Length, NumberRange, Optional, ValidationError

from ..formfields import IdField, IndustryField, LanguagesField, ListField, no_control_chars, options
from ..models import EMPLOYEE_RANGES


class MemberContactForm(Form):
    """One member of the firm: shown as a contact person or not, and the department shown with the name."""

    user_id = IdField()
    shown = BooleanField(_l("Show as a contact person"))
    department = StringField(_l("Department"), validators=[Optional(), Length(max=100), no_control_chars])


class FirmForm(FlaskForm):
    name = StringField(_l("Company name"), validators=[DataRequired(), Length(max=200), no_control_chars])
    name_en = StringField(_l("Company name in English"), validators=[Optional(), Length(max=200), no_control_chars])
    name_kana = StringField(_l("Reading (kana)"), validators=[Optional(), Length(max=200), no_control_chars])
    description_ja = TextAreaField(_l("Description (Japanese)"), validators=[Optional(), Length(max=4000), no_control_chars])
    description_en = TextAreaField(_l("Description (English)"), validators=[Optional(), Length(max=4000), no_control_chars])
    website = StringField(_l("Website"), validators=[Optional(), Length(max=300),
                                                      URL(require_tld=True, message=_l("Enter a full address such as https://example.com"))])
    country = SelectField(_l("Country"))
    prefecture = StringField(_l("Prefecture / region"), validators=[Optional(), Length(max=100), no_control_chars])
    city = StringField(_l("City / municipality"), validators=[DataRequired(), Length(max=100), no_control_chars])
    address = StringField(_l("Address"), validators=[Optional(), Length(max=300), no_control_chars])
    # Optional fine adjustment (the page keeps it under "Advanced"); by default the position is the
    # municipality's centre (service.apply_location).
    latitude = FloatField(_l("Latitude"), validators=[Optional(), NumberRange(min=-90, max=90)])
    longitude = FloatField(_l("Longitude"), validators=[Optional(), NumberRange(min=-180, max=180)])
    employees = SelectField(_l("Employees"), choices=options([("", "—")] + [(e, e) for e in EMPLOYEE_RANGES]), validators=[Optional()])
    founded_year = IntegerField(_l("Founded (year)"), validators=[Optional()])
    industries = IndustryField(_l("Industries"), validators=[Optional()])
    tags = ListField(_l("Capabilities (processes, materials, products, services)"), max_items=40)
    equipment = ListField(_l("Equipment"), max_items=60, max_length=200)
    certifications = ListField(_l("Certifications"), max_items=20)
    languages = LanguagesField(_l("Languages you do business in"), validators=[Optional()])
    overseas_interest = BooleanField(_l("Interested in overseas business (export or sourcing abroad)"))
    contacts = FieldList(FormField(MemberContactForm), max_entries=200)
    submit = SubmitField(_l("Save profile"))

    def validate_founded_year(self, field):
        if field.data is not None and not 1600 <= field.data <= date.today().year:
            raise ValidationError(_l("Enter a year between 1600 and this year."))

    def validate(self, extra_validators=None):
        ok = super().validate(extra_validators)
        if (self.latitude.data is None) != (self.longitude.data is None):
            (self.longitude if self.latitude.data is not None else self.latitude).errors.append(
                _l("Give both latitude and longitude, or neither.")
            )
            ok = False
        return ok


class DirectoryForm(FlaskForm):
    """The directory's filters (GET, no CSRF)."""

    class Meta:
        csrf = False

    q = StringField(_l("Name or keyword"), validators=[Optional(), Length(max=200), no_control_chars])
    city = StringField(_l("City"), validators=[Optional(), Length(max=100), no_control_chars])
    industry = SelectField(_l("Industry"), validators=[Optional()])
    certification = StringField(_l("Certification"), validators=[Optional(), Length(max=100), no_control_chars])
    language = SelectField(_l("Language"), validators=[Optional()])
    area = SelectField(_l("Area"), validators=[Optional()])
    verified = BooleanField(_l("Verified by the city only"))
