"""The API's request and response schemas (marshmallow). flask-smorest validates requests with them,
serialises responses through them and writes the OpenAPI document from them: one source."""
from __future__ import annotations

from datetime import date

from marshmallow import RAISE, Schema, ValidationError, fields, validate, validates, validates_schema

from .. import reference
from ..models import EMPLOYEE_RANGES, SUPPLIER_SCOPES
from .models import WEBHOOK_EVENTS

MAX_TEXT = 4000
MAX_LIMIT = 100


def _no_control(value: str) -> None:
    if any(ord(ch) < 32 and ch not in "\n\r\t" for ch in value):
        raise ValidationError("contains control characters")


def _line(value: str) -> None:
    if any(ord(ch) < 32 for ch in value):
        raise ValidationError("contains control characters")


def Text(max_len: int, required: bool = False, multiline: bool = False, **kw):  # noqa: N802
    return fields.String(required=required, validate=[validate.Length(max=max_len),
                                                      _no_control if multiline else _line], **kw)


def TextList(max_items: int, max_len: int = 100, **kw):  # noqa: N802
    return fields.List(fields.String(validate=[validate.Length(min=1, max=max_len), _line]),
                       validate=validate.Length(max=max_items), **kw)


def _industry(value: str) -> None:
    if reference.industry(value) is None:
        raise ValidationError(f"unknown industry code '{value}'")


def _language(value: str) -> None:
    if not reference.is_language(value):
        raise ValidationError(f"unknown language code '{value}'")


class StrictSchema(Schema):
    class Meta:
        unknown = RAISE  # an unknown field is an error, not silently dropped
        ordered = True


# ------------------------------------------------------------------ paging


class PageArgs(StrictSchema):
    limit = fields.Integer(load_default=20, validate=validate.Range(min=1, max=MAX_LIMIT),
                           metadata={"description": f"How many items (1-{MAX_LIMIT})."})
    cursor = fields.String(validate=validate.Length(max=200),
                           metadata={"description": "The opaque `next_cursor` of the previous page."})


class PageSchema(Schema):
    next_cursor = fields.String(allow_none=True, required=True,
                                metadata={"description": "Pass as `cursor` for the next page; null on the last."})


# ------------------------------------------------------------------ reference data


class IndustrySchema(Schema):
    code = fields.String(required=True)
    level = fields.String(required=True, metadata={"enum": ["major", "middle", "minor", "detail"]})
    parent = fields.String(required=True, allow_none=True)
    label = fields.String(required=True)
    name_ja = fields.String(required=True)
    name_en = fields.String(required=True)


class IndustryPage(PageSchema):
    items = fields.List(fields.Nested(IndustrySchema), required=True)


class IndustryArgs(PageArgs):
    level = fields.String(validate=validate.OneOf(["major", "middle", "minor", "detail"]))


class ConceptSchema(Schema):
    id = fields.String(required=True)
    kind = fields.String(required=True)
    parent = fields.String(required=True, allow_none=True)
    label = fields.String(required=True)
    ja = fields.String(required=True)
    en = fields.String(required=True)


class ConceptPage(PageSchema):
    items = fields.List(fields.Nested(ConceptSchema), required=True)


class ConceptArgs(PageArgs):
    kind = fields.String(validate=validate.OneOf(["process", "material", "product", "service", "equipment",
                                                  "certification", "industry", "other"]))


# ------------------------------------------------------------------ firms


class FirmSummarySchema(Schema):
    id = fields.Integer(required=True)
    name = fields.String(required=True, metadata={"description": "In the request's language where the firm gave one."})
    city = fields.String(required=True)
    country = fields.String(required=True)


class FirmSchema(Schema):
    id = fields.Integer(required=True)
    name = fields.String(required=True)
    name_ja = fields.String(required=True)
    name_en = fields.String(required=True)
    name_kana = fields.String(required=True)
    description = fields.String(required=True)
    description_ja = fields.String(required=True)
    description_en = fields.String(required=True)
    website = fields.String(required=True)
    address = fields.String(required=True)
    city = fields.String(required=True)
    prefecture = fields.String(required=True)
    country = fields.String(required=True)
    latitude = fields.Float(required=True, allow_none=True)
    longitude = fields.Float(required=True, allow_none=True)
    locality = fields.String(required=True, metadata={"enum": ["local", "domestic", "overseas"]})
    employees = fields.String(required=True)
    founded_year = fields.Integer(required=True, allow_none=True)
    overseas_interest = fields.Boolean(required=True)
    industries = fields.List(fields.String(), required=True)
    tags = fields.List(fields.String(), required=True)
    certifications = fields.List(fields.String(), required=True)
    languages = fields.List(fields.String(), required=True)
    equipment = fields.List(fields.String(), required=True)
    listed = fields.Boolean(required=True, metadata={"description": "Shown in the public directory."})
    updated_at = fields.DateTime(required=True, format="iso")


