"""Files the user names: plan files and backups read in, reports, calendars and backups written out.

One implementation of each: a read checks the file type before opening (a FIFO, a device or a
folder is refused instead of hanging) and never reads past a limit; a write goes to a temp file
beside the target, is fsynced and replaces the target whole, and is refused inside the data folder
(where it could overwrite the family's records).
"""
from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

from planner.storage.atomic import TMP_MARK, fsync_dir


class FileProblem(Exception):
    """One line for the user about a file they named."""


def _size_text(n: int) -> str:
    return f"{n / 2**20:.0f} MB" if n >= 10 * 2**20 else f"{max(1, round(n / 1000))} KB"


def _strerror(exc: OSError) -> str:
    if exc.errno == errno.ENOSPC:
        return "the disk is full"
    if exc.errno in (errno.EACCES, errno.EPERM):
        return "permission denied"
    if exc.errno == errno.EROFS:
        return "the disk is read-only"
    if exc.errno == errno.ELOOP:
        return "too many levels of links"
    return exc.strerror or exc.__class__.__name__


def read_user_file(path: str | os.PathLike, limit: int, what: str) -> bytes:
    """The bytes of a regular file of at most `limit` bytes, or FileProblem."""
    p = Path(path)
    try:
        st = os.stat(p)
    except FileNotFoundError:
        raise FileProblem(f"{p}: no such file") from None
    except OSError as exc:
        raise FileProblem(f"{p}: cannot read ({_strerror(exc)})") from None
    if stat.S_ISDIR(st.st_mode):
        raise FileProblem(f"{p}: is a folder, not a {what}")
    if not stat.S_ISREG(st.st_mode):
        raise FileProblem(f"{p}: is not a regular file (a pipe, device or socket), not a {what}")
    if st.st_size > limit:
        raise FileProblem(f"{p}: file is too large ({_size_text(st.st_size)}, a {what} is at most "
                          f"{_size_text(limit)})")
    try:
        fd = os.open(p, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))     # never blocks on a FIFO
    except OSError as exc:
        raise FileProblem(f"{p}: cannot read ({_strerror(exc)})") from None
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):      # swapped after the check
            raise FileProblem(f"{p}: is not a regular file, not a {what}")
        chunks, total = [], 0
        while total <= limit:
            chunk = os.read(fd, min(1 << 20, limit + 1 - total))
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
    except OSError as exc:
        raise FileProblem(f"{p}: cannot read ({_strerror(exc)})") from None
    finally:
        os.close(fd)
    data = b"".join(chunks)
    if len(data) > limit:
        raise FileProblem(f"{p}: file is too large (a {what} is at most {_size_text(limit)})")
    return data


def inside(path: Path, folder: Path) -> bool:
    """Is `path` (resolved, links followed) the folder or anything below it?"""
    try:
        path.resolve().relative_to(folder.resolve())
        return True
    except (ValueError, OSError, RuntimeError):
        return False


def write_user_file(path: str | os.PathLike, data: bytes, *, data_dir: Path | None,
                    private: bool = False) -> Path:
    """Write a file the user asked for, whole or not at all; never inside the data folder."""
    p = Path(path)
    if data_dir is not None and inside(p, data_dir):
        raise FileProblem(f"{p}: is inside the data folder; choose a place outside the data folder")
    try:
        if p.is_dir():
            raise FileProblem(f"{p}: is a folder; give a file name")
        if p.exists() and not p.is_file():
            raise FileProblem(f"{p}: is not a regular file; give a file name")
    except OSError as exc:
        raise FileProblem(f"{p}: cannot write ({_strerror(exc)})") from None
    parent = p.parent if str(p.parent) else Path(".")
    if not parent.is_dir():
        raise FileProblem(f"{p}: the folder {parent} does not exist")
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
        raise FileProblem(f"{p}: cannot write ({_strerror(exc)})") from None
    fsync_dir(parent)
    return p
