"""A fair's time: its time zone, today in it, and the meeting slots derived from the fair's settings."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

from flask import current_app

from .models import Fair, Participant


def fair_tz() -> ZoneInfo:
    return ZoneInfo(current_app.config.get("BABEL_DEFAULT_TIMEZONE") or "Asia/Tokyo")


def today_local() -> date:
    return datetime.now(fair_tz()).date()


@dataclass(frozen=True)
class Slot:
    key: str
    start: datetime  # local wall time, naive
    end: datetime
    index: int

    @property
    def day(self) -> date:
        return self.start.date()


def slot_key(start: datetime) -> str:
    return start.strftime("%Y%m%dT%H%M")


def compute_slots(start_date: date, end_date: date, day_start: time, day_end: time, meeting_minutes: int,
                  break_minutes: int, lunch_start: time | None = None, lunch_end: time | None = None,
                  limit: int = 2000) -> list[Slot]:
    """Meeting slots of each day: back to back with the break between, none overlapping lunch."""
    slots: list[Slot] = []
    if meeting_minutes <= 0 or break_minutes < 0 or end_date < start_date:
        return slots
    length = timedelta(minutes=meeting_minutes)
    step = timedelta(minutes=meeting_minutes + break_minutes)
    day = start_date
    while day <= end_date and len(slots) < limit:
        t = datetime.combine(day, day_start)
        stop = datetime.combine(day, day_end)
        ls = datetime.combine(day, lunch_start) if lunch_start and lunch_end else None
        le = datetime.combine(day, lunch_end) if lunch_start and lunch_end else None
        while t + length <= stop and len(slots) < limit:
            if ls is not None and t < le and t + length > ls:
                t = le  # skip over lunch, then carry on from its end
                continue
            slots.append(Slot(slot_key(t), t, t + length, len(slots)))
            t += step
        day += timedelta(days=1)
    return slots


def fair_slots(fair: Fair) -> list[Slot]:
    return compute_slots(fair.start_date, fair.end_date, fair.day_start, fair.day_end, fair.meeting_minutes,
                         fair.break_minutes, fair.lunch_start, fair.lunch_end)


def slot_map(fair: Fair) -> dict[str, Slot]:
    return {s.key: s for s in fair_slots(fair)}


def available_keys(participant: Participant, slots: list[Slot]) -> list[str]:
    keys = [s.key for s in slots]
    if participant.available is None:
        return keys
    chosen = set(participant.available)
    return [k for k in keys if k in chosen]


def to_utc(local: datetime) -> datetime:
    return local.replace(tzinfo=fair_tz()).astimezone(timezone.utc)
