"""FHIR Timing (and free-text schedules) -> how often, when and how long, in our plan's terms.

`read_timing` reads `Timing` as found in `CarePlan.activity.detail.scheduledTiming` and
`ServiceRequest.occurrenceTiming`; `read_text` guesses the same from words such as
"MWF after her shower" or "15-30 minutes 3 days a week". Anything not carried exactly is
reported through `warn(path, message)`.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any, Callable

from planner.interop.fhir.common import DAYS_OF_WEEK, PERIOD_UNITS, parse_fhir_date, show

SLOTS = ("morning", "midday", "after-school", "afternoon", "before-homework", "evening", "bedtime")
# Slots a time of day may land in (after-school exists only in plan format 2, on school days).
CLOCK_SLOTS = ("morning", "midday", "afternoon", "before-homework", "evening", "bedtime")

# Timing.repeat.when (EventTiming) -> our slot. Meal-generic codes (C, AC, PC) have no slot.
WHEN_TO_SLOT = {
    "WAKE": "morning", "PHS": "morning", "MORN": "morning", "MORN.early": "morning",
    "MORN.late": "morning", "CM": "morning", "ACM": "morning", "PCM": "morning",
    "NOON": "midday", "CD": "midday", "ACD": "midday", "PCD": "midday",
    "AFT": "afternoon", "AFT.early": "after-school", "AFT.late": "before-homework",
    "EVE": "evening", "EVE.early": "evening", "EVE.late": "evening", "CV": "evening",
    "ACV": "evening", "PCV": "evening", "NIGHT": "bedtime", "HS": "bedtime",
}
# Our slot -> EventTiming (export); the same table as the plan format's documentation.
SLOT_TO_WHEN = {"morning": "MORN", "midday": "NOON", "after-school": "AFT.early", "afternoon": "AFT",
                "before-homework": "AFT.late", "evening": "EVE", "bedtime": "HS"}
# Clock time of each slot (activities/areas.json), for Timing.repeat.timeOfDay.
SLOT_MINUTES = {"morning": 7 * 60 + 30, "midday": 12 * 60, "afternoon": 16 * 60,
                "before-homework": 16 * 60 + 45, "evening": 18 * 60, "bedtime": 19 * 60 + 30}
# Timing.code (TimingAbbreviation) -> (kind, count, slot).
TIMING_CODES = {
    "QD": ("day", 1, None), "BID": ("day", 2, None), "TID": ("day", 3, None), "QID": ("day", 4, None),
    "AM": ("day", 1, "morning"), "PM": ("day", 1, "evening"), "WK": ("week", 1, None),
}

Warn = Callable[[str, str], None]


@dataclass
class When:
    """What a Timing or a text said, in our terms (None: not said)."""
    kind: str | None = None          # "week" (count a week), "days" (on days), "day" (count a day)
    count: int | None = None
    days: list[str] = field(default_factory=list)
    per_day: int | None = None       # with kind "days": times on each of those days (format 2)
    slots: list[str] = field(default_factory=list)
    minutes: int | None = None
    start: date | None = None        # boundsPeriod / scheduledPeriod
    end: date | None = None
    total: int | None = None         # Timing.repeat.count (times in all)
    bounds_days: int | None = None   # Timing.repeat.boundsDuration, in days

    @property
    def has_frequency(self) -> bool:
        return self.kind is not None


def slot_for_time(value: str) -> str | None:
    m = re.fullmatch(r"(\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?", value.strip()) if isinstance(value, str) else None
    if not m or int(m.group(1)) > 23 or int(m.group(2)) > 59:
        return None
    t = int(m.group(1)) * 60 + int(m.group(2))
    return min(CLOCK_SLOTS, key=lambda s: (abs(SLOT_MINUTES[s] - t), SLOTS.index(s)))


def _num(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        return None
    return float(value)


def _minutes(value: float, unit: Any, where: str, warn: Warn) -> int | None:
    factor = {"s": 1 / 60, "min": 1, "h": 60}.get(unit if isinstance(unit, str) else "")
    if factor is None:
        warn(where, f"duration unit {show(unit)} is not a length of one session: duration not carried")
        return None
    minutes = value * factor
    whole = max(1, math.ceil(minutes - 1e-9))
    if whole > 120:
        warn(where, f"{value:g} {unit} is longer than the app allows: 120 minutes")
        return 120
    if abs(whole - minutes) > 1e-9:
        warn(where, f"{value:g} {unit} rounded up to {whole} minute(s)")
    return whole


def _per_week(kind: str, count: int) -> float:
    return count * 7 if kind == "day" else count


def read_timing(timing: Any, where: str, warn: Warn) -> When:
    """Read a Timing object (`where` is its path, e.g. activity[0].detail.scheduledTiming)."""
    out = When()
    if not isinstance(timing, dict):
        warn(where, f"is not a Timing (got {show(timing)}): not carried")
        return out
    for k in timing:
        if k not in ("repeat", "code", "event", "id", "extension"):
            warn(f"{where}.{k}", "not carried")
    if timing.get("extension"):
        warn(f"{where}.extension", "not carried")
    code = timing.get("code")
    code_value = None
    if isinstance(code, dict):
        for c in code.get("coding") or []:
            if isinstance(c, dict) and isinstance(c.get("code"), str) and c["code"] in TIMING_CODES:
                code_value = c["code"]
                break
        if code_value is None:
            warn(f"{where}.code", f"{show(code.get('text') or code.get('coding'))} is not a timing the app "
                                  "knows: not carried")
    events = timing.get("event")
    if events:
        warn(f"{where}.event", f"{len(events) if isinstance(events, list) else 1} set date(s) are not "
                               "carried (the app repeats by week or day)")
    rep = timing.get("repeat")
    if rep is None:
        if code_value:
            kind, count, slot = TIMING_CODES[code_value]
            out.kind, out.count = kind, count
            if slot:
                out.slots = [slot]
        return out
    if not isinstance(rep, dict):
        warn(f"{where}.repeat", f"is not an object (got {show(rep)}): not carried")
        return out
    r = f"{where}.repeat"
    known = {"frequency", "frequencyMax", "period", "periodMax", "periodUnit", "dayOfWeek", "when",
             "timeOfDay", "duration", "durationMax", "durationUnit", "boundsPeriod", "boundsDuration",
             "boundsRange", "count", "countMax", "offset", "id", "extension"}
    for k in rep:
        if k not in known:
            warn(f"{r}.{k}", f"{show(rep[k])} is not carried")
    for k in ("boundsRange", "offset", "extension"):
        if rep.get(k) is not None:
            warn(f"{r}.{k}", f"{show(rep[k])} is not carried")

    # Bounds -> dates of this entry.
    bp = rep.get("boundsPeriod")
    if isinstance(bp, dict):
        out.start, _ = parse_fhir_date(bp.get("start"))
        out.end, _ = parse_fhir_date(bp.get("end"), end=True)
        if bp.get("start") is not None and out.start is None:
            warn(f"{r}.boundsPeriod.start", f"{show(bp.get('start'))} is not a date: not carried")
        if bp.get("end") is not None and out.end is None:
            warn(f"{r}.boundsPeriod.end", f"{show(bp.get('end'))} is not a date: not carried")
    elif bp is not None:
        warn(f"{r}.boundsPeriod", f"is not a Period (got {show(bp)}): not carried")
    bd = rep.get("boundsDuration")
    if bd is not None:
        v = _num(bd.get("value")) if isinstance(bd, dict) else None
        unit = (bd.get("code") or bd.get("unit")) if isinstance(bd, dict) else None
        days = {"d": 1, "wk": 7, "mo": 30, "a": 365}.get(unit) if isinstance(unit, str) else None
        if v and v > 0 and days:
            out.bounds_days = int(round(v * days))
            if unit in ("mo", "a"):
                warn(f"{r}.boundsDuration", f"{v:g} {unit} counted as {out.bounds_days} days")
        else:
            warn(f"{r}.boundsDuration", f"{show(bd)} is not carried")

    # Total count (times in all).
    cnt = _num(rep.get("count"))
    if rep.get("count") is not None:
        if cnt and cnt >= 1 and cnt == int(cnt):
            out.total = int(cnt)
        else:
            warn(f"{r}.count", f"{show(rep.get('count'))} is not a whole number: not carried")
    if rep.get("countMax") is not None:
        warn(f"{r}.countMax", f"{show(rep.get('countMax'))}: the lower count is used")

    # Session length.
    if rep.get("duration") is not None:
        d = _num(rep.get("duration"))
        if d is None or d <= 0:
            warn(f"{r}.duration", f"{show(rep.get('duration'))} is not a length: not carried")
        else:
            out.minutes = _minutes(d, rep.get("durationUnit"), f"{r}.durationUnit", warn)
            if rep.get("durationMax") is not None:
                warn(f"{r}.durationMax", f"{show(rep.get('durationMax'))}: the app uses the lower "
                                         f"length, {out.minutes} minute(s)")
    elif rep.get("durationMax") is not None:
        d = _num(rep.get("durationMax"))
        if d and d > 0:
            out.minutes = _minutes(d, rep.get("durationUnit"), f"{r}.durationUnit", warn)
            warn(f"{r}.durationMax", f"used as the length ({out.minutes} minute(s))")

    # Slots: when + timeOfDay.
    slots: list[str] = []
    whens = rep.get("when")
    for i, w in enumerate(whens if isinstance(whens, list) else ([whens] if whens is not None else [])):
        slot = WHEN_TO_SLOT.get(w) if isinstance(w, str) else None
        if slot is None:
            warn(f"{r}.when[{i}]", f"{show(w)} has no matching time of day in the app: not carried")
        elif slot not in slots:
            slots.append(slot)
    tod = rep.get("timeOfDay")
    for i, t in enumerate(tod if isinstance(tod, list) else ([tod] if tod is not None else [])):
        slot = slot_for_time(t)
        if slot is None:
            warn(f"{r}.timeOfDay[{i}]", f"{show(t)} is not a time: not carried")
            continue
        warn(f"{r}.timeOfDay[{i}]", f"{t} placed in the nearest time of day, {slot}")
        if slot not in slots:
            slots.append(slot)
    out.slots = sorted(slots, key=SLOTS.index)

    # Days of the week.
    days: list[str] = []
    dow = rep.get("dayOfWeek")
    for i, d in enumerate(dow if isinstance(dow, list) else ([dow] if dow is not None else [])):
        if isinstance(d, str) and d in DAYS_OF_WEEK:
            if d not in days:
                days.append(d)
        else:
            warn(f"{r}.dayOfWeek[{i}]", f"{show(d)} is not a FHIR day code (mon ... sun): not carried")
    days.sort(key=DAYS_OF_WEEK.index)

    # How often.
    freq_raw, period_raw, unit = rep.get("frequency"), rep.get("period"), rep.get("periodUnit")
    freq = _num(freq_raw)
    period = _num(period_raw)
    if freq_raw is not None and (freq is None or freq < 1 or freq != int(freq)):
        warn(f"{r}.frequency", f"{show(freq_raw)} is not a whole number of times: not carried")
        freq = period = unit = period_raw = None      # how often is unknown, not "once"
    if period_raw is not None and (period is None or period <= 0):
        warn(f"{r}.period", f"{show(period_raw)} is not a length: not carried")
        period = None
    if unit is not None and unit not in PERIOD_UNITS:
        warn(f"{r}.periodUnit", f"{show(unit)} is not a FHIR unit (s, min, h, d, wk, mo, a): not carried")
        unit = None
    if rep.get("frequencyMax") is not None:
        warn(f"{r}.frequencyMax", f"{show(rep.get('frequencyMax'))}: the app schedules the lower "
                                  f"number, {int(freq or 1)}")
    if rep.get("periodMax") is not None:
        warn(f"{r}.periodMax", f"{show(rep.get('periodMax'))}: the app uses the period "
                               f"{show(period_raw)}")
    if (freq is not None or period is not None) and unit is None:
        if freq is not None or period is not None:
            warn(f"{r}.periodUnit", "is missing: frequency and period not carried")
        freq = period = None
    n = int(freq) if freq is not None else 1
    p = period if period is not None else 1.0

    if unit is not None:
        if unit == "d":
            if p == 1:
                out.kind, out.count = "day", n
            else:
                per_week = n * 7 / p
                out.kind, out.count = "week", _round_week(per_week)
                if abs(per_week - out.count) > 1e-9:
                    warn(f"{r}.period", f"{n} time(s) every {p:g} days: scheduled {out.count} times a week")
        elif unit == "wk":
            per_week = n / p
            if per_week > 7 and per_week % 7 == 0:
                out.kind, out.count = "day", int(per_week // 7)
            else:
                out.kind, out.count = "week", _round_week(per_week)
                if abs(per_week - out.count) > 1e-9:
                    warn(f"{r}.period", f"{n} time(s) every {p:g} weeks: scheduled {out.count} "
                                        "time(s) a week")
        elif unit in ("mo", "a"):
            per_week = n / p * (12 / 52.18 if unit == "mo" else 1 / 52.18)
            out.kind, out.count = "week", _round_week(per_week)
            warn(f"{r}.periodUnit", f"{n} time(s) every {p:g} {unit}: scheduled {out.count} time(s) a week")
        else:  # s, min, h: several times a day
            per_day = n * {"s": 86400, "min": 1440, "h": 24}[unit] / p
            count = max(1, min(6, int(per_day)))
            out.kind, out.count = "day", count
            warn(f"{r}.period", f"{n} time(s) every {p:g} {unit}: scheduled {count} time(s) a day")
    elif code_value:
        kind, count, slot = TIMING_CODES[code_value]
        out.kind, out.count = kind, count
        if slot and not out.slots:
            out.slots = [slot]

    if days:
        if out.kind == "day" and (out.count or 1) > 1:
            out.kind, out.per_day = "days", out.count
        elif out.kind == "week" and out.count not in (None, len(days)):
            warn(f"{r}.dayOfWeek", f"{out.count} time(s) a week on {', '.join(days)}: scheduled on "
                                   "those days")
        elif out.kind == "week" and unit == "wk" and p != 1:
            pass
        out.kind, out.count, out.days = "days", len(days), days
        if out.per_day is None and len(out.slots) > 1 and freq is None:
            out.per_day = len(out.slots)          # when [MORN, EVE] alone: at both times
        # With an explicit frequency of 1 a day, several `when` codes are the slots it may go in.
    elif out.kind is None and len(out.slots) > 0 and freq is None and period is None and unit is None:
        out.kind, out.count = "day", len(out.slots)          # when [MORN, EVE] alone: twice a day
    if out.kind == "day":
        if out.count > 6:
            warn(f"{r}.frequency", f"{out.count} times a day is more than the app schedules: 6")
            out.count = 6
        if len(out.slots) > out.count:
            if freq is not None:
                warn(f"{r}.when", f"{len(out.slots)} times of day for {out.count} time(s) a day: "
                                  f"scheduled {len(out.slots)} times a day")
            out.count = min(6, len(out.slots))
    if out.per_day is not None and out.per_day > 6:
        warn(f"{r}.frequency", f"{out.per_day} times a day is more than the app schedules: 6")
        out.per_day = 6
    return out


def _round_week(per_week: float) -> int:
    return max(1, min(7, int(per_week + 0.5)))


# ---------------------------------------------------------------- free text

_NUMBER = {"one": 1, "once": 1, "two": 2, "twice": 2, "three": 3, "thrice": 3, "four": 4, "five": 5,
           "six": 6, "seven": 7}
_N = r"(\d+|one|once|two|twice|three|thrice|four|five|six|seven)"
_DAY_NAMES = {"mon": "mon", "monday": "mon", "tue": "tue", "tues": "tue", "tuesday": "tue",
              "wed": "wed", "weds": "wed", "wednesday": "wed", "thu": "thu", "thur": "thu", "thurs": "thu",
              "thursday": "thu", "fri": "fri", "friday": "fri", "sat": "sat", "saturday": "sat",
              "sun": "sun", "sunday": "sun"}
_COMPACT = {"MWF": ("mon", "wed", "fri"), "MTWTF": DAYS_OF_WEEK[:5], "TTh": ("tue", "thu"),
            "TuTh": ("tue", "thu"), "TR": ("tue", "thu"), "MW": ("mon", "wed"), "M-F": DAYS_OF_WEEK[:5]}
_SLOT_WORDS = [
    (r"\b(morning|breakfast|before school|wake|waking)\b", "morning"),
    (r"\b(lunch|noon|midday)\b", "midday"),
    (r"\b(afternoon|after school)\b", "afternoon"),
    (r"\bbefore homework\b", "before-homework"),
    (r"\b(evening|dinner|supper)\b", "evening"),
    (r"\b(bedtime|before bed|at night|nightly)\b", "bedtime"),
]


def read_text(text: str) -> When:
    """Guess how often, when and how long from free text. Only what the words say is set."""
    out = When()
    if not isinstance(text, str) or not text.strip():
        return out
    low = " ".join(text.lower().split())
    days: list[str] = []
    for token, ds in _COMPACT.items():
        if re.search(rf"(?<![A-Za-z]){re.escape(token)}(?![A-Za-z])", text):
            days.extend(ds)
    if re.search(r"\b(weekdays|school days|mon(day)?\s*(-|to|through)\s*fri(day)?)\b", low):
        days.extend(DAYS_OF_WEEK[:5])
    if re.search(r"\bweekends?\b", low) and not days:
        days.extend(("sat", "sun"))
    for word in re.findall(r"[A-Za-z]+", text):
        name = _DAY_NAMES.get(word.lower())
        # Full names always; short ones ("Mon", "Wed") only capitalised, so "in the sun" is no day.
        if name and (len(word) > 5 or word[0].isupper()):
            days.append(name)
    days = sorted(set(days), key=DAYS_OF_WEEK.index)

    week = day = None
    m = re.search(rf"\b{_N}\s*(?:x|times?|days?)?\s*(?:a|per|each|every|/)\s*(week|wk)\b", low)
    if m:
        week = _NUMBER.get(m.group(1)) or int(m.group(1))
    elif re.search(r"\b(weekly|every week)\b", low):
        week = 1
    elif re.search(r"\bevery other day\b", low):
        week = 4
    m = re.search(rf"\b{_N}\s*(?:x|times?)?\s*(?:a|per|each|/)\s*day\b", low)
    if m:
        day = _NUMBER.get(m.group(1)) or int(m.group(1))
    elif re.search(r"\b(daily|every day|each day|every morning|every evening|every night|nightly)\b", low):
        day = 1
    elif re.search(r"\b(bid|b\.i\.d\.?)\b", low):
        day = 2
    elif re.search(r"\b(tid|t\.i\.d\.?)\b", low):
        day = 3

    if days and week and week != len(days):
        out.kind, out.count = "week", min(7, week)
    elif days:
        out.kind, out.count, out.days = "days", len(days), days
        if day and day > 1:
            out.per_day = min(6, day)
    elif week:
        if week > 7:
            out.kind, out.count = "week", 7
        else:
            out.kind, out.count = "week", week
    elif day:
        out.kind, out.count = "day", max(1, min(6, day))

    m = re.search(r"(\d+(?:\.\d+)?)\s*(?:(?:-|–|to)\s*(\d+(?:\.\d+)?)\s*)?(min|mins|minutes?|hours?|hrs?)\b", low)
    if m:
        v = float(m.group(1)) * (60 if m.group(3).startswith("h") else 1)
        if v > 0:
            out.minutes = max(1, min(120, math.ceil(v)))
    slots = []
    for pattern, slot in _SLOT_WORDS:
        if re.search(pattern, low) and slot not in slots:
            slots.append(slot)
    for hh, ap in re.findall(r"\b(\d{1,2})(?::\d{2})?\s*(am|pm)\b", low):
        h = int(hh) % 12 + (12 if ap == "pm" else 0)
        slot = slot_for_time(f"{h:02d}:00")
        if slot and slot not in slots:
            slots.append(slot)
    out.slots = sorted(slots, key=SLOTS.index)
    return out


def describe(w: When) -> str:
    """'3 times a week (Mon, Wed, Fri)' for a message."""
    if w.kind == "day":
        return "every day" if w.count == 1 else f"{w.count} times a day"
    if w.kind == "days":
        names = ", ".join(d.capitalize() for d in w.days)
        per = f", {w.per_day} times each day" if w.per_day and w.per_day > 1 else ""
        return f"{len(w.days)} time{'s' if len(w.days) != 1 else ''} a week ({names}{per})"
    if w.kind == "week":
        return f"{w.count} time{'s' if w.count != 1 else ''} a week"
    return "not said"


def until_for_total(start: date, kind: str, count: int, per_day: int | None, total: int) -> date:
    """The last day by which `total` sessions are done at the given rate (whole weeks)."""
    per_week = {"day": count * 7, "days": count * (per_day or 1)}.get(kind, count)
    weeks = max(1, math.ceil(total / max(1, per_week)))
    return start + timedelta(days=7 * weeks - 1)
