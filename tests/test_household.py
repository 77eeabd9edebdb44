"""One household, several children, kept apart: per-child history, the schema 1 -> 2 migration
(on a real folder and backup made by the previous release), the family's PIN."""
from __future__ import annotations

import hashlib
import json
import shutil
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest

from planner.services import household, practice
from planner.services.errors import ServiceError
from planner.storage.store import SCHEMA_VERSION, Store
from conftest import ROOT, base_plan, folder_snapshot

FIXTURE = ROOT / "tests" / "fixtures" / "schema1-two-children"
OLD_BACKUP = ROOT / "tests" / "fixtures" / "schema1-backup.zip"


def old_records(folder: Path) -> list[dict]:
    doc = json.loads((folder / "history" / "2026-W48.json").read_text())
    return list(doc["completions"].values())


@pytest.fixture
def two_children(cli, tmp_path):
    """Maya and Leo in one data folder, each with a plan of the same shape."""
    for name, pid in (("Maya", "maya-winter"), ("Leo", "leo-winter")):
        p = tmp_path / f"{pid}.json"
        doc = base_plan(plan_id=pid, child={"name": name})
        doc["activities"][3]["custom"]["picture"] = "bead-stringing"
        p.write_text(json.dumps(doc), encoding="utf-8")
        code, _, err = cli("import", str(p))
        assert code == 0, err
    return cli


def sched(cli, child, first="2026-11-23", days=7):
    code, out, err = cli("schedule", "--child", child, "--from", first, "--days", str(days), "--json")
    assert code == 0, err
    return json.loads(out)


# ------------------------------------------------------------------ siblings never mix

def test_a_tick_for_maya_is_never_leos(two_children):
    cli = two_children
    iid = "maya-winter.20261127.wall-pushups.morning"
    assert cli("done", iid, "--note", "Maya's note")[0] == 0
    leo = sched(cli, "Leo")
    assert all(it["status"] == "planned" for d in leo["days"] for it in d["items"])
    assert all(it["id"].startswith("leo-winter.") for d in leo["days"] for it in d["items"])
    maya = sched(cli, "Maya")
    done = [it for d in maya["days"] for it in d["items"] if it["status"] == "done"]
    assert [it["id"] for it in done] == [iid]
    code, out, _ = cli("report", "--child", "Leo", "--format", "text")
    assert code == 0 and "Maya's note" not in out
    code, out, _ = cli("report", "--child", "Maya", "--format", "text")
    assert code == 0 and "Maya's note" in out


def test_history_lives_in_each_childs_own_folder(two_children):
    cli = two_children
    assert cli("done", "maya-winter.20261127.wall-pushups.morning")[0] == 0
    assert cli("done", "leo-winter.20261127.wall-pushups.morning")[0] == 0
    maya = json.loads((cli.data / "history" / "maya" / "2026-W48.json").read_text())
    leo = json.loads((cli.data / "history" / "leo" / "2026-W48.json").read_text())
    assert [r["plan_id"] for r in maya["completions"].values()] == ["maya-winter"]
    assert [r["plan_id"] for r in leo["completions"].values()] == ["leo-winter"]


def test_child_option_must_match_the_item(two_children):
    code, _, err = two_children("done", "maya-winter.20261127.wall-pushups.morning", "--child", "Leo")
    assert code == 2 and err.startswith("error:") and "Maya" in err


def test_children_command(two_children):
    cli = two_children
    assert cli("done", "leo-winter.20261126.wall-pushups.morning")[0] == 0
    code, out, err = cli("children", "--json")
    assert code == 0, err
    kids = {c["name"]: c for c in json.loads(out)["children"]}
    assert set(kids) == {"Maya", "Leo"}
    assert kids["Leo"]["last_activity"] == "2026-11-26" and kids["Maya"]["last_activity"] is None
    assert kids["Maya"]["key"] == "maya" and kids["Maya"]["plan_id"] == "maya-winter"
    code, out, _ = cli("children")
    assert code == 0 and "Leo" in out and "2026-11-26" in out


def test_children_with_non_latin_names_get_their_own_keys(cli, tmp_path):
    for name, pid in (("Ада", "ada-plan"), ("سارا", "sara-plan")):
        doc = base_plan(plan_id=pid, child={"name": name})
        doc["activities"][3]["custom"]["picture"] = "bead-stringing"
        p = tmp_path / f"{pid}.json"
        p.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
        assert cli("import", str(p))[0] == 0
    kids = household.children(Store(cli.data))
    assert len({k for k, _ in kids}) == 2 and {n for _, n in kids} == {"Ада", "سارا"}


