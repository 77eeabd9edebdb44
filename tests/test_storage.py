"""Storage on real files: atomic writes, week files per child, recovery, lock, schema."""
from __future__ import annotations

import json
import multiprocessing as mp
from datetime import date

import pytest
from planner.storage.lock import FolderLock

from planner.core.model import Completion, Status
from planner.storage import store as store_mod
from planner.storage.atomic import atomic_write_bytes
from planner.storage.tinyfile import AtomicJSONStorage
from planner.storage import migrations
from planner.storage.records import ChildSettings, HouseholdSettings
from planner.storage.store import Busy, Store, StoreError, resolve_data_dir
from conftest import folder_snapshot


def rec(day: date, n: int = 0, status=Status.DONE) -> Completion:
    return Completion(f"p.{day:%Y%m%d}.act-{n}.afternoon", day, status, "p", f"act-{n}", "Act",
                      "afternoon", {"minutes": 5, "reps": None, "sets": None}, note="ok")


def set_reward(store: Store, name: str) -> None:
    store.update_child_settings("maya", lambda s: ChildSettings(reward_name=name))


def test_reading_an_empty_folder_creates_nothing(tmp_path):
    s = Store(tmp_path / "data")
    assert s.plan_records() == [] and s.completions("maya", date(2026, 1, 1), date(2026, 12, 31)) == {}
    assert s.child_settings("maya") == ChildSettings() and s.household() == HouseholdSettings()
    assert not (tmp_path / "data").exists()


def test_completions_are_split_by_week(tmp_path):
    s = Store(tmp_path)
    s.put_completion("maya", rec(date(2026, 11, 29)))            # a Sunday: ISO week 48
    s.put_completion("maya", rec(date(2026, 11, 30)))            # the Monday after: week 49
    s.put_completion("maya", rec(date(2026, 12, 1)))
    assert sorted(p.name for p in (tmp_path / "history" / "maya").glob("*.json")) == ["2026-W48.json", "2026-W49.json"]
    got = s.completions("maya", date(2026, 11, 1), date(2026, 12, 31))
    assert set(got) == {"p.20261129.act-0.afternoon", "p.20261130.act-0.afternoon",
                        "p.20261201.act-0.afternoon"}
    assert set(s.completions("maya", date(2026, 11, 30), date(2026, 11, 30))) == {"p.20261130.act-0.afternoon"}
    assert s.history_weeks("maya") == ["2026-W48", "2026-W49"]
    assert json.loads((tmp_path / "meta.json").read_text())["schema_version"] == store_mod.SCHEMA_VERSION


def test_a_new_record_replaces_the_old_one_whole(tmp_path):
    s = Store(tmp_path)
    day = date(2026, 11, 27)
    skipped = Completion("p.20261127.a.morning", day, Status.SKIPPED, "p", "a", "A", "morning",
                         {"minutes": 5}, rating="hard", note="tired", reason="sick")
    s.put_completion("maya", skipped)
    done = Completion("p.20261127.a.morning", day, Status.DONE, "p", "a", "A", "morning", {"minutes": 5})
    s.put_completion("maya", done)
    got = Store(tmp_path).completions("maya", day, day)["p.20261127.a.morning"]
    assert (got.status, got.rating, got.note, got.reason) == (Status.DONE, None, "", None)


def test_upsert_replaces_and_remove_deletes(tmp_path):
    s = Store(tmp_path)
    day = date(2026, 11, 27)
    s.put_completion("maya", rec(day))
    s.put_completion("maya", rec(day, status=Status.PARTIAL))
    got = Store(tmp_path).completions("maya", day, day)
    assert len(got) == 1 and next(iter(got.values())).status is Status.PARTIAL
    assert s.remove_completion("maya", rec(day).item_id, day)
    assert Store(tmp_path).completions("maya", day, day) == {}


