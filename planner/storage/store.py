"""The family's data folder on TinyDB: typed records in, typed records out.

Layout, schema 2 (all JSON, all written through AtomicJSONStorage):
  meta.json                          schema_version
  plans.json                         every imported plan version of every child (small, read often)
  settings.json                      table "household": the family's settings (PIN, reminder times,
                                     kid mode); table "children": one document per child
  history/<child>/YYYY-Www.json      one child's check-offs of one ISO week, so a check-off costs the
                                     same with one child or twenty and after years
  history/<child>/goal-ratings.json  the therapist's goal ratings (plan format 2)
  history/<child>/levels.json        accepted level changes (plan format 2)
  photos/<child>--<activity>.jpg     the family's own pictures
  .lock                              one writer at a time; readers never wait

Readers never write and never take the lock: a damaged file found while reading is reported and
its last good copy (`.bak`) is read instead; the repair happens at the next write, under the lock.
Reading never creates anything: an empty folder stays empty until the first successful write.
"""
from __future__ import annotations

import json
import os
import re
from _thread import RLock  # threading.RLock without importing threading
from contextlib import contextmanager
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterator

from planner.core.model import AsNeededUse, Completion, GoalRating, LevelChange
from planner.storage import mapping
from planner.storage.atomic import (
    TMP_MARK, CorruptFile, atomic_write_bytes, read_json_file,
)
from planner.storage.files import _strerror
from planner.storage.lock import FolderLock, LockTimeout
from planner.storage.records import BadRecord, ChildSettings, HouseholdSettings, PlanRecord

if TYPE_CHECKING:                        # TinyDB is imported at the first write (planner.storage.tinyfile)
    from tinydb import TinyDB
    from tinydb.table import Table

SCHEMA_VERSION = 2
APP_NAME = "ot-home-planner"
CHILD_KEY = re.compile(r"[a-z0-9]+(-[a-z0-9]+)*")
WEEK_FILE = re.compile(r"[0-9]{4}-W[0-9]{2}\.json")


class StoreError(Exception):
    """A storage problem worth one clear line to the user."""


class Busy(StoreError):
    pass


def resolve_data_dir(arg: str | os.PathLike | None = None) -> Path:
    """--data-dir, else PLANNER_DATA_DIR, else a built app's storage, else the user data folder."""
    if arg:
        return Path(arg).expanduser()
    for var in ("PLANNER_DATA_DIR", "FLET_APP_STORAGE_DATA"):
        if os.environ.get(var):
            return Path(os.environ[var]).expanduser()
    import platformdirs
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def week_file(child_key: str, day: date) -> str:
    year, week, _ = day.isocalendar()
    return f"history/{child_key}/{year:04d}-W{week:02d}.json"


def _reader(convert: Callable[[dict[str, Any]], Any], where: str) -> Callable[[dict[str, Any]], Any]:
    """A reader of one stored record whose BadRecord becomes the store's one-line error."""
    def read(doc: dict[str, Any]) -> Any:
        try:
            return convert(doc)
        except BadRecord as exc:
            raise StoreError(f"{where} holds a record that cannot be read ({exc})") from None
    return read


_PLAN_RECORD = _reader(PlanRecord.from_doc, "plans.json")


def _query():
    from planner.storage.tinyfile import Query
    return Query()


def _check_key(child_key: str) -> str:
    if not isinstance(child_key, str) or not CHILD_KEY.fullmatch(child_key) or len(child_key) > 60:
        raise StoreError(f"not a child key: {child_key!r}")
    return child_key


