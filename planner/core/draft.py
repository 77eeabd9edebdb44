"""The plan builder's draft and the words of the import preview. Plain data, pure functions, no Flet.

A draft holds what the therapist typed (numbers stay text until checked). `check`
turns it into a plan document, validates it exactly like an imported file
(`importer.plan_from_dict`) and says what is wrong in plain words.
"""
from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Any, Mapping

from planner.core import importer, scheduler
from planner.core.importer import PlanError
from planner.core.model import (
    slot_label,
    AREAS, DAILY_SPREAD, FORMAT, FORMAT_2, HANDEDNESS, LEVELS, SCHOOL_DAYS, SLOTS, WEEKDAYS, ImportAction,
    LibraryActivity, Plan, PlanActivity, age_in_years,
)
from planner.core.value import field, frozen, mutable

FREQ_KINDS: dict[str, str] = {"week": "Times a week", "days": "On set days", "day": "Times a day",
                              "needed": "When needed"}
# Plan format 2 entry fields the builder edits as typed text (numbers are checked by the importer).
DOSE_FIELDS: dict[str, str] = {"hold_seconds": "Hold (seconds)", "rest_seconds": "Rest between sets (s)",
                               "weight_kg": "Weight (kg)", "resistance": "Resistance",
                               "progress_after_easy": "Harder after N easy days"}
TEXT_FIELDS: dict[str, str] = {"stop_if": "Stop if", "coaching": "How to help (for the parent)"}
V2_ENTRY_KEYS = ("as_needed", "from", "until", "counts_toward_budget", "hold_seconds", "per_side",
                 "rest_seconds", "weight_kg", "resistance", "stop_if", "coaching", "level", "phases",
                 "progress_after_easy", "precaution_checked")
GAS_KEYS = ("-2", "-1", "0", "+1", "+2")
DEFAULT_MINUTES = importer.DEFAULT_DAILY_MINUTES
AGES = tuple(range(0, 13))


@mutable
class DraftGoal:
    id: str
    text: str
    area: str | None = None
    baseline: str = ""                    # plan format 2: where the child is now
    target: str = ""                      # the criterion
    target_date: str = ""                 # YYYY-MM-DD, as typed
    gas: list[str] = field(default_factory=lambda: [""] * 5)    # -2 .. +2

    @property
    def is_v2(self) -> bool:
        return bool(self.baseline.strip() or self.target.strip() or self.target_date.strip()
                    or any(x.strip() for x in self.gas))


@mutable
class DraftActivity:
    key: str                              # library id, or the custom activity's id
    kind: str = "week"                    # "week", "days" or "day" (see FREQ_KINDS)
    count: str = "3"                      # times a week / times a day, as typed
    days: list[str] = field(default_factory=list)
    minutes: str = "5"
    reps: str = ""
    sets: int | None = None               # kept from the plan, not edited
    slots: list[str] = field(default_factory=list)
    goal: str | None = None
    notes: str = ""
    sensory_diet: bool | None = None      # None: the library decides
    custom: dict[str, Any] | None = None  # a therapist's own activity, kept as it was
    choice: dict[str, Any] | None = None  # a choice menu: {"id", "title", "kid_title", "options"}
    v2: dict[str, Any] = field(default_factory=dict)   # plan format 2 entry fields (V2_ENTRY_KEYS)
    per_day: str = ""                     # kind "days": times on each of those days (format 2)

    @property
    def is_v2(self) -> bool:
        return bool(self.choice or any(v not in (None, "", [], False) for v in self.v2.values())
                    or self.v2.get("counts_toward_budget") is False
                    or any((self.custom or {}).get(k) for k in ("materials", "easier", "harder", "safety"))
                    or self.kind == "needed" or "after-school" in self.slots
                    or (self.kind == "days" and self.per_day.strip() not in ("", "1")))


