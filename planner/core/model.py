"""Plan model: plain value types with no UI or storage dependency.

A plan is what the therapist asks for; the scheduler turns it into dated
items; a completion records what the family did with one item.
"""
from __future__ import annotations

from datetime import date
from enum import Enum
from functools import lru_cache
from typing import Any

from planner.core.value import asdict, field, frozen

FORMAT = "ot-home-plan/1"
FORMAT_2 = "ot-home-plan/2"
FORMATS = (FORMAT, FORMAT_2)

# The slots of a day, in the order the day runs.
SLOTS: tuple[str, ...] = ("morning", "midday", "after-school", "afternoon", "before-homework", "evening",
                          "bedtime")
# Slots that exist only on school days (plan format 2: `school_days`, default Monday to Friday).
SCHOOL_SLOTS: tuple[str, ...] = ("after-school", "before-homework")
SCHOOL_DAYS: tuple[str, ...] = ("mon", "tue", "wed", "thu", "fri")
SLOT_ORDER = {s: i for i, s in enumerate(SLOTS)}


def slot_label(slot: str) -> str:
    """`before-homework` -> `Before homework`."""
    return slot.replace("-", " ").capitalize()

AREAS: tuple[str, ...] = (
    "fine-motor", "visual-motor", "gross-motor", "motor-planning", "sensory", "self-care",
    "handwriting", "self-regulation", "social", "cognitive", "oral-motor",
)

WEEKDAYS: tuple[str, ...] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
WEEKDAY_INDEX = {d: i for i, d in enumerate(WEEKDAYS)}

SETTINGS: tuple[str, ...] = ("movement", "table-top", "routine")
# Within a slot: warm-up movement first, then focus work, then routines.
SETTING_ORDER = {"movement": 0, "table-top": 1, "routine": 2}

SENSORY_KINDS = ("alerting", "calming", "organizing")
SENSORY_SYSTEMS = ("proprioceptive", "vestibular", "tactile", "visual", "auditory", "oral", "interoceptive")

# Age bands, in whole years (max inclusive-exclusive upper bound noted).
AGE_BANDS = {"infant": (0, 0), "toddler": (1, 2), "preschool": (3, 4), "school-age": (5, 12)}

# FHIR Timing.repeat.when event codes for our slots.
FHIR_WHEN = {
    "morning": "MORN", "midday": "NOON", "after-school": "AFT.early", "afternoon": "AFT",
    "before-homework": "AFT.late",
    "evening": "EVE", "bedtime": "HS",
}

# Default spread of slots for "n times a day" when the plan names none.
DAILY_SPREAD: dict[int, tuple[str, ...]] = {
    1: ("afternoon",),
    2: ("morning", "afternoon"),
    3: ("morning", "afternoon", "evening"),
    4: ("morning", "midday", "afternoon", "evening"),
    5: ("morning", "midday", "afternoon", "evening", "bedtime"),
    6: tuple(s for s in SLOTS if s != "after-school"),
}


class Status(str, Enum):
    PLANNED = "planned"
    DONE = "done"
    PARTIAL = "partial"
    SKIPPED = "skipped"


_STATUS = {s.value: s for s in Status}


@lru_cache(maxsize=1024)
def _day(text: str) -> date:
    return date.fromisoformat(text)


SKIP_REASONS: tuple[str, ...] = ("sick", "no-time", "refused", "other")
RATINGS: tuple[str, ...] = ("easy", "right", "hard")
RATING_LABELS = {"easy": "Easy", "right": "Just right", "hard": "Hard"}
SKIP_REASON_LABELS = {"sick": "Sick", "no-time": "No time", "refused": "Refused", "other": "Other"}

from planner.core.activity import LibraryActivity  # noqa: E402  (re-exported)


class ImportAction(str, Enum):
    """What importing a plan does to a child's timeline."""
    NEW = "new"                  # the child's first plan
    REVISED = "revised"          # a higher version of the plan in effect: takes over from its day
    REPLACED = "replaced"        # another plan for the same child: replaces the current one
    UNCHANGED = "unchanged"      # this very version is already imported: nothing changes


class FrequencyKind(str, Enum):
    """How an entry's frequency is given (the value is the stored form)."""
    WEEKLY = "week"          # k times in each Monday-Sunday week
    ON_DAYS = "days"         # on named weekdays (plan format 2: n times on each)
    DAILY = "day"            # n times on every plan day


