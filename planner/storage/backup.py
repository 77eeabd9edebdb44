"""Backup and restore of a whole data folder (the archive format is in `archive`).

A restore is one swap. The archive is verified whole; its files are unpacked into a staging folder
beside the data folder, migrated to this planner's schema, read back with the store's own readers
(every plan, setting and check-off must parse), fsynced, and only then switched in:

  1. staging   <parent>/.<name>.restore-new      the backup, complete and checked
  2. rename    <data folder> -> <parent>/.<name>.restore-old
  3. rename    staging       -> <data folder>
  4. rename    .restore-old  -> <data folder>/restore-copies/<time>/   (the earlier data, kept)

A kill before 2 leaves the old folder (the staging folder is removed at the next write); between
2 and 3 there is no data folder for an instant, and the next start finishes the switch (the staging
folder is complete: it carries a marker written last); after 3 the new data is in place and the old
is moved into restore-copies at the next write. Never a mix of old and new files.
"""
from __future__ import annotations

import errno
import os
import shutil
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Callable

from planner.storage import archive
from planner.storage.atomic import TMP_MARK, atomic_write_bytes, fsync_dir

if TYPE_CHECKING:
    from planner.storage.store import Store

READY = ".restore-ready"          # written last into a complete staging folder
OWNER = TMP_MARK + "restore-owner"  # the restoring process's id, in the old folder while it moves
DEVICE_FILES = ("devices.json",)  # the devices paired with this home server: never in a backup

# Fault tests set this to stop at a named step ("unpacked", "old-moved", "new-in-place").
fault_hook: Callable[[str], None] | None = None


def _hook(stage: str) -> None:
    if fault_hook is not None:
        fault_hook(stage)


def real_dir(data_dir: Path) -> Path:
    """The data folder with links followed: a restore swaps the real folder, so a data folder that
    is a symbolic link (to a synced folder, say) stays a link to the restored data."""
    return Path(os.path.realpath(data_dir))


def staging_dir(data_dir: Path) -> Path:
    """Beside the data folder (the same file system, so the switch is a rename); one per process."""
    return data_dir.parent / f".{data_dir.name}.restore-new-{os.getpid()}"


def _stagings(data_dir: Path) -> list[Path]:
    return sorted(data_dir.parent.glob(f".{data_dir.name}.restore-new-*"))


def _alive(pid_text: str) -> bool:
    try:
        os.kill(int(pid_text), 0)          # this process, or another one still running
        return True
    except (ValueError, ProcessLookupError):
        return False
    except PermissionError:
        return True


def old_dir(data_dir: Path) -> Path:
    return data_dir.parent / f".{data_dir.name}.restore-old"


def data_files(folder: Path, include_excluded: bool = False) -> dict[str, Path]:
    """Files of a data folder by relative path (regular files only; links are not followed).

    Without include_excluded: only what a backup holds (no lock, temp, .bak, damaged
    copies or restore-copies/)."""
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
            if name in (".lock", READY) or name.startswith(TMP_MARK):
                continue
            if include_excluded or not archive.excluded(rel):
                out[rel] = p
    return out


class BackupProblem(Exception):
    """One line for the user."""


def backup_bytes(store: "Store", now: datetime) -> bytes:
    """The whole data folder as one archive, read under the write lock (a consistent snapshot)."""
    if not store.exists():
        raise BackupProblem("nothing to back up: the data folder has no plan yet")
    with store.writing():
        found = data_files(store.dir)
        total = sum(p.stat().st_size for p in found.values())
        if total > archive.MAX_TOTAL:
            raise BackupProblem(f"the data folder is too large to back up ({total // 2**20} MB, "
                                f"at most {archive.MAX_TOTAL // 2**20} MB)")
        files = {rel: p.read_bytes() for rel, p in found.items()}
        schema = store.schema_version()
    bad = [rel for rel in files if not archive.safe_name(rel)]
    if bad:
        raise BackupProblem(f"cannot back up the file {bad[0]!r}: rename it first")
    return archive.build(files, now, schema)


@dataclass
class Restored:
    files: int
    created: str                  # when the backup was made (ISO time)
    copy: Path | None             # where the data that was there before is kept


def _write_tree(folder: Path, files: dict[str, bytes]) -> None:
    for rel in sorted(files):
        target = folder / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        with open(target, "wb") as fh:
            fh.write(files[rel])
            fh.flush()
            os.fsync(fh.fileno())
    for root, dirs, _ in os.walk(folder):
        fsync_dir(Path(root))


