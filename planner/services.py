"""One function per user action: load, call the core, save.

Callers pass `today` (and, for records, `now`); nothing here reads the clock
for scheduling. Every user mistake raises ServiceError with one clear line.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from planner.core import importer, scheduler
from planner.core.importer import CsvOptions, PlanError
from planner.core.model import Completion, Day, Plan, ScheduledItem, Status, SKIP_REASONS, RATINGS
from planner.library import load_library, picture_names
from planner.storage import mapping
from planner.storage.store import Store, StoreError


class ServiceError(Exception):
    """One line for the user; the CLI prints it after `error:` and exits 2."""


# ------------------------------------------------------------------ children and plans

def child_key(name: str) -> str:
    return importer.slugify(name, 60)


@dataclass
class Family:
    """Everything needed to schedule one child's days."""
    key: str
    name: str
    segments: list[scheduler.Segment]
    settings: dict[str, Any] = field(default_factory=dict)

    @property
    def current_plan(self) -> Plan:
        return self.segments[-1].plan

    def plan_on(self, day: date) -> Plan:
        chosen = self.segments[0].plan
        for seg in self.segments:
            if seg.first <= day:
                chosen = seg.plan
        return chosen

    @property
    def paused(self) -> set[date]:
        return {date.fromisoformat(d) for d in self.settings.get("pauses", ())}


def children(store: Store) -> list[tuple[str, str]]:
    """(key, latest name) of every child with a plan, in order of first import."""
    seen: dict[str, str] = {}
    for rec in store.plan_records():                 # import order: the first child comes first
        seen[rec["child_key"]] = rec["plan"]["child"]
    return list(seen.items())


def load_family(store: Store, child: str | None = None) -> Family:
    try:
        records = store.plan_records()
    except StoreError as exc:
        raise ServiceError(str(exc)) from None
    if not records:
        raise ServiceError("no plan yet: import one with `planner import FILE`")
    kids = children(store)
    if child:
        wanted = child_key(child)
        match = [k for k in kids if k[0] == wanted or k[1].lower() == child.lower()]
        if not match:
            raise ServiceError(f"no child named {child!r} (children: {', '.join(n for _, n in kids)})")
        key, name = match[0]
    elif len(kids) > 1:
        raise ServiceError("this data folder has plans for several children ("
                           + ", ".join(n for _, n in kids) + "); add --child NAME")
    else:
        key, name = kids[0]
    versions: list[tuple[date, Plan]] = []
    for r in records:                               # import order: a later import wins from its date
        if r["child_key"] != key:
            continue
        eff = date.fromisoformat(r["effective_from"])
        versions = [v for v in versions if v[0] < eff]
        versions.append((eff, mapping.plan_from_doc(r["plan"])))
    return Family(key, name, scheduler.timeline(versions), store.settings(key))


# ------------------------------------------------------------------ import

@dataclass
class ImportOutcome:
    plan: Plan
    action: str                 # "new", "revised", "unchanged", "replaced"
    effective_from: date
    warnings: list[str]
    dry_run: bool = False

    def summary(self) -> str:
        p = self.plan
        if self.action == "unchanged":
            return f"{p.plan_id} version {p.version} for {p.child} is already imported; nothing changed"
        verb = {"new": "imported", "revised": "revised", "replaced": "imported (replaces the previous plan)"}
        head = "would be " if self.dry_run else ""
        return (f"{p.plan_id} version {p.version} for {p.child}: {head}{verb[self.action]}, "
                f"{len(p.activities)} activities, {len(p.goals)} goals, in effect from "
                f"{self.effective_from.isoformat()}")


def read_limited(path: str | os.PathLike, limit: int, what: str) -> bytes:
    """Read a user's file, refusing a missing, odd or too large one before reading it."""
    p = Path(path)
    try:
        st = p.stat()
    except FileNotFoundError:
        raise ServiceError(f"{p}: no such file") from None
    except OSError as exc:
        raise ServiceError(f"{p}: cannot read ({exc.strerror})") from None
    if p.is_dir():
        raise ServiceError(f"{p}: is a folder, not a {what}")
    if st.st_size > limit:
        size = f"{st.st_size // 1024} KB" if limit < 10 * 2**20 else f"{st.st_size // 2**20} MB"
        most = f"{limit // 1000} KB" if limit < 10 * 2**20 else f"{limit // 2**20} MB"
        raise ServiceError(f"{p}: file is too large ({size}, a {what} is at most {most})")
    try:
        with open(p, "rb") as fh:
            return fh.read(limit + 1)
    except OSError as exc:
        raise ServiceError(f"{p}: cannot read ({exc.strerror})") from None