class FirmPage(PageSchema):
    items = fields.List(fields.Nested(FirmSchema), required=True)


class FirmArgs(PageArgs):
    q = Text(200, metadata={"description": "Name or keyword."})
    city = Text(100)
    industry = fields.String(validate=_industry, metadata={"description": "JSIC code; includes its sub-codes."})
    certification = Text(100)
    language = fields.String(validate=_language)
    area = fields.String(validate=validate.OneOf(["local", "domestic", "overseas"]))


class FirmUpdateSchema(StrictSchema):
    """A partial update of the caller's own firm; fields left out keep their values."""
    name = Text(200)
    name_en = Text(200)
    name_kana = Text(200)
    description_ja = Text(MAX_TEXT, multiline=True)
    description_en = Text(MAX_TEXT, multiline=True)
    website = fields.String(validate=[validate.Length(max=300), validate.URL(schemes={"http", "https"})])
    address = Text(300)
    city = Text(100, metadata={"description": "A Japanese municipality must be known (藤沢市 or Fujisawa)."})
    country = fields.String(validate=validate.Regexp(r"^[A-Z]{2}$"))
    prefecture = Text(100)
    employees = fields.String(validate=validate.OneOf([""] + list(EMPLOYEE_RANGES)))
    founded_year = fields.Integer(allow_none=True, validate=validate.Range(min=1600, max=2100))
    overseas_interest = fields.Boolean()
    industries = fields.List(fields.String(validate=_industry), validate=validate.Length(max=10))
    tags = TextList(40)
    certifications = TextList(20)
    languages = fields.List(fields.String(validate=_language), validate=validate.Length(max=20))
    equipment = TextList(60, 200)

    @validates("name")
    def _name(self, value, **kw):
        if not value.strip():
            raise ValidationError("may not be empty")


# ------------------------------------------------------------------ offerings and needs


class ListingArgs(PageArgs):
    q = Text(200, metadata={"description": "Words in the title or description."})
    firm_id = fields.Integer(validate=validate.Range(min=1, max=2**31 - 1))
    status = fields.String(metadata={"description": "Another status than the open one: only for your own firm "
                                                    "(with a token)."})


class OfferingSchema(Schema):
    id = fields.Integer(required=True)
    firm = fields.Nested(FirmSummarySchema, required=True)
    title = fields.String(required=True)
    description = fields.String(required=True)
    categories = fields.List(fields.String(), required=True)
    tags = fields.List(fields.String(), required=True)
    status = fields.String(required=True, metadata={"enum": ["active", "closed"]})
    created_at = fields.DateTime(required=True, format="iso")
    updated_at = fields.DateTime(required=True, format="iso")


class OfferingPage(PageSchema):
    items = fields.List(fields.Nested(OfferingSchema), required=True)


class NeedSchema(OfferingSchema):
    status = fields.String(required=True, metadata={"enum": ["open", "closed", "fulfilled"]})
    quantity = fields.String(required=True)
    delivery_date = fields.Date(required=True, allow_none=True)
    budget_min = fields.Integer(required=True, allow_none=True)
    budget_max = fields.Integer(required=True, allow_none=True)
    required_certifications = fields.List(fields.String(), required=True)
    supplier_scope = fields.String(required=True, metadata={"enum": list(SUPPLIER_SCOPES)})


class NeedPage(PageSchema):
    items = fields.List(fields.Nested(NeedSchema), required=True)


class OfferingInput(StrictSchema):
    title = Text(200, required=True)
    description = Text(MAX_TEXT, multiline=True)
    categories = fields.List(fields.String(validate=_industry), validate=validate.Length(max=10))
    tags = TextList(30)

    @validates("title")
    def _title(self, value, **kw):
        if not value.strip():
            raise ValidationError("may not be empty")


class OfferingPatch(OfferingInput):
    title = Text(200)
    status = fields.String(validate=validate.OneOf(["active", "closed"]),
                           metadata={"description": "`closed` closes, `active` reopens."})