@frozen
class Frequency:
    """How often an activity happens. Exactly one kind is set.

    kind "week": `count` times in each Monday-Sunday week.
    kind "days": on the named weekdays.
    kind "day":  `count` times on every plan day.
    Each maps onto FHIR Timing.repeat (see `to_fhir`).
    """
    kind: FrequencyKind
    count: int = 1
    days: tuple[str, ...] = ()
    per_day: int = 1                 # kind "days": times on each of those days (plan format 2)
    as_needed: bool = False          # never scheduled; logged when used (plan format 2)

    def __post_init__(self) -> None:
        object.__setattr__(self, "kind", FrequencyKind(self.kind))

    @classmethod
    def weekly(cls, k: int) -> "Frequency":
        return cls(FrequencyKind.WEEKLY, k)

    @classmethod
    def on_days(cls, days: tuple[str, ...], per_day: int = 1) -> "Frequency":
        return cls(FrequencyKind.ON_DAYS, len(days), tuple(days), per_day=per_day)

    @classmethod
    def daily(cls, n: int) -> "Frequency":
        return cls(FrequencyKind.DAILY, n)

    @classmethod
    def when_needed(cls) -> "Frequency":
        return cls(FrequencyKind.DAILY, 1, as_needed=True)

    def to_doc(self) -> dict[str, Any]:
        """The plan-file form: {"times_per_week": 3}, {"days": [...], "times_per_day": 2}, ..."""
        if self.as_needed:
            return {"as_needed": True}
        if self.kind is FrequencyKind.WEEKLY:
            return {"times_per_week": self.count}
        if self.kind is FrequencyKind.ON_DAYS:
            doc: dict[str, Any] = {"days": list(self.days)}
            if self.per_day > 1:
                doc["times_per_day"] = self.per_day
            return doc
        return {"times_per_day": self.count}

    def to_fhir(self, when: tuple[str, ...] = ()) -> dict[str, Any]:
        if self.as_needed:
            return {"when": [FHIR_WHEN[w] for w in when]} if when else {}
        if self.kind is FrequencyKind.WEEKLY:
            rep: dict[str, Any] = {"frequency": self.count, "period": 1, "periodUnit": "wk"}
        elif self.kind is FrequencyKind.ON_DAYS:
            rep = {"frequency": self.per_day, "period": 1, "periodUnit": "d", "dayOfWeek": list(self.days)}
        else:
            rep = {"frequency": self.count, "period": 1, "periodUnit": "d"}
        if when:
            rep["when"] = [FHIR_WHEN[w] for w in when]
        return rep

    def describe(self) -> str:
        if self.as_needed:
            return "when needed"
        if self.kind is FrequencyKind.WEEKLY:
            return f"{self.count}x a week"
        if self.kind is FrequencyKind.DAILY:
            return "daily" if self.count == 1 else f"{self.count}x a day"
        days = ", ".join(d.capitalize() for d in self.days)
        if self.days == SCHOOL_DAYS:
            days = "school days"
        return days if self.per_day == 1 else f"{self.per_day}x a day on {days}"


@frozen
class Goal:
    id: str
    text: str
    area: str | None = None
    baseline: str = ""               # plan format 2: where the child is now
    target: str = ""                 # the criterion ("4 of 5 tries, on her own")
    target_date: date | None = None
    gas: tuple[str, ...] = ()        # Goal Attainment Scaling texts for -2, -1, 0, +1, +2 (or none)

    def gas_text(self, level: int) -> str:
        return self.gas[level + 2] if len(self.gas) == 5 and -2 <= level <= 2 else ""


@frozen
class Phase:
    """A dated step of one plan entry: from `first` on, this level and dose (plan format 2)."""
    first: date
    level: str | None = None
    minutes: int | None = None
    reps: int | None = None
    sets: int | None = None