def read_plan_bytes(path: str | os.PathLike) -> bytes:
    return read_limited(path, importer.MAX_PLAN_BYTES, "plan file")


def looks_like_csv(name: str, data: bytes) -> bool:
    if name.lower().endswith((".csv", ".tsv", ".txt")):
        return True
    if name.lower().endswith(".json"):
        return False
    head = data.lstrip(b"\xef\xbb\xbf \t\r\n")[:1]
    return head not in (b"{", b"[")


def parse_plan(data: bytes, name: str, csv_options: CsvOptions | None = None) -> Plan:
    """Bytes of an uploaded or opened file -> Plan; errors name the file."""
    label = Path(name).name or "plan"
    try:
        if looks_like_csv(name, data):
            return importer.parse_plan_csv(data, csv_options or CsvOptions(), load_library(),
                                           picture_names())
        return importer.parse_plan_json(data, load_library(), picture_names())
    except PlanError as exc:
        where = f"{exc.where}: " if exc.where else ""
        raise ServiceError(f"{label}: {where}{exc.message}") from None


def import_plan(store: Store, plan: Plan, today: date, *, dry_run: bool = False,
                now: datetime | None = None) -> ImportOutcome:
    warnings = scheduler.plan_warnings(plan)
    digest = importer.plan_hash(plan.source or mapping.plan_to_doc(plan))
    records = store.plan_records()
    same_id = [r for r in records if r["plan_id"] == plan.plan_id]
    key = same_id[0]["child_key"] if same_id else child_key(plan.child)
    mine = [r for r in records if r["child_key"] == key]
    if same_id:
        latest = max(same_id, key=lambda r: r["version"])
        if plan.version == latest["version"]:
            if latest["hash"] == digest:
                return ImportOutcome(plan, "unchanged", date.fromisoformat(latest["effective_from"]),
                                     warnings, dry_run)
            raise ServiceError(f"plan {plan.plan_id} version {plan.version} is already imported with "
                               f"different content; raise \"version\" to {latest['version'] + 1} to revise it")
        if plan.version < latest["version"]:
            raise ServiceError(f"plan {plan.plan_id} version {plan.version} is older than the imported "
                               f"version {latest['version']}; raise \"version\" to {latest['version'] + 1}")
        action = "revised"
    else:
        action = "replaced" if mine else "new"
    effective = plan.start if not mine else max(today, plan.start)
    if mine and plan.end is not None and plan.end < effective:
        raise ServiceError(f"plan {plan.plan_id} ends on {plan.end}, before it could take effect "
                           f"({effective}); past days keep the plan they had")
    outcome = ImportOutcome(plan, action, effective, warnings, dry_run)
    if dry_run:
        return outcome
    stamp = (now or datetime.now()).isoformat(timespec="seconds")
    try:
        store.add_plan_record({
            "child_key": key, "plan_id": plan.plan_id, "version": plan.version,
            "effective_from": effective.isoformat(), "imported_at": stamp, "hash": digest,
            "plan": mapping.plan_to_doc(plan),
        })
    except StoreError as exc:
        raise ServiceError(str(exc)) from None
    return outcome


def revise_plan(store: Store, family: Family, today: date, **changes: Any) -> ImportOutcome:
    """Settings such as the daily budget or rest days: a new version from today."""
    current = family.plan_on(today)
    doc = importer.plan_to_dict(current)
    doc.update(changes)
    doc["version"] = max(seg.plan.version for seg in family.segments
                         if seg.plan.plan_id == current.plan_id) + 1
    try:
        plan = importer.plan_from_dict(doc, load_library(), picture_names())
    except PlanError as exc:
        raise ServiceError(f"{exc.where}: {exc.message}") from None
    return import_plan(store, plan, today)


# ------------------------------------------------------------------ schedule

def days(store: Store, family: Family, first: date, count: int) -> list[Day]:
    last = first + timedelta(days=count - 1)
    done = store.completions(first, last)
    return scheduler.schedule(family.segments, first, last, done, family.paused)


def day(store: Store, family: Family, when: date) -> Day:
    return days(store, family, when, 1)[0]


