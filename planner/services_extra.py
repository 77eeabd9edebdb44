"""Reports, calendar export, backup and restore: one function per user action.

Like planner.services, callers pass `today` / `now`; every user mistake raises
ServiceError with one clear line. Nothing here imports Flet, and fpdf2 or
icalendar are imported only when a PDF or a calendar is asked for.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from planner import services
from planner.core.report import Report, build_report
from planner.reports import archive, formats
from planner.services import Family, ServiceError
from planner.storage.atomic import TMP_MARK, atomic_write_bytes, fsync_dir
from planner.storage.store import SCHEMA_VERSION, Store, StoreError

MAX_REPORT_DAYS = 3700          # ten years
MAX_CALENDAR_DAYS = 400


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
           today: date) -> Report:
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
            got = services.days(store, family, start, (end - start).days + 1)
        except StoreError as exc:
            raise ServiceError(str(exc)) from None
    return build_report(got, plans, first, last, today, child=family.name)


def report_bytes(store: Store, family: Family, first: date | None, last: date | None,
                 today: date, fmt: str) -> bytes:
    """The report as file bytes: fmt is "text", "csv", "json" or "pdf"."""
    if fmt not in formats.FORMATS:
        raise ServiceError(f"unknown report format {fmt!r} (use {', '.join(formats.FORMATS)})")
    return formats.render(report(store, family, first, last, today), fmt)


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
        got = services.days(store, family, first, count)
        settings = store.settings(family.key)
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

def write_output(path: str | os.PathLike, data: bytes, private: bool = False) -> Path:
    """Write a file the user asked for, whole or not at all (temp file, fsync, replace)."""
    p = Path(path)
    if p.is_dir():
        raise ServiceError(f"{p}: is a folder; give a file name")
    parent = p.parent if str(p.parent) else Path(".")
    if not parent.is_dir():
        raise ServiceError(f"{p}: the folder {parent} does not exist")
    tmp = parent / f"{TMP_MARK}{p.name}.{os.getpid()}"
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600 if private else 0o644)
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view):]
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(tmp, p)
    except OSError as exc:
        try:
            tmp.unlink()
        except OSError:
            pass
        raise ServiceError(f"{p}: cannot write ({exc.strerror or exc})") from None
    fsync_dir(parent)
    return p


def _inside(path: Path, folder: Path) -> bool:
    try:
        path.resolve().relative_to(folder.resolve())
        return True
    except (ValueError, OSError):
        return False


# ------------------------------------------------------------------ backup and restore

def data_files(folder: Path, include_excluded: bool = False) -> dict[str, Path]:
    """Files of a data folder by relative path (regular files only; links are not followed).

    Without include_excluded: only what a backup holds (no lock, temp, .bak, damaged
    copies or restore-copies/).
    """
    out: dict[str, Path] = {}
    if not folder.is_dir():
        return out
    for root, dirs, names in os.walk(folder, followlinks=False):
        rel_root = Path(root).relative_to(folder).as_posix()
        if rel_root == "." and archive.COPIES_DIR in dirs:
            dirs.remove(archive.COPIES_DIR)
        for name in names:
            p = Path(root) / name
            rel = name if rel_root == "." else f"{rel_root}/{name}"
            if p.is_symlink() or not p.is_file():
                continue
            if name == ".lock" or name.startswith(TMP_MARK):
                continue
            if include_excluded or not archive.excluded(rel):
                out[rel] = p
    return out


def backup_name(now: datetime) -> str:
    """A file name to suggest for a backup."""
    return f"ot-home-planner-backup-{now:%Y%m%d-%H%M}.zip"


def backup_bytes(store: Store, now: datetime) -> bytes:
    """The whole data folder as one archive, read under the write lock (a consistent snapshot)."""
    if not store.exists():
        raise ServiceError(f"nothing to back up: the data folder {store.dir} has no plan yet")
    try:
        with store.writing():
            found = data_files(store.dir)
            total = sum(p.stat().st_size for p in found.values())
            if total > archive.MAX_TOTAL:
                raise ServiceError(f"the data folder is too large to back up ({total // 2**20} MB, "
                                   f"at most {archive.MAX_TOTAL // 2**20} MB)")
            files = {rel: p.read_bytes() for rel, p in found.items()}
            schema = store.schema_version()
    except StoreError as exc:
        raise ServiceError(str(exc)) from None
    except OSError as exc:
        raise ServiceError(f"cannot read the data folder {store.dir}: {exc.strerror or exc}") from None
    bad = [rel for rel in files if not archive.safe_name(rel)]
    if bad:
        raise ServiceError(f"cannot back up the file {bad[0]!r}: rename it first")
    return archive.build(files, now, schema)


def write_backup(store: Store, path: str | os.PathLike, now: datetime) -> Path:
    p = Path(path)
    if _inside(p, store.dir):
        raise ServiceError(f"{p}: choose a place outside the data folder for the backup")
    return write_output(p, backup_bytes(store, now), private=True)


@dataclass
class RestoreOutcome:
    files: int
    created: str                  # when the backup was made
    copy: Path | None             # where the data that was there before is kept

    def summary(self) -> str:
        head = f"restored {self.files} files from the backup of {self.created}"
        if self.copy is not None:
            return head + f"; the data that was there is kept in {self.copy}"
        return head


def read_backup_file(path: str | os.PathLike) -> bytes:
    return services.read_limited(path, archive.MAX_TOTAL, "backup file")


def verify_backup(data: bytes) -> archive.Backup:
    """Check a whole backup without touching anything; ServiceError says what is wrong."""
    try:
        return archive.verify(data, SCHEMA_VERSION)
    except archive.ArchiveError as exc:
        raise ServiceError(f"not restored: {exc}; the data folder was not changed") from None


def restore_bytes(store: Store, data: bytes, now: datetime) -> RestoreOutcome:
    """Replace the data folder's contents by a verified backup.

    The whole archive is checked first; a bad one changes nothing. Data already
    in the folder is first copied to restore-copies/<YYYYmmddTHHMMSS>/. Every
    file is written crash-safely, under the store's lock.
    """
    backup = verify_backup(data)
    had_meta = (store.dir / "meta.json").exists()
    try:
        with store.writing():
            current = data_files(store.dir, include_excluded=True)
            if not had_meta and set(current) == {"meta.json"}:
                current = {}           # only the meta.json that taking the lock just wrote
            copy = _keep_copy(store.dir, current, now) if current else None
            order = sorted(backup.files, key=lambda rel: (rel == "meta.json", rel))
            for rel in order:
                target = store.dir / rel
                target.parent.mkdir(parents=True, exist_ok=True)
                atomic_write_bytes(target, backup.files[rel], keep_backup=False)
            for rel, p in current.items():
                if rel not in backup.files and (not archive.excluded(rel) or rel.endswith(".bak")):
                    p.unlink(missing_ok=True)     # not in the backup (kept in the copy)
            _remove_empty_dirs(store.dir)
    except StoreError as exc:
        raise ServiceError(str(exc)) from None
    except OSError as exc:
        raise ServiceError(f"restore failed while writing the data folder ({exc.strerror or exc}); "
                           "the earlier data is in restore-copies/") from None
    finally:
        store.close()
    return RestoreOutcome(len(backup.files), backup.created, copy)


def _keep_copy(folder: Path, files: dict[str, Path], now: datetime) -> Path:
    base = folder / archive.COPIES_DIR
    dest = base / now.strftime("%Y%m%dT%H%M%S")
    n = 2
    while dest.exists():
        dest = base / f"{now:%Y%m%dT%H%M%S}-{n}"
        n += 1
    for rel, p in sorted(files.items()):
        target = dest / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        atomic_write_bytes(target, p.read_bytes(), keep_backup=False)
    return dest


def _remove_empty_dirs(folder: Path) -> None:
    for root, dirs, files in sorted(os.walk(folder), key=lambda w: -len(w[0])):
        p = Path(root)
        if p == folder or archive.COPIES_DIR in p.relative_to(folder).parts:
            continue
        try:
            if not any(p.iterdir()):
                p.rmdir()
        except OSError:
            pass


def restore_file(store: Store, path: str | os.PathLike, now: datetime) -> RestoreOutcome:
    p = Path(path)
    data = read_backup_file(p)
    try:
        return restore_bytes(store, data, now)
    except ServiceError as exc:
        raise ServiceError(f"{p.name}: {exc}") from None