# ------------------------------------------------------------------ migration 1 -> 2

@pytest.fixture
def old_folder(tmp_path) -> Path:
    dest = tmp_path / "old"
    shutil.copytree(FIXTURE, dest)
    return dest


def test_schema_1_folder_splits_per_child_without_losing_a_record(old_folder):
    before = old_records(old_folder)
    plans = json.loads((old_folder / "plans.json").read_text())["plans"].values()
    owner = {p["plan_id"]: p["child_key"] for p in plans}
    store = Store(old_folder)
    got = {}
    for key in ("maya", "leo"):
        fam = household.load_family(store, key=key)
        recs = store.completions(key, date(2026, 11, 23), date(2026, 11, 29))
        assert all(owner[c.plan_id] == key for c in recs.values())
        got.update({i: c for i, c in recs.items()})
        days = practice.days(store, fam, date(2026, 11, 23), 7)
        shown = {it.id for d in days for it in d.items if it.status.value != "planned"}
        assert shown == set(recs)
    assert set(got) == {r["item_id"] for r in before}
    for r in before:
        c = got[r["item_id"]]
        assert (c.status.value, c.note, c.rating, c.reason) == (r["status"], r.get("note", ""),
                                                                 r.get("rating"), r.get("reason"))
    assert json.loads((old_folder / "meta.json").read_text())["schema_version"] == SCHEMA_VERSION
    assert not (old_folder / "history" / "2026-W48.json").exists()
    assert any("schema 2" in n for n in store.notices)


def test_migrated_settings_go_to_the_family_and_each_child(old_folder):
    store = Store(old_folder)
    home = store.household()
    assert home.slot_times == {"morning": "07:05"} and home.child == "leo" and home.pin_hash
    assert store.child_settings("maya").pauses == {date(2026, 12, 24), date(2026, 12, 25),
                                                   date(2026, 12, 26)}
    assert store.child_settings("leo").reward_name == "a trip to the park"
    assert store.child_settings("leo").reward_goal == 15
    # the PIN made by the old release still opens, and is then kept with scrypt
    assert household.check_pin(store, "1111", datetime(2026, 11, 27, 12)).ok is False
    assert household.check_pin(store, "2468", datetime(2026, 11, 27, 12)).ok is True
    assert Store(old_folder).household().pin_kdf.startswith("scrypt:")
    assert household.check_pin(Store(old_folder), "2468", datetime(2026, 11, 27, 12)).ok


def test_migration_killed_halfway_runs_again_and_loses_nothing(old_folder, monkeypatch):
    """A kill after the per-child files are written but before the schema number: the next
    start migrates again from the old files, which are still there."""
    from planner.storage import migrations
    before = {r["item_id"] for r in old_records(old_folder)}

    class Killed(Exception):
        pass

    def half(folder):
        migrations.migrate_1_to_2(folder)
        raise Killed()
    monkeypatch.setitem(migrations.MIGRATIONS, 1, half)
    with pytest.raises(Killed):
        Store(old_folder).plan_records()
    assert json.loads((old_folder / "meta.json").read_text())["schema_version"] == 1
    monkeypatch.setitem(migrations.MIGRATIONS, 1, migrations.migrate_1_to_2)
    store = Store(old_folder)
    got = set(store.completions("maya", date(2026, 11, 23), date(2026, 11, 29))) | \
        set(store.completions("leo", date(2026, 11, 23), date(2026, 11, 29)))
    assert got == before


def test_backup_made_by_the_previous_release_restores(cli, tmp_path):
    code, out, err = cli("restore", str(OLD_BACKUP))
    assert code == 0, err
    assert json.loads((cli.data / "meta.json").read_text())["schema_version"] == SCHEMA_VERSION
    maya = sched(cli, "Maya")
    leo = sched(cli, "Leo")
    assert sum(it["status"] != "planned" for d in maya["days"] for it in d["items"]) == \
        len([r for r in old_records(FIXTURE) if r["plan_id"] == "maya-winter"])
    assert sum(it["status"] == "done" for d in leo["days"] for it in d["items"]) == \
        len([r for r in old_records(FIXTURE) if r["plan_id"] == "leo-winter"]) == 4


