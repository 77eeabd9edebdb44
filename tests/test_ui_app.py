"""UI tests through Flet's real Session with a fake client: every screen and action."""
from __future__ import annotations

import asyncio
import io
import json
import sys
import zipfile
from datetime import date
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent / "helpers"))
from flet_harness import start  # noqa: E402

from planner.services import household, plans, practice  # noqa: E402
from planner.core.model import Status  # noqa: E402
from planner.demo import import_demo  # noqa: E402
from planner.library import load_library  # noqa: E402
from planner.storage.store import Store  # noqa: E402
from planner.views import kid as kid_module  # noqa: E402
from planner.views.app import build  # noqa: E402
from conftest import base_plan, folder_snapshot  # noqa: E402

TODAY = date(2026, 11, 27)          # Friday
PFX = "sam-demo.20261127"


@pytest.fixture
def data(tmp_path) -> Path:
    folder = tmp_path / "data"
    import_demo(Store(folder), TODAY)
    return folder


def run(coro):
    return asyncio.run(coro)


async def open_app(folder: Path, today: date = TODAY):
    return await start(lambda page: build(page, folder, lambda: today))


def stored(folder: Path, day: date = TODAY) -> dict[str, Status]:
    store = Store(folder)
    fam = household.load_family(store)
    return {it.id: it.status for it in practice.day(store, fam, day).items}


async def nav(app, index: int):
    bar = app.by_key("nav")
    app.session.apply_patch(bar._i, {"selected_index": index})
    await app.fire(bar, "change")


# ------------------------------------------------------------------ Today

def test_today_lists_items_by_slot_with_counts(data):
    async def go():
        app = await open_app(data)
        checks = [k for k in app.keys() if k.startswith("check-")]
        assert len(checks) == 7 and checks[0] == f"check-{PFX}.wall-pushups.morning"
        assert app.by_key("day-counts").value == "0 of 7 done"
        assert app.by_key("day-minutes").value == "0 of 24 min"
        cb = app.by_key(f"check-{PFX}.heavy-carry.afternoon")
        # The accessible name tells two items of one activity apart: title and slot.
        assert cb.semantics_label == "Heavy work carrying, afternoon"
        text = app.text()
        assert "Morning" in text and "Afternoon" in text and "Bedtime" in text
        assert "10 reps x 2" in text and "Settles after school with a short movement break" in text
        assert app.by_key("app-title").value == "Sam's practice"
    run(go())


def test_one_tap_is_done_and_persisted_and_untap_undoes(data):
    async def go():
        app = await open_app(data)
        iid = f"{PFX}.heavy-carry.afternoon"
        await app.set_value(f"check-{iid}", True)
        assert stored(data)[iid] is Status.DONE
        assert app.by_key("day-counts").value == "1 of 7 done"
        assert app.by_key("day-minutes").value == "5 of 24 min"
        assert app.by_key(f"check-{iid}").value is True
        await app.set_value(f"check-{iid}", False)
        assert stored(data)[iid] is Status.PLANNED
        assert app.by_key("day-counts").value == "0 of 7 done"
    run(go())


def test_item_sheet_partial_skip_rating_note_undo(data):
    async def go():
        app = await open_app(data)
        iid = f"{PFX}.zipping-coat.morning"
        await app.click(f"more-{iid}")
        assert app.by_key("sheet-title").value == "Zipping a coat"
        assert "How to do it" in app.text() and "Easier:" in app.text() and "Harder:" in app.text()
        await app.click("sheet-mark-partial")
        assert stored(data)[iid] is Status.PARTIAL
        assert app.by_key("sheet-status").value == "Partly done"
        await app.click("sheet-rating-hard")
        await app.set_value("sheet-note", "Needed help with the start of the zip")
        await app.click("sheet-save-note")
        store = Store(data)
        rec = store.completions("sam", TODAY, TODAY)[iid]
        assert rec.rating == "hard" and rec.note == "Needed help with the start of the zip"
        assert rec.status is Status.PARTIAL and rec.planned["minutes"] == 3
        await app.click("sheet-skip-sick")
        rec = Store(data).completions("sam", TODAY, TODAY)[iid]
        assert rec.status is Status.SKIPPED and rec.reason == "sick"
        assert app.by_key("sheet-status").value == "Skipped · Sick"
        await app.click("sheet-undo")
        assert iid not in Store(data).completions("sam", TODAY, TODAY)
        await app.click("sheet-close")
        assert not app.has_key("sheet-title")
        assert app.by_key("day-counts").value == "0 of 7 done"
    run(go())


