"""iCalendar (RFC 5545) text for a participant's agenda, written by hand.

CRLF line endings, content lines folded at 75 octets (never inside a UTF-8 sequence), TEXT
values escaped (backslash, semicolon, comma, newline), times in UTC.
"""
from __future__ import annotations

from datetime import datetime, timezone

CRLF = "\r\n"


def escape_text(value: str) -> str:
    """Escape a TEXT value (RFC 5545 3.3.11)."""
    value = (value or "").replace("\r\n", "\n").replace("\r", "\n")
    return (value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n"))


def fold(line: str, limit: int = 75) -> str:
    """Fold a content line into chunks of at most `limit` octets; continuation lines start with a space."""
    out: list[str] = []
    current = ""
    size = 0
    budget = limit
    for ch in line:
        n = len(ch.encode("utf-8"))
        if size + n > budget:
            out.append(current)
            current, size = "", 0
            budget = limit - 1  # the leading space of a continuation line counts
        current += ch
        size += n
    out.append(current)
    return (CRLF + " ").join(out)


def format_utc(value: datetime) -> str:
    if value.tzinfo is None:
        value = value.replace(tzinfo=timezone.utc)
    return value.astimezone(timezone.utc).strftime("%Y%m%dT%H%M%SZ")


def agenda_calendar(events: list[dict], name: str = "", now: datetime | None = None) -> str:
    """events: dicts with uid, start, end (aware datetimes), summary, location, description."""
    stamp = format_utc(now or datetime.now(timezone.utc))
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//matchmaker//trade fair agenda//EN",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
    ]
    if name:
        lines.append("X-WR-CALNAME:" + escape_text(name))
    for e in events:
        lines += [
            "BEGIN:VEVENT",
            "UID:" + escape_text(e["uid"]),
            "DTSTAMP:" + stamp,
            "DTSTART:" + format_utc(e["start"]),
            "DTEND:" + format_utc(e["end"]),
            "SUMMARY:" + escape_text(e.get("summary", "")),
        ]
        if e.get("location"):
            lines.append("LOCATION:" + escape_text(e["location"]))
        if e.get("description"):
            lines.append("DESCRIPTION:" + escape_text(e["description"]))
        lines.append("END:VEVENT")
    lines.append("END:VCALENDAR")
    return "".join(fold(line) + CRLF for line in lines)


def unfold(text: str) -> list[str]:
    """Content lines of an iCalendar text (folding undone); used by the tests and for checks."""
    return text.replace(CRLF + " ", "").replace(CRLF + "\t", "").split(CRLF)


def unescape_text(value: str) -> str:
    out, i = [], 0
    while i < len(value):
        ch = value[i]
        if ch == "\\" and i + 1 < len(value):
            nxt = value[i + 1]
            out.append("\n" if nxt in "nN" else nxt)
            i += 2
            continue
        out.append(ch)
        i += 1
    return "".join(out)
