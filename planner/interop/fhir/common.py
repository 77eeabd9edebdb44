"""Shared names of the FHIR mapping: the error type, the project's URIs, small helpers.

Standard library only: the app must run without any FHIR package installed.
"""
from __future__ import annotations

import re
import uuid
from datetime import date
from typing import Any

# The project has no web domain, so its FHIR names are URNs under one namespace. They are
# part of the exchange contract (docs/fhir.md): changing one changes every identifier.
NS = "urn:ot-home-planner"
CODES = f"{NS}:codes"                    # CodeSystem: observation and component codes
ACTIVITY_SYSTEM = f"{NS}:activity"       # CodeSystem: activity ids (library or the plan's own)
AREA_SYSTEM = f"{NS}:area"               # CodeSystem: our practice areas
PLAN_SYSTEM = f"{NS}:plan"               # Identifier.system of a CarePlan (value: plan id)
CHILD_SYSTEM = f"{NS}:child"             # Identifier.system of a Patient we create
GOAL_SYSTEM = f"{NS}:goal"               # Identifier.system of a Goal (value: plan id + goal id)
OBSERVATION_SYSTEM = f"{NS}:observation"  # Identifier.system of our Observations

EXT = f"{NS}:extension"
EXT_PLAN_VERSION = f"{EXT}:plan-version"      # CarePlan: valueInteger
EXT_DAILY_MINUTES = f"{EXT}:daily-minutes"    # CarePlan: weekday / weekend valueInteger
EXT_REST_DAY = f"{EXT}:rest-day"              # CarePlan: valueCode mon..sun, repeated
EXT_ACTIVITY = f"{EXT}:activity"              # detail: kid-title, setting, picture, area*, step*, sensory-diet, custom
EXT_DOSE = f"{EXT}:dose"                      # detail: reps, sets, hold-seconds, rest-seconds
EXT_COACHING = f"{EXT}:coaching"              # detail: valueString
EXT_AS_NEEDED = f"{EXT}:as-needed"            # detail: valueBoolean
EXT_BASELINE = f"{EXT}:goal-baseline"         # Goal: valueString
EXT_SCHOOL_DAY = f"{EXT}:school-day"          # CarePlan: valueCode mon..sun, repeated (plan format 2)
EXT_CHILD = f"{EXT}:child"                    # CarePlan: handedness, precaution (code [+ text])*, precaution-notes
EXT_ENTRY = f"{EXT}:entry"                    # detail: stop-if, level, counts-toward-budget, precaution-checked*,
                                              #   option* (a choice menu), phase* (from, level, minutes, reps, sets),
                                              #   progress-after-easy
EXT_GAS = f"{EXT}:goal-gas"                   # Goal: level (-2..2) + text, five of them

SNOMED = "http://snomed.info/sct"
UCUM = "http://unitsofmeasure.org"
OBS_CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category"
GOAL_ACHIEVEMENT = "http://terminology.hl7.org/CodeSystem/goal-achievement"

# Code values the model libraries do not check (FHIR R4 value sets).
PERIOD_UNITS = ("s", "min", "h", "d", "wk", "mo", "a")
DAYS_OF_WEEK = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
CAREPLAN_STATUSES = ("draft", "active", "on-hold", "revoked", "completed", "entered-in-error", "unknown")
CAREPLAN_INTENTS = ("proposal", "plan", "order", "option")
ACTIVITY_STATUSES = ("not-started", "scheduled", "in-progress", "on-hold", "completed", "cancelled",
                     "stopped", "unknown", "entered-in-error")
GOAL_LIFECYCLE = ("proposed", "planned", "accepted", "active", "on-hold", "completed", "cancelled",
                  "entered-in-error", "rejected")
OBSERVATION_STATUSES = ("registered", "preliminary", "final", "amended", "corrected", "cancelled",
                        "entered-in-error", "unknown")
REQUEST_STATUSES = ("draft", "active", "on-hold", "revoked", "completed", "entered-in-error", "unknown")
GOAL_ACHIEVEMENTS = ("in-progress", "improving", "worsening", "no-change", "achieved", "sustaining",
                     "not-achieved", "no-progress", "not-attainable")
EVENT_TIMINGS = ("MORN", "MORN.early", "MORN.late", "NOON", "AFT", "AFT.early", "AFT.late", "EVE",
                 "EVE.early", "EVE.late", "NIGHT", "PHS", "HS", "WAKE", "C", "CM", "CD", "CV", "AC",
                 "ACM", "ACD", "ACV", "PC", "PCM", "PCD", "PCV")


class FhirError(ValueError):
    """A FHIR file or server problem, as one line for the user (it names the element path)."""

    def __init__(self, message: str, warnings: list[str] | None = None):
        super().__init__(one_line(message))
        self.warnings = list(warnings or ())


def one_line(text: Any, limit: int = 300) -> str:
    s = " ".join(str(text).split())
    return s if len(s) <= limit else s[: limit - 3] + "..."


def show(value: Any, limit: int = 60) -> str:
    """A value as quoted text for a message, cut short."""
    if isinstance(value, str):
        s = " ".join(value.split())
        return '"' + (s if len(s) <= limit else s[: limit - 3] + "...") + '"'
    import json
    try:
        s = json.dumps(value, ensure_ascii=False)
    except (TypeError, ValueError):
        s = type(value).__name__
    return s if len(s) <= limit else s[: limit - 3] + "..."


DATE_RE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?(?:T.*)?$")


def parse_fhir_date(value: Any, end: bool = False) -> tuple[date | None, bool]:
    """A FHIR date or dateTime -> (date, exact). A year or year-month gives its first (or last) day."""
    if not isinstance(value, str):
        return None, False
    m = DATE_RE.match(value.strip())
    if not m:
        return None, False
    try:
        y = int(m.group(1))
        if m.group(3):
            return date(y, int(m.group(2)), int(m.group(3))), True
        if m.group(2):
            mo = int(m.group(2))
            if not end:
                return date(y, mo, 1), False
            nxt = date(y + (mo == 12), mo % 12 + 1, 1)
            return date.fromordinal(nxt.toordinal() - 1), False
        return (date(y, 12, 31) if end else date(y, 1, 1)), False
    except ValueError:
        return None, False


def stable_uuid(*parts: str) -> str:
    """A urn:uuid that depends only on its parts (re-export gives the same one)."""
    return "urn:uuid:" + str(uuid.uuid5(uuid.NAMESPACE_URL, NS + ":" + "|".join(parts)))


FHIR_ID = re.compile(r"^[A-Za-z0-9\-.]{1,64}$")


def as_list(value: Any) -> list:
    return value if isinstance(value, list) else ([] if value is None else [value])


def text_of(value: Any) -> str:
    """Plain text of a string (or nothing)."""
    return " ".join(value.split()) if isinstance(value, str) else ""