class NeedInput(OfferingInput):
    quantity = Text(100)
    delivery_date = fields.Date(allow_none=True)
    budget_min = fields.Integer(allow_none=True, validate=validate.Range(min=0, max=10**12))
    budget_max = fields.Integer(allow_none=True, validate=validate.Range(min=0, max=10**12))
    required_certifications = TextList(10)
    supplier_scope = fields.String(validate=validate.OneOf(list(SUPPLIER_SCOPES)))

    @validates_schema
    def _budget(self, data, **kw):
        low, high = data.get("budget_min"), data.get("budget_max")
        if low is not None and high is not None and high < low:
            raise ValidationError("must not be below budget_min", "budget_max")


class NeedPatch(NeedInput):
    title = Text(200)
    status = fields.String(validate=validate.OneOf(["open", "closed", "fulfilled"]),
                           metadata={"description": "`closed` or `fulfilled` closes, `open` reopens."})


# ------------------------------------------------------------------ recommendations


class HitSchema(Schema):
    firm = fields.Nested(FirmSummarySchema, required=True)
    offering = fields.Nested(lambda: ListingRefSchema(), required=True, allow_none=True)
    need = fields.Nested(lambda: ListingRefSchema(), required=True, allow_none=True)
    score = fields.Float(required=True)
    strength = fields.String(required=True, metadata={"enum": ["strong", "good", "partial"]})
    locality = fields.String(required=True, metadata={"enum": ["local", "domestic", "overseas"]})
    reasons = fields.List(fields.String(), required=True,
                          metadata={"description": "Why it matches, in the request's language."})


class ListingRefSchema(Schema):
    id = fields.Integer(required=True)
    title = fields.String(required=True)


class HitList(Schema):
    items = fields.List(fields.Nested(HitSchema), required=True)


class TeamMemberSchema(Schema):
    firm = fields.Nested(FirmSummarySchema, required=True)
    parts = fields.List(fields.String(), required=True,
                        metadata={"description": "The need's parts this member takes, as the need words them."})
    reasons = fields.List(fields.String(), required=True,
                          metadata={"description": "Why it can take them, in the request's language."})
    km = fields.Float(required=True, allow_none=True,
                      metadata={"description": "Distance from the buyer in km (null when a place is unknown)."})


class WorkedTogetherSchema(Schema):
    firm_ids = fields.List(fields.Integer(), required=True, metadata={"description": "The two members."})
    how = fields.String(required=True, metadata={
        "enum": ["deal", "fair"],
        "description": "`deal`: a recorded deal between them on the site; `fair`: they met at a trade fair."})


class TeamSchema(Schema):
    members = fields.List(fields.Nested(TeamMemberSchema), required=True)
    worked_together = fields.List(fields.Nested(WorkedTogetherSchema), required=True)


class TeamProposalSchema(Schema):
    parts = fields.List(fields.String(), required=True,
                        metadata={"description": "The pieces of work the need asks for, as it words them."})
    teams = fields.List(fields.Nested(TeamSchema), required=True, metadata={
        "description": "Up to three teams of 2-4 firms that together do every part they can, best first; empty "
                       "when the need asks for one thing or one firm does every part (see `single_firms`)."})
    single_firms = fields.List(fields.Nested(FirmSummarySchema), required=True, metadata={
        "description": "Firms that do every part alone, about as well as the specialists (they lead the "
                       "recommended suppliers)."})
    uncovered = fields.List(fields.String(), required=True,
                            metadata={"description": "Parts no firm on the site was found for."})


class RecommendationArgs(StrictSchema):
    limit = fields.Integer(load_default=10, validate=validate.Range(min=1, max=50))


class SupplierArgs(StrictSchema):
    q = fields.String(required=True, validate=[validate.Length(min=1, max=2000), _line])
    lat = fields.Float(validate=validate.Range(min=-90, max=90))
    lon = fields.Float(validate=validate.Range(min=-180, max=180))
    city = Text(100)
    country = fields.String(validate=validate.Length(equal=2))
    max_km = fields.Float(validate=validate.Range(min=0, max=20000))
    scope = fields.String(validate=validate.OneOf(["local", "domestic", "overseas", "any"]))
    certification = Text(100)
    industry = fields.String(validate=validate.Length(max=10))
    language = fields.String(validate=validate.Length(max=5))
    limit = fields.Integer(validate=validate.Range(min=1, max=50))


class LegacySupplierSchema(Schema):
    firm = fields.Nested(FirmSummarySchema, required=True)
    offering = fields.Nested(ListingRefSchema, required=True, allow_none=True)
    score = fields.Float(required=True)
    strength = fields.String(required=True)
    reasons = fields.List(fields.String(), required=True)