@mutable
class Draft:
    child: str = ""
    start: str = ""
    end: str = ""
    weekday_minutes: str = str(DEFAULT_MINUTES)
    weekend_minutes: str = str(DEFAULT_MINUTES)
    rest_days: list[str] = field(default_factory=list)
    goals: list[DraftGoal] = field(default_factory=list)
    activities: list[DraftActivity] = field(default_factory=list)
    plan_id: str | None = None            # kept when editing; derived from child and start otherwise
    version: int = 1
    birth_date: str = ""
    therapist: dict[str, str] = field(default_factory=dict)
    handedness: str | None = None         # plan format 2 (HANDEDNESS)
    precautions: list[str] = field(default_factory=list)
    precaution_texts: dict[str, str] = field(default_factory=dict)
    precaution_notes: str = ""
    school_days: list[str] | None = None  # None: Monday to Friday

    @property
    def is_v2(self) -> bool:
        """A format-2 field is in use: the builder then writes "ot-home-plan/2"."""
        return bool(self.handedness or self.precautions or self.precaution_notes.strip()
                    or (self.school_days is not None and tuple(self.school_days) != SCHOOL_DAYS)
                    or any(g.is_v2 for g in self.goals) or any(a.is_v2 for a in self.activities))

    @property
    def editing(self) -> bool:
        return self.plan_id is not None

    def activity(self, key: str) -> DraftActivity | None:
        return next((a for a in self.activities if a.key == key), None)

    @property
    def practice_days(self) -> int:
        return 7 - len(self.rest_days)


# ------------------------------------------------------------------ making drafts

def default_start(today: date) -> date:
    """The next Monday, or today when today is a Monday."""
    return today + timedelta(days=(7 - today.weekday()) % 7)


def new_draft(today: date, child: str = "", plan: Plan | None = None) -> Draft:
    """An empty draft; the budget and rest days follow the current plan when there is one. A new
    plan may be for another child: the name, birth date and therapist are asked, never copied."""
    d = Draft(child=child, start=default_start(today).isoformat())
    if plan is not None:
        d.weekday_minutes, d.weekend_minutes = str(plan.weekday_minutes), str(plan.weekend_minutes)
        d.rest_days = list(plan.rest_days)
    return d


def draft_from_plan(plan: Plan, version: int) -> Draft:
    """A draft to edit an existing plan; it will be saved as `version`."""
    d = draft_from_dict(importer.plan_to_dict(plan))
    d.plan_id, d.version = plan.plan_id, version
    return d


