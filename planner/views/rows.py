"""Pure functions: domain objects -> what a screen shows. Testable without a page."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from planner.core import progress
from planner.core.daystate import DayKind, DayState, Tense
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


def plural(n: int, one: str, many: str | None = None) -> str:
    """"1 day", "2 days"; `many` for irregular words ("1 child", "2 children")."""
    return f"{n} {one if n == 1 else (many or one + 's')}"


def counts_text(done: int, partial: int, total: int) -> str:
    """"2 of 7 done", or with partly done items counted on their own: "2 of 7 done, 1 partly"."""
    text = f"{done} of {total} done"
    return text + (f", {partial} partly" if partial else "")


def item_name(item: ScheduledItem) -> str:
    """A name that tells two items of one activity apart: "Wall push-ups, morning"."""
    return f"{item.title}, {slot_label(item.slot).lower()}"


@dataclass(frozen=True)
class DayHeader:
    title: str
    mode: Tense
    counts: str              # "3 of 7 done"
    minutes: str             # "12 of 25 min"
    fraction: float
    message: str             # shown instead of a list (rest day, all done...) or ""


def day_header(day: Day, today: date, in_plan: bool) -> DayHeader:
    s = progress.summarize_day(day)
    mode = Tense.of(day.date, today)
    title = ("Today · " if mode is Tense.TODAY else "") + long_date(day.date)
    message = ""
    if not day.items:
        kind = DayKind.PAUSED if day.paused else DayKind.REST if in_plan else DayKind.OUTSIDE
        message = DayState(kind).message
    elif mode is Tense.TODAY and s.handled == s.total:
        message = "All done for today. Well done!"
    return DayHeader(
        title=title, mode=mode, counts=counts_text(s.done, s.partial, s.total),
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
            label = f"{d.date:%A} {d.date.day}: {counts_text(s.done, s.partial, s.total)}"
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
    stop_if: str = ""
    coaching: str = ""
    dose_extra: tuple[str, ...] = ()    # rest, weight, resistance, level (plan format 2)


def details(item: ScheduledItem, plan: Plan | None) -> Details:
    from planner.library import load_library
    entry = plan.activity(item.key) if plan else None
    # A therapist's own activity may reuse a library id: then only its own steps apply.
    lib = None if entry and entry.custom else load_library().get(item.key)
    steps = (entry.steps if entry and entry.custom else ()) or (lib.steps if lib else ())
    own = entry if entry and entry.custom else None

    def pick(name: str):
        return (getattr(own, name, None) if own else None) or (getattr(lib, name, None) if lib else None) \
            or (getattr(entry, name, None) if entry else None) or ""
    safety = " ".join(x for x in dict.fromkeys([pick("safety"), getattr(entry, "safety", "") or ""]) if x)
    if item.options:
        # A choice: the safety of every option (any may be picked), the steps of the one picked.
        libs = load_library()
        opts = [libs[o] for o in item.options if o in libs]
        safety = " ".join(f"{o.title}: {o.safety}" for o in opts if o.safety)
        chosen = libs.get(item.option or "")
        if chosen is not None:
            steps = chosen.steps
            lib = chosen
    return Details(
        why=lib.why if lib else "", steps=tuple(steps), materials=tuple(pick("materials") or ()),
        easier=pick("easier"), harder=pick("harder"), safety=safety,
        notes=entry.notes if entry else "", timed=not item.reps and item.minutes > 0,
        stop_if=item.stop_if, coaching=item.coaching, dose_extra=dose_extra(item),
    )


LEVEL_LABELS = {"easier": "Easier", "standard": "Standard", "harder": "Harder"}
ENGINE_LABELS = {"high": "High", "just-right": "Just right", "low": "Low"}


def dose_extra(item) -> tuple[str, ...]:
    """The plan format 2 parts of a dose, in words: "rest 30 s", "weight 1 kg"..."""
    out = []
    if getattr(item, "level", None) and item.level != "standard":
        out.append(f"{LEVEL_LABELS.get(item.level, item.level)} version")
    if item.rest_seconds:
        out.append(f"rest {item.rest_seconds} s between sets")
    if item.weight_kg:
        out.append(f"weight {item.weight_kg:g} kg")
    if item.resistance:
        out.append(f"resistance: {item.resistance}")
    return tuple(out)


def clock(seconds: int) -> str:
    seconds = max(0, int(seconds))
    return f"{seconds // 60}:{seconds % 60:02d}"


def option_title(key: str, plan: Plan | None = None) -> str:
    """The title of one option of a choice menu (a library or the plan's own activity)."""
    from planner.library import load_library
    entry = plan.activity(key) if plan else None
    if entry:
        return entry.title
    lib = load_library().get(key)
    return lib.title if lib else key.replace("-", " ").capitalize()


def option_picture(key: str) -> str:
    from planner.library import load_library
    lib = load_library().get(key)
    return lib.picture if lib else ""


def app_words(message: str) -> str:
    """An error line in the app's words: command names are for the terminal, not for a parent."""
    import re
    message = message.replace("see `planner library`", "see the activity library in Build a plan")
    message = re.sub(r"\s*\(see `planner [^`]*`\)", "", message)
    message = re.sub(r";?\s*see `planner [^`]*`", "", message)
    message = re.sub(r"`planner ([a-z-]+)[^`]*`", lambda m: m.group(1), message)
    message = message.replace("--server URL", "the clinic server address")
    return message


def starts_text(effective: date, today: date) -> str:
    """"Starts today", "Starts Monday 7 December", "Started Monday 23 November"."""
    if effective == today:
        return "Starts today"
    verb = "Starts" if effective > today else "Started"
    return f"{verb} {long_date(effective)}"


GAS_NAMES = {-2: "-2", -1: "-1", 0: "0", 1: "+1", 2: "+2"}


def goal_lines(goal) -> list[tuple[str, str]]:
    """(label, text) lines of a goal's measurable parts (plan format 2)."""
    out = []
    if goal.baseline:
        out.append(("Now", goal.baseline))
    if goal.target:
        out.append(("Target", goal.target))
    if goal.target_date:
        out.append(("By", long_date(goal.target_date) + f" {goal.target_date.year}"))
    return out


def gas_rows(goal) -> list[tuple[int, str]]:
    """The Goal Attainment Scaling texts, -2 .. +2, when the plan gives them."""
    if not goal.gas:
        return []
    return [(lv, goal.gas_text(lv)) for lv in (-2, -1, 0, 1, 2) if goal.gas_text(lv)]


def rating_text(r) -> str:
    return f"{r.date.day} {r.date:%b %Y}: {GAS_NAMES.get(r.level, r.level)}" + (f" · {r.note}" if r.note else "")


def counts_adherence_text(c) -> str:
    """"67% · 3 done, 1 partly of 6" from report.Counts (sick items are not counted)."""
    if not c.counted:
        return "nothing to count yet"
    from planner.reports.formats import percent
    part = f", {c.partial} partly" if c.partial else ""
    return f"{percent(c.adherence)} · {c.done} done{part} of {c.counted}"