def check_folder(folder: Path) -> None:
    """Read every record of a (staging) folder with the store's own readers; BackupProblem if any
    fails. Runs migrations first when the folder is of an older schema."""
    from datetime import timedelta

    from planner.storage.store import SCHEMA_VERSION, Store, StoreError
    probe = Store(folder)
    try:
        if probe.schema_version() < SCHEMA_VERSION:
            with probe.writing():
                pass                     # migrates the staging folder
        records = probe.plan_records()
        probe.household()
        keys = {r.child_key for r in records}
        owner: dict[str, str] = {}
        versions: set[tuple[str, int]] = set()
        for r in records:
            _check_plan_record(r)
            if owner.setdefault(r.plan_id, r.child_key) != r.child_key:
                raise BackupProblem(f"the plan {r.plan_id[:40]!r} belongs to two children")
            if (r.plan_id, r.version) in versions:
                raise BackupProblem(f"the plan {r.plan_id[:40]!r} version {r.version} is there twice")
            versions.add((r.plan_id, r.version))
        for key in keys:
            probe.child_settings(key)
            owned = {r.plan_id for r in records if r.child_key == key}
            for week in probe.history_weeks(key):
                year, wk = int(week[:4]), int(week[6:8])
                monday = datetime.fromisocalendar(year, wk, 1).date()
                sunday = monday + timedelta(days=6)
                rel = f"history/{key}/{week}.json"
                stored = probe._rows(probe._read(rel), "completions")
                got = probe.completions(key, monday, sunday)
                if len(got) != len(stored):
                    raise BackupProblem(f"{rel} holds records dated outside its week, or one item "
                                        "twice")
                for c in got.values():
                    if c.plan_id not in owned:
                        raise BackupProblem(f"{rel} holds a record of another child's plan "
                                            f"({c.plan_id[:40]!r})")
                    _check_text(c.note, f"{rel}: a note", 2000, multiline=True)
                probe.uses(key, monday, sunday)
            probe.goal_ratings(key)
            probe.level_changes(key)
        hist = folder / "history"
        if hist.is_dir():
            strays = [p.name for p in hist.iterdir() if p.is_dir() and p.name not in keys
                      and p.name != "unassigned"]
            if strays:
                raise BackupProblem(f"the backup has history for a child without a plan ({strays[0]})")
        damaged = [n for n in probe.notices if "damaged" in n]
        if damaged:
            raise BackupProblem(damaged[0])
    except StoreError as exc:
        raise BackupProblem(f"the backup's data cannot be read ({exc})") from None
    except (ValueError, OSError) as exc:
        raise BackupProblem(f"the backup's data cannot be read ({exc.__class__.__name__})") from None
    finally:
        probe.close()


def _check_text(value: object, what: str, max_len: int, multiline: bool = False) -> None:
    from planner.core.text import BadText, clean_text
    try:
        clean_text(value, what, max_len, multiline=multiline)
    except BadText as exc:
        raise BackupProblem(str(exc)) from None


def _check_plan_record(r) -> None:
    """What an import would have refused must not come in through a backup either: dates outside
    2000-2100, names with control characters or line breaks, notes with control characters."""
    from planner.core.dates import BadDate, check_year
    p = r.plan
    where = f"plan {r.plan_id[:40]!r}"
    try:
        for d in (r.effective_from, p.start, p.end, p.birth_date):
            if d is not None:
                check_year(d)
    except BadDate as exc:
        raise BackupProblem(f"{where}: {exc}") from None
    _check_text(p.child, f"{where}: the child's name", 200)
    for g in p.goals:
        _check_text(g.text, f"{where}: a goal", 2000, multiline=True)
    for a in p.activities:
        _check_text(a.title, f"{where}: an activity title", 400)
        _check_text(a.kid_title, f"{where}: an activity title", 400)
        _check_text(a.notes, f"{where}: an activity's notes", 5000, multiline=True)
        for step in a.steps:
            _check_text(step, f"{where}: a step", 2000, multiline=True)