def draft_from_dict(doc: dict[str, Any]) -> Draft:
    """A draft from a valid plan document (as `importer.plan_to_dict` writes it)."""
    dm = doc.get("daily_minutes", DEFAULT_MINUTES)
    wd, we = (dm.get("weekday", DEFAULT_MINUTES), dm.get("weekend", DEFAULT_MINUTES)) \
        if isinstance(dm, dict) else (dm, dm)
    child = doc.get("child") or {}
    d = Draft(child=child.get("name", ""), start=doc.get("start", ""), end=doc.get("end") or "",
              weekday_minutes=str(wd), weekend_minutes=str(we), rest_days=list(doc.get("rest_days") or ()),
              plan_id=doc.get("plan_id"), version=int(doc.get("version") or 1),
              birth_date=child.get("birth_date") or "", therapist=dict(doc.get("therapist") or {}),
              handedness=child.get("handedness"), precaution_notes=child.get("precaution_notes") or "")
    for p in child.get("precautions") or ():
        if isinstance(p, dict):
            d.precautions.append(p["id"])
            if p.get("text"):
                d.precaution_texts[p["id"]] = p["text"]
        else:
            d.precautions.append(p)
    if doc.get("school_days") is not None:
        d.school_days = list(doc["school_days"])
    elif doc.get("format") == FORMAT:
        d.school_days = list(WEEKDAYS)          # format 1 had no school days: every day was one
    for g in doc.get("goals") or ():
        gas = g.get("gas") or {}
        d.goals.append(DraftGoal(g["id"], g["text"], g.get("area"), baseline=g.get("baseline") or "",
                                 target=g.get("target") or "", target_date=g.get("target_date") or "",
                                 gas=[str(gas.get(k) or gas.get(k.lstrip("+")) or "") for k in GAS_KEYS]))
    for e in doc.get("activities") or ():
        custom = dict(e["custom"]) if "custom" in e else None
        choice = dict(e["choice"]) if "choice" in e else None
        key = custom["id"] if custom else choice["id"] if choice else e["activity"]
        a = DraftActivity(key=key, custom=custom, choice=choice,
                          minutes=str(e.get("minutes", "")), reps=str(e.get("reps") or ""),
                          sets=e.get("sets"), slots=list(e.get("when") or ()), goal=e.get("goal"),
                          notes=e.get("notes") or "", sensory_diet=e.get("sensory_diet"))
        a.v2 = {k: (list(e[k]) if isinstance(e[k], list) else e[k]) for k in V2_ENTRY_KEYS
                if e.get(k) is not None and k != "as_needed"}
        for k in ("hold_seconds", "rest_seconds", "weight_kg", "progress_after_easy"):
            if k in a.v2:
                a.v2[k] = f"{a.v2[k]:g}" if isinstance(a.v2[k], float) else str(a.v2[k])
        if "phases" in a.v2:
            a.v2["phases"] = [dict(ph) for ph in a.v2["phases"]]
        if e.get("as_needed"):
            a.kind, a.count = "needed", ""
        elif e.get("days") is not None:
            a.kind, a.days, a.count = "days", list(e["days"]), ""
            a.per_day = str(e.get("times_per_day") or "")
        elif e.get("times_per_day") is not None:
            a.kind, a.count = "day", str(e["times_per_day"])
        else:
            a.kind, a.count = "week", str(e.get("times_per_week", ""))
        d.activities.append(a)
    return d


# ------------------------------------------------------------------ editing

def add_goal(d: Draft, text: str, area: str | None = None) -> DraftGoal | None:
    text = " ".join((text or "").split())
    if not text:
        return None
    base = importer.slugify(text, 30)
    gid, n = base, 2
    taken = {g.id for g in d.goals}
    while gid in taken:
        gid, n = f"{base[:27]}-{n}", n + 1
    g = DraftGoal(gid, text, area if area in AREAS else None)
    d.goals.append(g)
    return g


def remove_goal(d: Draft, gid: str) -> None:
    d.goals = [g for g in d.goals if g.id != gid]
    for a in d.activities:
        if a.goal == gid:
            a.goal = None


def add_library_activity(d: Draft, lib: LibraryActivity) -> DraftActivity | None:
    """Add a library activity with its usual dose; None when it is already in the draft."""
    if d.activity(lib.id):
        return None
    goal = next((g.id for g in d.goals if g.area and g.area in lib.areas), None)
    if goal is None and len(d.goals) == 1:
        goal = d.goals[0].id                 # the plan's only goal
    a = DraftActivity(key=lib.id, kind="week", count=str(max(1, min(3, d.practice_days))),
                      minutes=str(lib.minutes), reps=str(lib.reps or ""), sets=lib.sets if lib.reps else None,
                      slots=list(lib.when) or ["afternoon"], goal=goal)
    d.activities.append(a)
    return a