class LegacySupplierEnvelope(Schema):
    ok = fields.Boolean(required=True)
    data = fields.List(fields.Nested(LegacySupplierSchema), required=True)


# ------------------------------------------------------------------ fairs


class FairSchema(Schema):
    id = fields.Integer(required=True)
    name = fields.String(required=True)
    description = fields.String(required=True)
    venue = fields.String(required=True)
    start_date = fields.Date(required=True)
    end_date = fields.Date(required=True)
    registration_deadline = fields.Date(required=True)
    registration_open = fields.Boolean(required=True)
    eligibility = fields.String(required=True, metadata={"enum": ["local", "domestic", "international"]})
    meeting_minutes = fields.Integer(required=True)
    participants = fields.Integer(required=True, metadata={"description": "How many firms take part."})
    schedule_published = fields.Boolean(required=True)


class FairPage(PageSchema):
    items = fields.List(fields.Nested(FairSchema), required=True)


class EmptyArgs(StrictSchema):
    pass


class MeSchema(Schema):
    user_id = fields.Integer(required=True)
    name = fields.String(required=True)
    role = fields.String(required=True)
    firm_id = fields.Integer(required=True, allow_none=True)
    scopes = fields.List(fields.String(), required=True)
    token_expires_at = fields.DateTime(required=True, allow_none=True, format="iso")


# ------------------------------------------------------------------ organizers


class ParticipantSchema(Schema):
    id = fields.Integer(required=True)
    firm = fields.Nested(FirmSummarySchema, required=True)
    seeks = fields.String(required=True)
    offers = fields.String(required=True)
    max_meetings = fields.Integer(required=True, allow_none=True)
    available_slots = fields.List(fields.String(), required=True, allow_none=True,
                                  metadata={"description": "Slot keys the firm attends; null: every slot."})


class ParticipantPage(PageSchema):
    items = fields.List(fields.Nested(ParticipantSchema), required=True)


class MeetingRequestSchema(Schema):
    id = fields.Integer(required=True)
    from_participant = fields.Integer(required=True)
    to_participant = fields.Integer(required=True)
    status = fields.String(required=True, metadata={"enum": ["pending", "accepted", "declined", "cancelled"]})
    priority = fields.Integer(required=True)
    answer_priority = fields.Integer(required=True, allow_none=True)
    origin = fields.String(required=True, metadata={"enum": ["participant", "organizer"]})
    created_at = fields.DateTime(required=True, format="iso")


class MeetingRequestPage(PageSchema):
    items = fields.List(fields.Nested(MeetingRequestSchema), required=True)


class MeetingSchema(Schema):
    id = fields.Integer(required=True)
    a = fields.Integer(required=True, metadata={"description": "Participant id."})
    b = fields.Integer(required=True, metadata={"description": "Participant id."})
    slot = fields.String(required=True)
    start = fields.DateTime(required=True, allow_none=True, format="iso")
    end = fields.DateTime(required=True, allow_none=True, format="iso")
    table = fields.Integer(required=True)
    locked = fields.Boolean(required=True)


class ScheduleSchema(Schema):
    published = fields.Boolean(required=True)
    run_at = fields.DateTime(required=True, allow_none=True, format="iso")
    meetings = fields.List(fields.Nested(MeetingSchema), required=True)


class RunResultSchema(Schema):
    meetings = fields.Integer(required=True)
    locked = fields.Integer(required=True)
    total_weight = fields.Float(required=True)
    upper_bound = fields.Float(required=True)
    without = fields.Integer(required=True, metadata={"description": "Participants left without a meeting."})


class FairFiguresSchema(Schema):
    participants = fields.Integer(required=True)
    requests = fields.Dict(keys=fields.String(), values=fields.Integer(), required=True)
    planned = fields.Integer(required=True)
    held = fields.Integer(required=True)
    no_shows = fields.Integer(required=True)
    unreported = fields.Integer(required=True)
    outcomes = fields.Dict(keys=fields.String(), values=fields.Integer(), required=True)
    deals = fields.Integer(required=True)
    local_deals = fields.Integer(required=True)


# ------------------------------------------------------------------ webhooks