def precheck_files(files: dict[str, bytes]) -> None:
    """Before anything is written: the records of a backup of this schema, read in memory with the
    store's own record parsers, so a bad archive of many files is refused in moments instead of
    after unpacking them all. check_folder (on the unpacked folder) stays the last word."""
    import json

    from planner.storage import mapping
    from planner.storage.records import BadRecord, ChildSettings, HouseholdSettings, PlanRecord
    from planner.storage.store import CHILD_KEY, SCHEMA_VERSION, WEEK_FILE, Store, StoreError

    def doc(rel: str) -> dict | None:
        return json.loads(files[rel]) if rel in files else None
    try:
        meta = doc("meta.json") or {}
        if meta.get("schema_version", 1) != SCHEMA_VERSION:
            return                                  # an older folder: migrated and checked on disk
        records = [PlanRecord.from_doc(d) for d in Store._rows(doc("plans.json"), "plans")]
        owner: dict[str, str] = {}
        versions: set[tuple[str, int]] = set()
        for r in records:
            if not CHILD_KEY.fullmatch(r.child_key) or len(r.child_key) > 60:
                raise BackupProblem(f"not a child key: {r.child_key[:40]!r}")
            _check_plan_record(r)
            if owner.setdefault(r.plan_id, r.child_key) != r.child_key:
                raise BackupProblem(f"the plan {r.plan_id[:40]!r} belongs to two children")
            if (r.plan_id, r.version) in versions:
                raise BackupProblem(f"the plan {r.plan_id[:40]!r} version {r.version} is there twice")
            versions.add((r.plan_id, r.version))
        keys = set(owner.values())
        settings = doc("settings.json")
        for d in Store._rows(settings, "household")[:1]:
            HouseholdSettings.from_doc(d)
        for d in Store._rows(settings, "children"):
            ChildSettings.from_doc(d)
        for rel in files:
            parts = rel.split("/")
            if parts[0] != "history" or len(parts) != 3:
                continue
            key, name = parts[1], parts[2]
            if key not in keys and key != "unassigned":
                raise BackupProblem(f"the backup has history for a child without a plan ({key[:40]})")
            if key == "unassigned" or not WEEK_FILE.fullmatch(name):
                continue
            monday = datetime.fromisocalendar(int(name[:4]), int(name[6:8]), 1).date()
            sunday = monday + timedelta(days=6)
            seen: set[str] = set()
            for d in Store._rows(doc(rel), "completions"):
                c = mapping.completion_from_doc(d)
                if not monday <= c.date <= sunday or c.item_id in seen:
                    raise BackupProblem(f"{rel} holds records dated outside its week, or one item twice")
                if owner.get(c.plan_id) != key:
                    raise BackupProblem(f"{rel} holds a record of another child's plan ({c.plan_id[:40]!r})")
                _check_text(c.note, f"{rel}: a note", 2000, multiline=True)
                seen.add(c.item_id)
    except (BadRecord, StoreError) as exc:
        raise BackupProblem(f"the backup's data cannot be read ({exc})") from None
    except (ValueError, TypeError, KeyError, AttributeError) as exc:
        raise BackupProblem(f"the backup's data cannot be read ({exc.__class__.__name__})") from None


def restore(store: "Store", data: bytes, now: datetime) -> Restored:
    """Replace the data folder by a verified backup, as one swap (see the module's text)."""
    from planner.storage.store import SCHEMA_VERSION
    try:
        backup = archive.verify(data, SCHEMA_VERSION)
    except archive.ArchiveError as exc:
        raise BackupProblem(f"not restored: {exc}; the data folder was not changed") from None
    folder = real_dir(store.dir)
    stage, old = staging_dir(folder), old_dir(folder)
    precheck_files(backup.files)
    if os.path.ismount(folder):
        raise BackupProblem(f"the data folder {store.dir} is a mount point (a disk of its own), so it "
                            "cannot be swapped whole; use a folder inside it as the data folder")
    store.close()
    if stage.exists():
        shutil.rmtree(stage)
    try:                                  # outside the lock: the data folder is not touched yet
        stage.mkdir(parents=True)
        _write_tree(stage, backup.files)
        check_folder(stage)
        for own in DEVICE_FILES:          # this home's paired devices stay as they are
            if (folder / own).is_file() and not (stage / own).exists():
                shutil.copy2(folder / own, stage / own)
        atomic_write_bytes(stage / READY, now.isoformat().encode(), keep_backup=False)
        fsync_dir(folder.parent)
    except OSError as exc:
        shutil.rmtree(stage, ignore_errors=True)
        from planner.storage.files import _strerror
        raise BackupProblem(f"cannot write beside the data folder ({_strerror(exc)})") from None
    except BaseException:
        shutil.rmtree(stage, ignore_errors=True)
        raise
    try:
        with store.writing():
            _hook("unpacked")
            had_data = any(rel != "meta.json" for rel in data_files(folder, include_excluded=True))
            # Another planner that opens the folder during the switch must not finish this restore
            # for us (it would move our staging folder in under our feet): it reads our id here.
            (folder / OWNER).write_text(str(os.getpid()))
            try:
                os.replace(folder, old)
            except OSError:
                (folder / OWNER).unlink(missing_ok=True)
                raise
            _hook("old-moved")
            _switch_in(stage, folder)
            (folder / READY).unlink()
            fsync_dir(folder.parent)
            _hook("new-in-place")
            copy = _keep_old(folder, old, now, keep=had_data)
    finally:
        if stage.exists() and not old.exists():
            shutil.rmtree(stage, ignore_errors=True)
    store.close()
    return Restored(len(backup.files), backup.created, copy)