def test_sheet_timer_starts_and_pauses(data):
    async def go():
        app = await open_app(data)
        await app.click(f"more-{PFX}.heavy-carry.afternoon")
        assert app.by_key("sheet-timer-clock").value == "5:00"
        await app.click("sheet-timer-start")
        assert app.by_key("sheet-timer-start").content == "Pause"
        await asyncio.sleep(1.2)
        await app.settle()
        assert app.by_key("sheet-timer-clock").value == "4:59"
        await app.click("sheet-timer-start")
        assert app.by_key("sheet-timer-start").content == "Go on"
        await app.click("sheet-timer-reset")
        assert app.by_key("sheet-timer-clock").value == "5:00"
        await app.click("sheet-close")
    run(go())


def test_safety_note_shows(data):
    async def go():
        app = await open_app(data)
        await app.click(f"more-{PFX}.bead-stringing.afternoon")
        assert app.has_key("sheet-safety")
    run(go())


def test_past_day_editable_future_read_only(data):
    async def go():
        app = await open_app(data)
        await app.click("day-prev")
        assert app.by_key("day-title").value == "Thursday 26 November"
        assert "past day" in app.by_key("day-mode").value
        past = [k for k in app.keys() if k.startswith("check-")][0]
        assert not app.by_key(past).disabled
        await app.set_value(past, True)
        assert stored(data, date(2026, 11, 26))[past.removeprefix("check-")] is Status.DONE
        await app.click("back-today")
        await app.click("day-next")
        assert app.by_key("day-title").value == "Saturday 28 November"
        # A future day has no checkbox to tick (a disabled one merged its card into one node for
        # screen readers): a plain "planned" mark with the item's name instead.
        assert not [k for k in app.keys() if k.startswith("check-")]
        fut = [k for k in app.keys() if k.startswith("planned-")]
        assert fut
        mark = [c for c in app.walk(app.by_key(fut[0])) if c.__class__.__name__ == "Icon"][0]
        assert mark.semantics_label.endswith(": planned")
        await app.click(f"more-{fut[0].removeprefix('planned-')}")
        assert not app.has_key("sheet-mark-done")            # nothing to record on a future day
        await app.click("sheet-close")
        await app.click("day-next")                           # Sunday: rest day
        assert "Rest day" in app.text_of("day-message")
    run(go())


def test_all_done_message(data):
    store = Store(data)
    fam = household.load_family(store)
    for it in practice.day(store, fam, TODAY).items:
        practice.record(store, fam, it, TODAY, Status.DONE)

    async def go():
        app = await open_app(data)
        assert app.by_key("day-counts").value == "7 of 7 done"
        assert "All done" in app.text_of("day-message")
    run(go())


def test_empty_folder_says_no_plan_and_opens_plan(tmp_path):
    async def go():
        app = await open_app(tmp_path / "empty")
        assert app.has_key("plan-view") and app.has_key("no-plan")
        await app.click("kid-mode")                            # refused kindly, no crash
        assert app.has_key("plan-view")
    run(go())
    assert not (tmp_path / "empty").exists()


# ------------------------------------------------------------------ Week

def test_week_strip_and_open_a_day(data):
    store = Store(data)
    fam = household.load_family(store)
    for it in practice.day(store, fam, date(2026, 11, 24)).items:
        practice.record(store, fam, it, TODAY, Status.DONE)

    async def go():
        app = await open_app(data)
        await nav(app, 1)
        assert app.by_key("week-title").value == "23 – 29 November"
        cells = [k for k in app.keys() if k.startswith("week-day-")]
        assert len(cells) == 7
        tue = app.by_key("week-day-2026-11-24")
        assert "Tuesday 24: " in tue.tooltip and "done" in tue.tooltip
        ring = [c for c in app.walk(tue) if c.__class__.__name__ == "ProgressRing"][0]
        assert ring.value == 1.0
        sun = app.by_key("week-day-2026-11-29")
        assert "rest day" in sun.tooltip
        await app.click("week-day-2026-11-24")
        assert app.by_key("day-title").value == "Tuesday 24 November"
        assert app.by_key("nav").selected_index == 0
        await nav(app, 1)
        await app.click("week-next")
        assert app.by_key("week-title").value == "30 Nov – 6 Dec"
    run(go())