def test_backup_from_a_newer_schema_is_refused(cli, tmp_path):
    import zipfile
    newer = tmp_path / "newer.zip"
    with zipfile.ZipFile(OLD_BACKUP) as src, zipfile.ZipFile(newer, "w") as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename == "manifest.json":
                doc = json.loads(data)
                doc["schema_version"] = SCHEMA_VERSION + 1
                data = json.dumps(doc).encode()
            dst.writestr(info.filename, data)
    code, _, err = cli("restore", str(newer))
    assert code == 2 and "newer planner" in err


# ------------------------------------------------------------------ the family's PIN

def test_pin_is_typed_twice_and_kept_with_a_slow_kdf(tmp_path):
    store = Store(tmp_path)
    with pytest.raises(ServiceError, match="not the same"):
        household.set_pin(store, "2468", "2486")
    assert not household.has_pin(store)
    household.set_pin(store, "2468", "2468")
    s = store.household()
    assert s.pin_kdf.startswith("scrypt:") and len(bytes.fromhex(s.pin_salt)) == 16
    assert s.pin_hash != hashlib.sha256(b"2468").hexdigest() and "2468" not in json.dumps(s.to_doc())
    for bad in ("12", "abcd", "123456789", "１２３４"):
        with pytest.raises(ServiceError):
            household.set_pin(store, bad, bad)


def test_wrong_pins_make_a_growing_wait_that_a_reload_does_not_reset(tmp_path):
    store = Store(tmp_path)
    household.set_pin(store, "2468", "2468")
    t = datetime(2026, 11, 27, 12, 0, 0)
    for _ in range(4):
        assert household.check_pin(Store(tmp_path), "0000", t) == household.PinCheck(False, 0)
    fifth = household.check_pin(Store(tmp_path), "0000", t)
    assert not fifth.ok and fifth.wait_seconds == 30
    # even the right PIN waits; a fresh store (a reload) keeps the wait
    assert household.check_pin(Store(tmp_path), "2468", t + timedelta(seconds=10)).wait_seconds == 20
    sixth = household.check_pin(Store(tmp_path), "1111", t + timedelta(seconds=31))
    assert sixth.wait_seconds == 60 and "1 minute" in sixth.message()
    seventh = household.check_pin(Store(tmp_path), "1111", t + timedelta(seconds=92))
    assert seventh.wait_seconds == 120
    ok = household.check_pin(Store(tmp_path), "2468", t + timedelta(seconds=213))
    assert ok.ok and Store(tmp_path).household().pin_failures == 0


def test_one_pin_for_every_child_and_a_changed_pin_counts_at_once(two_children):
    store = Store(two_children.data)
    household.set_pin(store, "2468", "2468")
    other_device = Store(two_children.data)
    assert household.check_pin(other_device, "2468", datetime(2026, 11, 27)).ok
    household.set_pin(store, "9753", "9753")
    assert not household.check_pin(other_device, "2468", datetime(2026, 11, 27)).ok
    assert household.check_pin(other_device, "9753", datetime(2026, 11, 27)).ok


def test_pin_clear_command(two_children):
    store = Store(two_children.data)
    household.set_pin(store, "2468", "2468")
    code, out, _ = two_children("pin", "--clear")
    assert code == 0 and "cleared" in out and not household.has_pin(Store(two_children.data))
    code, _, err = two_children("pin")
    assert code == 2 and err.startswith("error:")


def test_reading_works_on_a_read_only_folder(two_children):
    import os
    cli = two_children
    assert cli("done", "maya-winter.20261127.wall-pushups.morning")[0] == 0
    week = cli.data / "history" / "maya" / "2026-W48.json"
    week.write_text("{damaged")
    before = folder_snapshot(cli.data)
    if os.geteuid() == 0:
        # root ignores permission bits; the reader must still not write (checked by the snapshot)
        maya = sched(cli, "Maya")
    else:
        for p in [cli.data, *cli.data.rglob("*")]:
            p.chmod(0o555 if p.is_dir() else 0o444)
        try:
            maya = sched(cli, "Maya")
        finally:
            for p in [cli.data, *cli.data.rglob("*")]:
                p.chmod(0o755 if p.is_dir() else 0o644)
    assert folder_snapshot(cli.data) == before
    assert maya["days"]
