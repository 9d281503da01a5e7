"""Form fields and validators shared by the areas of the site."""
from __future__ import annotations

import re

from flask_babel import lazy_gettext as _l
from wtforms import Field, HiddenField, SelectMultipleField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import StopValidation, ValidationError
from wtforms.widgets import TextInput

from . import reference

_SPLIT = re.compile(r"[,\n、，;；/]+")


def clean_query(text: str | None, max_length: int = 200) -> str:
    """A search box's text without control characters (PostgreSQL refuses NUL), trimmed and bounded."""
    text = "".join(ch if ord(ch) >= 32 else " " for ch in (text or ""))
    return " ".join(text.split())[:max_length]


def options(pairs) -> list[SelectChoice]:
    """(value, label) pairs as the options of a select field."""
    return [p if isinstance(p, SelectChoice) else SelectChoice(p[0], p[1]) for p in pairs]


MAX_PAGE = 10_000


def page_number() -> int:
    """The ?page= argument, bounded: a huge or malformed number is a page past the end, never an error."""
    from flask import request

    try:
        return min(max(int(request.args.get("page", 1)), 1), MAX_PAGE)
    except (TypeError, ValueError):
        return 1


DB_INT_MAX = 2**31 - 1  # the largest INTEGER (PostgreSQL): row ids and counts


def parse_id(value) -> int | None:
    """An id from a form, a query or the URL: a whole number 1..2**31-1, else None.

    Anything else (negative, 20 digits, "1.5", other scripts' digits) is refused here, before it
    reaches the database, which would fail on it.
    """
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        number = value
    else:
        text = str(value if value is not None else "").strip()
        if not (text.isascii() and text.isdigit()) or len(text) > 10:
            return None
        number = int(text)
    return number if 1 <= number <= DB_INT_MAX else None


class IdField(HiddenField):
    """A row id in a hidden input: data is an int from parse_id; missing or invalid is a form error."""

    def __init__(self, label=None, validators=None, message=None, **kwargs):
        super().__init__(label, validators, **kwargs)
        self.message = message

    def process_formdata(self, valuelist):
        self.data = parse_id(valuelist[0]) if valuelist else None

    def pre_validate(self, form):
        if self.data is None:
            raise StopValidation(self.message or _l("This entry does not exist."))


def like_pattern(text: str) -> str:
    """A LIKE pattern matching `text` anywhere, with % and _ taken literally."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def split_list(text: str) -> list[str]:
    out: list[str] = []
    for part in _SPLIT.split(text or ""):
        part = " ".join(part.split())
        if part and part not in out:
            out.append(part)
    return out


class ListField(StringField):
    """A comma-separated list in one text box (、 and ， work too); data is a list of strings."""

    widget = TextInput()

    def __init__(self, label=None, validators=None, max_items: int = 40, max_length: int = 100, **kwargs):
        super().__init__(label, validators, **kwargs)
        self.max_items = max_items
        self.max_length = max_length

    def _value(self) -> str:
        return ", ".join(self.data or [])

    def process_formdata(self, valuelist):
        self.data = split_list(valuelist[0]) if valuelist else []

    def pre_validate(self, form):
        if len(self.data or []) > self.max_items:
            raise ValidationError(_l("At most %(n)d entries.", n=self.max_items))
        for item in self.data or []:
            if len(item) > self.max_length:
                raise ValidationError(_l("Each entry may be at most %(n)d characters.", n=self.max_length))
            if any(ord(ch) < 32 for ch in item):
                raise ValidationError(_l("Entries may not contain control characters."))


class IndustryField(SelectMultipleField):
    """JSIC codes. Choices are filled per request in the user's language; unknown codes are refused."""

    def pre_validate(self, form):
        for code in self.data or []:
            if reference.industry(code) is None:
                raise ValidationError(_l("Unknown industry code: %(code)s", code=code))
        if len(self.data or []) > 5:
            raise ValidationError(_l("Choose at most %(n)d industries.", n=5))


class LanguagesField(SelectMultipleField):
    def pre_validate(self, form):
        for code in self.data or []:
            if not reference.is_language(code):
                raise ValidationError(_l("Unknown language code: %(code)s", code=code))


def no_control_chars(form, field: Field) -> None:
    value = field.data or ""
    if isinstance(value, str) and any(ord(ch) < 32 and ch not in "\n\r\t" for ch in value):
        raise ValidationError(_l("Please remove control characters from this field."))
