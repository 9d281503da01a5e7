from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    DateField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
    TimeField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from ..formfields import IdField, no_control_chars, options, parse_id
from .slots import compute_slots

PRIORITY_CHOICES = [(3, _l("High")), (2, _l("Normal")), (1, _l("Low"))]


class FairForm(FlaskForm):
    name_ja = StringField(_l("Name (Japanese)"), validators=[DataRequired(), Length(max=200), no_control_chars])
    name_en = StringField(_l("Name (English)"), validators=[Optional(), Length(max=200), no_control_chars])
    description_ja = TextAreaField(_l("Description (Japanese)"), validators=[Optional(), Length(max=4000), no_control_chars])
    description_en = TextAreaField(_l("Description (English)"), validators=[Optional(), Length(max=4000), no_control_chars])
    venue = StringField(_l("Venue"), validators=[DataRequired(), Length(max=300), no_control_chars])
    venue_en = StringField(_l("Venue (English)"), validators=[Optional(), Length(max=300), no_control_chars])
    start_date = DateField(_l("First day"), validators=[InputRequired()])
    end_date = DateField(_l("Last day"), validators=[InputRequired()])
    day_start = TimeField(_l("Meetings start at"), validators=[InputRequired()])
    day_end = TimeField(_l("Meetings end at"), validators=[InputRequired()])
    meeting_minutes = IntegerField(_l("Meeting length (minutes)"), default=20,
                                   validators=[InputRequired(), NumberRange(min=1, max=240,
                                               message=_l("The meeting length must be between 1 and 240 minutes."))])
    break_minutes = IntegerField(_l("Break between meetings (minutes)"), default=5,
                                 validators=[InputRequired(), NumberRange(min=0, max=120,
                                             message=_l("The break must be between 0 and 120 minutes."))])
    lunch_start = TimeField(_l("Lunch break from"), validators=[Optional()])
    lunch_end = TimeField(_l("Lunch break until"), validators=[Optional()])
    tables = IntegerField(_l("Number of tables"), default=10,
                          validators=[InputRequired(), NumberRange(min=1, max=500,
                                      message=_l("There must be between 1 and 500 tables."))])
    registration_deadline = DateField(_l("Registration deadline"), validators=[InputRequired()])
    eligibility = SelectField(_l("Which firms may take part?"), choices=options([
        ("local", _l("Local firms only (near the city)")),
        ("domestic", _l("Firms in Japan")),
        ("international", _l("Firms from anywhere, also abroad")),
    ]), default="local")
    submit = SubmitField(_l("Save"))

    def validate_end_date(self, field):
        if field.data and self.start_date.data and field.data < self.start_date.data:
            raise ValidationError(_l("The last day must not be before the first day."))
        if field.data and self.start_date.data and (field.data - self.start_date.data).days > 13:
            raise ValidationError(_l("A fair may last at most 14 days."))

    def validate_day_end(self, field):
        if field.data and self.day_start.data and field.data <= self.day_start.data:
            raise ValidationError(_l("The meetings must end after they start."))

    def validate_lunch_end(self, field):
        start = self.lunch_start.data
        if start and field.data:
            if field.data <= start:
                raise ValidationError(_l("The lunch break must end after it starts."))
            if self.day_start.data and self.day_end.data and (start < self.day_start.data or field.data > self.day_end.data):
                raise ValidationError(_l("The lunch break must lie within the meeting hours."))

    def validate_registration_deadline(self, field):
        if field.data and self.start_date.data and field.data > self.start_date.data:
            raise ValidationError(_l("The registration deadline may not be after the fair starts."))

    def validate(self, extra_validators=None) -> bool:
        ok = super().validate(extra_validators)
        if (self.lunch_start.data is None) != (self.lunch_end.data is None) and not self.lunch_end.errors:
            self.lunch_end.errors = list(self.lunch_end.errors) + [
                _l("Give both the start and the end of the lunch break, or neither.")]
            ok = False
        if ok:
            slots = compute_slots(self.start_date.data, self.end_date.data, self.day_start.data, self.day_end.data,
                                  self.meeting_minutes.data, self.break_minutes.data, self.lunch_start.data,
                                  self.lunch_end.data)
            if not slots:
                self.meeting_minutes.errors.append(
                    _l("No meeting fits into the meeting hours with these settings."))
                ok = False
            elif len(slots) > 200:
                self.meeting_minutes.errors.append(_l("These settings give more than 200 slots; use longer meetings or fewer days."))
                ok = False
        return ok


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class RegistrationForm(FlaskForm):
    seeks = TextAreaField(_l("What we seek at this fair"), validators=[Optional(), Length(max=2000), no_control_chars])
    offers = TextAreaField(_l("What we offer at this fair"), validators=[Optional(), Length(max=2000), no_control_chars])
    first_slot = SelectField(_l("We arrive for"), validate_choice=True)
    last_slot = SelectField(_l("We leave after"), validate_choice=True)
    slots = MultiCheckboxField(_l("Or tick the slots we are present"), validate_choice=True)
    max_meetings = IntegerField(_l("At most this many meetings"), validators=[Optional(), NumberRange(
        min=1, max=200, message=_l("The maximum number of meetings must be at least 1."))])
    submit = SubmitField(_l("Save registration"))

    def setup(self, slots, locale_fmt) -> None:
        choices = [(s.key, locale_fmt(s)) for s in slots]
        self.first_slot.choices = options(choices)
        self.last_slot.choices = options(choices)
        self.slots.choices = options(choices)
        self._slot_order = [s.key for s in slots]

    def validate(self, extra_validators=None) -> bool:
        ok = super().validate(extra_validators)
        if ok and not (self.seeks.data or "").strip() and not (self.offers.data or "").strip():
            self.seeks.errors.append(_l("Say what you seek or what you offer (or both)."))
            ok = False
        if ok:
            order = self._slot_order
            if order.index(self.last_slot.data) < order.index(self.first_slot.data):
                self.last_slot.errors.append(_l("The last slot must not be before the first one."))
                ok = False
        return ok

    def chosen_slots(self) -> list[str] | None:
        """The slots ticked within first..last; None when that is every slot of the fair."""
        order = self._slot_order
        lo, hi = order.index(self.first_slot.data), order.index(self.last_slot.data)
        window = order[lo:hi + 1]
        if self.slots.data:
            window = [k for k in window if k in set(self.slots.data)]
        return None if window == order else window

    def validate_max_meetings(self, field):
        if field.data is not None and self._slot_order and field.data > len(self._slot_order):
            raise ValidationError(_l("There are only %(n)d slots at this fair.", n=len(self._slot_order)))