def add_custom_activity(d: Draft, title: str, area: str | None, steps_text: str = "",
                        setting: str = "table-top", safety: str = "") -> DraftActivity | str:
    """A therapist's own activity; returns it, or a plain-words reason it cannot be added."""
    title = " ".join((title or "").split())
    if not title:
        return "Write the activity's title first"
    if len(title) > 80:
        return "The title is too long (at most 80 characters)"
    if not area:
        return "Choose the activity's area"
    key = importer.slugify(title)
    if d.activity(key):
        return f"'{title}' is already in the plan"
    steps = [" ".join(line.split()) for line in (steps_text or "").splitlines() if line.strip()][:10]
    custom: dict[str, Any] = {"id": key, "title": title, "area": area, "setting": setting}
    if steps:
        custom["steps"] = steps
    safety = " ".join((safety or "").split())
    if safety:
        custom["safety"] = safety          # plan format 2: shown before the steps
    a = DraftActivity(key=key, kind="week", count=str(max(1, min(3, d.practice_days))), minutes="5",
                      slots=["afternoon"], custom=custom,
                      goal=next((g.id for g in d.goals if g.area == area), None)
                      or (d.goals[0].id if len(d.goals) == 1 else None))
    d.activities.append(a)
    return a


def add_choice(d: Draft, title: str, options: list[str], library: Mapping[str, LibraryActivity]
               ) -> DraftActivity | str:
    """A choice menu ("one heavy-work activity from this list"); returns it or a plain-words reason."""
    title = " ".join((title or "").split())
    if not title:
        return "Give the choice a title, for example Heavy work"
    opts = [o for o in dict.fromkeys(options) if o in library]
    if len(opts) < 2:
        return "Pick at least two library activities to choose from"
    if len(opts) > 8:
        return "A choice has at most 8 activities"
    key = importer.slugify(title, 40)
    if d.activity(key):
        return f"'{title}' is already in the plan"
    first = library[opts[0]]
    a = DraftActivity(key=key, kind="week", count=str(max(1, min(3, d.practice_days))),
                      minutes=str(max(library[o].minutes for o in opts)),
                      slots=list(first.when) or ["afternoon"],
                      choice={"id": key, "title": title, "kid_title": title[:24].rstrip(), "options": opts},
                      goal=d.goals[0].id if len(d.goals) == 1 else None)
    d.activities.append(a)
    return a


def set_field(a: DraftActivity, name: str, value: Any) -> None:
    """Set or clear one plan format 2 entry field (empty text, False or [] clears it)."""
    if value in (None, "", [], False) or (isinstance(value, str) and not value.strip()):
        a.v2.pop(name, None)
    else:
        a.v2[name] = value.strip() if isinstance(value, str) else value


def set_budget_counted(a: DraftActivity, counted: bool) -> None:
    """A routine that happens anyway (tooth brushing) need not use the practice-time budget."""
    if counted:
        a.v2.pop("counts_toward_budget", None)
    else:
        a.v2["counts_toward_budget"] = False


def add_phase(a: DraftActivity, week: str, level: str | None, minutes: str) -> None:
    ph: dict[str, Any] = {"week": week.strip()}
    if level in LEVELS:
        ph["level"] = level
    if minutes.strip():
        ph["minutes"] = minutes.strip()
    a.v2.setdefault("phases", []).append(ph)


def remove_phase(a: DraftActivity, index: int) -> None:
    phases = a.v2.get("phases") or []
    if 0 <= index < len(phases):
        phases.pop(index)
    if not phases:
        a.v2.pop("phases", None)


def toggle_precaution(d: Draft, precaution: str, on: bool) -> None:
    from planner.core.activity import PRECAUTIONS
    _toggle(d.precautions, precaution, on, PRECAUTIONS)
    if not on:
        d.precaution_texts.pop(precaution, None)


def toggle_school_day(d: Draft, day: str, on: bool) -> None:
    days = list(d.school_days if d.school_days is not None else SCHOOL_DAYS)
    _toggle(days, day, on, WEEKDAYS)
    d.school_days = None if tuple(days) == SCHOOL_DAYS else days


def remove_activity(d: Draft, key: str) -> None:
    d.activities = [a for a in d.activities if a.key != key]


