"""Crash harness for restore and migration: a real process is killed with SIGKILL at every
injected step and at random moments, and the folder must then hold either the complete old data
or the complete new data (never a mix), lose nothing, and be tidied by the next command.

Restore: the planner's restore of a large backup (thousands of history records) over a family
folder, killed at planner.storage.backup.fault_hook's steps, at planner.storage.atomic.fault_hook's
steps of each of its atomic writes, and at random; the same for a schema-1 backup (migrated in
its staging folder). Migration: a schema-1 folder with thousands of records opened by the store,
killed at each atomic write, at file removals of the sweep, and at random. The harness also runs
a naive restore (files copied one by one) and must catch it, or it proves nothing. Last, a restore
paused at each step while another planner reads the folder: the restore still completes, the
reader sees the old data, the new data or one error line.

Two cases found by this harness are kept as tests of their own: a kill between settings.json and
meta.json during the schema-1 migration must keep the settings, and a tick that waited for the lock
during a restore must be refused instead of landing in the restored data.
"""
from __future__ import annotations

import json
import os
import random
import shutil
import subprocess
import sys
import time
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest

from conftest import ROOT, base_plan
from planner.core.model import Completion, Status
from planner.storage import backup
from planner.storage.store import SCHEMA_VERSION, Store

WORKER = Path(__file__).parent / "helpers" / "restore_worker.py"
SCHEMA1 = ROOT / "tests" / "fixtures" / "schema1-two-children"
SCHEMA1_BACKUP = ROOT / "tests" / "fixtures" / "schema1-backup.zip"
TODAY = "2026-11-27"
ATOMIC_STAGES = ("mid-temp-write", "before-replace", "after-replace")


# ------------------------------------------------------------------ running the worker

def run_worker(mode: str, folder: Path, source: Path, kill: str = "",
               kill_after: float | None = None) -> bool:
    """Run the worker until it ends or dies; True when it finished its work."""
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(ROOT), *sys.path]), PLANNER_TODAY=TODAY)
    args = [sys.executable, str(WORKER), mode, str(folder), str(source)] + ([kill] if kill else [])
    proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    try:
        first = proc.stdout.readline()
        assert first == b"ready\n", (first, proc.stderr.read())
        if kill_after is not None:
            time.sleep(kill_after)
            proc.kill()
        out, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert b"Traceback" not in err, err.decode()
    return b"finished" in out


