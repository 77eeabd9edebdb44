"""Practice: the schedule of a child's days and what the family recorded on them."""
from __future__ import annotations

from datetime import date, datetime, timedelta

from planner.core import scheduler
from planner.core.family import Family
from planner.core.model import (
    ASSISTS, ENGINE_STATES, LEVELS, RATINGS, SKIP_REASONS, AsNeededUse, Completion, Day, LevelChange,
    PlanActivity, ScheduledItem, Snapshot, Status,
)
from planner.core.text import BadText, clean_text
from planner.core.value import replace
from planner.services.errors import ServiceError
from planner.services.household import load_family
from planner.storage.store import Store, StoreError


def days(store: Store, family: Family, first: date, count: int) -> list[Day]:
    last = first + timedelta(days=count - 1)
    try:
        done = store.completions(family.key, first, last)
    except StoreError as exc:
        raise ServiceError(str(exc)) from None
    return scheduler.schedule(family.segments, first, last, done, set(family.paused),
                              family.level_changes)


def day(store: Store, family: Family, when: date) -> Day:
    return days(store, family, when, 1)[0]


def find_item(store: Store, item_id: str, child: str | None = None) -> tuple[Family, ScheduledItem]:
    parsed = scheduler.parse_item_id(item_id)
    if parsed is None:
        raise ServiceError(f"{item_id!r} is not an item id (ids look like "
                           "'maya-winter.20261127.tweezers-pickup.afternoon'; see `planner schedule`)")
    plan_id, when, _, _ = parsed
    try:
        records = store.plan_records()
    except StoreError as exc:
        raise ServiceError(str(exc)) from None
    owner = next((r.child_key for r in records if r.plan_id == plan_id), None)
    if owner is None:
        raise ServiceError(f"no plan {plan_id!r} in this data folder (item {item_id})")
    family = load_family(store, key=owner)
    if child and load_family(store, child).key != owner:
        raise ServiceError(f"item {item_id} belongs to {family.name}, not to {child}")
    for it in day(store, family, when).items:
        if it.id == item_id:
            return family, it
    raise ServiceError(f"no item {item_id!r} is scheduled on {when.isoformat()} (see `planner schedule`)")


def record(store: Store, family: Family, item: ScheduledItem, today: date, status: Status, *,
           rating: str | None = None, note: str | None = None, reason: str | None = None,
           now: datetime | None = None, level: str | None = None, assist: str | None = None,
           option: str | None = None) -> ScheduledItem:
    """Save what happened to one item; only its own record changes. `level`, `assist` and
    `option` (plan format 2) keep their earlier value when not given."""
    if level is not None and level not in LEVELS:
        raise ServiceError(f"level must be one of {', '.join(LEVELS)} (got {level!r})")
    if assist is not None and assist not in ASSISTS:
        raise ServiceError(f"help must be one of {', '.join(ASSISTS)} (got {assist!r})")
    if option is not None and option not in item.options:
        raise ServiceError(f"{option!r} is not an option of {item.title}"
                           + (f" ({', '.join(item.options)})" if item.options else " (it is not a choice)"))
    if item.date > today:
        raise ServiceError(f"{item.id} is on {item.date.isoformat()}, a day still to come; "
                           "only today and earlier days can be ticked")
    if rating and rating not in RATINGS:
        raise ServiceError(f"rating must be one of {', '.join(RATINGS)} (got {rating!r})")
    if status is Status.SKIPPED:
        reason = reason or item.reason or "other"
        if reason not in SKIP_REASONS:
            raise ServiceError(f"reason must be one of {', '.join(SKIP_REASONS)} (got {reason!r})")
    else:
        reason = None
    if note is not None and len(note) > 500:
        raise ServiceError(f"the note is too long ({len(note)} characters, at most 500)")
    if note is not None:
        try:
            note = clean_text(note, "the note", 500, multiline=True)
        except BadText as exc:
            raise ServiceError(str(exc)) from None
    rec = completion_for(item, status, rating=item.rating if rating is None else (rating or None),
                         note=note if note is not None else item.note, reason=reason,
                         now=now or datetime.now(), level=level or item.level_done,
                         assist=assist or item.assist, option=option or item.option)
    try:
        store.put_completion(family.key, rec)
    except StoreError as exc:
        raise ServiceError(str(exc)) from None
    return replace(item, status=status, rating=rec.rating, note=rec.note, reason=reason,
                   level_done=rec.level, assist=rec.assist, option=rec.option)