@frozen
class PlanActivity:
    """One entry of a plan: which activity, how often, how much."""
    key: str                     # activity id (library or custom), unique in the plan
    title: str
    kid_title: str
    areas: tuple[str, ...]
    setting: str
    picture: str
    frequency: Frequency
    minutes: int
    reps: int | None = None
    sets: int | None = None
    when: tuple[str, ...] = ()
    goal: str | None = None
    notes: str = ""
    sensory_diet: bool = False
    custom: bool = False
    steps: tuple[str, ...] = ()
    # Plan format 2 (defaults keep a v1 plan exactly as it was).
    options: tuple[str, ...] = ()            # a choice menu: the activities to pick from
    valid_from: date | None = None           # the entry's own first and last day in the plan
    valid_until: date | None = None
    counts_toward_budget: bool = True
    hold_seconds: int | None = None
    per_side: bool = False
    rest_seconds: int | None = None
    weight_kg: float | None = None
    resistance: str = ""
    stop_if: str = ""
    coaching: str = ""
    level: str | None = None                 # easier / standard / harder
    phases: tuple[Phase, ...] = ()
    progress_after_easy: int | None = None
    precaution_checked: tuple[str, ...] = ()
    materials: tuple[str, ...] = ()
    easier: str = ""
    harder: str = ""
    safety: str = ""
    conflicts: tuple[str, ...] = ()          # a custom activity's precaution conflicts
    weighted: bool = False                   # a custom activity whose weight is part of the dose

    @property
    def as_needed(self) -> bool:
        return self.frequency.as_needed

    @property
    def is_choice(self) -> bool:
        return bool(self.options)

    def dose_text(self) -> str:
        return dose_text(self.minutes, self.reps, self.sets, self.hold_seconds, self.per_side)

    def active_on(self, day: date) -> bool:
        return (self.valid_from is None or self.valid_from <= day) and \
            (self.valid_until is None or day <= self.valid_until)

    def phase_on(self, day: date) -> Phase | None:
        current = None
        for ph in self.phases:
            if ph.first <= day:
                current = ph
        return current


@frozen
class Plan:
    plan_id: str
    version: int
    child: str
    start: date
    end: date | None
    weekday_minutes: int
    weekend_minutes: int
    rest_days: tuple[str, ...]
    goals: tuple[Goal, ...]
    activities: tuple[PlanActivity, ...]
    birth_date: date | None = None
    therapist_name: str = ""
    therapist_contact: str = ""
    source: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)
    # Plan format 2.
    handedness: str | None = None
    precautions: tuple[str, ...] = ()
    precaution_texts: tuple[tuple[str, str], ...] = ()     # (precaution, text), e.g. food-allergy
    precaution_notes: str = ""
    school_days: tuple[str, ...] = WEEKDAYS       # format 1: every day; format 2: Monday-Friday
    warnings: tuple[str, ...] = field(default=(), compare=False, hash=False)

    def is_school_day(self, day: date) -> bool:
        return WEEKDAYS[day.weekday()] in self.school_days

    def __hash__(self) -> int:
        # Plans key the scheduler's memos once a week scheduled; hashing every field of every
        # entry each time costs more than the placement. Equal plans share these fields.
        return hash((self.plan_id, self.version, self.start, self.end, len(self.activities)))

    def budget_for(self, day: date) -> int:
        return self.weekend_minutes if day.weekday() >= 5 else self.weekday_minutes

    def goal(self, goal_id: str | None) -> Goal | None:
        for g in self.goals:
            if g.id == goal_id:
                return g
        return None

    def activity(self, key: str) -> PlanActivity | None:
        for a in self.activities:
            if a.key == key:
                return a
        return None

    def in_plan(self, day: date) -> bool:
        return self.start <= day and (self.end is None or day <= self.end)

    def is_rest_day(self, day: date) -> bool:
        return WEEKDAYS[day.weekday()] in self.rest_days


