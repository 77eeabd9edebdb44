"""`planner backup` / `planner restore`: a round trip, and every broken archive refused untouched."""
from __future__ import annotations

import hashlib
import io
import json
import zipfile
from datetime import date, datetime

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from planner.core.value import replace
from planner.services import sharing
from planner.storage import archive
from planner.storage.store import SCHEMA_VERSION, Store
from conftest import base_plan, folder_snapshot


PLAN = base_plan()
PLAN["activities"][3]["custom"]["picture"] = "bead-stringing"


@pytest.fixture
def filled(cli, tmp_path):
    """A data folder with a revised plan, ticks in two weeks, settings, a photo and clutter."""
    p = tmp_path / "maya.json"
    p.write_text(json.dumps(PLAN), encoding="utf-8")
    assert cli("import", str(p))[0] == 0
    for iid in ("maya-winter.20261127.wall-pushups.morning", "maya-winter.20261124.wall-pushups.morning"):
        assert cli("done", iid, "--rating", "easy", "--note", "Zoë – ok")[0] == 0
    assert cli("skip", "maya-winter.20261126.wall-pushups.before-homework", "--reason", "sick")[0] == 0
    v2 = json.loads(json.dumps(PLAN))
    v2["version"] = 2
    v2["activities"][0]["times_per_week"] = 4
    p.write_text(json.dumps(v2), encoding="utf-8")
    assert cli("import", str(p))[0] == 0
    store = Store(cli.data)
    store.update_household(lambda s: replace(s, slot_times={"morning": "07:00"}))
    store.update_child_settings("maya", lambda s: replace(s, pauses=frozenset({date(2026, 12, 24)})))
    # a December record, in the next week's file
    from planner.core.model import Completion, Status
    store.put_completion("maya", Completion("maya-winter.20261201.wall-pushups.morning",
                                    datetime(2026, 12, 1).date(), Status.DONE, "maya-winter",
                                    "wall-pushups", "Wall push-ups", "morning", {"minutes": 2}))
    photos = cli.data / "photos"
    photos.mkdir(exist_ok=True)
    (photos / "tweezers-pickup.jpg").write_bytes(bytes(range(256)) * 40)
    (cli.data / "plans.json.damaged-20261101T000000").write_text("{broken")
    (cli.data / ".tmp-plans.json.999").write_text("half")
    return cli


def schedule(cli, data_dir=None) -> dict:
    code, out, err = cli("schedule", "--from", "2026-11-20", "--days", "21", "--json", data_dir=data_dir)
    assert code == 0, err
    return json.loads(out)


def data_bytes(folder) -> dict[str, bytes]:
    return {k: v for k, v in folder_snapshot(folder).items() if not archive.excluded(k)
            and not k.startswith(".tmp-") and k != ".lock"}


def test_round_trip_into_an_empty_folder(filled, tmp_path):
    bak = tmp_path / "maya-backup.zip"
    code, out, err = filled("backup", str(bak))
    assert code == 0 and bak.exists(), err
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith("maya-backup")) == ["maya-backup.zip"]
    fresh = tmp_path / "fresh"
    code, out, err = filled("restore", str(bak), data_dir=fresh)
    assert code == 0 and "restored" in out.lower(), err
    assert schedule(filled, fresh) == schedule(filled)
    assert data_bytes(fresh) == data_bytes(filled.data)
    assert not (fresh / "restore-copies").exists()          # nothing was there before
    r1 = filled("report", "--format", "json")[1]
    r2 = filled("report", "--format", "json", data_dir=fresh)[1]
    assert r1 == r2 and json.loads(r1)["totals"]["done"] == 2


def test_archive_holds_the_data_and_nothing_else(filled, tmp_path):
    bak = tmp_path / "b.zip"
    (filled.data / "restore-copies" / "20260101T000000").mkdir(parents=True)
    (filled.data / "restore-copies" / "20260101T000000" / "plans.json").write_text("{}")
    assert filled("backup", str(bak))[0] == 0
    with zipfile.ZipFile(bak) as zf:
        names = zf.namelist()
        manifest = json.loads(zf.read("manifest.json"))
        assert manifest["format"] == "ot-home-planner-backup/1"
        assert manifest["schema_version"] == SCHEMA_VERSION
        datetime.fromisoformat(manifest["created"])
        members = sorted(n[len("data/"):] for n in names if n != "manifest.json")
        assert members == sorted(manifest["files"])
        for rel, entry in manifest["files"].items():
            body = zf.read("data/" + rel)
            assert hashlib.sha256(body).hexdigest() == entry["sha256"] and len(body) == entry["size"]
    assert set(members) == {"meta.json", "plans.json", "settings.json", "history/maya/2026-W48.json",
                            "history/maya/2026-W49.json", "photos/tweezers-pickup.jpg"}
    assert set(members) == set(data_bytes(filled.data))


