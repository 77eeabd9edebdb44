"""TinyDB on our crash-safe files: the storage class every writer's TinyDB uses.

Kept apart from `atomic` so that a process that only reads (`planner schedule`) never imports
TinyDB; the store imports this module when it first writes."""
from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from tinydb import Query, TinyDB
from tinydb.storages import Storage
from tinydb.table import Table

from planner.storage.atomic import atomic_write_bytes, read_json_file

__all__ = ["AtomicJSONStorage", "Query", "Table", "TinyDB"]


class AtomicJSONStorage(Storage):
    """TinyDB storage: whole-file JSON, written atomically, read fresh each time."""

    def __init__(self, path: str | os.PathLike, **_: Any):
        self.path = Path(path)
        self._cache: tuple[tuple[int, int, int], dict[str, Any]] | None = None

    def _signature(self) -> tuple[int, int, int] | None:
        try:
            st = os.stat(self.path)
        except FileNotFoundError:
            return None
        return (st.st_ino, st.st_mtime_ns, st.st_size)

    def read(self) -> dict[str, Any] | None:
        # Every write replaces the file (a new inode), so an unchanged signature means
        # nobody else wrote since we last read or wrote it: skip parsing it again.
        sig = self._signature()
        if sig is None:
            self._cache = None
            return None
        if self._cache is not None and self._cache[0] == sig:
            return self._cache[1]
        self._cache = None
        data = read_json_file(self.path)
        if self._signature() == sig:
            self._cache = (sig, data)
        return data

    def write(self, data: dict[str, Any]) -> None:
        self._cache = None
        payload = json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        atomic_write_bytes(self.path, payload)
        sig = self._signature()
        if sig is not None:
            self._cache = (sig, data)

    def close(self) -> None:
        pass