def set_kind(d: Draft, a: DraftActivity, kind: str) -> None:
    if kind not in FREQ_KINDS or kind == a.kind:
        return
    a.kind = kind
    if kind == "needed":
        a.count = ""
    elif kind == "week":
        a.count = str(max(1, min(3, d.practice_days)))
    elif kind == "days":
        a.days = a.days or [x for x in ("mon", "wed", "fri") if x not in d.rest_days] or \
            [x for x in WEEKDAYS if x not in d.rest_days][:1]
    else:
        a.count = str(len(a.slots) if 1 <= len(a.slots) <= 6 else 1)
        if len(a.slots) != int(a.count):
            a.slots = list(DAILY_SPREAD[int(a.count)])


def set_count(a: DraftActivity, text: str) -> None:
    """Times a week or a day; for times a day, the slots follow the count."""
    a.count = text.strip()
    if a.kind == "day" and a.count.isdigit() and 1 <= int(a.count) <= 6 and len(a.slots) != int(a.count):
        a.slots = list(DAILY_SPREAD[int(a.count)])


def toggle_slot(a: DraftActivity, slot: str, on: bool) -> None:
    _toggle(a.slots, slot, on, SLOTS)
    if a.kind == "day" and a.slots:
        a.count = str(len(a.slots))


def toggle_day(a: DraftActivity, day: str, on: bool) -> None:
    _toggle(a.days, day, on, WEEKDAYS)


def toggle_rest_day(d: Draft, day: str, on: bool) -> None:
    toggle_day_list(d.rest_days, day, on)


def toggle_day_list(days: list[str], day: str, on: bool) -> None:
    _toggle(days, day, on, WEEKDAYS)


def _toggle(values: list[str], value: str, on: bool, order: tuple[str, ...]) -> None:
    """Add or remove one value, keeping the list in its natural order."""
    if on and value not in values:
        values.append(value)
    elif not on and value in values:
        values.remove(value)
    values.sort(key=order.index)


def child_age(d: Draft, today: date) -> int | None:
    try:
        return age_in_years(date.fromisoformat(d.birth_date), today) if d.birth_date else None
    except ValueError:
        return None


# ------------------------------------------------------------------ draft -> plan document

def _num(text: Any, optional: bool = False) -> Any:
    """Typed text -> int when it is a whole number; otherwise the text, for the validator to name."""
    if isinstance(text, int):
        return text
    s = str(text or "").strip()
    if not s:
        return None if optional else ""
    return int(s) if re.fullmatch(r"\d{1,7}", s) else s


def _decimal(text: Any) -> Any:
    if isinstance(text, (int, float)):
        return text
    s = str(text or "").strip().replace(",", ".")
    return float(s) if re.fullmatch(r"\d{1,4}(\.\d{1,3})?", s) else s


def activity_entry(a: DraftActivity) -> dict[str, Any]:
    if a.choice:
        e: dict[str, Any] = {"choice": dict(a.choice, options=list(a.choice["options"]))}
    else:
        e = {"custom": dict(a.custom)} if a.custom else {"activity": a.key}
    if a.goal:
        e["goal"] = a.goal
    if a.kind == "needed":
        e["as_needed"] = True
    elif a.kind == "days":
        e["days"] = [x for x in WEEKDAYS if x in a.days]
        if a.per_day.strip() not in ("", "1"):
            e["times_per_day"] = _num(a.per_day)
    elif a.kind == "day":
        e["times_per_day"] = _num(a.count)
    else:
        e["times_per_week"] = _num(a.count)
    e["minutes"] = _num(a.minutes)
    reps = _num(a.reps, optional=True)
    if reps is not None:
        e["reps"] = reps
        if a.sets:
            e["sets"] = a.sets
    if a.slots:
        e["when"] = [s for s in SLOTS if s in a.slots]
    if a.sensory_diet is not None:
        e["sensory_diet"] = a.sensory_diet
    if a.notes.strip():
        e["notes"] = a.notes.strip()
    for k, v in a.v2.items():
        if k in ("hold_seconds", "rest_seconds", "progress_after_easy"):
            e[k] = _num(v)
        elif k == "weight_kg":
            e[k] = _decimal(v)
        elif k == "phases":
            e[k] = [{pk: (_num(pv) if pk in ("week", "minutes", "reps", "sets") else pv)
                     for pk, pv in ph.items()} for ph in v]
        else:
            e[k] = v
    return e