@frozen
class ScheduledItem:
    """One dated occurrence of a plan activity, with what happened to it."""
    id: str
    date: date
    slot: str
    key: str
    title: str
    kid_title: str
    minutes: int
    reps: int | None
    sets: int | None
    goal: str | None
    areas: tuple[str, ...]
    setting: str
    sensory_diet: bool
    picture: str
    plan_id: str
    plan_version: int
    status: Status = Status.PLANNED
    rating: str | None = None
    note: str = ""
    reason: str | None = None
    # Plan format 2: what was asked for and what was recorded.
    level: str | None = None
    hold_seconds: int | None = None
    per_side: bool = False
    rest_seconds: int | None = None
    weight_kg: float | None = None
    resistance: str = ""
    stop_if: str = ""
    coaching: str = ""
    options: tuple[str, ...] = ()
    option: str | None = None                # the option picked (choice menus)
    assist: str | None = None
    level_done: str | None = None            # the level recorded as done

    def dose_text(self) -> str:
        return dose_text(self.minutes, self.reps, self.sets, self.hold_seconds, self.per_side)

    def planned_dose(self) -> dict[str, Any]:
        return Snapshot.of_item(self).planned()

    @classmethod
    def from_record(cls, c: "Completion") -> "ScheduledItem":
        """The item as it was when `c` was recorded (its plan no longer schedules it)."""
        s = c.snapshot
        return cls(
            id=c.item_id, date=c.date, slot=s.slot, key=c.activity, title=s.title, kid_title=s.kid_title,
            minutes=s.minutes, reps=s.reps, sets=s.sets, goal=s.goal, areas=s.areas, setting=s.setting,
            sensory_diet=s.sensory_diet, picture=s.picture, plan_id=c.plan_id, plan_version=s.plan_version,
            status=c.status, rating=c.rating, note=c.note, reason=c.reason, level=s.level,
            hold_seconds=s.hold_seconds, per_side=s.per_side, rest_seconds=s.rest_seconds,
            weight_kg=s.weight_kg, resistance=s.resistance, level_done=c.level, assist=c.assist,
            option=c.option)


@frozen
class Day:
    date: date
    budget_minutes: int
    items: tuple[ScheduledItem, ...]
    rest: bool = False          # rest day, paused day or outside the plan
    paused: bool = False

    @property
    def planned_minutes(self) -> int:
        return sum(i.minutes for i in self.items)

    @property
    def weekday(self) -> str:
        return WEEKDAYS[self.date.weekday()]


@frozen
class Snapshot:
    """What one item looked like and asked for when a record was made: kept with the record, so a
    record whose item a later revision removed still shows as it was (one typed form; stored as
    the record's `planned` dose and `extra` look)."""
    title: str
    kid_title: str
    slot: str
    minutes: int
    reps: int | None = None
    sets: int | None = None
    goal: str | None = None
    areas: tuple[str, ...] = ()
    setting: str = "table-top"
    sensory_diet: bool = False
    picture: str = "activities/custom.svg"
    plan_version: int = 0
    level: str | None = None
    hold_seconds: int | None = None
    per_side: bool = False
    rest_seconds: int | None = None
    weight_kg: float | None = None
    resistance: str = ""

    @classmethod
    def of_item(cls, it: "ScheduledItem") -> "Snapshot":
        return cls(it.title, it.kid_title, it.slot, it.minutes, it.reps, it.sets, it.goal, tuple(it.areas),
                   it.setting, it.sensory_diet, it.picture, it.plan_version, it.level, it.hold_seconds,
                   it.per_side, it.rest_seconds, it.weight_kg, it.resistance)

    def planned(self) -> dict[str, Any]:
        """The stored dose (`Completion.planned`)."""
        dose: dict[str, Any] = {"minutes": self.minutes, "reps": self.reps, "sets": self.sets}
        for k in ("hold_seconds", "rest_seconds", "weight_kg", "level"):
            if getattr(self, k) is not None:
                dose[k] = getattr(self, k)
        if self.per_side:
            dose["per_side"] = True
        if self.resistance:
            dose["resistance"] = self.resistance
        return dose

    def extra(self) -> dict[str, Any]:
        """The stored look (`Completion.extra`)."""
        x: dict[str, Any] = {"kid_title": self.kid_title, "areas": list(self.areas), "setting": self.setting,
                             "picture": self.picture, "plan_version": self.plan_version}
        if self.goal:
            x["goal"] = self.goal
        if self.sensory_diet:
            x["sensory_diet"] = True
        return x


