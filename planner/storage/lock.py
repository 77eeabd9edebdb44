"""One writer at a time: an advisory lock on a file in the data folder (stdlib only).

POSIX `flock` (compatible with other flock users of the same file); `msvcrt.locking` on Windows.
Polls until the timeout instead of blocking, so a busy folder gives a clear message.
"""
from __future__ import annotations

import os
import time
from _thread import allocate_lock  # threading.Lock without importing threading


class LockTimeout(Exception):
    pass


class FolderLock:
    def __init__(self, path: str, timeout: float = 3.0):
        self.path = path
        self.timeout = timeout
        self._fd: int | None = None
        self._threads = allocate_lock()           # one holder per process as well

    @property
    def is_locked(self) -> bool:
        return self._fd is not None

    def holds(self, path: str) -> bool:
        """Is the locked file still the one at `path` (not moved away while we waited)?"""
        if self._fd is None:
            return False
        try:
            mine, there = os.fstat(self._fd), os.stat(path)
        except OSError:
            return False
        return (mine.st_dev, mine.st_ino) == (there.st_dev, there.st_ino)

    def acquire(self, timeout: float | None = None) -> None:
        wait = self.timeout if timeout is None else timeout
        deadline = time.monotonic() + wait
        if not self._threads.acquire(timeout=max(0.0, wait)):
            raise LockTimeout(self.path)
        try:
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        except BaseException:
            self._threads.release()
            raise
        delay = 0.005
        while True:
            if _try_lock(fd):
                self._fd = fd
                return
            if time.monotonic() >= deadline:
                os.close(fd)
                self._threads.release()
                raise LockTimeout(self.path)
            time.sleep(delay)
            delay = min(delay * 2, 0.05)

    def release(self) -> None:
        fd, self._fd = self._fd, None
        if fd is None:
            return
        try:
            _unlock(fd)
        finally:
            os.close(fd)
            self._threads.release()

    def __enter__(self) -> "FolderLock":
        self.acquire()
        return self

    def __exit__(self, *exc) -> None:
        self.release()


if os.name == "nt":                                  # pragma: no cover - exercised on Windows only
    import msvcrt

    def _try_lock(fd: int) -> bool:
        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
            return True
        except OSError:
            return False

    def _unlock(fd: int) -> None:
        msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)
else:
    import fcntl

    def _try_lock(fd: int) -> bool:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return True
        except BlockingIOError:
            return False

    def _unlock(fd: int) -> None:
        fcntl.flock(fd, fcntl.LOCK_UN)
