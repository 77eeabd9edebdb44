"""A TinyDB storage that never leaves a half-written file behind.

Each write goes to a temp file in the same folder, is flushed and fsynced,
the previous file is kept as `<name>.bak` (a hard link, no copy), the temp
file replaces the real one with os.replace, and the folder is fsynced so the
rename itself survives a power cut. A reader sees the old file or the new
one, never a mix.
"""
from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any


TMP_MARK = ".tmp-"


class CorruptFile(Exception):
    def __init__(self, path: Path, reason: str):
        super().__init__(f"{path.name}: {reason}")
        self.path = path
        self.reason = reason


def fsync_dir(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def read_json_file(path: Path) -> Any:
    """Parse a store file; raise CorruptFile for empty or unreadable content."""
    data = path.read_bytes()
    if not data.strip():
        raise CorruptFile(path, "the file is empty")
    try:
        doc = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as exc:
        raise CorruptFile(path, f"the file is not valid JSON ({exc.__class__.__name__})") from None
    if not isinstance(doc, dict):
        raise CorruptFile(path, "the file does not hold a table object")
    return doc


fault_hook: Any = None   # set by fault tests only: called with each stage of every write


def atomic_write_bytes(path: Path, data: bytes, keep_backup: bool = True,
                       hook: Any = None) -> None:
    """Write `data` to `path` crash-safely. `hook(stage)` lets fault tests stop at a stage; without
    one, the module's `fault_hook` is used, so every write of the store (TinyDB's, migrations,
    meta.json, repairs, restores) can be stopped the same way."""
    if hook is None:
        hook = fault_hook
    folder = path.parent
    tmp = folder / f"{TMP_MARK}{path.name}.{os.getpid()}"
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        try:
            view = memoryview(data)
            half = 0
            while half < len(view) // 2:
                half += os.write(fd, view[half:len(view) // 2])
            if hook:
                hook("mid-temp-write")
            while half < len(view):
                half += os.write(fd, view[half:])
            os.fsync(fd)
        finally:
            os.close(fd)
    except BaseException:
        # A full disk or a failed fsync: the temp file goes, the real file was never touched.
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
    if hook:
        hook("before-replace")
    if keep_backup and path.exists():
        bak = folder / f"{path.name}.bak"
        link_tmp = folder / f"{TMP_MARK}{path.name}.bak.{os.getpid()}"
        try:
            if link_tmp.exists():
                link_tmp.unlink()
            os.link(path, link_tmp)
            os.replace(link_tmp, bak)
        except OSError:
            pass   # a file system without hard links: the backup is best effort
    os.replace(tmp, path)
    if hook:
        hook("after-replace")
    fsync_dir(folder)
