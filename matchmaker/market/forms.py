from datetime import date

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, IntegerField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional, ValidationError

from ..formfields import IndustryField, ListField, no_control_chars, options
from ..idempotency import SubmissionField


class OfferingForm(FlaskForm):
    submission = SubmissionField()  # the same form posted twice creates one offering
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200), no_control_chars])
    description = TextAreaField(_l("Description"), validators=[Optional(), Length(max=4000), no_control_chars])
    categories = IndustryField(_l("Categories"), validators=[Optional()])
    tags = ListField(_l("Capabilities / keywords"), max_items=30)
    submit = SubmitField(_l("Save"))


class NeedForm(FlaskForm):
    submission = SubmissionField()
    title = StringField(_l("What do you want to buy or have made?"), validators=[DataRequired(), Length(max=200), no_control_chars])
    description = TextAreaField(_l("Details (material, size, specification, drawings)"),
                                validators=[Optional(), Length(max=4000), no_control_chars])
    categories = IndustryField(_l("Categories"), validators=[Optional()])
    tags = ListField(_l("Capabilities / keywords"), max_items=30)
    quantity = StringField(_l("Quantity"), validators=[Optional(), Length(max=100), no_control_chars])
    delivery_date = DateField(_l("Desired delivery date"), validators=[Optional()])
    budget_min = IntegerField(_l("Budget from (JPY)"), validators=[Optional(), NumberRange(min=0, max=10**12)])
    budget_max = IntegerField(_l("Budget up to (JPY)"), validators=[Optional(), NumberRange(min=0, max=10**12)])
    required_certifications = ListField(_l("Required certifications"), max_items=10)
    supplier_scope = SelectField(_l("Where may suppliers be?"), choices=options([
        ("local", _l("Local (near our city)")), ("domestic", _l("Anywhere in Japan")),
        ("overseas", _l("Overseas")), ("anywhere", _l("Anywhere")),
    ]), default="anywhere")
    submit = SubmitField(_l("Save"))

    def validate_delivery_date(self, field):
        if field.data is not None and field.data < date.today():
            raise ValidationError(_l("The delivery date may not be in the past."))

    def validate_budget_max(self, field):
        if field.data is not None and self.budget_min.data is not None and field.data < self.budget_min.data:
            raise ValidationError(_l("The upper budget must not be below the lower one."))