def completion_for(item: ScheduledItem, status: Status, *, rating: str | None, note: str,
                   reason: str | None, now: datetime, level: str | None = None,
                   assist: str | None = None, option: str | None = None) -> Completion:
    """The record of one tap: the planned dose and what the item looked like are kept with it."""
    snap = Snapshot.of_item(item)
    return Completion(
        item_id=item.id, date=item.date, status=status, plan_id=item.plan_id, activity=item.key,
        title=item.title, slot=item.slot, planned=snap.planned(), rating=rating, note=note,
        reason=reason, updated=now.isoformat(timespec="seconds"), extra=snap.extra(),
        level=level, assist=assist, option=option)


def undo(store: Store, family: Family, item: ScheduledItem, today: date) -> ScheduledItem:
    if item.date > today:
        raise ServiceError(f"{item.id} is on a day still to come; nothing to undo")
    try:
        store.remove_completion(family.key, item.id, item.date)
    except StoreError as exc:
        raise ServiceError(str(exc)) from None
    return replace(item, status=Status.PLANNED, rating=None, note="", reason=None, level_done=None,
                   assist=None, option=None)




# ------------------------------------------------------------------ plan format 2: as needed, levels

def as_needed(family: Family, day: date) -> list[PlanActivity]:
    return family.as_needed(day)


def find_as_needed(family: Family, key: str, day: date) -> PlanActivity:
    items = family.as_needed(day)
    for a in items:
        if a.key == key:
            return a
    known = ", ".join(a.key for a in items) or "the plan has none on that day"
    raise ServiceError(f"{key!r} is not an as-needed item of {family.name}'s plan on "
                       f"{day.isoformat()} ({known})")


def log_use(store: Store, family: Family, key: str, now: datetime, *, before: str | None = None,
            after: str | None = None, note: str = "", option: str | None = None) -> AsNeededUse:
    """One use of an as-needed item, with the child's state before and after ("engine" check)."""
    entry = find_as_needed(family, key, now.date())
    for what, state in (("before", before), ("after", after)):
        if state is not None and state not in ENGINE_STATES:
            raise ServiceError(f"{what} must be one of {', '.join(ENGINE_STATES)} (got {state!r})")
    if option is not None and option not in entry.options:
        raise ServiceError(f"{option!r} is not an option of {entry.title}")
    try:
        note = clean_text(note or "", "the note", 500, multiline=True)
    except BadText as exc:
        raise ServiceError(str(exc)) from None
    use = AsNeededUse(family.plan_on(now.date()).plan_id, key, now.isoformat(timespec="minutes"),
                      before, after, note, option)
    try:
        store.add_use(family.key, use)
    except StoreError as exc:
        raise ServiceError(str(exc)) from None
    return use


def uses(store: Store, family: Family, first: date, last: date) -> list[AsNeededUse]:
    try:
        return store.uses(family.key, first, last)
    except StoreError as exc:
        raise ServiceError(str(exc)) from None


NEXT_LEVEL = {"easier": "standard", None: "harder", "standard": "harder"}
LOOKBACK_DAYS = 120


def ready_to_progress(store: Store, family: Family, key: str, today: date) -> str | None:
    """The next level when an entry's last `progress_after_easy` ratings (in date order, up to
    today) were all "easy" since its level last changed; else None."""
    plan = family.plan_on(today)
    entry = plan.activity(key)
    if entry is None or not entry.progress_after_easy:
        return None
    if any(ch.plan_id == plan.plan_id and ch.activity == key and ch.date > today
           for ch in family.level_changes):
        return None                            # already accepted: it starts tomorrow
    got = days(store, family, today - timedelta(days=LOOKBACK_DAYS), LOOKBACK_DAYS + 1)
    items = [it for d in got for it in d.items if it.key == key and it.plan_id == plan.plan_id]
    if not items:
        return None
    current = items[-1].level
    nxt = NEXT_LEVEL.get(current)
    if nxt is None:
        return None
    rated = [it for it in items if it.rating and it.level == current]
    n = entry.progress_after_easy
    if len(rated) >= n and all(it.rating == "easy" for it in rated[-n:]):
        return nxt
    return None


def accept_level(store: Store, family: Family, key: str, level: str, today: date) -> LevelChange:
    """Record a dated level change: from tomorrow on the entry is practised at `level`."""
    if level not in LEVELS:
        raise ServiceError(f"level must be one of {', '.join(LEVELS)} (got {level!r})")
    plan = family.plan_on(today)
    if plan.activity(key) is None:
        raise ServiceError(f"{key!r} is not in {family.name}'s plan")
    change = LevelChange(plan.plan_id, key, today + timedelta(days=1), level)
    try:
        store.add_level_change(family.key, change)
    except StoreError as exc:
        raise ServiceError(str(exc)) from None
    family.level_changes = family.level_changes + (change,)
    return change