@frozen
class Completion:
    """What the family recorded for one scheduled item (only what was tapped)."""
    item_id: str
    date: date
    status: Status
    plan_id: str
    activity: str
    title: str
    slot: str
    planned: dict[str, Any]          # the dose as planned when the record was made
    rating: str | None = None
    note: str = ""
    reason: str | None = None
    updated: str = ""                # ISO timestamp of the last change
    extra: dict[str, Any] = field(default_factory=dict)   # kid_title, areas, goal... for orphans
    level: str | None = None         # plan format 2: which version was done (LEVELS)
    assist: str | None = None        # plan format 2: help needed (ASSISTS)
    option: str | None = None        # plan format 2: the option picked from a choice menu

    @property
    def snapshot(self) -> Snapshot:
        """The typed snapshot of the item (records of any age: missing parts get their defaults)."""
        p, x = self.planned, self.extra
        return Snapshot(
            title=self.title, kid_title=x.get("kid_title") or self.title[:24], slot=self.slot,
            minutes=int(p.get("minutes") or 0), reps=p.get("reps"), sets=p.get("sets"), goal=x.get("goal"),
            areas=tuple(x.get("areas") or ()), setting=x.get("setting") or "table-top",
            sensory_diet=bool(x.get("sensory_diet")), picture=x.get("picture") or "activities/custom.svg",
            plan_version=int(x.get("plan_version") or 0), level=p.get("level"),
            hold_seconds=p.get("hold_seconds"), per_side=bool(p.get("per_side")),
            rest_seconds=p.get("rest_seconds"), weight_kg=p.get("weight_kg"),
            resistance=p.get("resistance") or "")

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["date"] = self.date.isoformat()
        d["status"] = self.status.value
        d["planned"] = {k: v for k, v in self.planned.items() if v is not None}
        return {k: v for k, v in d.items() if v not in (None, "", {})}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> "Completion":
        # Filled directly (the same fields __init__ would set): a five-year history reads tens of
        # thousands of these.
        c = object.__new__(cls)
        c.__dict__.update(
            item_id=d["item_id"], date=_day(d["date"]), status=_STATUS[d["status"]],
            plan_id=d.get("plan_id", ""), activity=d.get("activity", ""), title=d.get("title", ""),
            slot=d.get("slot", "afternoon"), planned=dict(d.get("planned") or {}),
            rating=d.get("rating"), note=d.get("note") or "", reason=d.get("reason"),
            updated=d.get("updated", ""), extra=dict(d.get("extra") or {}),
            level=d.get("level"), assist=d.get("assist"), option=d.get("option"),
        )
        return c


# Plan format 2 vocabularies.
LEVELS: tuple[str, ...] = ("easier", "standard", "harder")
ASSISTS: tuple[str, ...] = ("independent", "reminder", "showed-how", "hands-on")
ASSIST_LABELS = {"independent": "On their own", "reminder": "A reminder", "showed-how": "Shown how",
                 "hands-on": "Hands-on help"}
ENGINE_STATES: tuple[str, ...] = ("high", "just-right", "low")
GAS_LEVELS: tuple[int, ...] = (-2, -1, 0, 1, 2)
HANDEDNESS: tuple[str, ...] = ("left", "right", "not-yet")


@frozen
class GoalRating:
    """A therapist's Goal Attainment Scaling rating of one goal on one date (history: never rewritten)."""
    plan_id: str
    goal: str
    date: date
    level: int                       # -2 .. +2
    note: str = ""
    recorded: str = ""               # ISO timestamp when it was entered


@frozen
class AsNeededUse:
    """One use of an as-needed item ("when upset, offer the calm-down corner")."""
    plan_id: str
    activity: str
    at: str                          # ISO date-time, minute precision, local time
    before: str | None = None        # ENGINE_STATES
    after: str | None = None
    note: str = ""
    option: str | None = None

    @property
    def date(self) -> date:
        return date.fromisoformat(self.at[:10])


@frozen
class LevelChange:
    """A dated change of the level an entry is practised at (accepted "ready for the harder version?")."""
    plan_id: str
    activity: str
    date: date                       # first day the new level applies
    level: str


def dose_text(minutes: int | None, reps: int | None, sets: int | None,
              hold_seconds: int | None = None, per_side: bool = False) -> str:
    """"5 min" for timed items, "10 reps x 2" for counted ones ("hold 10 s", "each side")."""
    if reps:
        text = f"{reps} reps" + (f" x {sets}" if sets and sets > 1 else "")
    else:
        text = f"{minutes or 0} min"
    if hold_seconds:
        text += f", hold {hold_seconds} s"
    if per_side:
        text += ", each side"
    return text


def age_in_years(birth: date, on: date) -> int:
    years = on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))
    return max(0, years)


def age_in_months(birth: date, on: date) -> int:
    months = (on.year - birth.year) * 12 + on.month - birth.month - (on.day < birth.day)
    return max(0, months)