class WebhookInput(StrictSchema):
    url = fields.String(required=True, validate=[validate.Length(max=500), validate.URL(schemes={"http", "https"},
                                                                                        require_tld=False)])
    scope = fields.String(load_default="firm", validate=validate.OneOf(["firm", "city"]),
                          metadata={"description": "`firm`: your firm's own events; `city`: every listed firm's "
                                                   "(organizers)."})
    events = fields.List(fields.String(validate=validate.OneOf(list(WEBHOOK_EVENTS))),
                         load_default=lambda: ["need.created", "offering.created"],
                         validate=validate.Length(min=1, max=len(WEBHOOK_EVENTS)),
                         metadata={"description": "`need.created`, `offering.created`; for a firm's own webhook "
                                                  "also `rfq.created` (a request your firm is invited to), "
                                                  "`quote.submitted` (a quote on your firm's request) and "
                                                  "`rfq.awarded` (the outcome of a request your firm quoted)."})


class WebhookSchema(Schema):
    id = fields.Integer(required=True)
    url = fields.String(required=True)
    scope = fields.String(required=True, metadata={"enum": ["firm", "city"]})
    firm_id = fields.Integer(required=True, allow_none=True)
    events = fields.List(fields.String(), required=True)
    created_at = fields.DateTime(required=True, format="iso")


class WebhookCreated(WebhookSchema):
    secret = fields.String(required=True, metadata={"description": "The HMAC-SHA256 key; shown only in this answer."})


class WebhookList(Schema):
    items = fields.List(fields.Nested(WebhookSchema), required=True)


class DeliverySchema(Schema):
    id = fields.Integer(required=True)
    event = fields.String(required=True)
    status = fields.String(required=True, metadata={"enum": ["pending", "sent", "failed"]})
    attempts = fields.Integer(required=True)
    last_status = fields.Integer(required=True, allow_none=True)
    last_error = fields.String(required=True)
    created_at = fields.DateTime(required=True, format="iso")
    delivered_at = fields.DateTime(required=True, allow_none=True, format="iso")
    next_attempt_at = fields.DateTime(required=True, allow_none=True, format="iso")


class DeliveryPage(PageSchema):
    items = fields.List(fields.Nested(DeliverySchema), required=True)


# ------------------------------------------------------------------ requests for quotation

_ID = validate.Range(min=1, max=2**31 - 1)
def _LAST_DAY(value: date) -> None:  # noqa: N802 - a validator; the last day whose next day exists
    if value > date(9999, 12, 30):
        raise ValidationError("too far in the future")


def _between(low, high):
    """A range check for decimals (marshmallow's Range would write a string bound into the document)."""

    def check(value) -> None:
        if not (low <= value <= high):
            raise ValidationError(f"must be between {low} and {high}")

    return check


class QuoteSchema(Schema):
    revision = fields.Integer(required=True, metadata={"description": "1 for the first quote; each revision adds one."})
    amount = fields.Decimal(required=True, as_string=True)
    currency = fields.String(required=True)
    price_basis = fields.String(required=True, metadata={"enum": ["lump_sum", "unit"]})
    lead_time_days = fields.Integer(required=True, allow_none=True)
    valid_until = fields.Date(required=True, allow_none=True)
    notes = fields.String(required=True)
    created_at = fields.DateTime(required=True, format="iso")


class RfqMessageSchema(Schema):
    id = fields.Integer(required=True)
    firm_id = fields.Integer(required=True, metadata={"description": "The firm that wrote it (buyer or supplier)."})
    body = fields.String(required=True)
    created_at = fields.DateTime(required=True, format="iso")


class InvitationSchema(Schema):
    id = fields.Integer(required=True)
    supplier = fields.Nested(FirmSummarySchema, required=True)
    status = fields.String(required=True, metadata={"enum": ["invited", "quoted", "declined", "expired", "awarded",
                                                             "not_selected"]})
    decline_reason = fields.String(required=True)
    decline_note = fields.String(required=True)
    not_selected_note = fields.String(required=True)
    answered_at = fields.DateTime(required=True, allow_none=True, format="iso")
    quote = fields.Nested(QuoteSchema, required=True, allow_none=True,
                          metadata={"description": "The current quote. The buyer sees quotes once they can be "
                                                   "compared (every supplier answered or the due date passed)."})
    messages = fields.List(fields.Nested(RfqMessageSchema), required=True,
                           metadata={"description": "The thread between the buyer and this supplier."})