def draft_to_dict(d: Draft, known_versions: Mapping[str, int] | None = None) -> dict[str, Any]:
    """The plan document of a draft: always "ot-home-plan/2" (school days, as-needed items,
    choices and the rest can be added at any time; a format-1 plan opened here keeps every day as
    a school day, as it had).

    A new draft gets its plan id from the child and the start date; when that id is
    already imported (`known_versions`: plan id -> highest version), the version goes
    one above it so the draft imports as a revision instead of clashing.
    """
    v2 = True
    doc: dict[str, Any] = {"format": FORMAT_2}
    version = d.version
    if d.plan_id:
        doc["plan_id"] = d.plan_id
    else:
        pid = derived_plan_id(d)
        if pid and known_versions and pid in known_versions:
            version = max(version, known_versions[pid] + 1)
    doc["version"] = version
    child: dict[str, Any] = {"name": d.child}
    if d.birth_date.strip():
        child["birth_date"] = d.birth_date.strip()
    if v2:
        if d.handedness:
            child["handedness"] = d.handedness
        if d.precautions:
            child["precautions"] = [{"id": p, "text": d.precaution_texts[p]}
                                    if d.precaution_texts.get(p, "").strip() else p for p in d.precautions]
        if d.precaution_notes.strip():
            child["precaution_notes"] = d.precaution_notes.strip()
    doc["child"] = child
    if d.therapist:
        doc["therapist"] = dict(d.therapist)
    doc["start"] = d.start.strip()
    if d.end.strip():
        doc["end"] = d.end.strip()
    doc["daily_minutes"] = {"weekday": _num(d.weekday_minutes), "weekend": _num(d.weekend_minutes)}
    if d.rest_days:
        doc["rest_days"] = [x for x in WEEKDAYS if x in d.rest_days]
    if v2 and d.school_days is not None:
        doc["school_days"] = [x for x in WEEKDAYS if x in d.school_days]
    if d.goals:
        doc["goals"] = [goal_entry(g, v2) for g in d.goals]
    doc["activities"] = [activity_entry(a) for a in d.activities]
    return doc


def goal_entry(g: DraftGoal, v2: bool) -> dict[str, Any]:
    out: dict[str, Any] = {"id": g.id, "text": g.text}
    if g.area:
        out["area"] = g.area
    if v2:
        for k in ("baseline", "target", "target_date"):
            if getattr(g, k).strip():
                out[k] = getattr(g, k).strip()
        if any(x.strip() for x in g.gas):
            out["gas"] = {k: v.strip() for k, v in zip(GAS_KEYS, g.gas) if v.strip()}
    return out


def derived_plan_id(d: Draft) -> str | None:
    name = " ".join(d.child.split())
    if not name or not re.fullmatch(r"\d{4}-\d{2}-\d{2}", d.start.strip()):
        return None
    return f"{importer.slugify(name, 30)}-{d.start.strip()}"


# ------------------------------------------------------------------ checking

@frozen
class Check:
    doc: dict[str, Any]
    plan: Plan | None
    error: str                    # plain words; "" when the plan is valid
    load: scheduler.Load | None
    warnings: tuple[str, ...] = ()
    activity: str | None = None   # the draft activity the error is about, if any

    @property
    def ok(self) -> bool:
        return self.plan is not None

    @property
    def load_text(self) -> str:
        return load_text(self.load) if self.load else ""