def test_each_write_keeps_the_previous_file_as_backup(tmp_path):
    s = Store(tmp_path)
    day = date(2026, 11, 27)
    s.put_completion("maya", rec(day, 1))
    s.put_completion("maya", rec(day, 2))
    bak = json.loads((tmp_path / "history" / "maya" / "2026-W48.json.bak").read_text())
    assert len(bak["completions"]) == 1
    assert not list(tmp_path.rglob(".tmp-*"))


@pytest.mark.parametrize("damage", [b"", b"{\"completions\": {\"1\": {\"item_id\"", b"\x00\x00\x00", b"[]"])
def test_damaged_file_is_moved_aside_and_last_good_copy_restored(tmp_path, damage):
    s = Store(tmp_path)
    day = date(2026, 11, 27)
    s.put_completion("maya", rec(day, 1))
    s.put_completion("maya", rec(day, 2))
    week = tmp_path / "history" / "maya" / "2026-W48.json"
    week.write_bytes(damage)
    before = folder_snapshot(tmp_path)
    s2 = Store(tmp_path)
    got = s2.completions("maya", day, day)
    assert set(got) == {rec(day, 1).item_id}                      # the last good copy
    assert any("damaged" in n and "last good copy" in n for n in s2.notices)
    assert folder_snapshot(tmp_path) == before                     # a reader never writes
    s2.put_completion("maya", rec(day, 3))                         # the next write repairs it
    assert any("restored the last good copy" in n for n in s2.notices)
    assert list((tmp_path / "history" / "maya").glob("2026-W48.json.damaged-*"))
    assert set(Store(tmp_path).completions("maya", day, day)) == {rec(day, 1).item_id, rec(day, 3).item_id}


def test_damaged_file_without_backup_says_so(tmp_path):
    s = Store(tmp_path)
    set_reward(s, "park")
    (tmp_path / "settings.json").write_text("garbage")
    (tmp_path / "settings.json.bak").unlink(missing_ok=True)
    s2 = Store(tmp_path)
    assert s2.child_settings("maya") == ChildSettings()
    assert any("no good copy" in n for n in s2.notices)
    set_reward(s2, "zoo")
    assert list(tmp_path.glob("settings.json.damaged-*"))


def test_missing_file_with_backup_is_restored(tmp_path):
    s = Store(tmp_path)
    set_reward(s, "park")
    set_reward(s, "zoo")
    (tmp_path / "settings.json").unlink()
    s2 = Store(tmp_path)
    assert s2.child_settings("maya").reward_name == "park"
    assert s2.notices


def _hold_lock(path, ready, release):
    with FolderLock(str(path / ".lock")):
        ready.set()
        release.wait(10)


def test_second_writer_gets_a_clear_message_and_reads_still_work(tmp_path, monkeypatch):
    s = Store(tmp_path)
    day = date(2026, 11, 27)
    s.put_completion("maya", rec(day, 1))
    ctx = mp.get_context("spawn")
    ready, release = ctx.Event(), ctx.Event()
    proc = ctx.Process(target=_hold_lock, args=(tmp_path, ready, release))
    proc.start()
    try:
        assert ready.wait(20)
        other = Store(tmp_path)
        other.lock_timeout = 0.2
        other._lock.timeout = 0.2
        before = folder_snapshot(tmp_path)
        with pytest.raises(Busy, match="busy"):
            other.put_completion("maya", rec(day, 2))
        assert set(other.completions("maya", day, day)) == {rec(day, 1).item_id}
        after = folder_snapshot(tmp_path)
        assert before == after
    finally:
        release.set()
        proc.join(10)
    Store(tmp_path).put_completion("maya", rec(day, 2))


def test_newer_schema_is_refused(tmp_path):
    set_reward(Store(tmp_path), "park")
    (tmp_path / "meta.json").write_text('{"schema_version": 99}')
    with pytest.raises(StoreError, match="newer planner"):
        Store(tmp_path).child_settings("maya")


