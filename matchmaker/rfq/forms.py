from datetime import date

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (BooleanField, DateField, DecimalField, IntegerField, MultipleFileField, SelectField,
                     StringField, SubmitField, TextAreaField)
from wtforms.validators import DataRequired, Length, NumberRange, Optional, Regexp, ValidationError

from ..formfields import no_control_chars, options
from ..idempotency import SubmissionField
from .models import CANCEL_REASONS, DECLINE_REASONS

def _today() -> date:
    """Today in the city's time zone (the due dates are the city's days)."""
    from .service import today

    return today()


CURRENCIES = ("JPY", "USD", "EUR", "CNY", "KRW", "TWD", "THB", "VND", "SGD", "MYR", "IDR", "PHP", "INR", "GBP")


def decline_reason_label(code: str) -> str:
    return str({
        "not_our_field": _l("Not our field"), "no_capacity": _l("No capacity at the moment"),
        "quantity_too_small": _l("Quantity too small"), "quantity_too_large": _l("Quantity too large"),
        "delivery_date": _l("Cannot meet the delivery date"), "other": _l("Other reason"),
    }.get(code, code))


def cancel_reason_label(code: str) -> str:
    return str({
        "prices_too_high": _l("Prices higher than expected"), "no_suitable_quote": _l("No suitable quote"),
        "need_changed": _l("Our need changed"), "bought_elsewhere": _l("Bought elsewhere"), "other": _l("Other reason"),
    }.get(code, code))


class RfqForm(FlaskForm):
    submission = SubmissionField()
    title = StringField(_l("What do you want a quote for?"), validators=[DataRequired(), Length(max=200), no_control_chars])
    description = TextAreaField(_l("Details (material, size, specification, drawings)"),
                                validators=[Optional(), Length(max=4000), no_control_chars])
    quantity = DecimalField(_l("Quantity"), places=None, validators=[Optional(), NumberRange(min=0, max=10**9)])
    unit = StringField(_l("Unit"), validators=[Optional(), Length(max=20), no_control_chars],
                       description=_l("e.g. pieces, kg, sets"))
    delivery_date = DateField(_l("Wanted delivery date"), validators=[Optional()])
    delivery_place = StringField(_l("Delivery place"), validators=[Optional(), Length(max=200), no_control_chars])
    due_date = DateField(_l("Quotes due by"), validators=[DataRequired()])
    message = TextAreaField(_l("Message to the suppliers"), validators=[Optional(), Length(max=4000), no_control_chars])
    files = MultipleFileField(_l("Drawings and specifications"))
    submit = SubmitField(_l("Send the request for quotation"))

    def validate_due_date(self, field):
        if field.data is not None and field.data < _today():
            raise ValidationError(_l("The due date may not be in the past."))

    def validate_delivery_date(self, field):
        if field.data is not None and self.due_date.data is not None and field.data < self.due_date.data:
            raise ValidationError(_l("The delivery date may not be before the due date of the quotes."))


class QuoteForm(FlaskForm):
    submission = SubmissionField()
    amount = DecimalField(_l("Amount"), places=None, validators=[DataRequired(), NumberRange(min=0, max=10**13)])
    currency = SelectField(_l("Currency"), choices=options((c, c) for c in CURRENCIES), default="JPY")
    price_basis = SelectField(_l("Price"), choices=options([("lump_sum", _l("Lump sum")), ("unit", _l("Per unit"))]),
                              default="lump_sum")
    lead_time_days = IntegerField(_l("Lead time (days)"), validators=[Optional(), NumberRange(min=0, max=3650)])
    valid_until = DateField(_l("Valid until"), validators=[Optional()])
    notes = TextAreaField(_l("Notes (conditions, what is included)"),
                          validators=[Optional(), Length(max=4000), no_control_chars])
    files = MultipleFileField(_l("Attachments"))
    submit = SubmitField(_l("Send the quote"))

    def validate_valid_until(self, field):
        if field.data is not None and field.data < _today():
            raise ValidationError(_l("The quote cannot be valid until a day in the past."))


class DeclineForm(FlaskForm):
    reason = SelectField(_l("Reason"), choices=options((c, decline_reason_label(c)) for c in DECLINE_REASONS),
                         validators=[DataRequired()])
    note = TextAreaField(_l("A word to the buyer (optional)"), validators=[Optional(), Length(max=2000), no_control_chars])
    submit = SubmitField(_l("Decline"))

    def validate_note(self, field):
        if self.reason.data == "other" and not (field.data or "").strip():
            raise ValidationError(_l("Please say why."))


class CancelForm(FlaskForm):
    reason = SelectField(_l("Reason"), choices=options((c, cancel_reason_label(c)) for c in CANCEL_REASONS))
    note = TextAreaField(_l("A word to the suppliers (optional)"), validators=[Optional(), Length(max=2000), no_control_chars])
    submit = SubmitField(_l("Close without an order"))


class AwardForm(FlaskForm):
    keep_need_open = BooleanField(_l("Keep our need open (we still look for more)"))
    note = TextAreaField(_l("A word to the suppliers not selected (optional)"),
                         validators=[Optional(), Length(max=2000), no_control_chars])
    submit = SubmitField(_l("Award"))


class MessageForm(FlaskForm):
    submission = SubmissionField()
    body = TextAreaField(_l("Message"), validators=[DataRequired(), Length(max=4000), no_control_chars])
    files = MultipleFileField(_l("Attachments"))
    submit = SubmitField(_l("Send"))


class InquiryForm(MessageForm):
    subject = StringField(_l("Subject"), validators=[DataRequired(), Length(max=200), no_control_chars])


class RatesForm(FlaskForm):
    submit = SubmitField(_l("Convert"))


CURRENCY_CODE = Regexp(r"^[A-Z]{3}$")