def check(d: Draft, library: Mapping[str, LibraryActivity], pictures: set[str] | None = None,
          known_versions: Mapping[str, int] | None = None) -> Check:
    doc = draft_to_dict(d, known_versions)
    if not d.activities:
        return Check(doc, None, "Add at least one activity from the library below.", None)
    try:
        plan = importer.plan_from_dict(doc, dict(library), pictures)
    except PlanError as exc:
        p = exc.path
        i = p[1] if len(p) >= 2 and p[0] == "activities" and isinstance(p[1], int) else None
        key = d.activities[i].key if i is not None and i < len(d.activities) else None
        return Check(doc, None, plain_error(exc, d, library), None, activity=key)
    return Check(doc, plan, "", scheduler.plan_load(plan), tuple(scheduler.plan_warnings(plan)))


FIELD_WORDS = {
    "child": "Child", "child.name": "Child's name", "child.birth_date": "Birth date",
    "start": "Start date", "end": "End date", "daily_minutes": "Minutes a day",
    "daily_minutes.weekday": "Weekday minutes", "daily_minutes.weekend": "Weekend minutes",
    "rest_days": "Rest days", "goals": "Goals", "activities": "Activities", "version": "Version",
    "plan_id": "Plan id", "therapist.name": "Therapist's name", "therapist.contact": "Therapist's contact",
    "child.handedness": "Handedness", "child.precautions": "Precautions",
    "child.precaution_notes": "Precaution notes", "school_days": "School days",
}
ENTRY_WORDS = {
    "times_per_week": "times a week", "times_per_day": "times a day", "days": "days", "minutes": "minutes",
    "reps": "reps", "sets": "sets", "when": "slots", "goal": "goal", "notes": "notes",
    "activity": "activity", "custom": "activity", "choice": "choice", "as_needed": "when needed",
    "hold_seconds": "hold", "rest_seconds": "rest", "weight_kg": "weight", "resistance": "resistance",
    "stop_if": "stop if", "coaching": "how to help", "level": "version", "phases": "from week",
    "progress_after_easy": "harder after easy days", "precaution_checked": "precautions checked",
    "per_side": "each side", "from": "from", "until": "until",
}


def plain_error(exc: PlanError, d: Draft, library: Mapping[str, LibraryActivity]) -> str:
    """`activities[1].days[0]: 'sat' is one of the plan's rest days` -> `Heavy carry, days: ...`."""
    where, message = exc.where, exc.message
    message = re.sub(r"must be a whole number from (\d+) to (\d+) \(got ''\)",
                     r"is empty; give a whole number from \1 to \2", message)
    message = message.replace("needs at least 1 entry", "needs at least one")
    if where == "" or where is None:
        return _sentence(message)
    path = exc.path
    if len(path) >= 2 and path[0] == "activities" and isinstance(path[1], int):
        i = path[1]
        a = d.activities[i] if i < len(d.activities) else None
        title = activity_title(a, library) if a else f"Activity {i + 1}"
        field_name = path[2] if len(path) > 2 and isinstance(path[2], str) else ""
        part = ENTRY_WORDS.get(field_name, field_name)
        return _sentence(f"{title}{', ' + part if part else ''}: {message}")
    if len(path) >= 2 and path[0] == "goals" and isinstance(path[1], int):
        return _sentence(f"Goal {path[1] + 1}: {message}")
    if path[:1] == ("rest_days",):
        where = "rest_days"
    return _sentence(f"{FIELD_WORDS.get(where, where)}: {message}")


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:] if text else text


def activity_title(a: DraftActivity, library: Mapping[str, LibraryActivity]) -> str:
    if a.choice:
        return str(a.choice.get("title") or a.key)
    if a.custom:
        return str(a.custom.get("title") or a.key)
    lib = library.get(a.key)
    return lib.title if lib else a.key


