"""Calendar reminders: one event per day and slot that has practice, as an .ics file.

Times are floating (no time zone): 07:30 stays 07:30 wherever the family is.
Each event's UID depends only on the plan, the date and the slot, so importing
a newer export into the same calendar updates the events instead of adding
copies.
"""
from __future__ import annotations

import re
from datetime import date, datetime, timedelta, timezone
from typing import Any, Iterable, Mapping

from planner.core.model import SLOTS, Day, ScheduledItem

DEFAULT_SLOT_TIMES: dict[str, str] = {
    "morning": "07:30", "midday": "12:00", "after-school": "15:30", "afternoon": "16:00",
    "before-homework": "16:45", "evening": "18:00", "bedtime": "19:30",
}
SLOT_NAMES = {"morning": "Morning", "midday": "Midday", "after-school": "After school", "afternoon": "Afternoon",
              "before-homework": "Before homework", "evening": "Evening", "bedtime": "Bedtime"}
REMINDER_MINUTES = 10
UID_DOMAIN = "ot-home-planner"
PRODID = "-//OT home planner//Home practice reminders//EN"
_TIME = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")


def _valid(value: object) -> bool:
    return isinstance(value, str) and bool(_TIME.match(value.strip()))


def slot_times(settings: Mapping[str, Any] | None,
               defaults: Mapping[str, str] | None = None) -> dict[str, tuple[int, int]]:
    """Slot -> (hour, minute): the defaults, overridden by valid entries of settings["slot_times"]."""
    chosen = dict(DEFAULT_SLOT_TIMES)
    for source in (defaults, (settings or {}).get("slot_times")):
        if isinstance(source, Mapping):
            for slot, value in source.items():
                if slot in chosen and _valid(value):
                    chosen[slot] = value.strip()
    out = {}
    for slot, value in chosen.items():
        h, m = value.split(":")
        out[slot] = (int(h), int(m))
    return out


def event_uid(plan_id: str, day: date, slot: str) -> str:
    return f"{plan_id}-{day:%Y%m%d}-{slot}@{UID_DOMAIN}"


def _dose_line(it: ScheduledItem) -> str:
    return f"{it.title}: {it.dose_text()}"


def build_ics(days: Iterable[Day], child: str, plan_for_day, settings: Mapping[str, Any] | None,
              now: datetime, defaults: Mapping[str, str] | None = None) -> bytes:
    """The .ics bytes for `days`. `plan_for_day(date) -> plan_id` names each day's plan;
    `defaults` (slot -> "HH:MM") replaces the built-in slot times, the child's
    settings["slot_times"] replace both."""
    from icalendar import Alarm, Calendar, Event

    times = slot_times(settings, defaults)
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", f"Home practice - {child}")
    stamp = now.astimezone(timezone.utc).replace(microsecond=0)   # naive `now` is local time
    for d in days:
        by_slot: dict[str, list[ScheduledItem]] = {}
        for it in d.items:
            by_slot.setdefault(it.slot if it.slot in times else "afternoon", []).append(it)
        for slot in SLOTS:
            items = by_slot.get(slot)
            if not items:
                continue
            h, m = times[slot]
            start = datetime(d.date.year, d.date.month, d.date.day, h, m)
            minutes = max(5, sum(it.minutes for it in items))
            ev = Event()
            ev.add("uid", event_uid(plan_for_day(d.date), d.date, slot))
            ev.add("dtstamp", stamp)
            ev.add("dtstart", start)
            ev.add("duration", timedelta(minutes=minutes))
            ev.add("summary", f"{child}: " + ", ".join(it.title for it in items))
            ev.add("description", f"{SLOT_NAMES.get(slot, slot)} practice, {minutes} min\n"
                   + "\n".join(_dose_line(it) for it in items))
            ev.add("categories", ["Home practice"])
            ev.add("transp", "TRANSPARENT")
            alarm = Alarm()
            alarm.add("action", "DISPLAY")
            alarm.add("description", f"{child}: {SLOT_NAMES.get(slot, slot).lower()} practice")
            alarm.add("trigger", timedelta(minutes=-REMINDER_MINUTES))
            ev.add_component(alarm)
            cal.add_component(ev)
    return cal.to_ical()
