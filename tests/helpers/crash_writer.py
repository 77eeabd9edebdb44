"""A writer process for the crash test: check-offs, one after another, each acknowledged.

usage: crash_writer.py BACKEND FOLDER [STAGE NTH]
BACKEND: atomic (our Store) or plain (TinyDB's default JSONStorage on one file).
STAGE/NTH: kill this process with SIGKILL at that point of the NTH write.
Prints "ack N" after operation N has returned (the user saw the tick).
"""
from __future__ import annotations

import os
import signal
import sys
from datetime import date, timedelta

from planner.core.model import Completion, Status

DAY0 = date(2026, 11, 1)
OPS = 400


def op(n: int) -> tuple[str, date, str]:
    """Operation n: (item id, date, note). Every third op rewrites an earlier item with a
    shorter note, so the file sometimes shrinks."""
    if n % 3 == 2:
        target = n - 2
        return f"p.item-{target}", DAY0 + timedelta(days=(target % 28)), "s"
    return f"p.item-{n}", DAY0 + timedelta(days=(n % 28)), "note " * (5 + n % 7)


def completion(n: int) -> Completion:
    iid, day, note = op(n)
    return Completion(iid, day, Status.DONE, "p", "act", "Act", "afternoon", {"minutes": 5}, note=note)


def die() -> None:
    os.kill(os.getpid(), signal.SIGKILL)


def main() -> None:
    backend, folder = sys.argv[1], sys.argv[2]
    stage, nth = (sys.argv[3], int(sys.argv[4])) if len(sys.argv) > 4 else (None, -1)
    writes = {"n": 0}
    if backend == "atomic":
        from planner.storage import atomic
        from planner.storage.store import Store

        def hook(at: str) -> None:
            if at == stage and writes["n"] == nth:
                die()
        atomic.fault_hook = hook
        store = Store(folder)

        def put(c: Completion) -> None:
            store.put_completion("maya", c)
            writes["n"] += 1
    else:
        from tinydb import Query, TinyDB
        db = TinyDB(os.path.join(folder, "history.json"))
        table = db.table("completions")
        handle = db.storage._handle
        real_fsync = os.fsync

        class Handle:
            def __getattr__(self, name):
                return getattr(handle, name)

            def write(self, data):
                if stage == "mid-write" and writes["n"] == nth:
                    handle.write(data[: len(data) // 2])
                    handle.flush()
                    die()
                return handle.write(data)

        def fsync(fd):
            real_fsync(fd)
            if stage == "before-truncate" and writes["n"] == nth:
                die()
        os.fsync = fsync
        db.storage._handle = Handle()

        def put(c: Completion) -> None:
            table.upsert(c.to_dict(), Query().item_id == c.item_id)
            writes["n"] += 1

    for n in range(OPS):
        put(completion(n))
        print(f"ack {n}", flush=True)


if __name__ == "__main__":
    main()