class Store:
    lock_timeout = 3.0

    def __init__(self, data_dir: str | os.PathLike):
        self.dir = Path(data_dir)
        self.notices: list[str] = []
        self._dbs: dict[Path, TinyDB] = {}
        self._lock = FolderLock(str(self.dir / ".lock"), timeout=self.lock_timeout)
        self._thread_lock = RLock()
        self._depth = 0
        self._schema_checked = False
        self._prepared = False              # stray temp files swept, schema checked (once)
        self._read_cache: dict[Path, tuple[tuple[int, int, int], dict[str, Any]]] = {}
        # Typed records of a table, kept while the file's parsed document is the cached one: a
        # week file is parsed and checked once per process until it changes on disk.
        self._typed_cache: dict[tuple[str, str], tuple[dict[str, Any] | None, tuple[Any, ...]]] = {}
        self._swept: set[Path] = set()        # folders cleared of a killed writer's temp files
        self._reported: set[Path] = set()

    # ------------------------------------------------------------ basics
    def exists(self) -> bool:
        return (self.dir / "plans.json").exists() or (self.dir / "plans.json.bak").exists()

    @contextmanager
    def writing(self) -> Iterator[None]:
        """Hold the folder's write lock (re-entrant in this process)."""
        with self._thread_lock:
            if self._depth == 0:
                try:
                    self.dir.mkdir(parents=True, exist_ok=True)
                except OSError as exc:
                    raise StoreError(f"cannot create the data folder {self.dir}: {_strerror(exc)}") from None
                try:
                    self._lock.acquire(timeout=self.lock_timeout)
                except LockTimeout:
                    raise Busy(f"the data folder {self.dir} is busy: another planner (the app or a "
                               "command) is saving right now; try again in a moment") from None
                except OSError as exc:
                    raise StoreError(f"cannot write in the data folder {self.dir}: {_strerror(exc)}") from None
                if not self._lock.holds(str(self.dir / ".lock")):
                    # The folder was moved away while we waited (a restore switched it): what this
                    # process read belongs to the old data, so nothing may be written from it.
                    self._lock.release()
                    self.close()
                    raise Busy(f"the data folder {self.dir} was just restored from a backup; "
                               "try again in a moment") from None
            self._depth += 1
            try:
                if self._depth == 1 and not self._prepared:
                    self._prepare_for_writing()
                    self._prepared = True
                yield
            except OSError as exc:
                raise StoreError(f"cannot save in the data folder {self.dir}: {_strerror(exc)}; "
                                 "nothing was changed") from None
            finally:
                self._depth -= 1
                if self._depth == 0:
                    self._lock.release()

    def _sweep(self, folder: Path) -> None:
        """Under the lock, before the first write into a folder: remove temp files a killed writer
        left there (each write's temp file sits beside its target, so only that folder can hold
        them; walking the whole data folder would cost more with every child and year)."""
        if folder in self._swept:
            return
        self._swept.add(folder)
        try:
            with os.scandir(folder) as entries:
                strays = [e.path for e in entries if e.name.startswith(TMP_MARK) and e.is_file()]
        except OSError:
            return
        for stray in strays:
            try:
                os.unlink(stray)
            except OSError:
                pass

    def _prepare_for_writing(self) -> None:
        self._sweep(self.dir)
        if self._restore_leftovers():
            from planner.storage import backup
            backup.finish_interrupted_restore(self)
        meta = self.dir / "meta.json"
        if not meta.exists():
            atomic_write_bytes(meta, f'{{"schema_version": {SCHEMA_VERSION}}}'.encode(), keep_backup=False)
        else:
            self._migrate()

    def _restore_leftovers(self) -> bool:
        """Is a restore's old or staging folder beside the data folder (see storage.backup)?"""
        prefix = f".{self.dir.name}.restore-"
        try:
            return any(p.name.startswith(prefix) for p in self.dir.parent.iterdir())
        except OSError:
            return False

    def schema_version(self) -> int:
        meta = self.dir / "meta.json"
        if not meta.exists():
            return SCHEMA_VERSION if not (self.dir / "plans.json").exists() else 1
        try:
            doc = read_json_file(meta)
            return int(doc.get("schema_version", 1))
        except (CorruptFile, ValueError, TypeError, OSError):
            return SCHEMA_VERSION

    def _check_schema(self) -> None:
        if self._schema_checked:
            return
        if (self.dir.parent / f".{self.dir.name}.restore-old").exists():
            try:
                with self.writing():
                    pass   # _prepare_for_writing finishes the restore
            except Busy:
                raise Busy(f"the data folder {self.dir} is being restored from a backup right now; "
                           "try again in a moment") from None
            except StoreError:
                pass
        v = self.schema_version()
        if v > SCHEMA_VERSION:
            raise StoreError(f"the data folder {self.dir} was written by a newer planner "
                             f"(schema {v}, this one knows {SCHEMA_VERSION}); please update")
        if v < SCHEMA_VERSION:
            try:
                with self.writing():
                    pass   # _prepare_for_writing migrates
            except StoreError as exc:
                raise StoreError(f"the data folder {self.dir} needs an update to schema "
                                 f"{SCHEMA_VERSION} that could not be written ({exc})") from None
        self._schema_checked = True

    def _migrate(self) -> None:
        from planner.storage.migrations import MIGRATIONS
        v = self.schema_version()
        if v > SCHEMA_VERSION:
            raise StoreError(f"the data folder {self.dir} was written by a newer planner "
                             f"(schema {v}, this one knows {SCHEMA_VERSION}); please update")
        if v == SCHEMA_VERSION:
            from planner.storage.migrations import sweep_after
            sweep_after(self.dir, v)
        while v < SCHEMA_VERSION:
            MIGRATIONS[v](self.dir)
            v += 1
            atomic_write_bytes(self.dir / "meta.json", f'{{"schema_version": {v}}}'.encode())
            from planner.storage.migrations import sweep_after
            sweep_after(self.dir, v)
            self.notices.append(f"updated the data folder to schema {v}")

    # ------------------------------------------------------------ reading (never writes)
    def _read(self, rel: str) -> dict[str, Any] | None:
        """The parsed document of a file, or None when it does not exist yet.

        A damaged file is reported once and its `.bak` is read instead (if that is good too)."""
        self._check_schema()
        path = self.dir / rel
        try:
            st = os.stat(path)
        except FileNotFoundError:
            st = None
        except OSError as exc:
            raise StoreError(f"cannot read {rel} in the data folder: {_strerror(exc)}") from None
        if st is not None:
            sig = (st.st_ino, st.st_mtime_ns, st.st_size)
            hit = self._read_cache.get(path)
            if hit is not None and hit[0] == sig:
                return hit[1]
            try:
                doc = read_json_file(path)
            except CorruptFile as exc:
                return self._read_backup(path, rel, exc.reason)
            except OSError as exc:
                raise StoreError(f"cannot read {rel} in the data folder: {_strerror(exc)}") from None
            self._read_cache[path] = (sig, doc)
            return doc
        bak = path.with_name(path.name + ".bak")
        if bak.exists():
            return self._read_backup(path, rel, "the file is missing")
        return None

    def _read_backup(self, path: Path, rel: str, reason: str) -> dict[str, Any]:
        bak = path.with_name(path.name + ".bak")
        doc: dict[str, Any] = {}
        try:
            doc = read_json_file(bak)
            how = "read its last good copy (it is repaired at the next save)"
        except (CorruptFile, OSError):
            how = "no good copy was found, so it reads as empty (nothing is deleted)"
        if path not in self._reported:
            self._reported.add(path)
            self.notices.append(f"{rel} is damaged: {reason}; {how}")
        return doc

    @staticmethod
    def _rows(doc: dict[str, Any] | None, table: str) -> list[dict[str, Any]]:
        """The documents of a table in insertion (document id) order."""
        if not doc:
            return []
        rows = doc.get(table) or {}
        if not isinstance(rows, dict):
            raise StoreError(f"a table of the data folder has the wrong shape ({table})")

        def order(k: str) -> int:
            try:
                return int(k)
            except ValueError:
                return 0
        return [rows[k] for k in sorted(rows, key=order) if isinstance(rows[k], dict)]

    # ------------------------------------------------------------ writing
    def _db_for_write(self, rel: str) -> TinyDB:
        """A TinyDB on the file, under the lock; a damaged file is repaired first."""
        path = self.dir / rel
        db = self._dbs.get(path)
        if db is None:
            self._sweep(path.parent)
            self._repair(path)
            path.parent.mkdir(parents=True, exist_ok=True)
            from planner.storage.tinyfile import AtomicJSONStorage, TinyDB
            db = TinyDB(path, storage=AtomicJSONStorage)
            self._dbs[path] = db
        return db

    @staticmethod
    def _table(db: TinyDB, name: str) -> Table:
        """A fresh Table each time: TinyDB caches query results and the next document id per
        Table object, and another process may have written the file since."""
        from planner.storage.tinyfile import Table
        return Table(db.storage, name)

    def _repair(self, path: Path) -> None:
        """Under the lock: move a damaged file aside and bring back its last good copy, loudly."""
        bak = path.with_name(path.name + ".bak")
        if path.exists():
            try:
                read_json_file(path)
                return
            except CorruptFile as exc:
                reason = exc.reason
        elif bak.exists():
            reason = "the file is missing"
        else:
            return
        stamp = datetime.now().strftime("%Y%m%dT%H%M%S")
        aside = None
        if path.exists():
            aside = path.with_name(f"{path.name}.damaged-{stamp}")
            os.replace(path, aside)
        good = None
        if bak.exists():
            try:
                read_json_file(bak)
                good = bak.read_bytes()
            except (CorruptFile, OSError):
                good = None
        where = f" (kept as {aside.name})" if aside else ""
        rel = path.relative_to(self.dir).as_posix()
        if good is not None:
            atomic_write_bytes(path, good, keep_backup=False)
            self.notices.append(f"{rel} was damaged: {reason}{where}; restored the last good "
                                "copy (the very last change may be missing)")
        else:
            self.notices.append(f"{rel} was damaged: {reason}{where}; no good copy was found, "
                                "so it starts empty")
        self._read_cache.pop(path, None)

    # ------------------------------------------------------------ plans
    def plan_records(self) -> list[PlanRecord]:
        """Every plan version of every child, in import order (read into records once while
        plans.json is unchanged: the same Plan objects each time, so schedules of them are
        remembered)."""
        return list(self._records("plans.json", "plans", _PLAN_RECORD))

    def add_plan_record(self, record: PlanRecord) -> None:
        _check_key(record.child_key)
        with self.writing():
            self._table(self._db_for_write("plans.json"), "plans").insert(record.to_doc())

    # ------------------------------------------------------------ settings
    def child_settings(self, child_key: str) -> ChildSettings:
        for d in self._rows(self._read("settings.json"), "children"):
            if d.get("child_key") == child_key:
                try:
                    return ChildSettings.from_doc(d)
                except BadRecord as exc:
                    raise StoreError(f"settings.json: {exc}") from None
        return ChildSettings()

    def update_child_settings(self, child_key: str, update: Callable[[ChildSettings], ChildSettings]
                              ) -> ChildSettings:
        """Read, change and save one child's settings under the lock (no lost update)."""
        _check_key(child_key)
        with self.writing():
            table = self._table(self._db_for_write("settings.json"), "children")
            found = table.get(_query().child_key == child_key)
            current = ChildSettings.from_doc(found) if found else ChildSettings()
            new = update(current)
            table.upsert({"child_key": child_key, **new.to_doc()}, _query().child_key == child_key)
            return new

    def household(self) -> HouseholdSettings:
        rows = self._rows(self._read("settings.json"), "household")
        try:
            return HouseholdSettings.from_doc(rows[0] if rows else None)
        except BadRecord as exc:
            raise StoreError(f"settings.json: {exc}") from None

    def update_household(self, update: Callable[[HouseholdSettings], HouseholdSettings]
                         ) -> HouseholdSettings:
        with self.writing():
            table = self._table(self._db_for_write("settings.json"), "household")
            rows = table.all()
            current = HouseholdSettings.from_doc(rows[0] if rows else None)
            new = update(current)
            table.truncate()
            table.insert(new.to_doc())
            return new

    # ------------------------------------------------------------ history
    def _records(self, rel: str, table: str, convert: Callable[[dict[str, Any]], Any]) -> tuple[Any, ...]:
        """The typed records of a table of a file, converted once while the file is unchanged."""
        doc = self._read(rel)
        key = (rel, table)
        hit = self._typed_cache.get(key)
        if hit is not None and hit[0] is doc:
            return hit[1]
        rows = tuple(convert(d) for d in self._rows(doc, table))
        self._typed_cache[key] = (doc, rows)      # holding `doc` keeps its identity unique
        return rows

    def completions(self, child_key: str, first: date, last: date) -> dict[str, Completion]:
        out: dict[str, Completion] = {}
        monday = first - timedelta(days=first.weekday())
        while monday <= last:
            for c in self._records(week_file(child_key, monday), "completions", self._completion):
                if first <= c.date <= last:
                    out[c.item_id] = c
            monday += timedelta(days=7)
        return out

    _completion = staticmethod(_reader(mapping.completion_from_doc, "a history file"))
    _use = staticmethod(_reader(mapping.use_from_doc, "a history file"))

    def history_weeks(self, child_key: str) -> list[str]:
        self._check_schema()
        folder = self.dir / "history" / child_key
        if not folder.is_dir():
            return []
        return sorted(p.stem for p in folder.iterdir() if WEEK_FILE.fullmatch(p.name))

    @staticmethod
    def _replace_with(doc: dict[str, Any]):
        """An update that replaces the whole stored document (TinyDB's update merges fields,
        which would keep a cleared rating or an old skip reason)."""
        def transform(stored: dict[str, Any]) -> None:
            stored.clear()
            stored.update(doc)
        return transform

    def put_completion(self, child_key: str, c: Completion) -> None:
        """Save one record: one read (usually cached) and exactly one file write."""
        _check_key(child_key)
        with self.writing():
            table = self._table(self._db_for_write(week_file(child_key, c.date)), "completions")
            doc = mapping.completion_to_doc(c)
            found = table.get(_query().item_id == c.item_id)
            if found is None:
                table.insert(doc)
            else:
                table.update(self._replace_with(doc), doc_ids=[found.doc_id])

    def put_completions(self, child_key: str, records: list[Completion]) -> None:
        """Many records at once (one write per week file and kind of change)."""
        _check_key(child_key)
        by_file: dict[str, list[Completion]] = {}
        for c in records:
            by_file.setdefault(week_file(child_key, c.date), []).append(c)
        with self.writing():
            for rel, recs in by_file.items():
                table = self._table(self._db_for_write(rel), "completions")
                existing = {d["item_id"]: d.doc_id for d in table.all()}
                new_docs = []
                for c in recs:
                    doc = mapping.completion_to_doc(c)
                    if c.item_id in existing:
                        table.update(self._replace_with(doc), doc_ids=[existing[c.item_id]])
                    else:
                        new_docs.append(doc)
                if new_docs:
                    table.insert_multiple(new_docs)

    def remove_completion(self, child_key: str, item_id: str, day: date) -> bool:
        _check_key(child_key)
        with self.writing():
            if not (self.dir / week_file(child_key, day)).exists():
                return False
            table = self._table(self._db_for_write(week_file(child_key, day)), "completions")
            return bool(table.remove(_query().item_id == item_id))

    # ------------------------------------------------------------ plan format 2 records
    def _small(self, child_key: str, name: str) -> str:
        return f"history/{_check_key(child_key)}/{name}.json"

    def goal_ratings(self, child_key: str) -> list[GoalRating]:
        try:
            return [mapping.goal_rating_from_doc(d)
                    for d in self._rows(self._read(self._small(child_key, "goal-ratings")), "ratings")]
        except BadRecord as exc:
            raise StoreError(f"goal-ratings.json: {exc}") from None

    def add_goal_rating(self, child_key: str, rating: GoalRating) -> None:
        with self.writing():
            self._table(self._db_for_write(self._small(child_key, "goal-ratings")), "ratings").insert(
                mapping.goal_rating_to_doc(rating))

    def level_changes(self, child_key: str) -> list[LevelChange]:
        try:
            return [mapping.level_change_from_doc(d)
                    for d in self._rows(self._read(self._small(child_key, "levels")), "levels")]
        except BadRecord as exc:
            raise StoreError(f"levels.json: {exc}") from None

    def add_level_change(self, child_key: str, change: LevelChange) -> None:
        with self.writing():
            self._table(self._db_for_write(self._small(child_key, "levels")), "levels").insert(
                mapping.level_change_to_doc(change))

    def uses(self, child_key: str, first: date, last: date) -> list[AsNeededUse]:
        out = []
        monday = first - timedelta(days=first.weekday())
        while monday <= last:
            for u in self._records(week_file(child_key, monday), "uses", self._use):
                if first <= u.date <= last:
                    out.append(u)
            monday += timedelta(days=7)
        return sorted(out, key=lambda u: u.at)

    def add_use(self, child_key: str, use: AsNeededUse) -> None:
        _check_key(child_key)
        with self.writing():
            self._table(self._db_for_write(week_file(child_key, use.date)), "uses").insert(
                mapping.use_to_doc(use))

    # ------------------------------------------------------------ photos
    @property
    def photos_dir(self) -> Path:
        return self.dir / "photos"

    def write_photo(self, filename: str, data: bytes, after: Callable[[], Any] | None = None) -> None:
        """Save a photo file, then (still under the lock) run `after` (the settings change)."""
        self.write_media("photos", filename, data, after=after)

    def read_photo(self, filename: str) -> bytes | None:
        return self.read_media("photos", filename)

    def remove_photo(self, filename: str, after: Callable[[], Any] | None = None) -> None:
        self.remove_media("photos", (filename,), after)

    # ------------------------------------------------------------ the family's recordings
    MEDIA = ("photos", "audio")

    def _media(self, folder: str, filename: str) -> Path | None:
        if folder not in self.MEDIA or not filename or "/" in filename or "\\" in filename \
                or filename.startswith("."):
            return None
        return self.dir / folder / filename

    def write_media(self, folder: str, filename: str, data: bytes, *, replaces: tuple[str, ...] = (),
                    after: Callable[[], Any] | None = None) -> None:
        """Save a file of the family's own (a photo, a recorded voice) crash-safely, removing the
        files it `replaces`, then (still under the lock) run `after`."""
        path = self._media(folder, filename)
        if path is None:
            raise StoreError(f"not a file name we keep: {filename!r}")
        with self.writing():
            self._sweep(path.parent)
            path.parent.mkdir(parents=True, exist_ok=True)
            atomic_write_bytes(path, data, keep_backup=False)
            for other in replaces:
                old = self._media(folder, other)
                if old is not None and old != path:
                    old.unlink(missing_ok=True)
            if after:
                after()

    def read_media(self, folder: str, filename: str) -> bytes | None:
        path = self._media(folder, filename)
        if path is None:
            return None
        try:
            return path.read_bytes()
        except OSError:
            return None

    def media_names(self, folder: str) -> list[str]:
        base = self.dir / folder
        if folder not in self.MEDIA or not base.is_dir():
            return []
        return sorted(p.name for p in base.iterdir() if p.is_file() and not p.name.startswith("."))

    def remove_media(self, folder: str, filenames: tuple[str, ...],
                     after: Callable[[], Any] | None = None) -> None:
        with self.writing():
            if after:
                after()
            for name in filenames:
                path = self._media(folder, name)
                if path is not None:
                    path.unlink(missing_ok=True)

    def close(self) -> None:
        for db in self._dbs.values():
            db.close()
        self._dbs.clear()
        self._read_cache.clear()
        self._typed_cache.clear()
        self._swept.clear()


def dump(doc: Any) -> bytes:
    return json.dumps(doc, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
