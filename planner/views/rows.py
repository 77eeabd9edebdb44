"""Pure functions: domain objects -> what a screen shows. Testable without a page."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from planner.core import progress
from planner.core.daystate import DayKind, DayState
from planner.core.model import slot_label as model_slot_label
from planner.core.model import (
    RATING_LABELS, SKIP_REASON_LABELS, SLOTS, Day, Plan, ScheduledItem, Status,
)
from planner.library import area_palette

DEFAULT_COLOR = "#546E7A"
DEFAULT_TINT = "#ECEFF1"


def area_color(area: str | None) -> str:
    return (area_palette()["areas"].get(area or "", {}) or {}).get("color", DEFAULT_COLOR)


def area_tint(area: str | None) -> str:
    return (area_palette()["areas"].get(area or "", {}) or {}).get("tint", DEFAULT_TINT)


def area_label(area: str) -> str:
    return (area_palette()["areas"].get(area, {}) or {}).get("label") or area.replace("-", " ").capitalize()


def slot_label(slot: str) -> str:
    return (area_palette()["slots"].get(slot, {}) or {}).get("label") or model_slot_label(slot)


def long_date(d: date) -> str:
    return f"{d:%A} {d.day} {d:%B}"


def status_text(item: ScheduledItem) -> str:
    if item.status is Status.DONE:
        return "Done"
    if item.status is Status.PARTIAL:
        return "Partly done"
    if item.status is Status.SKIPPED:
        return "Skipped · " + SKIP_REASON_LABELS.get(item.reason or "other", "Other")
    return ""


@dataclass(frozen=True)
class DayHeader:
    title: str
    mode: str                # "today", "past" or "future"
    counts: str              # "3 of 7 done"
    minutes: str             # "12 of 25 min"
    fraction: float
    message: str             # shown instead of a list (rest day, all done...) or ""


def day_header(day: Day, today: date, in_plan: bool) -> DayHeader:
    s = progress.summarize_day(day)
    mode = "today" if day.date == today else "past" if day.date < today else "future"
    title = ("Today · " if mode == "today" else "") + long_date(day.date)
    message = ""
    if not day.items:
        kind = DayKind.PAUSED if day.paused else DayKind.REST if in_plan else DayKind.OUTSIDE
        message = DayState(kind).message
    elif mode == "today" and s.handled == s.total:
        message = "All done for today. Well done!"
    return DayHeader(
        title=title, mode=mode, counts=f"{s.done + s.partial} of {s.total} done",
        minutes=f"{s.minutes_done} of {s.minutes_planned} min", fraction=s.fraction,
        message=message,
    )


@dataclass(frozen=True)
class ItemRow:
    id: str
    title: str
    dose: str
    goal: str
    status: str
    checked: bool
    area: str | None
    picture: str
    note: str
    rating: str


def item_row(item: ScheduledItem, plan: Plan | None) -> ItemRow:
    goal = plan.goal(item.goal) if plan and item.goal else None
    return ItemRow(
        id=item.id, title=item.title, dose=item.dose_text(), goal=goal.text if goal else "",
        status=status_text(item), checked=item.status in (Status.DONE, Status.PARTIAL),
        area=item.areas[0] if item.areas else None, picture=item.picture, note=item.note,
        rating=RATING_LABELS.get(item.rating or "", ""),
    )


def slot_groups(day: Day) -> list[tuple[str, list[ScheduledItem]]]:
    groups: dict[str, list[ScheduledItem]] = {}
    for it in day.items:
        groups.setdefault(it.slot, []).append(it)
    return [(s, groups[s]) for s in SLOTS if s in groups] + \
        [(s, v) for s, v in groups.items() if s not in SLOTS]


@dataclass(frozen=True)
class WeekCell:
    date: date
    letter: str
    fraction: float
    label: str
    rest: bool
    is_today: bool


def week_cells(days: list[Day], today: date) -> list[WeekCell]:
    out = []
    for d in days:
        s = progress.summarize_day(d)
        if not d.items:
            label = f"{d.date:%A} {d.date.day}: rest day"
        else:
            label = f"{d.date:%A} {d.date.day}: {s.done + s.partial} of {s.total} done"
        out.append(WeekCell(d.date, f"{d.date:%a}"[:2], s.fraction, label, not d.items, d.date == today))
    return out


def adherence_text(t: progress.Tally) -> str:
    if not t.scheduled:
        return "nothing planned yet"
    return f"{round(t.adherence * 100)}% · {t.done + t.partial} of {t.scheduled}"


@dataclass(frozen=True)
class Details:
    why: str
    steps: tuple[str, ...]
    materials: tuple[str, ...]
    easier: str
    harder: str
    safety: str
    notes: str              # the therapist's note for this child
    timed: bool             # a countdown makes sense (minutes, not reps)


def details(item: ScheduledItem, plan: Plan | None) -> Details:
    from planner.library import load_library
    entry = plan.activity(item.key) if plan else None
    # A therapist's own activity may reuse a library id: then only its own steps apply.
    lib = None if entry and entry.custom else load_library().get(item.key)
    steps = (entry.steps if entry and entry.custom else ()) or (lib.steps if lib else ())
    return Details(
        why=lib.why if lib else "", steps=tuple(steps), materials=lib.materials if lib else (),
        easier=lib.easier if lib else "", harder=lib.harder if lib else "",
        safety=(lib.safety or "") if lib else "",
        notes=entry.notes if entry else "", timed=not item.reps and item.minutes > 0,
    )


def clock(seconds: int) -> str:
    seconds = max(0, int(seconds))
    return f"{seconds // 60}:{seconds % 60:02d}"
