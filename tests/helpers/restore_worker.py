"""A process for the restore and migration crash tests: it restores a backup (or migrates a data
folder) and kills itself with SIGKILL at a chosen point, or is killed from outside at random.

usage: restore_worker.py MODE FOLDER SOURCE [KILL]
MODE    restore   the planner's restore service: SOURCE is a backup file
        naive     a restore that copies the backup's files into the folder one by one (what the
                  harness must catch); SOURCE is a backup file
        migrate   open a schema-1 FOLDER and read it (the store migrates it); SOURCE is ignored
KILL    backup:STAGE         at planner.storage.backup.fault_hook STAGE (unpacked, old-moved,
                             new-in-place)
        atomic:STAGE:N       at planner.storage.atomic.fault_hook STAGE (mid-temp-write, before-replace,
                             after-replace) of the N-th atomic write of this process (from 0)
        unlink:N             just before the N-th file removal of this process (from 0)
        naive:N              (naive only) after the N-th file copied
        pause:STAGE:SECONDS  print "paused" at a backup.fault_hook STAGE and sleep, then go on
Prints "ready" once everything is imported (the test may then kill it at a random moment) and
"finished" when the work returned.
"""
from __future__ import annotations

import os
import signal
import sys
from datetime import datetime
from pathlib import Path


def die() -> None:
    os.kill(os.getpid(), signal.SIGKILL)


def arm(kill: str) -> None:
    from planner.storage import backup
    from planner.storage import atomic
    kind, _, rest = kill.partition(":")
    if kind == "pause":                  # pause:STAGE:SECONDS  (stop a while, then go on)
        stage, seconds = rest.rsplit(":", 1)

        def pause_at(at: str) -> None:
            if at == stage:
                print("paused", flush=True)
                import time
                time.sleep(float(seconds))
        backup.fault_hook = pause_at
    elif kind == "backup":
        def at_stage(stage: str) -> None:
            if stage == rest:
                die()
        backup.fault_hook = at_stage
    elif kind == "atomic":
        stage, nth = rest.rsplit(":", 1)
        count = {"n": -1}

        def at_write(at: str) -> None:
            if at == "mid-temp-write":
                count["n"] += 1
            if at == stage and count["n"] == int(nth):
                die()
        atomic.fault_hook = at_write
    elif kind == "unlink":
        real, count = os.unlink, {"n": -1}

        def unlink(path, *a, **kw):
            count["n"] += 1
            if count["n"] == int(rest):
                die()
            return real(path, *a, **kw)
        os.unlink = unlink


def naive_restore(folder: Path, source: Path, kill: str) -> None:
    """Overwrite the folder's files with the backup's, one by one, then remove the rest."""
    from planner.storage import archive
    from planner.storage.store import SCHEMA_VERSION
    files = archive.verify(source.read_bytes(), SCHEMA_VERSION).files
    stop = int(kill.split(":")[1]) if kill.startswith("naive:") else -1
    for n, (rel, data) in enumerate(sorted(files.items())):
        target = folder / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        with open(target, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        if n == stop:
            die()
    for p in sorted(folder.rglob("*.json")):
        rel = p.relative_to(folder).as_posix()
        if rel not in files and not rel.startswith("restore-copies/"):
            p.unlink()


def main() -> None:
    mode, folder, source = sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3])
    kill = sys.argv[4] if len(sys.argv) > 4 else ""
    from planner.services import sharing
    from planner.storage.store import Store
    if kill:
        arm(kill)
    print("ready", flush=True)
    if mode == "restore":
        sharing.restore_file(Store(folder), source, datetime(2026, 11, 27, 18, 30))
    elif mode == "naive":
        naive_restore(folder, source, kill)
    elif mode == "migrate":
        Store(folder).plan_records()          # the first read migrates the folder
    else:
        raise SystemExit(f"unknown mode {mode}")
    print("finished", flush=True)


if __name__ == "__main__":
    main()
