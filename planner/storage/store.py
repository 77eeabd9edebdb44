"""The family's data folder on TinyDB.

Layout (all JSON, all written through AtomicJSONStorage):
  meta.json              schema_version
  plans.json             every imported plan version (small, read often)
  settings.json          per-child settings (pauses, PIN, reward, photos, ...)
  history/YYYY-Www.json  check-offs of one ISO week (a check-off costs the same after years)
  photos/                the family's own pictures
  .lock                  one writer at a time; readers never wait

Reading never creates anything: an empty folder stays empty until the first
successful write.
"""
from __future__ import annotations

import os
import threading
from contextlib import contextmanager
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any, Iterator

from filelock import FileLock, Timeout
from tinydb import Query, TinyDB
from tinydb.table import Table

from planner.core.model import Completion
from planner.storage.atomic import (
    TMP_MARK, AtomicJSONStorage, CorruptFile, atomic_write_bytes, read_json_file,
)
from planner.storage import mapping

SCHEMA_VERSION = 1
APP_NAME = "ot-home-planner"

# Migrations: MIGRATIONS[n] turns a schema-n folder into schema n+1 (called under the lock).
MIGRATIONS: dict[int, Any] = {}


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


class Store:
    lock_timeout = 3.0

    def __init__(self, data_dir: str | os.PathLike):
        self.dir = Path(data_dir)
        self.notices: list[str] = []
        self._dbs: dict[Path, TinyDB] = {}
        self._checked: set[Path] = set()
        self._lock = FileLock(str(self.dir / ".lock"), timeout=self.lock_timeout)
        self._thread_lock = threading.RLock()
        self._depth = 0
        self._schema_checked = False
        self._prepared = False              # stray temp files swept, schema checked (once)

    # ------------------------------------------------------------ basics
    def exists(self) -> bool:
        return (self.dir / "plans.json").exists()

    @contextmanager
    def writing(self) -> Iterator[None]:
        """Hold the folder's write lock (re-entrant in this process)."""
        with self._thread_lock:
            if self._depth == 0:
                try:
                    self.dir.mkdir(parents=True, exist_ok=True)
                except OSError as exc:
                    raise StoreError(f"cannot create the data folder {self.dir}: {exc.strerror}") from None
                try:
                    self._lock.acquire(timeout=self.lock_timeout)
                except Timeout:
                    raise Busy(f"the data folder {self.dir} is busy: another planner (the app or a "
                               "command) is saving right now; try again in a moment") from None
            self._depth += 1
            try:
                if self._depth == 1 and not self._prepared:
                    self._prepare_for_writing()
                    self._prepared = True
                yield
            finally:
                self._depth -= 1
                if self._depth == 0:
                    self._lock.release()

    def _prepare_for_writing(self) -> None:
        for stray in list(self.dir.glob(f"{TMP_MARK}*")) + list(self.dir.glob(f"history/{TMP_MARK}*")):
            try:
                stray.unlink()
            except OSError:
                pass
        meta = self.dir / "meta.json"
        if not meta.exists():
            atomic_write_bytes(meta, f'{{"schema_version": {SCHEMA_VERSION}}}'.encode(), keep_backup=False)
        else:
            self._migrate()

    def schema_version(self) -> int:
        meta = self.dir / "meta.json"
        if not meta.exists():
            return SCHEMA_VERSION
        try:
            doc = read_json_file(meta)
            return int(doc.get("schema_version", 1))
        except (CorruptFile, ValueError, TypeError):
            return SCHEMA_VERSION

    def _check_schema(self) -> None:
        if self._schema_checked:
            return
        v = self.schema_version()
        if v > SCHEMA_VERSION:
            raise StoreError(f"the data folder {self.dir} was written by a newer planner "
                             f"(schema {v}, this one knows {SCHEMA_VERSION}); please update")
        if v < SCHEMA_VERSION:
            with self.writing():
                pass   # _prepare_for_writing migrates
        self._schema_checked = True

    def _migrate(self) -> None:
        v = self.schema_version()
        if v > SCHEMA_VERSION:
            raise StoreError(f"the data folder {self.dir} was written by a newer planner "
                             f"(schema {v}, this one knows {SCHEMA_VERSION}); please update")
        while v < SCHEMA_VERSION:
            MIGRATIONS[v](self.dir)
            v += 1
            atomic_write_bytes(self.dir / "meta.json", f'{{"schema_version": {v}}}'.encode())
            self.notices.append(f"updated the data folder to schema {v}")

    # ------------------------------------------------------------ files
    def _db(self, rel: str) -> TinyDB | None:
        """The TinyDB of a file, or None when it does not exist yet (reads)."""
        path = self.dir / rel
        db = self._dbs.get(path)
        if db is not None:
            return db
        self._check_schema()
        if not path.exists():
            bak = path.with_name(path.name + ".bak")
            if not bak.exists():
                return None
            self._recover(path, "the file is missing")
        elif path not in self._checked:
            try:
                read_json_file(path)
            except CorruptFile as exc:
                self._recover(path, exc.reason)
        self._checked.add(path)
        db = TinyDB(path, storage=AtomicJSONStorage)
        self._dbs[path] = db
        return db

    def _db_for_write(self, rel: str) -> TinyDB:
        db = self._db(rel)
        if db is None:
            path = self.dir / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            db = TinyDB(path, storage=AtomicJSONStorage)
            self._dbs[path] = db
            self._checked.add(path)
        return db

    @staticmethod
    def _table(db: TinyDB, name: str) -> Table:
        """A fresh Table each time: TinyDB caches query results and the next document id per
        Table object, and another process may have written the file since."""
        return Table(db.storage, name)

    def _recover(self, path: Path, reason: str) -> None:
        """Move a damaged file aside and bring back its last good copy, loudly."""
        with self.writing():
            stamp = datetime.now().strftime("%Y%m%dT%H%M%S")
            aside = None
            if path.exists():
                aside = path.with_name(f"{path.name}.damaged-{stamp}")
                os.replace(path, aside)
            bak = path.with_name(path.name + ".bak")
            good = None
            if bak.exists():
                try:
                    read_json_file(bak)
                    good = bak.read_bytes()
                except CorruptFile:
                    good = None
            where = f" (kept as {aside.name})" if aside else ""
            rel = path.relative_to(self.dir)
            if good is not None:
                atomic_write_bytes(path, good, keep_backup=False)
                self.notices.append(f"{rel} was damaged: {reason}{where}; restored the last good "
                                    "copy (the very last change may be missing)")
            else:
                self.notices.append(f"{rel} was damaged: {reason}{where}; no good copy was found, "
                                    "so it starts empty")

    # ------------------------------------------------------------ plans
    def plan_records(self) -> list[dict[str, Any]]:
        db = self._db("plans.json")
        if db is None:
            return []
        recs = self._table(db, "plans").all()
        return [dict(r) for r in sorted(recs, key=lambda r: r.doc_id)]     # in import order

    def add_plan_record(self, record: dict[str, Any]) -> None:
        with self.writing():
            self._table(self._db_for_write("plans.json"), "plans").insert(record)

    # ------------------------------------------------------------ settings
    def settings(self, child_key: str) -> dict[str, Any]:
        db = self._db("settings.json")
        if db is None:
            return {}
        doc = self._table(db, "settings").get(Query().child_key == child_key)
        return dict(doc) if doc else {}

    def update_settings(self, child_key: str, changes: dict[str, Any]) -> dict[str, Any]:
        with self.writing():
            table = self._table(self._db_for_write("settings.json"), "settings")
            doc = dict(table.get(Query().child_key == child_key) or {"child_key": child_key})
            doc.update(changes)
            table.upsert(doc, Query().child_key == child_key)
            return doc

    # ------------------------------------------------------------ history
    @staticmethod
    def _week_file(day: date) -> str:
        """History is kept one file per ISO week: a check-off rewrites a few dozen records."""
        year, week, _ = day.isocalendar()
        return f"history/{year:04d}-W{week:02d}.json"

    def completions(self, first: date, last: date) -> dict[str, Completion]:
        out: dict[str, Completion] = {}
        monday = first - timedelta(days=first.weekday())
        while monday <= last:
            db = self._db(self._week_file(monday))
            if db is not None:
                for doc in self._table(db, "completions").all():
                    c = mapping.completion_from_doc(doc)
                    if first <= c.date <= last:
                        out[c.item_id] = c
            monday += timedelta(days=7)
        return out

    def history_files(self) -> list[str]:
        folder = self.dir / "history"
        if not folder.exists():
            return []
        return sorted(p.stem for p in folder.glob("????-W??.json"))

    @staticmethod
    def _replace_with(doc: dict[str, Any]):
        """An update that replaces the whole stored document (TinyDB's update merges fields,
        which would keep a cleared rating or an old skip reason)."""
        def transform(stored: dict[str, Any]) -> None:
            stored.clear()
            stored.update(doc)
        return transform

    def put_completion(self, c: Completion) -> None:
        """Save one record: one read (usually cached) and exactly one file write."""
        with self.writing():
            table = self._table(self._db_for_write(self._week_file(c.date)), "completions")
            doc = mapping.completion_to_doc(c)
            found = table.get(Query().item_id == c.item_id)
            if found is None:
                table.insert(doc)
            else:
                table.update(self._replace_with(doc), doc_ids=[found.doc_id])

    def put_completions(self, records: list[Completion]) -> None:
        """Many records at once (one write per week file and kind of change)."""
        by_file: dict[str, list[Completion]] = {}
        for c in records:
            by_file.setdefault(self._week_file(c.date), []).append(c)
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

    def remove_completion(self, item_id: str, day: date) -> bool:
        with self.writing():
            db = self._db(self._week_file(day))
            if db is None:
                return False
            return bool(self._table(db, "completions").remove(Query().item_id == item_id))

    # ------------------------------------------------------------ photos
    @property
    def photos_dir(self) -> Path:
        return self.dir / "photos"

    def close(self) -> None:
        for db in self._dbs.values():
            db.close()
        self._dbs.clear()