def timed_run(mode: str, folder: Path, source: Path) -> float:
    """Seconds from "ready" to "finished" of an uninterrupted run."""
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(ROOT), *sys.path]), PLANNER_TODAY=TODAY)
    proc = subprocess.Popen([sys.executable, str(WORKER), mode, str(folder), str(source)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    assert proc.stdout.readline() == b"ready\n"
    t0 = time.monotonic()
    line = proc.stdout.readline()
    took = time.monotonic() - t0
    _, err = proc.communicate(timeout=60)
    assert line == b"finished\n", err.decode()
    return took


# ------------------------------------------------------------------ what a folder holds

def state(folder: Path) -> dict:
    """Everything the store reads back from a folder: plans, settings and every record of each
    child. Opening the store here is 'the next command' (it finishes an interrupted restore)."""
    store = Store(folder)
    try:
        plans = sorted((r.child_key, r.plan_id, r.version, r.effective_from.isoformat())
                       for r in store.plan_records())
        out: dict = {"plans": plans, "household": store.household().to_doc(), "children": {}}
        for key in sorted({p[0] for p in plans}):
            recs: dict[str, tuple] = {}
            for week in store.history_weeks(key):
                monday = datetime.fromisocalendar(int(week[:4]), int(week[6:8]), 1).date()
                for iid, c in store.completions(key, monday, monday + timedelta(days=6)).items():
                    assert iid not in recs, f"{iid} twice"
                    recs[iid] = (c.date.isoformat(), c.status.value, c.note, c.plan_id)
            out["children"][key] = {"settings": store.child_settings(key).to_doc(), "records": recs}
        assert not [n for n in store.notices if "damaged" in n], store.notices
        return out
    finally:
        store.close()


def data_bytes(folder: Path) -> dict[str, bytes]:
    """The files a backup would hold (no lock, temp, .bak or restore-copies/)."""
    return {rel: p.read_bytes() for rel, p in backup.data_files(folder).items()}


def records(s: dict) -> int:
    return sum(len(c["records"]) for c in s["children"].values())


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.parent.iterdir() if p.name.startswith(f".{folder.name}.restore"))


# ------------------------------------------------------------------ the old and the new data

def make_family(folder: Path, tmp: Path, pid_suffix: str, ticks: int) -> None:
    """Maya and Leo with a plan each and `ticks` check-offs spread over the last years."""
    from planner.cli import main
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("PLANNER_TODAY", TODAY)
        for name in ("Maya", "Leo"):
            pid = f"{name.lower()}-{pid_suffix}"
            doc = base_plan(plan_id=pid, child={"name": name}, start="2025-01-06", end="2027-12-31")
            doc["activities"][3]["custom"]["picture"] = "bead-stringing"
            p = tmp / f"{pid}.json"
            p.write_text(json.dumps(doc), encoding="utf-8")
            assert main(["--data-dir", str(folder), "import", str(p)]) == 0
    store = Store(folder)
    for key in ("maya", "leo"):
        pid = f"{key}-{pid_suffix}"
        recs = []
        for i in range(ticks):
            day = date(2026, 11, 27) - timedelta(days=i % 690)
            slot = ("morning", "afternoon", "evening")[i // 690 % 3]
            recs.append(Completion(f"{pid}.{day:%Y%m%d}.wall-pushups.{slot}", day,
                                   (Status.DONE, Status.PARTIAL, Status.SKIPPED)[i % 3], pid,
                                   "wall-pushups", "Wall push-ups", slot, {"minutes": 2},
                                   note=f"{key} {pid_suffix} {i}",
                                   reason="sick" if i % 3 == 2 else None))
        store.put_completions(key, recs)
    store.close()


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    """The old folder (a few ticks), a large backup of other data, and both states."""
    base = tmp_path_factory.mktemp("restore-world")
    old = base / "old"
    make_family(old, base, "winter", 12)
    big = base / "big"
    make_family(big, base, "spring", 1500)
    from planner.services import sharing
    bak = base / "big-backup.zip"
    sharing.write_backup(Store(big), bak, datetime(2026, 11, 27, 18, 0))
    fresh = base / "fresh"
    sharing.restore_file(Store(fresh), bak, datetime(2026, 11, 27, 18, 30))
    w = {"old": old, "backup": bak, "old_state": state(old), "new_state": state(fresh),
         "old_bytes": data_bytes(old), "new_bytes": data_bytes(fresh), "base": base}
    assert records(w["new_state"]) == 3000 and records(w["old_state"]) == 24
    assert w["old_state"] != w["new_state"]
    return w


@pytest.fixture(scope="module")
def world1(world, tmp_path_factory):
    """The same old folder, and the schema-1 backup of the previous release as the new data."""
    base = tmp_path_factory.mktemp("restore-world1")
    from planner.services import sharing
    fresh = base / "fresh"
    sharing.restore_file(Store(fresh), SCHEMA1_BACKUP, datetime(2026, 11, 27, 18, 30))
    return {**world, "backup": SCHEMA1_BACKUP, "new_state": state(fresh), "new_bytes": data_bytes(fresh)}


def verdict(folder: Path, w: dict) -> str | None:
    """None when the folder holds the complete old or the complete new data (with the old data
    kept in restore-copies/) and the next write tidies everything; else what is wrong."""
    try:
        got = state(folder)
    except Exception as exc:              # an unreadable folder is exactly what we look for
        return f"unreadable: {exc.__class__.__name__}: {exc}"
    if got == w["old_state"]:
        side = "old"
    elif got == w["new_state"]:
        side = "new"
    else:
        return f"a mix: {records(got)} records (old {records(w['old_state'])}, new {records(w['new_state'])})"
    if data_bytes(folder) != w[f"{side}_bytes"]:
        return f"{side} records, but the files differ from the {side} data"
    if side == "new":
        copies = sorted((folder / "restore-copies").iterdir()) if (folder / "restore-copies").is_dir() else []
        if len(copies) != 1 or data_bytes(copies[0]) != w["old_bytes"]:
            return "new data, but the old data is not kept whole in restore-copies/"
    store = Store(folder)                # the next command that writes
    with store.writing():
        pass
    store.close()
    if leftovers(folder):
        return f"left beside the folder after the next write: {leftovers(folder)}"
    if state(folder) != got or data_bytes(folder) != w[f"{side}_bytes"]:
        return "the next write changed the data"
    return None


def fresh_old(w: dict, tmp_path: Path, name: str) -> Path:
    folder = tmp_path / name / "data"
    folder.parent.mkdir()
    shutil.copytree(w["old"], folder)
    return folder


def kill_runs(w: dict, tmp_path: Path, mode: str, kills: list[str], randoms: list[float],
              min_interrupted: int = 2) -> list:
    failures = []
    runs = [(k, None) for k in kills] + [("", t) for t in randoms]
    interrupted = 0
    for i, (kill, after) in enumerate(runs):
        folder = fresh_old(w, tmp_path, f"run{i}")
        finished = run_worker(mode, folder, w["backup"], kill, after)
        if kill:
            assert not finished, f"{kill}: the worker was not stopped there"
        else:
            interrupted += not finished
        problem = verdict(folder, w)
        if problem:
            failures.append((kill or f"random {after:.3f}s", finished, problem))
    assert interrupted >= min_interrupted, "the random kills came after the work: they prove nothing"
    return failures


def atomic_kills(count: int) -> list[str]:
    return [f"atomic:{stage}:{n}" for n in range(count) for stage in ATOMIC_STAGES]


# ------------------------------------------------------------------ restore

def test_restore_of_a_large_backup_survives_every_kill(world, tmp_path):
    took = timed_run("restore", fresh_old(world, tmp_path, "timing"), world["backup"])
    rng = random.Random(8)
    kills = ["backup:unpacked", "backup:old-moved", "backup:new-in-place", *atomic_kills(1)]
    randoms = [rng.uniform(0, 0.9 * took) for _ in range(8)]
    failures = kill_runs(world, tmp_path, "restore", kills, randoms)
    assert failures == []


def test_restore_of_a_schema_1_backup_survives_kills_during_its_migration(world1, tmp_path):
    # the staging folder is migrated: 2 week files, settings, meta.json, then the ready marker
    kills = ["backup:unpacked", "backup:old-moved", "backup:new-in-place", *atomic_kills(5)]
    failures = kill_runs(world1, tmp_path, "restore", kills, [], min_interrupted=0)
    assert failures == []


def test_the_harness_catches_a_naive_restore(world, tmp_path):
    rng = random.Random(3)
    took = timed_run("naive", fresh_old(world, tmp_path, "timing"), world["backup"])
    failures = kill_runs(world, tmp_path, "naive", ["naive:3", "naive:60"],
                         [rng.uniform(0.2, 0.8) * took for _ in range(2)], min_interrupted=0)
    kinds = {f[0] for f in failures}
    assert {"naive:3", "naive:60"} <= kinds, failures
    assert any("mix" in f[2] for f in failures), failures


# ------------------------------------------------------------------ migration 1 -> 2

WEEKS = 40


@pytest.fixture(scope="module")
def schema1_big(tmp_path_factory) -> tuple[Path, dict[str, tuple]]:
    """The previous release's two-child folder with its week of records repeated over 40 weeks
    (about 1,500 records); returns the folder and item id -> (child, status, note)."""
    base = tmp_path_factory.mktemp("schema1-big")
    folder = base / "old"
    shutil.copytree(SCHEMA1, folder)
    plans = json.loads((SCHEMA1 / "plans.json").read_text())["plans"].values()
    owner = {p["plan_id"]: p["child_key"] for p in plans}
    week = list(json.loads((SCHEMA1 / "history" / "2026-W48.json").read_text())["completions"].values())
    (folder / "history" / "2026-W48.json").unlink()
    expected = {}
    for k in range(WEEKS):
        rows = {}
        for j, rec in enumerate(week):
            day = date.fromisoformat(rec["date"]) - timedelta(weeks=k)
            iid = rec["item_id"].replace(rec["date"].replace("-", ""), f"{day:%Y%m%d}")
            new = {**rec, "item_id": iid, "date": day.isoformat(), "note": f"{rec['note']} w{k}"}
            rows[str(j + 1)] = new
            expected[iid] = (owner[rec["plan_id"]], rec["status"], new["note"])
        year, wk, _ = day.isocalendar()
        (folder / "history" / f"{year}-W{wk:02d}.json").write_text(json.dumps({"completions": rows}))
    return folder, expected


def settings_of(store: Store) -> tuple:
    home = store.household().to_doc()
    return (home, store.child_settings("maya").to_doc(), store.child_settings("leo").to_doc())


def migrated_problem(folder: Path, expected: dict[str, tuple], settings: tuple | None = None) -> str | None:
    try:
        store = Store(folder)
        keys = {r.child_key for r in store.plan_records()}      # what every command reads first
        assert keys == {"maya", "leo"}, keys
        if settings is not None and settings_of(store) != settings:
            return "the settings differ from a migration that ran to its end"
        got: dict[str, tuple] = {}
        count = 0
        for key in ("maya", "leo"):
            for week in store.history_weeks(key):
                monday = datetime.fromisocalendar(int(week[:4]), int(week[6:8]), 1).date()
                recs = store.completions(key, monday, monday + timedelta(days=6))
                count += len(recs)
                got.update({iid: (key, c.status.value, c.note) for iid, c in recs.items()})
        damaged = [n for n in store.notices if "damaged" in n]
        store.close()
    except Exception as exc:
        return f"unreadable: {exc.__class__.__name__}: {exc}"
    if damaged:
        return damaged[0]
    if count != len(got):
        return f"{count - len(got)} records twice"
    if got != expected:
        missing = set(expected) - set(got)
        return f"{len(missing)} records lost" if missing else "records changed or misplaced"
    if json.loads((folder / "meta.json").read_text())["schema_version"] != SCHEMA_VERSION:
        return "not at the new schema"
    store = Store(folder)            # readers never write: the next write sweeps what schema 1 left
    with store.writing():
        pass
    store.close()
    if [p.name for p in (folder / "history").iterdir() if p.is_file()]:
        return "schema-1 week files left after the next write"
    if (folder / "history" / "unassigned").exists():
        return "records without an owner"
    return None


def test_migration_survives_every_kill(schema1_big, tmp_path):
    source, expected = schema1_big
    timing = tmp_path / "timing"
    shutil.copytree(source, timing)
    took = timed_run("migrate", timing, timing)
    assert migrated_problem(timing, expected) is None
    settings = settings_of(Store(timing))
    assert settings[0]["pin_hash"] and settings[0]["slot_times"] == {"morning": "07:05"}
    assert len(settings[1]["pauses"]) == 3 and settings[2]["reward_goal"] == 15
    writes = 2 * WEEKS + 2                 # each week for each child, settings.json, meta.json
    rng = random.Random(5)
    kills = [f"atomic:{s}:{n}" for n in (0, WEEKS, writes - 2, writes - 1) for s in ATOMIC_STAGES]
    kills += ["unlink:0", f"unlink:{WEEKS // 2}", f"unlink:{WEEKS - 1}"]
    runs = [(k, None) for k in kills] + [("", rng.uniform(0, 0.9 * took)) for _ in range(6)]
    failures, interrupted = [], 0
    for i, (kill, after) in enumerate(runs):
        folder = tmp_path / f"run{i}"
        shutil.copytree(source, folder)
        finished = run_worker("migrate", folder, folder, kill, after)
        if kill:
            assert not finished, f"{kill}: the worker was not stopped there"
        else:
            interrupted += not finished
        problem = migrated_problem(folder, expected, settings)
        if problem:
            failures.append((kill or f"random {after:.3f}s", problem))
    assert failures == []
    assert interrupted >= 2, "the random kills came after the migration: they prove nothing"


@pytest.mark.parametrize("kill", ["atomic:after-replace:{last_week_plus_one}", "atomic:before-replace:{meta}"])
def test_migration_killed_after_the_settings_keeps_them(schema1_big, tmp_path, kill):
    source, expected = schema1_big
    writes = 2 * WEEKS + 2
    kill = kill.format(last_week_plus_one=writes - 2, meta=writes - 1)
    clean = tmp_path / "clean"
    shutil.copytree(source, clean)
    settings = settings_of(Store(clean))                     # migrated to its end
    folder = tmp_path / "killed"
    shutil.copytree(source, folder)
    assert not run_worker("migrate", folder, folder, kill)
    assert migrated_problem(folder, expected, settings) is None


# ------------------------------------------------------------------ another planner during a restore

def during_restore(w: dict, tmp_path: Path, stage: str, command: list[str]) -> tuple:
    """Pause a restore at `stage`, run another planner command meanwhile, let the restore go on.
    Returns (the command's exit code, its stderr, whether the restore finished, the verdict)."""
    folder = fresh_old(w, tmp_path, "during")
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(ROOT), *sys.path]), PLANNER_TODAY=TODAY)
    proc = subprocess.Popen([sys.executable, str(WORKER), "restore", str(folder), str(w["backup"]),
                             f"pause:{stage}:1.5"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    try:
        assert proc.stdout.readline() == b"ready\n"
        assert proc.stdout.readline() == b"paused\n"
        other = subprocess.run([sys.executable, "-m", "planner", "--data-dir", str(folder), *command],
                               capture_output=True, env=env, cwd=str(ROOT), timeout=30)
        out, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert b"Traceback" not in other.stderr, other.stderr.decode()
    assert b"Traceback" not in err, err.decode()
    return other.returncode, other.stderr.decode(), b"finished" in out, verdict(folder, w)


@pytest.mark.parametrize("stage", ["unpacked", "old-moved", "new-in-place"])
def test_a_reader_during_the_switch_never_finishes_the_restore_for_it(world, tmp_path, stage):
    """A reader that opened the folder between the two renames used to 'finish the interrupted
    restore' itself; the restoring process then failed and told the user nothing had changed."""
    code, err, finished, problem = during_restore(world, tmp_path, stage,
                                                  ["schedule", "--child", "Maya", "--days", "1"])
    assert finished and problem is None, problem
    assert code == 0 or (code == 2 and err.startswith("error:") and err.count("\n") == 1), err


def test_a_tick_waiting_for_the_lock_during_a_restore_is_refused(world, tmp_path):
    code, err, finished, problem = during_restore(
        world, tmp_path, "unpacked", ["done", "maya-winter.20261126.wall-pushups.morning"])
    assert finished and problem is None, problem