class RfqSchema(Schema):
    id = fields.Integer(required=True)
    role = fields.String(required=True, metadata={"enum": ["buyer", "supplier"],
                                                  "description": "Your firm's part in the request."})
    buyer = fields.Nested(FirmSummarySchema, required=True)
    need_id = fields.Integer(required=True, allow_none=True)
    title = fields.String(required=True)
    description = fields.String(required=True)
    quantity = fields.Decimal(required=True, allow_none=True, as_string=True)
    unit = fields.String(required=True)
    delivery_date = fields.Date(required=True, allow_none=True)
    delivery_place = fields.String(required=True)
    due_date = fields.Date(required=True, metadata={"description": "Quotes until the end of this day (Japan time)."})
    message = fields.String(required=True)
    status = fields.String(required=True, metadata={"enum": ["open", "closed", "awarded", "cancelled"]})
    comparable = fields.Boolean(required=True)
    close_reason = fields.String(required=True)
    created_at = fields.DateTime(required=True, format="iso")
    closed_at = fields.DateTime(required=True, allow_none=True, format="iso")
    decided_at = fields.DateTime(required=True, allow_none=True, format="iso")
    invitations = fields.List(fields.Nested(InvitationSchema), required=True,
                              metadata={"description": "Every invited supplier for the buyer; your own "
                                                       "invitation only for a supplier."})


class RfqPage(PageSchema):
    items = fields.List(fields.Nested(RfqSchema), required=True)


class RfqArgs(PageArgs):
    box = fields.String(load_default="sent", validate=validate.OneOf(["sent", "received"]),
                        metadata={"description": "`sent`: your firm's requests; `received`: those it was invited to."})


def _not_blank(value: str) -> None:
    if not value.strip():
        raise ValidationError("may not be empty")


class RfqInput(StrictSchema):
    need_id = fields.Integer(allow_none=True, validate=_ID,
                             metadata={"description": "One of your firm's open needs (optional)."})
    supplier_ids = fields.List(fields.Integer(validate=_ID), required=True,
                               validate=validate.Length(min=1, max=10),
                               metadata={"description": "Listed firms to ask (at most 10)."})
    title = fields.String(required=True, validate=[validate.Length(max=200), _line, _not_blank])
    description = Text(MAX_TEXT, multiline=True)
    quantity = fields.Decimal(allow_none=True, places=None, as_string=True, validate=_between(0, 10**9),
                              metadata={"description": "0 to 1,000,000,000."})
    unit = Text(20)
    delivery_date = fields.Date(allow_none=True, validate=_LAST_DAY)
    delivery_place = Text(200)
    due_date = fields.Date(required=True, validate=_LAST_DAY)
    message = Text(MAX_TEXT, multiline=True)


class QuoteInput(StrictSchema):
    amount = fields.Decimal(required=True, places=None, as_string=True, validate=_between(0, 10**13),
                            metadata={"description": "0 to 10,000,000,000,000."})
    currency = fields.String(load_default="JPY", validate=validate.OneOf(
        ["JPY", "USD", "EUR", "CNY", "KRW", "TWD", "THB", "VND", "SGD", "MYR", "IDR", "PHP", "INR", "GBP"]))
    price_basis = fields.String(load_default="lump_sum", validate=validate.OneOf(["lump_sum", "unit"]))
    lead_time_days = fields.Integer(allow_none=True, validate=validate.Range(min=0, max=3650))
    valid_until = fields.Date(allow_none=True, validate=_LAST_DAY)
    notes = Text(MAX_TEXT, multiline=True)


class DeclineInput(StrictSchema):
    reason = fields.String(required=True, validate=validate.OneOf(
        ["not_our_field", "no_capacity", "quantity_too_small", "quantity_too_large", "delivery_date", "other"]))
    note = Text(2000, multiline=True, metadata={"description": "Required with reason `other`."})


class CancelInput(StrictSchema):
    reason = fields.String(required=True, validate=validate.OneOf(
        ["prices_too_high", "no_suitable_quote", "need_changed", "bought_elsewhere", "other"]))
    note = Text(2000, multiline=True)


class AwardPick(StrictSchema):
    invitation_id = fields.Integer(required=True, validate=_ID)
    amount_jpy = fields.Integer(allow_none=True, validate=validate.Range(min=0, max=10**15 - 1),
                                metadata={"description": "The awarded amount in yen (default: the quote's)."})


class AwardInput(StrictSchema):
    awards = fields.List(fields.Nested(AwardPick), required=True, validate=validate.Length(min=1, max=10))
    keep_need_open = fields.Boolean(load_default=False)
    note = Text(2000, multiline=True, metadata={"description": "A word to the suppliers not selected."})


class RfqMessageInput(StrictSchema):
    body = fields.String(required=True, validate=[validate.Length(max=MAX_TEXT), _no_control, _not_blank])
