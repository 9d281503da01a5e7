"""Organizer operations on the whole city (a token with the `organizer` scope of an organizer or
admin): the local-trade indicators of a period, and the firm import from a member list (CSV or
XLSX, a dry run or the real thing). The same functions as `matchmaker indicators --json` and
`matchmaker import-firms --json`, so the answers are those commands' JSON."""
from __future__ import annotations

from flask_babel import gettext as _
from marshmallow import Schema, fields, validate

from ..imports import FileProblem, Options, import_table, load
from ..imports.messages import message
from ..imports.reading import ENCODINGS
from ..indicators.periods import PeriodError, custom, today_local
from . import auth
from .blueprint import blp
from .problems import problem
from .read import BEARER
from .schemas import StrictSchema


class IndicatorArgs(StrictSchema):
    start = fields.String(data_key="from", validate=validate.Length(max=20),
                          metadata={"description": "First day, YYYY-MM-DD (default: start of the fiscal year)."})
    end = fields.String(data_key="to", validate=validate.Length(max=20),
                        metadata={"description": "Last day, YYYY-MM-DD (default: end of the fiscal year)."})


class IndicatorSchema(Schema):
    """As `matchmaker indicators --json` prints it (raw figures, no small-number hiding); see the
    README's "City indicators" section for each figure."""

    period = fields.Dict(required=True)
    setting = fields.Dict(required=True)
    deals = fields.Dict(required=True)
    by_industry = fields.Raw(required=True)
    by_month = fields.Raw(required=True)
    new_relationships = fields.Dict(required=True)
    rfq = fields.Dict(required=True)
    needs = fields.Dict(required=True)
    fairs = fields.Dict(required=True)
    activity = fields.Dict(required=True)
    supply_gaps = fields.List(fields.Dict())
    supply_gaps_checked = fields.Dict()
    previous = fields.Dict()


class ImportArgs(StrictSchema):
    dry_run = fields.Boolean(load_default=True,
                             metadata={"description": "Check and report, write nothing (the default)."})
    on_duplicate = fields.String(load_default="skip", validate=validate.OneOf(["skip", "update"]))
    valid_only = fields.Boolean(load_default=False,
                                metadata={"description": "Import the valid rows even when other rows have errors."})
    encoding = fields.String(load_default="auto", validate=validate.OneOf(list(ENCODINGS)))
    sheet = fields.String(validate=validate.Length(min=1, max=100),
                          metadata={"description": "The XLSX sheet to read (default: the first)."})


class ImportFile(Schema):
    file = fields.Raw(required=True, metadata={"type": "string", "format": "binary",
                                               "description": "The member list, CSV or XLSX."})


class ImportReport(Schema):
    """As `matchmaker import-firms --json` prints it. Nothing is written when `dry_run`, or when rows
    have errors (unless `valid_only`): `written` says which."""

    file = fields.Dict(required=True)
    mapping = fields.Dict(required=True)
    unknown_columns = fields.List(fields.String(), required=True)
    dry_run = fields.Boolean(required=True)
    written = fields.Boolean(required=True)
    rows = fields.Integer(required=True)
    created = fields.Integer(required=True)
    updated = fields.Integer(required=True)
    skipped = fields.Integer(required=True)
    review = fields.Integer(required=True)
    invalid = fields.Integer(required=True)
    duplicates = fields.List(fields.Dict(), required=True)
    suggestions = fields.List(fields.Dict(), required=True)
    errors = fields.List(fields.Dict(), required=True)
    warnings = fields.List(fields.Dict(), required=True)


@blp.route("/indicators")
@auth.require("organizer")
@blp.arguments(IndicatorArgs, location="query")
@blp.response(200, IndicatorSchema)
@blp.doc(security=BEARER)
def indicators(args):
    """The city's local-trade indicators of a period (the Japanese fiscal year by default)."""
    from ..indicators.figures import compute

    try:
        period = custom(args.get("start"), args.get("end"), today_local())
    except PeriodError as e:
        raise problem(422, _("Invalid input"), errors={"query.from": [str(e)]}) from None
    return compute(period)


@blp.route("/firms/import", methods=["POST"])
@auth.require("organizer")
@blp.arguments(ImportArgs, location="query")
@blp.arguments(ImportFile, location="files")
@blp.response(200, ImportReport)
@blp.doc(security=BEARER)
def import_firms(args, files):
    """Import firms from a member list (multipart upload of CSV or XLSX): a dry run by default,
    `dry_run=false` to write. Labels and messages follow Accept-Language."""
    upload = files["file"]
    try:
        table = load(upload.read(), upload.filename or "", encoding=args["encoding"], sheet=args.get("sheet"))
    except FileProblem as e:
        raise problem(422, _("Invalid input"), errors={"files.file": [message(e.code, e.params)]}) from None
    return import_table(table, options=Options(on_duplicate=args["on_duplicate"], valid_only=args["valid_only"]),
                        dry_run=args["dry_run"])