def test_migration_runs_once_under_the_lock(tmp_path, monkeypatch):
    set_reward(Store(tmp_path), "park")
    (tmp_path / "meta.json").write_text('{"schema_version": 1}')
    calls = []

    def v1_to_v2(folder):
        calls.append(folder)
        doc = json.loads((folder / "settings.json").read_text())
        for d in doc["children"].values():
            d["reward_name"] = d["reward_name"].upper()
        atomic_write_bytes(folder / "settings.json", json.dumps(doc).encode())

    monkeypatch.setitem(migrations.MIGRATIONS, 1, v1_to_v2)
    s = Store(tmp_path)
    assert s.child_settings("maya").reward_name == "PARK"
    assert Store(tmp_path).child_settings("maya").reward_name == "PARK"
    assert len(calls) == 1
    assert json.loads((tmp_path / "meta.json").read_text())["schema_version"] == 2


def test_data_dir_resolution(tmp_path, monkeypatch):
    monkeypatch.delenv("PLANNER_DATA_DIR", raising=False)
    monkeypatch.setenv("FLET_APP_STORAGE_DATA", str(tmp_path / "flet"))
    assert resolve_data_dir(None) == tmp_path / "flet"
    monkeypatch.setenv("PLANNER_DATA_DIR", str(tmp_path / "env"))
    assert resolve_data_dir(None) == tmp_path / "env"
    assert resolve_data_dir(str(tmp_path / "arg")) == tmp_path / "arg"
    monkeypatch.delenv("PLANNER_DATA_DIR")
    monkeypatch.delenv("FLET_APP_STORAGE_DATA")
    assert "ot-home-planner" in str(resolve_data_dir(None))


def test_atomic_storage_round_trip(tmp_path):
    st = AtomicJSONStorage(tmp_path / "x.json")
    assert st.read() is None
    st.write({"t": {"1": {"a": "é"}}})
    assert st.read() == {"t": {"1": {"a": "é"}}}


def test_two_stores_on_one_folder_see_each_others_writes(tmp_path):
    a, b = Store(tmp_path), Store(tmp_path)
    day = date(2026, 11, 27)
    a.put_completion("maya", rec(day, 1))
    assert set(b.completions("maya", day, day)) == {rec(day, 1).item_id}
    b.put_completion("maya", rec(day, 2))
    assert set(a.completions("maya", day, day)) == {rec(day, 1).item_id, rec(day, 2).item_id}
    a.put_completion("maya", rec(day, 3))
    assert len(b.completions("maya", day, day)) == 3


def test_a_killed_writers_temp_file_goes_at_the_next_write_into_its_folder(tmp_path):
    s = Store(tmp_path)
    day = date(2026, 11, 27)
    s.put_completion("maya", rec(day, 1))
    strays = [tmp_path / ".tmp-plans.json.99999", tmp_path / "history" / "maya" / ".tmp-2026-W48.json.99999"]
    for p in strays:
        p.write_text("half")
    s2 = Store(tmp_path)
    assert set(s2.completions("maya", day, day)) == {rec(day, 1).item_id}       # reading leaves them
    assert all(p.exists() for p in strays)
    s2.put_completion("maya", rec(day, 2))
    assert not any(p.exists() for p in strays)


def test_a_week_file_is_read_into_records_once_until_it_changes(tmp_path):
    s = Store(tmp_path)
    day = date(2026, 11, 27)
    s.put_completion("maya", rec(day, 1))
    first = s.completions("maya", day, day)
    again = s.completions("maya", day, day)
    only = rec(day, 1).item_id
    assert again[only] is first[only]              # parsed and checked once in this process
    other = Store(tmp_path)                        # another device's process changes the file
    other.put_completion("maya", Completion(**{**rec(day, 1).__dict__, "note": "changed"}))
    fresh = s.completions("maya", day, day)
    assert fresh[only] is not first[only] and fresh[only].note == "changed"
