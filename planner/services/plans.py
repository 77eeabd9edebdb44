"""Plans: read a plan file, preview it, import it, revise it."""
from __future__ import annotations

import os
import re
from datetime import date, datetime
from pathlib import Path
from typing import Any

from planner.core import importer, scheduler
from planner.core.family import Family, child_key
from planner.core.importer import CsvOptions, PlanError
from planner.core.model import ImportAction, Plan
from planner.core.value import mutable, replace
from planner.library import load_library, picture_names
from planner.services.errors import ServiceError
from planner.storage import mapping
from planner.storage.files import FileProblem, read_user_file
from planner.storage.records import PlanRecord
from planner.storage.store import Store, StoreError


@mutable
class ImportOutcome:
    plan: Plan
    action: ImportAction
    effective_from: date
    warnings: list[str]
    dry_run: bool = False

    def summary(self) -> str:
        p = self.plan
        if self.action is ImportAction.UNCHANGED:
            return f"{p.plan_id} version {p.version} for {p.child} is already imported; nothing changed"
        verb = {ImportAction.NEW: "imported", ImportAction.REVISED: "revised",
                ImportAction.REPLACED: "imported (replaces the previous plan)"}
        head = "would be " if self.dry_run else ""
        return (f"{p.plan_id} version {p.version} for {p.child}: {head}{verb[self.action]}, "
                f"{len(p.activities)} activities, {len(p.goals)} goals, in effect from "
                f"{self.effective_from.isoformat()}")


def read_limited(path: str | os.PathLike, limit: int, what: str) -> bytes:
    """Read a user's file, refusing a missing, odd (pipe, device, folder) or too large one."""
    try:
        return read_user_file(path, limit, what)
    except FileProblem as exc:
        raise ServiceError(str(exc)) from None


def read_plan_bytes(path: str | os.PathLike) -> bytes:
    return read_limited(path, importer.MAX_PLAN_BYTES, "plan file")


def looks_like_csv(name: str, data: bytes) -> bool:
    if name.lower().endswith((".csv", ".tsv", ".txt")):
        return True
    if name.lower().endswith(".json"):
        return False
    head = data.lstrip(b"\xef\xbb\xbf \t\r\n")[:1]
    return head not in (b"{", b"[")


def parse_plan(data: bytes, name: str, csv_options: CsvOptions | None = None,
               today: date | None = None) -> Plan:
    """Bytes of an uploaded or opened file (our JSON, a spreadsheet CSV, or an HL7 FHIR CarePlan
    or Bundle) -> Plan; errors name the file. What a FHIR file could not carry comes back as the
    plan's warnings."""
    label = Path(name).name or "plan"
    if looks_like_fhir(data):
        return _parse_fhir(data, label, today)
    try:
        if looks_like_csv(name, data):
            return importer.parse_plan_csv(data, csv_options or CsvOptions(), load_library(),
                                           picture_names())
        return importer.parse_plan_json(data, load_library(), picture_names())
    except PlanError as exc:
        where = f"{exc.where}: " if exc.where else ""
        raise ServiceError(f"{label}: {where}{exc.message}") from None


def looks_like_fhir(data: bytes) -> bool:
    head = data[:4096]
    if b'"resourceType"' not in head and b'"resourceType"' not in data[:200_000]:
        return False
    from planner.interop.fhir import looks_like_fhir as fhir
    return fhir(data)


def _parse_fhir(data: bytes, label: str, today: date | None) -> Plan:
    from planner.interop.fhir import FhirError, careplan_to_plan
    try:
        doc, warnings = careplan_to_plan(data, today=today)
    except FhirError as exc:
        raise ServiceError(f"{label}: {exc}") from None
    try:
        plan = importer.plan_from_dict(doc, load_library(), picture_names())
    except PlanError as exc:
        where = f"{exc.where}: " if exc.where else ""
        raise ServiceError(f"{label}: the CarePlan maps to a plan that is not valid ({where}{exc.message})") from None
    return replace(plan, warnings=tuple(warnings) + tuple(plan.warnings))


def read_import_bytes(path: str | os.PathLike) -> bytes:
    """A plan file (1 MB at most) or a FHIR file (up to 5 MB: a Bundle with its resources)."""
    from planner.interop.fhir.reader import MAX_FHIR_BYTES
    data = read_limited(path, MAX_FHIR_BYTES, "plan file")
    if len(data) > importer.MAX_PLAN_BYTES and not looks_like_fhir(data):
        raise ServiceError(f"{path}: file is too large ({len(data) // 1000} KB, a plan is at most "
                           f"{importer.MAX_PLAN_BYTES // 1000} KB)")
    return data