def _only_a_lock(folder: Path) -> bool:
    try:
        return set(os.listdir(folder)) <= {".lock"}
    except OSError:
        return False


def _drop_empty(folder: Path) -> None:
    """Remove a data folder that another planner created during the switch (it holds only the
    lock file), so the restored folder can take its place."""
    try:
        (folder / ".lock").unlink(missing_ok=True)
        folder.rmdir()
    except OSError:
        pass


def _switch_in(stage: Path, folder: Path) -> None:
    for _ in range(100):
        try:
            os.replace(stage, folder)
            return
        except OSError as exc:
            if exc.errno not in (errno.ENOTEMPTY, errno.EEXIST) or not _only_a_lock(folder):
                raise
            _drop_empty(folder)
            time.sleep(0.01)
    os.replace(stage, folder)


def _owner(old: Path) -> int | None:
    try:
        return int((old / OWNER).read_text())
    except (OSError, ValueError):
        return None


def _keep_old(folder: Path, old: Path, now: datetime, keep: bool = True) -> Path | None:
    """Move the earlier data folder into restore-copies/<time>/ of the new one (its own earlier
    restore copies come along)."""
    if not old.exists():
        return None
    (old / OWNER).unlink(missing_ok=True)
    base = folder / archive.COPIES_DIR
    earlier = old / archive.COPIES_DIR
    if keep or (earlier.is_dir() and any(earlier.iterdir())):
        base.mkdir(exist_ok=True)
    if earlier.is_dir():
        for item in earlier.iterdir():
            target = base / item.name
            if not target.exists():
                os.replace(item, target)
    if not keep:
        shutil.rmtree(old, ignore_errors=True)
        fsync_dir(folder.parent)
        return None
    dest = base / now.strftime("%Y%m%dT%H%M%S")
    n = 2
    while dest.exists():
        dest = base / f"{now:%Y%m%dT%H%M%S}-{n}"
        n += 1
    (old / ".lock").unlink(missing_ok=True)
    os.replace(old, dest)
    fsync_dir(base)
    fsync_dir(folder.parent)
    return dest


def finish_interrupted_restore(store: "Store") -> None:
    """Under the lock, at the first write of a process: complete a restore that a kill stopped,
    or drop a staging folder that was never switched in (see the module's text)."""
    folder = real_dir(store.dir)
    old = old_dir(folder)
    ready = [st for st in _stagings(folder) if (st / READY).exists()]
    owner = _owner(old) if old.exists() else None
    if owner is not None and owner != os.getpid() and _alive(str(owner)):
        # Not interrupted: another process is switching the folders right now.
        if _only_a_lock(folder):
            _drop_empty(folder)          # the folder our caller just created would block it
        from planner.storage.store import Busy
        raise Busy(f"the data folder {store.dir} is being restored from a backup right now; "
                   "try again in a moment")
    if old.exists():
        if ready:
            # The kill came between moving the old folder out and the new one in: the staging
            # folder is complete, so move its entries in (each one a rename).
            stage = ready[-1]
            for item in sorted(stage.iterdir()):
                if item.name != READY and not (folder / item.name).exists():
                    os.replace(item, folder / item.name)
            fsync_dir(folder)
            shutil.rmtree(stage, ignore_errors=True)
        (folder / READY).unlink(missing_ok=True)
        _keep_old(folder, old, datetime.now())
        store.notices.append("finished a restore that was interrupted; the earlier data is in "
                             "restore-copies/")
    for stage in _stagings(folder):
        if not _alive(stage.name.rsplit("-", 1)[-1]):      # a restore still running elsewhere keeps its own
            shutil.rmtree(stage, ignore_errors=True)


def interrupted(folder: Path) -> bool:
    return old_dir(real_dir(folder)).exists()