# ------------------------------------------------------------------ Progress

def test_progress_per_goal_and_activity_with_chart(data):
    store = Store(data)
    fam = household.load_family(store)
    for d in practice.days(store, fam, date(2026, 11, 23), 4):
        for i, it in enumerate(d.items):
            if i % 2 == 0:
                practice.record(store, fam, it, TODAY, Status.DONE)
            elif it.key == "wall-pushups":
                practice.record(store, fam, it, TODAY, Status.SKIPPED, reason="sick")

    async def go():
        app = await open_app(data)
        await nav(app, 2)
        assert app.has_key("progress-chart")
        assert app.by_key("progress-streak").value == "4"
        assert app.has_key("goal-pincer") and app.has_key("goal-calm-body")
        assert app.has_key("activity-wall-pushups")
        assert app.by_key("progress-adherence").value.endswith("%")
        app.by_key("progress-period").selected = ["4weeks"]
        await app.fire(app.by_key("progress-period"), "change")
        assert app.has_key("progress-chart")
        await app.click("share-report")
        saved = app.conn.saved[-1]
        assert saved["file_name"].endswith(".pdf") and bytes(saved["src_bytes"]).startswith(b"%PDF")
        await app.click("share-csv")
        assert app.conn.saved[-1]["file_name"].endswith(".csv")
    run(go())


# ------------------------------------------------------------------ Kid mode

def test_settings_budget_and_rest_days_revise_from_today(data):
    async def go():
        app = await open_app(data)
        await nav(app, 4)
        assert app.by_key("settings-weekday").value == "25"
        await app.set_value("settings-weekday", "40")
        await app.click("settings-save-budget")
        app.by_key("settings-rest-sat").selected = True
        await app.fire(app.by_key("settings-rest-sat"), "select", "true")
        await app.click("settings-save-rest")
        assert app.crashes() == []
    run(go())
    store = Store(data)
    fam = household.load_family(store)
    assert fam.plan_on(TODAY).weekday_minutes == 40
    # Saturdays hold the obstacle course (days: sat): making Saturday a rest day is refused.
    assert "sat" not in fam.plan_on(TODAY).rest_days
    assert fam.plan_on(date(2026, 11, 26)).weekday_minutes == 25      # earlier days unchanged


def test_settings_pause_and_resume(data):
    async def go():
        app = await open_app(data)
        await nav(app, 4)
        await app.set_value("settings-pause-from", "2026-12-24")
        await app.set_value("settings-pause-to", "2026-12-26")
        await app.click("settings-pause")
        assert "24 Dec" in app.by_key("settings-paused").value
        await app.set_value("settings-pause-from", "not a date")
        await app.click("settings-pause")                   # a clear message, nothing stored
    run(go())
    store = Store(data)
    fam = household.load_family(store)
    assert practice.day(store, fam, date(2026, 12, 24)).items == ()
    assert practice.day(store, fam, date(2026, 12, 24)).paused


def test_settings_pin_and_child_switch(data, tmp_path):
    other = base_plan(plan_id="leo-plan", child={"name": "Leo"})
    other["activities"][3]["custom"]["picture"] = "bead-stringing"
    store = Store(data)
    plan = plans.parse_plan(json.dumps(other).encode(), "leo.json")
    plans.import_plan(store, plan, TODAY)

    async def go():
        app = await open_app(data)
        await nav(app, 4)
        await app.set_value("settings-pin", "12")
        await app.click("settings-save-pin")               # too short: refused
        assert not household.has_pin(Store(data))
        await app.set_value("settings-pin", "4321")
        await app.set_value("settings-pin-again", "4312")
        await app.click("settings-save-pin")               # typed twice, not the same: refused
        assert not household.has_pin(Store(data))
        await app.set_value("settings-pin-again", "4321")
        await app.click("settings-save-pin")
        assert household.has_pin(Store(data))
        await app.select("settings-child", "leo")
        assert app.by_key("app-title").value == "Leo's practice"
        await nav(app, 0)
        assert any(k.startswith("check-maya-winter") is False and k.startswith("check-leo-plan")
                   for k in app.keys())
    run(go())