class RequestForm(FlaskForm):
    target = IdField(message=_l("This firm does not take part in this fair."))
    message = TextAreaField(_l("Short message"), validators=[Optional(), Length(max=500), no_control_chars])
    priority = RadioField(_l("Priority"), choices=options(PRIORITY_CHOICES), coerce=int, default=2,
                          validators=[InputRequired(message=_l("Choose a priority."))])
    submit = SubmitField(_l("Ask for a meeting"))


class AnswerForm(FlaskForm):
    answer = HiddenField(validators=[DataRequired()])
    priority = SelectField(_l("Your priority"), choices=options(PRIORITY_CHOICES), coerce=int, default=2)
    submit = SubmitField(_l("Send"))

    def validate_answer(self, field):
        if field.data not in ("accept", "decline"):
            raise ValidationError(_l("Unknown answer."))


class PairingForm(FlaskForm):
    a = SelectField(_l("Firm"), coerce=parse_id, validate_choice=True)
    b = SelectField(_l("meets firm"), coerce=parse_id, validate_choice=True)
    priority = SelectField(_l("Priority"), choices=options(PRIORITY_CHOICES), coerce=int, default=2)
    submit = SubmitField(_l("Add pairing"))

    def validate_b(self, field):
        if field.data is not None and field.data == self.a.data:
            raise ValidationError(_l("A firm cannot meet itself."))


class MoveForm(FlaskForm):
    slot = SelectField(_l("Slot"), validate_choice=True)
    table = IntegerField(_l("Table"), validators=[InputRequired(), NumberRange(min=1, message=_l("Tables start at 1."))])
    submit = SubmitField(_l("Move"))


class FollowUpForm(FlaskForm):
    held = SelectField(_l("Did the meeting take place?"), choices=options([("yes", _l("Yes")), ("no", _l("No"))]))
    outcome = SelectField(_l("Outcome"), choices=options([
        ("nothing", _l("Nothing further")), ("talks", _l("Further talks")),
        ("quote", _l("Quote requested")), ("order", _l("Order placed")),
    ]))
    # for an order: who bought from whom, and how much (recorded as a deal, like an award)
    direction = SelectField(_l("Who ordered?"), choices=options([
        ("we_bought", _l("We ordered from them")), ("they_bought", _l("They ordered from us")),
    ]), default="we_bought")
    amount_jpy = IntegerField(_l("Order amount in yen (optional)"), validators=[Optional(), NumberRange(min=0, max=10**13)])
    submit = SubmitField(_l("Save"))
