"""Practice: the schedule of a child's days and what the family recorded on them."""
from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timedelta

from planner.core import scheduler
from planner.core.family import Family
from planner.core.model import Completion, Day, ScheduledItem, Status, SKIP_REASONS, RATINGS
from planner.services.errors import ServiceError
from planner.services.household import load_family
from planner.storage.store import Store, StoreError


def days(store: Store, family: Family, first: date, count: int) -> list[Day]:
    last = first + timedelta(days=count - 1)
    try:
        done = store.completions(family.key, first, last)
    except StoreError as exc:
        raise ServiceError(str(exc)) from None
    return scheduler.schedule(family.segments, first, last, done, set(family.paused))


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
           now: datetime | None = None) -> ScheduledItem:
    """Save what happened to one item; only its own record changes."""
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
    rec = completion_for(item, status, rating=item.rating if rating is None else (rating or None),
                         note=note if note is not None else item.note, reason=reason,
                         now=now or datetime.now())
    try:
        store.put_completion(family.key, rec)
    except StoreError as exc:
        raise ServiceError(str(exc)) from None
    return replace(item, status=status, rating=rec.rating, note=rec.note, reason=reason)


def completion_for(item: ScheduledItem, status: Status, *, rating: str | None, note: str,
                   reason: str | None, now: datetime) -> Completion:
    """The record of one tap: the planned dose and what the item looked like are kept with it."""
    extra = {"kid_title": item.kid_title, "areas": list(item.areas), "setting": item.setting,
             "picture": item.picture, "plan_version": item.plan_version}
    if item.goal:
        extra["goal"] = item.goal
    if item.sensory_diet:
        extra["sensory_diet"] = True
    return Completion(
        item_id=item.id, date=item.date, status=status, plan_id=item.plan_id, activity=item.key,
        title=item.title, slot=item.slot, planned=item.planned_dose(), rating=rating, note=note,
        reason=reason, updated=now.isoformat(timespec="seconds"), extra=extra)


def undo(store: Store, family: Family, item: ScheduledItem, today: date) -> ScheduledItem:
    if item.date > today:
        raise ServiceError(f"{item.id} is on a day still to come; nothing to undo")
    try:
        store.remove_completion(family.key, item.id, item.date)
    except StoreError as exc:
        raise ServiceError(str(exc)) from None
    return replace(item, status=Status.PLANNED, rating=None, note="", reason=None)