def find_item(store: Store, item_id: str, child: str | None = None) -> tuple[Family, ScheduledItem]:
    parsed = scheduler.parse_item_id(item_id)
    if parsed is None:
        raise ServiceError(f"{item_id!r} is not an item id (ids look like "
                           "'maya-winter.20261127.tweezers-pickup.afternoon'; see `planner schedule`)")
    plan_id, when, _, _ = parsed
    records = store.plan_records()
    owner = next((r["child_key"] for r in records if r["plan_id"] == plan_id), None)
    if owner is None:
        raise ServiceError(f"no plan {plan_id!r} in this data folder (item {item_id})")
    family = load_family(store, child or next(n for k, n in children(store) if k == owner))
    for it in day(store, family, when).items:
        if it.id == item_id:
            return family, it
    raise ServiceError(f"no item {item_id!r} is scheduled on {when.isoformat()} (see `planner schedule`)")


# ------------------------------------------------------------------ check-offs

def record(store: Store, item: ScheduledItem, today: date, status: Status, *,
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
        store.put_completion(rec)
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


def undo(store: Store, item: ScheduledItem, today: date) -> ScheduledItem:
    if item.date > today:
        raise ServiceError(f"{item.id} is on a day still to come; nothing to undo")
    try:
        store.remove_completion(item.id, item.date)
    except StoreError as exc:
        raise ServiceError(str(exc)) from None
    return replace(item, status=Status.PLANNED, rating=None, note="", reason=None)


# ------------------------------------------------------------------ settings

def update_settings(store: Store, family: Family, **changes: Any) -> dict[str, Any]:
    try:
        family.settings = store.update_settings(family.key, changes)
    except StoreError as exc:
        raise ServiceError(str(exc)) from None
    return family.settings


# ------------------------------------------------------------------ parent gate and rewards

def set_pin(store: Store, family: Family, pin: str | None) -> None:
    """A 4-8 digit parent PIN (kept salted and hashed), or None to remove it."""
    import hashlib
    import secrets
    if pin is None or pin == "":
        update_settings(store, family, pin_hash=None, pin_salt=None)
        return
    if not pin.isdigit() or not 4 <= len(pin) <= 8:
        raise ServiceError("the PIN must be 4 to 8 digits")
    salt = secrets.token_hex(8)
    digest = hashlib.pbkdf2_hmac("sha256", pin.encode(), salt.encode(), 50_000).hex()
    update_settings(store, family, pin_hash=digest, pin_salt=salt)


def has_pin(family: Family) -> bool:
    return bool(family.settings.get("pin_hash"))


def check_pin(family: Family, pin: str) -> bool:
    import hashlib
    import hmac
    if not has_pin(family):
        return True
    digest = hashlib.pbkdf2_hmac("sha256", pin.encode(), family.settings["pin_salt"].encode(),
                                 50_000).hex()
    return hmac.compare_digest(digest, family.settings["pin_hash"])


@dataclass(frozen=True)
class Reward:
    name: str
    goal: int
    stars: int
    since: date

    @property
    def reached(self) -> bool:
        return self.stars >= self.goal


def reward(store: Store, family: Family, today: date) -> Reward:
    """Stars = activities done (fully or partly) since the parent named the reward."""
    s = family.settings
    since = date.fromisoformat(s["reward_since"]) if s.get("reward_since") else today
    since = min(since, today)
    got = days(store, family, since, (today - since).days + 1)
    stars = sum(1 for d in got for it in d.items if it.status in (Status.DONE, Status.PARTIAL))
    return Reward(s.get("reward_name") or "", int(s.get("reward_goal") or 20), stars, since)


def set_reward(store: Store, family: Family, name: str, goal: int, today: date) -> None:
    name = " ".join(name.split())
    if len(name) > 60:
        raise ServiceError("the reward's name is too long (at most 60 characters)")
    if not 1 <= goal <= 500:
        raise ServiceError("the number of stars must be from 1 to 500")
    update_settings(store, family, reward_name=name, reward_goal=goal,
                    reward_since=today.isoformat())


def set_pauses(store: Store, family: Family, first: date, last: date, *, add: bool = True) -> None:
    """Pause (holiday) or resume every day from first to last."""
    if last < first:
        raise ServiceError("the pause ends before it starts")
    if (last - first).days > 120:
        raise ServiceError("a pause can be at most 120 days")
    pauses = set(family.settings.get("pauses") or ())
    d = first
    while d <= last:
        (pauses.add if add else pauses.discard)(d.isoformat())
        d += timedelta(days=1)
    update_settings(store, family, pauses=sorted(pauses))
