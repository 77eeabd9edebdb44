"""Sharing: the report, calendar reminders, output files, backup and restore. One function per
user action; callers pass `today` / `now`. fpdf2 and icalendar are imported only when a PDF or a
calendar is asked for, and nothing here imports Flet.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from planner.core.family import Family
from planner.services import practice
from planner.services.errors import ServiceError
from planner.storage.files import FileProblem, write_user_file
from planner.storage.store import Store, StoreError

if TYPE_CHECKING:
    from planner.core.report import Report

MAX_REPORT_DAYS = 3700          # ten years
MAX_CALENDAR_DAYS = 400
FORMATS = ("text", "csv", "json", "pdf")


# ------------------------------------------------------------------ report

def report_period(family: Family, first: date | None, last: date | None,
                  today: date) -> tuple[date, date]:
    """The defaults: from the start of the plan in effect today, to today."""
    first = first or family.plan_on(today).start
    last = last or today
    if first > last:
        raise ServiceError(f"the report would start on {first.isoformat()}, after its last day "
                           f"{last.isoformat()}")
    return first, last


def report(store: Store, family: Family, first: date | None, last: date | None,
           today: date) -> "Report":
    """Progress from `first` (default: the active plan's start) to `last` (default: today).

    Only items dated on or before both `last` and today count.
    """
    first, last = report_period(family, first, last, today)
    end = min(last, today)
    plans = [seg.plan for seg in family.segments if seg.first <= end] or [family.segments[0].plan]
    start = max(first, family.segments[0].first)
    got = []
    if start <= end:
        if (end - start).days >= MAX_REPORT_DAYS:
            raise ServiceError(f"the report period is too long ({(end - start).days + 1} days, "
                               f"at most {MAX_REPORT_DAYS})")
        try:
            got = practice.days(store, family, start, (end - start).days + 1)
        except StoreError as exc:
            raise ServiceError(str(exc)) from None
    from planner.core.report import build_report
    try:
        ratings = [r for r in store.goal_ratings(family.key) if first <= r.date <= end]
        used = store.uses(family.key, first, end) if first <= end else []
    except StoreError as exc:
        raise ServiceError(str(exc)) from None
    current = family.plan_on(end)
    return build_report(got, plans, first, last, today, child=family.name, ratings=ratings,
                        uses=used, birth_date=current.birth_date, made_on=today,
                        plan_versions=[(seg.plan.version, seg.first) for seg in family.segments
                                       if seg.first <= end])


def default_paper() -> str:
    """A4, or Letter where the locale says so (US, Canada and the other Letter countries)."""
    import locale
    from planner.reports.paper import default_paper as by_locale
    name = os.environ.get("LC_PAPER") or os.environ.get("LC_ALL") or os.environ.get("LANG")
    if not name:
        try:
            name = locale.getlocale()[0]
        except ValueError:
            name = None
    return by_locale(name)


def report_bytes(store: Store, family: Family, first: date | None, last: date | None,
                 today: date, fmt: str, paper: str | None = None) -> bytes:
    """The report as file bytes: fmt is "text", "csv", "json" or "pdf" (on A4 or Letter)."""
    from planner.reports import formats
    if fmt not in formats.FORMATS:
        raise ServiceError(f"unknown report format {fmt!r} (use {', '.join(formats.FORMATS)})")
    if paper not in (None, "a4", "letter"):
        raise ServiceError(f"paper must be a4 or letter (got {paper!r})")
    if fmt == "pdf" and paper is None:
        paper = default_paper()
    return formats.render(report(store, family, first, last, today), fmt, paper=paper or "a4")


def report_pdf_bytes(store: Store, family: Family, first: date | None, last: date | None,
                     today: date) -> bytes:
    """The printable report (A4 PDF) for the app's "Share report" button."""
    return report_bytes(store, family, first, last, today, "pdf")


def report_filename(family: Family, first: date, last: date, fmt: str) -> str:
    ext = {"text": "txt"}.get(fmt, fmt)
    return f"{family.key}-report-{first:%Y%m%d}-{last:%Y%m%d}.{ext}"


# ------------------------------------------------------------------ calendar

def calendar_ics_bytes(store: Store, family: Family, first: date, count: int,
                       now: datetime) -> bytes:
    """Reminders for `count` days from `first`: one event per day and slot with practice."""
    if not 1 <= count <= MAX_CALENDAR_DAYS:
        raise ServiceError(f"the calendar covers 1 to {MAX_CALENDAR_DAYS} days (got {count})")
    from planner.reports.ical import build_ics
    try:
        got = practice.days(store, family, first, count)
        settings = {"slot_times": dict(store.household().slot_times)}
    except StoreError as exc:
        raise ServiceError(str(exc)) from None
    return build_ics(got, family.name, lambda d: family.plan_on(d).plan_id, settings, now,
                     defaults=library_slot_times())


def library_slot_times() -> dict[str, str]:
    """The slot times the app shows (activities/areas.json), where the data file gives them."""
    from planner.library import area_palette
    slots = area_palette().get("slots") or {}
    return {slot: info["time"] for slot, info in slots.items()
            if isinstance(info, dict) and isinstance(info.get("time"), str)}


# ------------------------------------------------------------------ files

def write_output(store: Store, path: str | os.PathLike, data: bytes, private: bool = False) -> Path:
    """Write a file the user asked for, whole or not at all; never inside the data folder."""
    try:
        return write_user_file(path, data, data_dir=store.dir, private=private)
    except FileProblem as exc:
        raise ServiceError(str(exc)) from None


# ------------------------------------------------------------------ backup and restore

def backup_name(now: datetime) -> str:
    """A file name to suggest for a backup."""
    return f"ot-home-planner-backup-{now:%Y%m%d-%H%M}.zip"


def backup_bytes(store: Store, now: datetime) -> bytes:
    from planner.storage import backup
    try:
        return backup.backup_bytes(store, now)
    except (backup.BackupProblem, StoreError) as exc:
        raise ServiceError(str(exc)) from None
    except OSError as exc:
        raise ServiceError(f"cannot read the data folder: {exc.strerror or exc}") from None


def write_backup(store: Store, path: str | os.PathLike, now: datetime) -> Path:
    return write_output(store, path, backup_bytes(store, now), private=True)


@dataclass(frozen=True)
class BackupInfo:
    files: int
    created: str

    @property
    def created_text(self) -> str:
        return when_text(self.created)


def when_text(iso: str) -> str:
    """`2026-12-02T19:05:00` -> `2 December 2026, 19:05`."""
    try:
        made = datetime.fromisoformat(iso)
    except (TypeError, ValueError):
        return str(iso)
    return f"{made.day} {made:%B %Y, %H:%M}"


def inspect_backup(data: bytes) -> BackupInfo:
    """What a backup holds, checked whole, without touching anything."""
    from planner.storage import archive
    from planner.storage.store import SCHEMA_VERSION
    try:
        found = archive.verify(data, SCHEMA_VERSION)
    except archive.ArchiveError as exc:
        raise ServiceError(f"not restored: {exc}; the data folder was not changed") from None
    return BackupInfo(len(found.files), found.created)


@dataclass
class RestoreOutcome:
    files: int
    created: str                  # when the backup was made
    copy: Path | None             # where the data that was there before is kept

    def summary(self) -> str:
        head = f"Restored the backup of {when_text(self.created)} ({self.files} files)"
        if self.copy is not None:
            return head + "; your earlier data is kept in restore-copies/" + self.copy.name
        return head


def read_backup_file(path: str | os.PathLike) -> bytes:
    from planner.services.plans import read_limited
    from planner.storage.archive import MAX_TOTAL
    return read_limited(path, MAX_TOTAL, "backup file")


def restore_bytes(store: Store, data: bytes, now: datetime) -> RestoreOutcome:
    """Replace the data folder by a verified backup, as one swap: a bad archive, or one whose
    records do not read, changes nothing; the data that was there is kept in restore-copies/."""
    from planner.storage import backup
    try:
        done = backup.restore(store, data, now)
    except (backup.BackupProblem, StoreError) as exc:
        text = str(exc)
        if not text.startswith("not restored"):
            text = f"not restored: {text}"
            if "nothing was changed" not in text:
                text += "; the data folder was not changed"
        raise ServiceError(text) from None
    except OSError as exc:
        raise ServiceError(f"not restored: cannot write beside the data folder "
                           f"({exc.strerror or exc}); the data folder was not changed") from None
    return RestoreOutcome(done.files, done.created, done.copy)


def restore_file(store: Store, path: str | os.PathLike, now: datetime) -> RestoreOutcome:
    p = Path(path)
    data = read_backup_file(p)
    try:
        return restore_bytes(store, data, now)
    except ServiceError as exc:
        raise ServiceError(f"{p.name}: {exc}") from None
