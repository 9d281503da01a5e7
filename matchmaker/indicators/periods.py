"""Reporting periods: the Japanese fiscal year (April to March) by default, presets, a custom range,
and the period before each one to compare with. Dates are inclusive and in the city's time zone."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

TZ = ZoneInfo("Asia/Tokyo")
PRESETS = ("this_fy", "last_fy", "last_12_months", "calendar_year")
MAX_DAYS = 366 * 10


class PeriodError(ValueError):
    """A date that cannot be read, or a range that ends before it starts."""


@dataclass(frozen=True)
class Period:
    start: date
    end: date  # inclusive

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def bounds(self) -> tuple[datetime, datetime]:
        """The period as [start, end) instants, for timestamp columns (midnight in Japan)."""
        return (datetime.combine(self.start, time(), TZ),
                datetime.combine(self.end + timedelta(days=1), time(), TZ))

    def previous(self) -> "Period":
        """The period just before, of the same shape: the previous fiscal or calendar year, the same
        months a year earlier for whole months, else the same number of days."""
        if _whole_months(self):
            months = (self.end.year - self.start.year) * 12 + self.end.month - self.start.month + 1
            start = _add_months(self.start, -months)
            return Period(start, self.start - timedelta(days=1))
        return Period(self.start - timedelta(days=self.days), self.start - timedelta(days=1))

    def months(self) -> list[str]:
        """The months the period touches, "YYYY-MM"."""
        out, d = [], self.start.replace(day=1)
        while d <= self.end:
            out.append(f"{d.year:04d}-{d.month:02d}")
            d = _add_months(d, 1)
        return out

    def to_dict(self) -> dict:
        return {"from": self.start.isoformat(), "to": self.end.isoformat()}


def fiscal_year_of(day: date) -> int:
    """The fiscal year (named by the year it starts) that contains `day`."""
    return day.year if day.month >= 4 else day.year - 1


def fiscal_year(fy: int) -> Period:
    return Period(date(fy, 4, 1), date(fy + 1, 3, 31))


def preset(name: str, today: date, year: int | None = None) -> Period:
    fy = fiscal_year_of(today)
    if name == "last_fy":
        return fiscal_year(fy - 1)
    if name == "last_12_months":
        return Period(_add_months(today.replace(day=1), -11), today)
    if name == "calendar_year":
        y = year or today.year - 1
        return Period(date(y, 1, 1), date(y, 12, 31))
    return fiscal_year(fy)


def parse_date(value: str, what: str) -> date:
    try:
        return date.fromisoformat((value or "").strip())
    except ValueError:
        raise PeriodError(f"{what}: {value!r} is not a date (YYYY-MM-DD)") from None


def custom(start: str | None, end: str | None, today: date) -> Period:
    """A range from the user's dates; a missing start is the start of the fiscal year of the end date,
    a missing end is the end of the start's fiscal year."""
    s = parse_date(start, "--from") if start else None
    e = parse_date(end, "--to") if end else None
    if s is None and e is None:
        return fiscal_year(fiscal_year_of(today))
    if s is None:
        s = fiscal_year(fiscal_year_of(e)).start
    if e is None:
        e = fiscal_year(fiscal_year_of(s)).end
    if e < s:
        raise PeriodError(f"the range is empty: {e.isoformat()} is before {s.isoformat()}")
    if (e - s).days > MAX_DAYS:
        raise PeriodError("the range is longer than ten years")
    if s.year < 1900 or e.year > 9000:
        raise PeriodError("dates must lie between 1900 and 9000")
    return Period(s, e)


def today_local() -> date:
    return datetime.now(TZ).date()


def _whole_months(p: Period) -> bool:
    return p.start.day == 1 and (p.end + timedelta(days=1)).day == 1


def _add_months(d: date, n: int) -> date:
    m = d.year * 12 + d.month - 1 + n
    return d.replace(year=m // 12, month=m % 12 + 1, day=1) if d.day == 1 else date(m // 12, m % 12 + 1, min(d.day, 28))