def draft_line(a: DraftActivity, d: Draft | None = None) -> str:
    """"3x a week · 5 min · Afternoon" for a draft activity, as typed."""
    if a.kind == "needed":
        often = "when needed"
    elif a.kind == "days":
        often = ", ".join(x.capitalize() for x in WEEKDAYS if x in a.days) or "no day chosen"
        if a.per_day.strip() not in ("", "1"):
            often += f", {a.per_day.strip()}x a day"
    elif a.kind == "day":
        often = "daily" if a.count == "1" else f"{a.count or '?'}x a day"
    else:
        often = f"{a.count or '?'}x a week"
    dose = f"{a.reps} reps" if a.reps.strip() else f"{a.minutes or '?'} min"
    parts = [often, dose, ", ".join(slot_label(s) for s in SLOTS if s in a.slots)]
    goal = next((g for g in d.goals if g.id == a.goal), None) if d and a.goal else None
    if goal:
        parts.append(f"Goal: {goal.text if len(goal.text) <= 30 else goal.text[:28] + '…'}")
    return " · ".join(p for p in parts if p)


def activity_picture(a: DraftActivity, library: Mapping[str, LibraryActivity]) -> str:
    if a.choice and a.choice.get("options"):
        lib = library.get(a.choice["options"][0])
        return lib.picture if lib else "activities/custom.svg"
    if a.custom:
        pic = a.custom.get("picture")
        return f"activities/{pic}.svg" if pic else "activities/custom.svg"
    lib = library.get(a.key)
    return lib.picture if lib else "activities/custom.svg"


# ------------------------------------------------------------------ words for the preview

def load_text(load: scheduler.Load) -> str:
    return f"{load.week_minutes} of {load.week_budget} minutes a week"


def count_text(n: int, one: str, many: str | None = None) -> str:
    return f"{n} {one if n == 1 else (many or one + 's')}"


def dates_text(plan: Plan) -> str:
    if plan.end:
        return f"{_d(plan.start)} to {_d(plan.end)}"
    return f"From {_d(plan.start)}"


def _d(day: date) -> str:
    return f"{day.day} {day:%b %Y}"


def activity_line(a: PlanActivity) -> str:
    """"3x a week · 5 min · After school"."""
    slots = ", ".join(slot_label(s) for s in a.when)
    return " · ".join(x for x in (a.frequency.describe(), a.dose_text(), slots) if x)


def budget_text(plan: Plan) -> str:
    mins = (f"{plan.weekday_minutes} min a day" if plan.weekday_minutes == plan.weekend_minutes
            else f"{plan.weekday_minutes} min on weekdays, {plan.weekend_minutes} at weekends")
    rest = ", ".join(x.capitalize() for x in plan.rest_days)
    return mins + (f" · rest: {rest}" if rest else " · no rest days")


def outcome_text(action: ImportAction, plan: Plan, effective: date, today: date) -> str:
    """What applying the plan will do, in plain words (`action` may be given by its value)."""
    action = ImportAction(action)
    if effective == today:
        when = f"from today ({_d(effective)})"
    elif effective < today:
        when = f"from {_d(effective)} (already started)"
    else:
        when = f"from {_d(effective)}"
    if action is ImportAction.UNCHANGED:
        return "This plan is already imported: nothing will change."
    if action is ImportAction.NEW:
        return f"A new plan for {plan.child}, in effect {when}."
    if action is ImportAction.REVISED:
        return (f"Version {plan.version} of this plan: it takes over {when}. "
                "Days before keep what was planned and ticked.")
    return (f"A new plan for {plan.child}: it replaces the current plan {when}. "
            "Days before keep what was planned and ticked.")


def known_versions(records: list[dict[str, Any]]) -> dict[str, int]:
    """plan id -> highest imported version, from the store's plan records."""
    out: dict[str, int] = {}
    for r in records:
        out[r["plan_id"]] = max(out.get(r["plan_id"], 0), int(r["version"]))
    return out


def activity_dose(lib: LibraryActivity) -> str:
    from planner.core.model import dose_text
    return dose_text(lib.minutes, lib.reps, lib.sets)