# ------------------------------------------------------------------ broken archives

def good_archive(filled, tmp_path) -> bytes:
    bak = tmp_path / "good.zip"
    assert filled("backup", str(bak))[0] == 0
    return bak.read_bytes()


def rebuild(files: dict[str, bytes], manifest: dict | None = None, extra: dict | None = None,
            manifest_files: dict | None = None) -> bytes:
    listed = manifest_files if manifest_files is not None else {
        k: {"size": len(v), "sha256": hashlib.sha256(v).hexdigest()} for k, v in files.items()}
    doc = {"format": archive.FORMAT, "created": "2026-11-27T10:00:00", "schema_version": 1,
           "files": listed, **(manifest or {})}
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("manifest.json", json.dumps(doc))
        for k, v in files.items():
            zf.writestr("data/" + k, v)
        for k, v in (extra or {}).items():
            zf.writestr(k, v)
    return buf.getvalue()


def broken(kind: str, good: bytes) -> bytes:
    files = archive.verify(good, SCHEMA_VERSION).files
    if kind == "truncated":
        return good[: len(good) * 2 // 3]
    if kind == "truncated-end":
        return good[:-30]
    if kind == "flipped-byte":
        data = bytearray(good)
        start = good.index(b"data/plans.json") + 40         # inside plans.json's compressed bytes
        data[start] ^= 0x55
        return bytes(data)
    if kind == "foreign-zip":
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w") as zf:
            zf.writestr("hello.txt", "a random zip")
        return buf.getvalue()
    if kind == "dot-dot-member":
        evil = dict(files)
        return rebuild(evil, extra={"data/../evil.json": b"{}"},
                       manifest_files={**{k: {"size": len(v), "sha256": hashlib.sha256(v).hexdigest()}
                                          for k, v in files.items()},
                                       "../evil.json": {"size": 2, "sha256": hashlib.sha256(b"{}").hexdigest()}})
    if kind == "absolute-member":
        return rebuild(files, extra={"/etc/evil.json": b"{}"})
    if kind == "empty":
        return b""
    if kind == "not-a-zip":
        return b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
    if kind == "wrong-format":
        return rebuild(files, manifest={"format": "something-else/1"})
    if kind == "newer-schema":
        return rebuild(files, manifest={"schema_version": SCHEMA_VERSION + 1})
    if kind == "checksum":
        listed = {k: {"size": len(v), "sha256": hashlib.sha256(v).hexdigest()} for k, v in files.items()}
        listed["plans.json"]["sha256"] = "0" * 64
        return rebuild(files, manifest_files=listed)
    if kind == "member-not-listed":
        return rebuild(files, extra={"data/photos/extra.jpg": b"x"})
    if kind == "member-missing":
        listed = {k: {"size": len(v), "sha256": hashlib.sha256(v).hexdigest()} for k, v in files.items()}
        short = {k: v for k, v in files.items() if k != "settings.json"}
        return rebuild(short, manifest_files=listed)
    if kind == "bad-json-member":
        return rebuild({**files, "history/2026-10.json": b"{not json"})
    if kind == "no-manifest":
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w") as zf:
            for k, v in files.items():
                zf.writestr("data/" + k, v)
        return buf.getvalue()
    if kind == "no-plans":
        return rebuild({k: v for k, v in files.items() if k != "plans.json"})
    raise AssertionError(kind)


KINDS = ["truncated", "truncated-end", "flipped-byte", "foreign-zip", "dot-dot-member",
         "absolute-member", "empty", "not-a-zip", "wrong-format", "newer-schema", "checksum",
         "member-not-listed", "member-missing", "bad-json-member", "no-manifest", "no-plans"]


@pytest.mark.parametrize("kind", KINDS)
def test_broken_archive_refused_and_nothing_touched(filled, tmp_path, kind):
    bad = tmp_path / f"{kind}.zip"
    bad.write_bytes(broken(kind, good_archive(filled, tmp_path)))
    before = folder_snapshot(filled.data)
    code, out, err = filled("restore", str(bad))
    assert code == 2 and out == "" and err.startswith("error:") and err.count("\n") == 1, err
    assert "not restored" in err or "no such" in err
    assert folder_snapshot(filled.data) == before
    empty = tmp_path / "empty-target"
    assert filled("restore", str(bad), data_dir=empty)[0] == 2
    assert not empty.exists()
    assert not (tmp_path / "evil.json").exists()


def test_missing_file_and_folder(filled, tmp_path):
    before = folder_snapshot(filled.data)
    for arg in (str(tmp_path / "missing.zip"), str(tmp_path)):
        code, _, err = filled("restore", arg)
        assert code == 2 and err.startswith("error:") and err.count("\n") == 1
    assert folder_snapshot(filled.data) == before


# ------------------------------------------------------------------ restore over data

def test_restore_over_existing_data_keeps_a_copy(filled, tmp_path):
    bak = tmp_path / "b.zip"
    assert filled("backup", str(bak))[0] == 0
    snapshot_at_backup = schedule(filled)
    old_files = data_bytes(filled.data)
    # Changes after the backup: another tick, a new month file, another photo.
    assert filled("done", "maya-winter.20261127.wall-pushups.before-homework")[0] == 0
    (filled.data / "photos" / "new.jpg").write_bytes(b"new photo")
    changed = data_bytes(filled.data)
    assert changed != old_files
    code, out, err = filled("restore", str(bak))
    assert code == 0 and "restore-copies" in out, err
    assert schedule(filled) == snapshot_at_backup
    assert data_bytes(filled.data) == old_files
    assert not (filled.data / "photos" / "new.jpg").exists()
    assert not list(filled.data.glob("*.bak"))                # no stale backups of other data
    copies = list((filled.data / "restore-copies").iterdir())
    assert len(copies) == 1
    kept = data_bytes(copies[0])
    assert kept == changed                                     # the data that was there, all of it
    assert (copies[0] / "plans.json.damaged-20261101T000000").exists()
    # a later backup leaves the copies out
    again = tmp_path / "again.zip"
    assert filled("backup", str(again))[0] == 0
    with zipfile.ZipFile(again) as zf:
        assert not [n for n in zf.namelist() if "restore-copies" in n]


def test_two_restores_in_the_same_second(filled, tmp_path):
    store = Store(filled.data)
    data = sharing.backup_bytes(store, datetime(2026, 11, 27, 10, 0))
    now = datetime(2026, 11, 27, 11, 0, 0)
    one = sharing.restore_bytes(store, data, now)
    two = sharing.restore_bytes(store, data, now)
    assert one.copy.name == "20261127T110000" and two.copy.name == "20261127T110000-2"


def test_backup_refusals(cli, tmp_path, filled):
    code, _, err = filled("backup", str(filled.data / "inside.zip"))
    assert code == 2 and "outside the data folder" in err
    assert not (filled.data / "inside.zip").exists()
    empty = tmp_path / "nothing-here"
    code, _, err = filled("backup", str(tmp_path / "x.zip"), data_dir=empty)
    assert code == 2 and "nothing to back up" in err
    assert not empty.exists() and not (tmp_path / "x.zip").exists()
    code, _, err = filled("backup", str(tmp_path / "no-such-dir" / "x.zip"))
    assert code == 2 and err.startswith("error:")


def test_backup_service_is_deterministic(filled):
    store = Store(filled.data)
    when = datetime(2026, 11, 27, 10, 30)
    assert sharing.backup_bytes(store, when) == sharing.backup_bytes(store, when)
    assert sharing.backup_name(when) == "ot-home-planner-backup-20261127-1030.zip"


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.data())
def test_any_damage_is_refused_or_harmless(filled_archive, data):
    """Flip any byte or cut anywhere: verify either refuses or returns exactly the original files."""
    good, files = filled_archive
    pos = data.draw(st.integers(0, len(good) - 1))
    if data.draw(st.booleans()):
        damaged = good[:pos]
    else:
        damaged = bytearray(good)
        damaged[pos] ^= data.draw(st.integers(1, 255))
        damaged = bytes(damaged)
    try:
        got = archive.verify(damaged, SCHEMA_VERSION)
    except archive.ArchiveError:
        return
    assert got.files == files


@pytest.fixture(scope="module")
def filled_archive():
    files = {"meta.json": b'{"schema_version": 1}', "plans.json": b'{"plans": {}}',
             "history/2026-11.json": json.dumps({"completions": {"1": {"note": "Zoë"}}}).encode(),
             "photos/a.jpg": bytes(range(256))}
    return archive.build(files, datetime(2026, 11, 27, 10), 1), files


def test_archive_names():
    for bad in ("../x", "/abs", "a/../b", "a//b", "C:/x", "a\\b", "", ".", "a/./b", "x\x00y"):
        assert not archive.safe_name(bad), bad
    for ok in ("plans.json", "history/2026-11.json", "photos/Zoë.jpg"):
        assert archive.safe_name(ok)
    for skip in (".lock", "plans.json.bak", "history/2026-11.json.bak", ".tmp-plans.json.12",
                 "plans.json.damaged-20260101T000000", "restore-copies/x/plans.json"):
        assert archive.excluded(skip)