def import_plan(store: Store, plan: Plan, today: date, *, dry_run: bool = False,
                now: datetime | None = None) -> ImportOutcome:
    warnings = scheduler.plan_warnings(plan)
    digest = importer.plan_hash(plan.source or mapping.plan_to_doc(plan))
    try:
        records = store.plan_records()
    except StoreError as exc:
        raise ServiceError(str(exc)) from None
    same_id = [r for r in records if r.plan_id == plan.plan_id]
    key = same_id[0].child_key if same_id else child_key(plan.child)
    mine = [r for r in records if r.child_key == key]
    if same_id:
        latest = max(same_id, key=lambda r: r.version)
        if plan.version == latest.version:
            if latest.hash == digest:
                return ImportOutcome(plan, ImportAction.UNCHANGED, latest.effective_from, warnings, dry_run)
            raise ServiceError(f"plan {plan.plan_id} version {plan.version} is already imported with "
                               f"different content; raise \"version\" to {latest.version + 1} to revise it")
        if plan.version < latest.version:
            raise ServiceError(f"plan {plan.plan_id} version {plan.version} is older than the imported "
                               f"version {latest.version}; raise \"version\" to {latest.version + 1}")
        action = ImportAction.REVISED
    else:
        action = ImportAction.REPLACED if mine else ImportAction.NEW
    effective = plan.start if not mine else max(today, plan.start)
    if mine and plan.end is not None and plan.end < effective:
        raise ServiceError(f"plan {plan.plan_id} ends on {plan.end}, before it could take effect "
                           f"({effective}); past days keep the plan they had")
    outcome = ImportOutcome(plan, action, effective, warnings, dry_run)
    if dry_run:
        return outcome
    stamp = (now or datetime.now()).isoformat(timespec="seconds")
    try:
        store.add_plan_record(PlanRecord(key, plan.plan_id, plan.version, effective, stamp, digest, plan))
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




def child_of_plan(store: Store, plan_id: str) -> str | None:
    """The key of the child a plan id belongs to, or None."""
    try:
        return next((r.child_key for r in store.plan_records() if r.plan_id == plan_id), None)
    except StoreError as exc:
        raise ServiceError(str(exc)) from None


def known_versions(store: Store) -> dict[str, int]:
    """Plan id -> the highest imported version (the builder raises a new draft's version above it)."""
    from planner.core.draft import known_versions as highest
    try:
        return highest([{"plan_id": r.plan_id, "version": r.version} for r in store.plan_records()])
    except StoreError as exc:
        raise ServiceError(str(exc)) from None


def csv_problem(data: bytes, name: str) -> str:
    """A CSV file's own problem (encoding, header) before asking for the plan-level fields; "" if none."""
    try:
        parse_plan(data, name, CsvOptions())
    except ServiceError as exc:
        text = str(exc)
        return "" if re.search(r": --(child|start): ", text) else text
    return ""


# ------------------------------------------------------------------ goal ratings (plan format 2)

def rate_goal(store: Store, family: Family, goal_id: str, level: int, day: date, now: datetime,
              note: str = "") -> "GoalRating":
    """The therapist's Goal Attainment Scaling rating of a goal on a date (-2 .. +2). Ratings are
    history: a new one is added, earlier ones stay."""
    from planner.core.model import GAS_LEVELS, GoalRating
    from planner.core.text import BadText, clean_text
    plan = family.plan_on(day)
    goal = plan.goal(goal_id)
    if goal is None:
        known = ", ".join(g.id for g in plan.goals) or "the plan has no goals"
        raise ServiceError(f"no goal {goal_id!r} in {family.name}'s plan ({known})")
    if level not in GAS_LEVELS:
        raise ServiceError(f"the level must be -2, -1, 0, +1 or +2 (got {level})")
    if day > now.date():
        raise ServiceError(f"{day.isoformat()} is still to come; rate a goal on today or an earlier day")
    try:
        note = clean_text(note or "", "the note", 500, multiline=True)
    except BadText as exc:
        raise ServiceError(str(exc)) from None
    rating = GoalRating(plan.plan_id, goal_id, day, level, note, now.isoformat(timespec="seconds"))
    try:
        store.add_goal_rating(family.key, rating)
    except StoreError as exc:
        raise ServiceError(str(exc)) from None
    return rating


def goal_ratings(store: Store, family: Family) -> list:
    try:
        return sorted(store.goal_ratings(family.key), key=lambda r: (r.date, r.recorded))
    except StoreError as exc:
        raise ServiceError(str(exc)) from None
