"""Fault test: a writer killed with SIGKILL at random moments and at chosen points of a write.

Our store must always open and keep every acknowledged check-off. The same harness run
against TinyDB's default JSONStorage must find failures, or the harness proves nothing.
"""
from __future__ import annotations

import os
import random
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent / "helpers"))
import crash_writer  # noqa: E402

from planner.storage.store import Store  # noqa: E402

pytestmark = pytest.mark.slow
WRITER = Path(__file__).parent / "helpers" / "crash_writer.py"
ATOMIC_STAGES = ("mid-temp-write", "before-replace", "after-replace")
PLAIN_STAGES = ("mid-write", "before-truncate")


def run_writer(backend: str, folder: Path, stage: str | None = None, nth: int = 0,
               kill_after: float | None = None) -> int:
    """Run the writer until it dies; return how many operations were acknowledged."""
    args = [sys.executable, str(WRITER), backend, str(folder)]
    if stage:
        args += [stage, str(nth)]
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(sys.path))
    proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env)
    first = b""
    if kill_after is not None:
        first = proc.stdout.readline()       # the writer is running: now pick a moment
        time.sleep(kill_after)
        proc.kill()
    out, _ = proc.communicate(timeout=60)
    lines = (first + out).decode().splitlines()
    return len([line for line in lines if line.startswith("ack ")])


def read_back(backend: str, folder: Path) -> dict[str, str]:
    """item id -> note as stored; raises when the store cannot be read."""
    if backend == "atomic":
        store = Store(folder)
        got = store.completions("maya", date(2026, 11, 1), date(2026, 11, 30))
        assert not any("damaged" in n for n in store.notices), store.notices
        return {k: c.note for k, c in got.items()}
    from tinydb import TinyDB
    path = folder / "history.json"
    db = TinyDB(path)
    try:
        return {d["item_id"]: d["note"] for d in db.table("completions").all()}
    finally:
        db.close()


def check(backend: str, folder: Path, acked: int) -> str | None:
    """None when the store is sound, else what went wrong."""
    try:
        stored = read_back(backend, folder)
    except Exception as exc:          # an unreadable file is exactly what we look for
        return f"unreadable: {exc.__class__.__name__}"
    last_acked: dict[str, int] = {}
    for n in range(acked):
        last_acked[crash_writer.op(n)[0]] = n
    for iid, n in last_acked.items():
        if iid not in stored:
            return f"lost acknowledged {iid}"
        # The operation in flight (number `acked`) may or may not have landed.
        allowed = {crash_writer.op(m)[2] for m in range(n, acked + 1) if crash_writer.op(m)[0] == iid}
        if stored[iid] not in allowed:
            return f"{iid} holds a value never written"
    return None


def trials(backend: str, tmp_path: Path, stages: tuple[str, ...], seed: int, random_kills: int):
    rng = random.Random(seed)
    failures = []
    # Writes 2, 8 and 41 are shrinking rewrites (see crash_writer.op).
    runs = [(s, nth, None) for s in stages for nth in (2, 8, 41)]
    runs += [(None, 0, rng.uniform(0.0, 0.4)) for _ in range(random_kills)]
    for i, (stage, nth, after) in enumerate(runs):
        folder = tmp_path / f"{backend}-{i}"
        folder.mkdir()
        acked = run_writer(backend, folder, stage, nth, after)
        if stage:
            assert acked == nth, f"{stage}: the writer did not stop at write {nth} ({acked} acks)"
        else:
            assert 0 < acked < crash_writer.OPS, f"random kill after {acked} acks proves nothing"
        problem = check(backend, folder, acked)
        if problem:
            failures.append((stage or f"random {after:.2f}s", acked, problem))
    return failures


def test_atomic_store_survives_every_kill(tmp_path):
    failures = trials("atomic", tmp_path, ATOMIC_STAGES, seed=7, random_kills=12)
    assert failures == []


def test_the_harness_catches_plain_tinydb(tmp_path):
    failures = trials("plain", tmp_path, PLAIN_STAGES, seed=7, random_kills=4)
    kinds = {f[0] for f in failures}
    assert "before-truncate" in kinds or "mid-write" in kinds, failures
    assert len(failures) >= 3, failures