def test_calendar_export_and_backup_restore_from_settings(data):
    async def go():
        app = await open_app(data)
        await nav(app, 4)
        await app.click("export-calendar")
        ics = bytes(app.conn.saved[-1]["src_bytes"])
        assert ics.startswith(b"BEGIN:VCALENDAR") and b"BEGIN:VALARM" in ics
        await app.click("backup-save")
        backup = bytes(app.conn.saved[-1]["src_bytes"])
        assert zipfile.is_zipfile(io.BytesIO(backup))
        # A tick after the backup, then restore: the tick is gone, a copy is kept.
        await nav(app, 0)
        await app.set_value(f"check-{PFX}.heavy-carry.afternoon", True)
        await nav(app, 4)
        app.conn.picked_files = [{"name": "family.zip", "size": len(backup), "bytes": backup}]
        await app.click("backup-restore")
        await app.click("restore-confirm")
        assert stored(data)[f"{PFX}.heavy-carry.afternoon"] is Status.PLANNED
        assert (data / "restore-copies").exists()
        # In the app's words, without folder paths.
        assert "Restored the backup of 27 November; your earlier data is kept" in app.text()
        assert "restore-copies" not in app.text()
        # A broken file is refused and nothing changes.
        before = folder_snapshot(data)
        app.conn.picked_files = [{"name": "broken.zip", "size": 10, "bytes": backup[: len(backup) // 2]}]
        await nav(app, 4)
        await app.click("backup-restore")
        assert not app.has_key("restore-confirm")
        assert folder_snapshot(data) == before
    run(go())


# ------------------------------------------------------------------ own photos (pictures issue)

def _png() -> bytes:
    from PIL import Image
    out = io.BytesIO()
    Image.new("RGB", (1600, 1200), (200, 40, 40)).save(out, "PNG")
    return out.getvalue()


def test_own_photo_replaces_the_picture_everywhere_and_resets(data):
    iid = f"{PFX}.zipping-coat.morning"

    async def go():
        app = await open_app(data)
        await app.click(f"more-{iid}")
        app.conn.picked_files = [{"name": "coat.png", "size": 1, "bytes": _png()}]
        await app.click("sheet-photo")
        assert app.has_key("sheet-photo-reset")
        await app.click("sheet-close")
        pics = [c for c in app.walk(app.by_key(f"pic-{iid}")) if c.__class__.__name__ == "Image"]
        assert isinstance(pics[0].src, (bytes, bytearray))
        stored_photo = list((data / "photos").iterdir())
        assert len(stored_photo) == 1 and stored_photo[0].stat().st_size < 200_000
        from PIL import Image
        with Image.open(stored_photo[0]) as im:
            assert max(im.size) <= 640
    run(go())

    async def reset():
        app = await open_app(data)
        # A new session shows the photo too.
        pics = [c for c in app.walk(app.by_key(f"pic-{iid}")) if c.__class__.__name__ == "Image"]
        assert isinstance(pics[0].src, (bytes, bytearray))
        await app.click(f"more-{iid}")
        await app.click("sheet-photo-reset")
        await app.click("sheet-close")
        pics = [c for c in app.walk(app.by_key(f"pic-{iid}")) if c.__class__.__name__ == "Image"]
        assert pics[0].src == "activities/zipping-coat.svg"
    run(reset())
    assert not list((data / "photos").iterdir())


def test_non_image_upload_is_refused_with_a_clear_message(data):
    async def go():
        app = await open_app(data)
        before = folder_snapshot(data)
        await app.click(f"more-{PFX}.zipping-coat.morning")
        app.conn.picked_files = [{"name": "notes.pdf", "size": 9, "bytes": b"%PDF-1.4 not a photo"}]
        await app.click("sheet-photo")
        assert "notes.pdf: not a picture we can read" in app.text()
        assert folder_snapshot(data) == before
    run(go())
