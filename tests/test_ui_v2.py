"""UI tests for plan format 2 in the app (When needed, choices, levels, help, ready to progress,
goal ratings), the rough edges of Today and the sheet, Settings additions, the report off the
event path, and live updates between two sessions of one server."""
from __future__ import annotations

import asyncio
import json
import sys
import threading
from datetime import date, timedelta
from pathlib import Path

import pytest

from conftest import v2_plan

sys.path.insert(0, str(Path(__file__).parent / "helpers"))
from flet_harness import App, start  # noqa: E402

from planner.core.model import Status  # noqa: E402
from planner.demo import import_demo  # noqa: E402
from planner.services import household, plans, practice  # noqa: E402
from planner.storage.store import Store  # noqa: E402
from planner.views.app import build  # noqa: E402
from planner.views import rows  # noqa: E402

TODAY = date(2026, 11, 27)          # Friday
PFX = "sam-demo.20261127"


def v2_doc() -> dict:
    return v2_plan()


def run(coro):
    return asyncio.run(coro)


@pytest.fixture
def v2data(tmp_path) -> Path:
    folder = tmp_path / "v2"
    store = Store(folder)
    plan = plans.parse_plan(json.dumps(v2_doc()).encode(), "maya.json")
    plans.import_plan(store, plan, TODAY)
    return folder


@pytest.fixture
def data(tmp_path) -> Path:
    folder = tmp_path / "demo"
    import_demo(Store(folder), TODAY)
    return folder


async def open_app(folder: Path, today: date = TODAY, hub=None) -> App:
    return await start(lambda page: build(page, folder, lambda: today), hub=hub)


async def nav(app: App, index: int) -> None:
    bar = app.by_key("nav")
    app.session.apply_patch(bar._i, {"selected_index": index})
    await app.fire(bar, "change")


def family(folder: Path):
    store = Store(folder)
    return store, household.load_family(store)


def items_on(folder: Path, day: date):
    store, fam = family(folder)
    return practice.day(store, fam, day).items


def order(app: App, root_key: str, keys: list[str]) -> list[int]:
    """Positions of keyed controls in reading order under a root."""
    seen = []
    stack = [app.by_key(root_key)]
    while stack:
        c = stack.pop(0)
        k = getattr(c, "key", None)
        if isinstance(k, str):
            seen.append(k)
        kids = []
        for name in ("content", "controls"):
            v = getattr(c, name, None)
            if isinstance(v, list):
                kids.extend(v)
            elif v is not None and hasattr(v, "_i"):
                kids.append(v)
        stack[0:0] = kids
    return [seen.index(k) for k in keys]


# ------------------------------------------------------------------ When needed

def test_when_needed_lists_as_needed_items_and_logs_a_use_with_the_engine_check(v2data):
    async def go():
        app = await open_app(v2data)
        assert app.has_key("use-calm-down-corner")
        counts = app.by_key("day-counts").value
        scheduled = len(items_on(v2data, TODAY))
        assert counts == f"0 of {scheduled} done"                 # the as-needed item is not counted
        assert all(it.key != "calm-down-corner" for it in items_on(v2data, TODAY))
        await app.click("use-calm-down-corner")
        assert app.by_key("use-title").value
        assert "Offer it early, before the meltdown" in app.text_of("use-sheet")
        await app.click("use-before-high")
        assert app.by_key("use-before-high").icon is not None  # the chosen one is ticked
        await app.click("use-after-just-right")
        await app.set_value("use-note", "after the bus")
        await app.click("use-save")
        store, fam = family(v2data)
        got = practice.uses(store, fam, TODAY, TODAY)
        assert [(u.activity, u.before, u.after, u.note) for u in got] == \
            [("calm-down-corner", "high", "just-right", "after the bus")]
        assert app.by_key("use-count").value == "Used 1 time today"
        # A second use without the engine check: both states are optional.
        await app.click("use-save")
        got = practice.uses(store, fam, TODAY, TODAY)
        assert len(got) == 2 and got[1].before is None and got[1].after is None
        assert app.by_key("use-count").value == "Used 2 times today"
        assert app.by_key("day-counts").value == counts       # uses never change "n of m done"
        await app.click("use-close")
        await app.click("day-next")                           # a use is logged now: today only
        assert not app.has_key("use-calm-down-corner")
    run(go())


def test_no_when_needed_section_without_as_needed_items(data):
    async def go():
        app = await open_app(data)
        assert "When needed" not in app.text()
        assert not any(k.startswith("use-") for k in app.keys())
    run(go())


# ------------------------------------------------------------------ the item sheet, plan format 2

def test_choice_is_option_pictures_and_level_and_help_are_recorded(v2data):
    iid = f"maya-v2.20261127.heavy-work.morning"

    async def go():
        app = await open_app(v2data)
        await app.click(f"more-{iid}")
        assert app.has_key("sheet-option-wall-pushups") and app.has_key("sheet-option-heavy-carry")
        from planner.library import load_library
        lib = load_library()
        safety = app.text_of("sheet-safety")                 # every option's safety, before any pick
        for key in ("wall-pushups", "heavy-carry"):
            if lib[key].safety:
                assert f"{lib[key].title}: {lib[key].safety}" in safety
        assert not app.has_key("sheet-steps")
        await app.click("sheet-option-heavy-carry")
        assert app.has_key("sheet-steps") and lib["heavy-carry"].steps[0] in app.text_of("item-sheet")
        await app.click("sheet-mark-done")
        store, fam = family(v2data)
        rec = store.completions(fam.key, TODAY, TODAY)[iid]
        assert rec.status is Status.DONE and rec.option == "heavy-carry"
        assert app.by_key("sheet-option-heavy-carry").border.top.width == 3    # marked as chosen
        assert app.by_key("sheet-option-wall-pushups").border.top.width == 1
        await app.click("sheet-level-harder")
        await app.click("sheet-assist-reminder")
        rec = Store(v2data).completions(fam.key, TODAY, TODAY)[iid]
        assert (rec.level, rec.assist, rec.option) == ("harder", "reminder", "heavy-carry")
        assert app.by_key("sheet-assist-reminder").icon is not None
        assert app.by_key("sheet-assist-independent").icon is None
        await app.click("sheet-close")
        assert "Heavy work carrying" in app.text_of(f"status-{iid}")     # the pick shows on the card
    run(go())


def test_stop_if_and_safety_come_before_the_steps(v2data):
    tw = [it for d in range(7) for it in items_on(v2data, TODAY - timedelta(days=4) + timedelta(days=d))
          if it.key == "tweezers-pickup"]
    day = tw[0].date

    async def go():
        app = await open_app(v2data, today=day)
        await app.click(f"more-{tw[0].id}")
        assert app.by_key("sheet-stop-if").content.controls[1].value == "Stop if: Her hand cramps"
        keys = ["sheet-stop-if", "sheet-status", "sheet-steps"]
        if app.has_key("sheet-safety"):
            keys.insert(1, "sheet-safety")
        pos = order(app, "item-sheet", keys)
        assert pos == sorted(pos), pos
        assert "Easier version" in app.by_key("sheet-dose-extra").value
    run(go())


def test_ready_for_the_harder_version_after_three_easy_days(v2data):
    start = date(2026, 11, 23)
    tw = [it for d in range(14) for it in items_on(v2data, start + timedelta(days=d))
          if it.key == "tweezers-pickup"]
    first_three, today_item = tw[:3], tw[3]
    today = today_item.date
    store, fam = family(v2data)
    for it in first_three:
        practice.record(store, fam, it, today, Status.DONE, rating="easy")

    async def go():
        app = await open_app(v2data, today=today)
        await app.click(f"more-{today_item.id}")
        assert app.by_key("sheet-progress-title").value == "Ready for the standard version?"
        await app.click("sheet-progress-later")            # Not yet: nothing stored, the offer goes
        assert not app.has_key("sheet-progress")
        assert household.load_family(Store(v2data)).level_changes == ()
        await app.click("sheet-close")
        await app.click(f"more-{today_item.id}")
        await app.click("sheet-progress-accept")
        changes = household.load_family(Store(v2data)).level_changes
        assert [(c.activity, c.level, c.date) for c in changes] == \
            [("tweezers-pickup", "standard", today + timedelta(days=1))]
        assert not app.has_key("sheet-progress")
    run(go())


# ------------------------------------------------------------------ rough edges: Today

def test_partly_done_is_its_own_state_and_counted_apart(data):
    iid = f"{PFX}.zipping-coat.morning"

    async def go():
        app = await open_app(data)
        await app.set_value(f"check-{PFX}.wall-pushups.morning", True)
        await app.click(f"more-{iid}")
        await app.click("sheet-mark-partial")
        assert app.by_key("sheet-mark-partial").icon is not None     # the chosen status is marked
        assert app.by_key("sheet-mark-done").icon is None
        await app.click("sheet-close")
        assert app.by_key("day-counts").value == "1 of 7 done, 1 partly"
        box = app.by_key(f"check-{iid}")
        assert box.tristate and box.value is None                    # the half-filled (mixed) box
        assert box.semantics_label == "Zipping a coat, morning, partly done"
        # A tap on a partly done item makes it done.
        app.session.apply_patch(box._i, {"value": False})
        await app.fire(box, "change", "false")
        assert Store(data).completions("sam", TODAY, TODAY)[iid].status is Status.DONE
        assert app.by_key("day-counts").value == "2 of 7 done"
    run(go())


def test_tapping_a_card_opens_its_sheet_and_names_are_unique(data):
    async def go():
        app = await open_app(data)
        await app.click(f"item-{PFX}.zipping-coat.morning")
        assert app.by_key("sheet-title").value == "Zipping a coat"
        await app.click("sheet-close")
        names = [c.semantics_label for c in app.all(lambda c: getattr(c, "key", "") and
                                                    str(c.key).startswith("check-"))]
        assert len(names) == len(set(names)) == 7
        assert "Wall push-ups, morning" in names
        more = [c.label for c in app.all(lambda c: c.__class__.__name__ == "Semantics"
                                         and (getattr(c, "label", "") or "").startswith("More for"))]
        assert len(more) == len(set(more)) == 7
    run(go())


def test_the_timer_keeps_running_when_the_sheet_changes(data):
    iid = f"{PFX}.zipping-coat.morning"

    async def go():
        app = await open_app(data)
        await app.click(f"more-{iid}")
        await app.click("sheet-timer-start")
        await asyncio.sleep(1.15)
        await app.settle()
        assert app.by_key("sheet-timer-clock").value == "2:59"
        await app.click("sheet-mark-partial")                    # the sheet is rebuilt
        await app.click("sheet-rating-easy")
        await app.set_value("sheet-note", "ok")
        await app.click("sheet-save-note")
        assert app.by_key("sheet-timer-start").content == "Pause"  # still running
        await asyncio.sleep(1.1)
        await app.settle()
        assert app.by_key("sheet-timer-clock").value in ("2:58", "2:57")
        ring = app.by_key("sheet-timer-ring")
        assert ring.width >= 84 + 2 * 7                           # room for the stroke: not clipped
        await app.click("sheet-close")
    run(go())


def test_plurals_and_settings_has_its_own_tab(data):
    assert rows.plural(1, "day") == "1 day" and rows.plural(2, "day") == "2 days"
    assert rows.plural(1, "goal") == "1 goal" and rows.plural(0, "activity", "activities") == "0 activities"

    async def go():
        app = await open_app(data)
        await nav(app, 4)
        assert app.by_key("nav").selected_index == 4
        assert app.has_key("settings-view")
        await nav(app, 0)
        assert app.by_key("nav").selected_index == 0 and app.has_key("today-view")
    run(go())


def test_errors_are_in_app_words():
    assert rows.app_words("unknown activity 'x' (see `planner library`)") == \
        "unknown activity 'x' (see the activity library in Build a plan)"
    assert "planner" not in rows.app_words("no item 'x' is scheduled on 2026-11-27 (see `planner schedule`)")
    assert "--server" not in rows.app_words("no clinic server: give --server URL (it is remembered)")
    assert rows.starts_text(date(2026, 12, 7), TODAY) == "Starts Monday 7 December"
    assert rows.starts_text(TODAY, TODAY) == "Starts today"


# ------------------------------------------------------------------ Plan tab: goals

def test_goals_show_levels_and_a_rating_needs_the_pin(v2data):
    async def go():
        app = await open_app(v2data)
        household.set_pin(Store(v2data), "4321", "4321")
        await nav(app, 3)
        details = app.text_of("plan-goal-calm-details")
        assert "Now: Needs an adult every day" in details
        assert "Target: 4 of 5 school days on her own" in details
        assert "By: Sunday 28 February 2027" in details
        assert "+1  On her own 4 days" in details and "-2  Needs help every day" in details
        assert "Precautions: " in app.text_of("plan-child") and "peanuts" in app.text_of("plan-child")
        assert "Choose one: Wall push-ups, Heavy work carrying" in app.text()
        await app.click("plan-rate-calm")
        assert app.has_key("pin-dialog") and not app.has_key("rate-dialog")
        await app.set_value("pin-field", "1111")
        await app.click("pin-ok")
        assert app.by_key("pin-error").value == "Wrong PIN"
        field = app.by_key("pin-field")
        assert field.value == "1111" and app.has_key("pin-dialog")   # kept, selected, focused
        assert field.selection.extent_offset == 4
        assert any(getattr(b, "name", "") == "focus" and getattr(b, "control_id", None) == field._i
                   for a, b in app.conn.sent)
        await app.set_value("pin-field", "4321")
        await app.click("pin-ok")
        await app.click("rate-level-1")
        await app.set_value("rate-note", "three good days")
        await app.click("rate-save")
        store, fam = family(v2data)
        got = plans.goal_ratings(store, fam)
        assert [(r.goal, r.level, r.date, r.note) for r in got] == [("calm", 1, TODAY, "three good days")]
        assert "27 Nov 2026: +1 · three good days" in app.text_of("plan-goal-calm-ratings")
    run(go())


def test_import_preview_shows_format_2_and_warnings_then_the_start_date(tmp_path):
    folder = tmp_path / "data"
    import_demo(Store(folder), TODAY)
    doc = v2_doc()
    doc["plan_id"] = "maya-next"
    doc["start"] = "2026-12-07"
    doc["child"]["birth_date"] = "2025-09-01"                  # 1 year old: tweezers is out of range

    async def go():
        app = await open_app(folder)
        await nav(app, 3)
        app.conn.picked_files = [{"name": "maya.json", "bytes": json.dumps(doc).encode()}]
        await app.click("plan-import")
        text = app.text()
        assert "Handedness: left" in text and "Latex allergy" in text
        assert app.has_key("plan-warnings")
        assert "Harder after 3 easy days in a row" in text and "Stop if: Her hand cramps" in text
        await app.click("plan-apply")
        assert "Starts Monday 7 December" in app.text()
    run(go())


# ------------------------------------------------------------------ Settings

def test_paper_size_and_send_to_clinic_behind_the_pin(data, monkeypatch):
    sent = {}

    def fake_push(store, fam, today, now, *, server=None, token=None, first=None, last=None):
        sent.update(server=server, token=token, thread=threading.current_thread().name)
        return "12 resources sent"
    import planner.services.clinic as clinic
    monkeypatch.setattr(clinic, "push", fake_push)

    async def go():
        app = await open_app(data)
        await nav(app, 4)
        await app.select("settings-paper", "letter")
        assert household.household(Store(data)).paper == "letter"
        household.set_pin(Store(data), "2468", "2468")
        await app.set_value("settings-clinic-url", "https://fhir.example.org/fhir")
        await app.set_value("settings-clinic-token", "abc")
        await app.click("settings-clinic-send")
        assert app.has_key("pin-dialog") and not sent
        await app.set_value("pin-field", "2468")
        await app.click("pin-ok")
        for _ in range(20):
            await asyncio.sleep(0.02)
            await app.settle()
            if sent and app.by_key("settings-clinic-result").value.startswith("Sent"):
                break
        assert sent["server"] == "https://fhir.example.org/fhir" and sent["token"] == "abc"
        assert sent["thread"] != threading.main_thread().name          # off the UI's event path
        assert app.by_key("settings-clinic-result").value == "Sent: 12 resources sent"
        assert not app.has_key("settings-devices-list")                # not a LAN server
    run(go())


def test_devices_section_only_in_lan_mode(data, monkeypatch):
    from planner import web
    from planner.web.devices import Device
    from datetime import datetime
    removed = []
    monkeypatch.setattr(web, "server_info", lambda: web.ServerInfo(True, "http://192.168.1.20:8550", data))
    monkeypatch.setattr(web, "list_devices", lambda d: [Device("dev1", "Phone (Android)", datetime(2026, 11, 20),
                                                               datetime(2026, 11, 27, 8, 30))])
    monkeypatch.setattr(web, "remove_device", lambda d, i: removed.append(i) or True)

    async def go():
        app = await open_app(data)
        await nav(app, 4)
        assert "Phone (Android)" in app.text()
        await app.click("settings-pair-new")
        assert app.by_key("settings-pair-url").value.startswith("http://192.168.1.20:8550/pair?code=")
        qr = app.by_key("settings-pair-qr")
        assert bytes(qr.src).startswith(b"\x89PNG")
        from PIL import Image
        import io
        with Image.open(io.BytesIO(bytes(qr.src))) as im:
            assert im.size == (qr.width, qr.height)                      # shown at its own size: sharp
        await app.click("device-remove-dev1")
        assert removed == ["dev1"]
    run(go())


def test_restore_message_has_no_folder_paths(data):
    from planner.views.sharing import restored_text
    from planner.services.sharing import RestoreOutcome
    got = restored_text(RestoreOutcome(5, "2026-12-02T19:05:00", Path("/x/restore-copies/2026-12-02")))
    assert got == "Restored the backup of 2 December; your earlier data is kept"


# ------------------------------------------------------------------ report off the event path

def test_report_is_built_in_a_worker_thread_with_a_progress_ring(data, monkeypatch):
    from planner.views.state import AppState
    seen = {}
    real = AppState.report
    gate = threading.Event()

    def slow_report(self, first, fmt):
        seen["thread"] = threading.current_thread().name
        gate.wait(2)
        return real(self, first, fmt)
    monkeypatch.setattr(AppState, "report", slow_report)

    async def go():
        app = await open_app(data)
        await nav(app, 2)
        task = asyncio.ensure_future(app.click("share-report"))
        for _ in range(50):
            await asyncio.sleep(0.01)
            if "thread" in seen:
                break
        await app.settle()
        assert app.by_key("report-busy").visible                      # the ring shows meanwhile
        assert app.by_key("share-report").disabled
        gate.set()
        await task
        for _ in range(50):
            await asyncio.sleep(0.01)
            if app.conn.saved:
                break
        await app.settle()
        assert seen["thread"] != threading.main_thread().name
        assert bytes(app.conn.saved[-1]["src_bytes"]).startswith(b"%PDF")
        assert not app.by_key("report-busy").visible
    run(go())


# ------------------------------------------------------------------ live updates

def test_a_tick_on_one_device_shows_on_the_other_without_closing_its_sheet(data):
    iid = f"{PFX}.zipping-coat.morning"
    other = f"{PFX}.heavy-carry.afternoon"

    async def go():
        phone = await open_app(data)
        tablet = await open_app(data, hub=phone.conn.pubsubhub)
        await tablet.click(f"more-{iid}")
        await tablet.click("sheet-timer-start")
        typing = tablet.by_key("sheet-note")
        tablet.session.apply_patch(typing._i, {"value": "started well"})     # typed, not saved yet
        await phone.set_value(f"check-{other}", True)
        loop = asyncio.get_running_loop()
        t0 = loop.time()
        while loop.time() - t0 < 1.0 and tablet.by_key(f"check-{other}").value is not True:
            await asyncio.sleep(0.02)
        assert tablet.by_key(f"check-{other}").value is True
        assert loop.time() - t0 < 1.0
        assert tablet.by_key("day-counts").value == "1 of 7 done"
        assert tablet.has_key("sheet-title")                           # the open sheet stays
        assert tablet.by_key("sheet-timer-start").content == "Pause"    # and its timer runs
        # The same item ticked elsewhere: the open sheet shows it.
        await phone.set_value(f"check-{iid}", True)
        for _ in range(50):
            await asyncio.sleep(0.02)
            if tablet.by_key("sheet-status").value == "Done":
                break
        assert tablet.by_key("sheet-status").value == "Done"
        assert tablet.by_key("sheet-timer-start").content == "Pause"
        assert tablet.by_key("sheet-note").value == "started well"            # the typed note stays
        tablet.by_key("sheet-timer-start")                              # still one timer
        await tablet.click("sheet-close")
    run(go())


def test_a_settings_change_reaches_the_plan_tab_of_the_other_device(data):
    from planner.core import scheduler

    async def go():
        phone = await open_app(data)
        tablet = await open_app(data, hub=phone.conn.pubsubhub)
        await nav(tablet, 3)
        before = tablet.by_key("plan-load").value
        await nav(phone, 4)
        await phone.set_value("settings-weekday", "40")
        await phone.click("settings-save-budget")
        for _ in range(50):
            await asyncio.sleep(0.02)
            if tablet.by_key("plan-load").value != before:
                break
        store, fam = family(data)
        plan = fam.plan_on(TODAY)
        load = scheduler.plan_load(plan)
        assert plan.weekday_minutes == 40
        assert tablet.by_key("plan-load").value == \
            f"Version {plan.version} · {load.week_minutes} of {load.week_budget} minutes a week" != before
    run(go())


# ------------------------------------------------------------------ the builder, plan format 2

async def toggle(app: App, key: str, on: bool = True) -> None:
    chip = app.by_key(key)
    app.session.apply_patch(chip._i, {"selected": on})
    await app.fire(chip, "select", str(on).lower())


async def open_builder(app: App) -> None:
    await nav(app, 3)
    await app.click("plan-build")


def test_builder_writes_format_2_with_precautions_choice_as_needed_phases_and_goal_levels(tmp_path):
    from planner.core import importer
    from planner.library import load_library, picture_names
    folder = tmp_path / "data"

    async def go():
        app = await open_app(folder)
        await open_builder(app)
        await app.set_value("draft-child", "Maya")
        await app.set_value("draft-birth", "2020-06-14")
        await app.set_value("draft-therapist", "Dr. Ada Lee")
        await app.select("draft-handedness", "left")
        await toggle(app, "draft-precaution-latex-allergy")
        await toggle(app, "draft-precaution-food-allergy")
        await app.set_value("draft-precaution-food-allergy-text", "peanuts")
        await app.set_value("draft-goal-text", "Settles after school with a movement break")
        await app.click("draft-goal-add")
        gid = "settles-after-school-with-a-mo"
        await app.click(f"draft-goal-{gid}-open")
        await app.set_value(f"draft-goal-{gid}-baseline", "Needs an adult every day")
        await app.set_value(f"draft-goal-{gid}-target", "4 of 5 school days on her own")
        await app.set_value(f"draft-goal-{gid}-date", "2027-02-28")
        for level, text in zip(("-2", "-1", "0", "+1", "+2"), ("a", "b", "c", "d", "e")):
            await app.set_value(f"draft-goal-{gid}-gas{level}", text)
        # The only goal is linked to every new activity.
        await app.click("lib-add-tweezers-pickup")
        assert app.by_key("draft-tweezers-pickup-goal").value == gid
        assert "3-10 years" in app.text()                          # ages from the library, never "0-0"
        await app.select("draft-tweezers-pickup-level", "easier")
        await app.set_value("draft-tweezers-pickup-stop_if", "Her hand cramps")
        await app.set_value("draft-tweezers-pickup-progress_after_easy", "3")
        await app.set_value("draft-tweezers-pickup-phase-week", "3")
        await app.select("draft-tweezers-pickup-phase-level", "standard")
        await app.set_value("draft-tweezers-pickup-phase-minutes", "8")
        await app.click("draft-tweezers-pickup-phase-add")
        assert app.by_key("draft-tweezers-pickup-phase-0").value == "From week 3: Standard, 8 min"
        await app.set_value("draft-tweezers-pickup-until", "2027-01-31")
        await toggle(app, "draft-tweezers-pickup-budget", False)
        await app.click("lib-add-calm-down-corner")
        await app.select("draft-calm-down-corner-freq", "needed")
        # A choice menu of two library activities, twice on each school day.
        await app.set_value("choice-title", "Heavy work")
        await app.select("choice-add", "wall-pushups")
        await app.select("choice-add", "heavy-carry")
        await app.click("choice-save")
        await app.select("draft-heavy-work-freq", "days")
        for day in ("mon", "tue", "wed", "thu", "fri"):
            await toggle(app, f"draft-heavy-work-day-{day}")
        await app.set_value("draft-heavy-work-per-day", "2")
        from planner.core.model import SLOTS
        for slot in SLOTS:
            await toggle(app, f"draft-heavy-work-slot-{slot}", slot in ("morning", "after-school"))
        # A conflict with the child's precautions is caught live, like the importer does.
        await app.click("lib-add-balloon-tap")
        assert "latex" in app.by_key("draft-error").value.lower()
        assert app.by_key("plan-use").disabled
        await toggle(app, "draft-balloon-tap-checked-latex-allergy")
        assert not app.has_key("draft-error"), app.by_key("draft-error").value
        await app.click("plan-export")
        data = app.conn.saved[-1]["src_bytes"]
        doc = json.loads(data)
        assert doc["format"] == "ot-home-plan/2"
        assert doc["child"] == {"name": "Maya", "birth_date": "2020-06-14", "handedness": "left",
                                "precautions": ["latex-allergy", {"id": "food-allergy", "text": "peanuts"}]}
        assert doc["therapist"] == {"name": "Dr. Ada Lee"}
        goal = doc["goals"][0]
        assert goal["baseline"] == "Needs an adult every day" and goal["target_date"] == "2027-02-28"
        assert goal["gas"] == {"-2": "a", "-1": "b", "0": "c", "+1": "d", "+2": "e"}
        plan = importer.parse_plan_json(data, load_library(), picture_names())
        acts = {a.key: a for a in plan.activities}
        tw = acts["tweezers-pickup"]
        assert tw.level == "easier" and tw.stop_if == "Her hand cramps" and tw.progress_after_easy == 3
        assert [(p.level, p.minutes) for p in tw.phases] == [("standard", 8)]
        assert tw.valid_until == date(2027, 1, 31) and tw.counts_toward_budget is False
        assert acts["calm-down-corner"].as_needed
        hw = acts["heavy-work"]
        assert hw.options == ("wall-pushups", "heavy-carry") and hw.frequency.per_day == 2
        assert hw.when == ("morning", "after-school") and hw.goal == gid
        assert acts["balloon-tap"].precaution_checked == ("latex-allergy",)
        await app.click("plan-use")
        assert "Handedness: left" in app.text()
        await app.click("plan-apply")
        assert household.load_family(Store(folder)).name == "Maya"
    run(go())


def test_editing_a_format_2_plan_keeps_its_fields(v2data):
    from planner.core import importer

    async def go():
        app = await open_app(v2data)
        await nav(app, 3)
        await app.click("plan-edit")
        assert app.by_key("draft-handedness").value == "left"
        await app.set_value("draft-weekday", "35")
        await app.click("plan-export")
        doc = json.loads(app.conn.saved[-1]["src_bytes"])
        store, fam = family(v2data)
        before = importer.plan_to_dict(fam.current_plan)
        assert doc["daily_minutes"] == {"weekday": 35, "weekend": 40}
        for k in ("format", "child", "goals", "activities"):
            assert doc[k] == before[k], k
    run(go())


def test_a_fhir_careplan_goes_through_the_same_preview(tmp_path):
    folder = tmp_path / "data"
    data = (Path(__file__).parent / "fixtures" / "fhir" / "ot-leo-bundle.json").read_bytes()

    async def go():
        app = await open_app(folder)
        app.conn.picked_files = [{"name": "leo.json", "bytes": data}]
        await app.click("plan-import")
        assert app.has_key("plan-preview") and not app.has_key("plan-error")
        assert app.by_key("preview-child").value.endswith("'s plan")
        before = list(folder.iterdir()) if folder.exists() else []
        assert not any(p.name == "plans.json" for p in before)          # nothing stored before Apply
        await app.click("plan-apply")
        assert household.children(Store(folder))
        assert "Plan saved." in app.text()
    run(go())


def test_progress_uses_the_reports_figures_with_sick_days_excused(data):
    store, fam = family(data)
    monday = TODAY - timedelta(days=TODAY.weekday())
    week = practice.days(store, fam, monday, 5)
    tue, wed = week[1], week[2]
    for it in tue.items[:2]:
        practice.record(store, fam, it, TODAY, Status.DONE)
    for it in wed.items:
        practice.record(store, fam, it, TODAY, Status.SKIPPED, reason="sick")
    days = practice.days(store, fam, monday, 5)
    # Monday to Thursday count; Friday (today) only what is recorded; Wednesday is excused.
    items = [it for d in days[:4] for it in d.items] + [it for it in days[4].items
                                                        if it.status is not Status.PLANNED]
    counted = [it for it in items if not (it.status is Status.SKIPPED and it.reason == "sick")]
    done = sum(it.status is Status.DONE for it in counted)
    partly = sum(it.status is Status.PARTIAL for it in counted)
    assert done >= 2 and len(counted) == len(items) - len(wed.items)

    async def go():
        app = await open_app(data)
        await nav(app, 2)
        # As the report rounds it: the fraction to 3 decimals, then whole percent.
        want = round(round((done + partly / 2) / len(counted), 3) * 100)
        assert app.by_key("progress-adherence").value == f"{want}%"
        part = f", {partly} partly" if partly else ""
        assert app.by_key("progress-note").value == \
            f"Practice done as planned: {want}% · {done} done{part} of {len(counted)}. 1 sick day not counted"
        assert app.by_key("progress-chart").groups[-1].rods[0].to_y == want    # the chart agrees
        await nav(app, 1)
        assert app.by_key("week-summary").value == f"This week so far: {want}% · {done} done{part} of {len(counted)}"
        await nav(app, 2)
        assert app.by_key("progress-streak-label").value in ("day in a row", "days in a row")
        streak = int(app.by_key("progress-streak").value)
        assert app.by_key("progress-streak-label").value == ("day in a row" if streak == 1 else "days in a row")
    run(go())


def test_every_saved_change_is_announced_whatever_screen_made_it(data):
    """Kid mode and other screens save through AppState: each write tells the other sessions."""
    shells = []

    async def open_with_shell(hub=None) -> App:
        return await start(lambda page: shells.append(build(page, data, lambda: TODAY)), hub=hub)

    async def go():
        phone = await open_with_shell()
        tablet = await open_with_shell(hub=phone.conn.pubsubhub)
        phone_shell, tablet_shell = shells
        # A write through the state, as Kid mode's "I did it!" makes it (no view calls anything).
        item = phone_shell.state.day(TODAY).items[0]
        phone_shell.state.record(item, Status.DONE)
        for _ in range(50):
            await asyncio.sleep(0.02)
            if tablet_shell.live_version:
                break
        assert tablet_shell.live_version == 1
        assert tablet.by_key(f"check-{item.id}").value is True
        assert phone_shell.live_version == 0               # a session does not hear its own change
        phone_shell.state.set_paper("letter")
        for _ in range(50):
            await asyncio.sleep(0.02)
            if tablet_shell.live_version == 2:
                break
        assert tablet_shell.live_version == 2
    run(go())


def test_own_activity_with_safety_writes_format_2_and_the_sheet_shows_it_first(tmp_path):
    from planner.core import importer
    from planner.library import load_library, picture_names
    folder = tmp_path / "data"

    async def go():
        app = await open_app(folder)
        await open_builder(app)
        await app.set_value("draft-child", "Lea")
        await app.set_value("draft-start", "2026-11-23")
        await app.set_value("own-title", "Feed the fish")
        await app.select("own-area", "self-care")
        await app.set_value("own-steps", "Open the lid\nPinch a little food")
        await app.set_value("own-safety", "Wash hands after touching the tank")
        await app.click("own-add")
        await app.click("plan-export")
        data = app.conn.saved[-1]["src_bytes"]
        assert json.loads(data)["format"] == "ot-home-plan/2"
        plan = importer.parse_plan_json(data, load_library(), picture_names())
        assert plan.activity("feed-the-fish").safety == "Wash hands after touching the tank"
        await app.click("plan-use")
        await app.click("plan-apply")
        fish = [it for it in items_on(folder, TODAY) if it.key == "feed-the-fish"]
        day = TODAY
        if not fish:                                        # 3x a week: find its next day
            for n in range(1, 7):
                fish = [it for it in items_on(folder, TODAY - timedelta(days=n)) if it.key == "feed-the-fish"]
                if fish:
                    day = TODAY - timedelta(days=n)
                    break
        app2 = await open_app(folder, today=day)
        await app2.click(f"more-{fish[0].id}")
        assert app2.text_of("sheet-safety") == "Wash hands after touching the tank"
        pos = order(app2, "item-sheet", ["sheet-safety", "sheet-steps"])
        assert pos == sorted(pos)
    run(go())


def test_an_import_error_speaks_the_apps_words(tmp_path):
    folder = tmp_path / "data"
    doc = v2_doc()
    doc["activities"][2]["activity"] = "no-such-activity"

    async def go():
        app = await open_app(folder)
        app.conn.picked_files = [{"name": "maya.json", "bytes": json.dumps(doc).encode()}]
        await app.click("plan-import")
        err = app.by_key("plan-error").value
        assert "no-such-activity" in err and "`planner" not in err and "planner library" not in err
        assert not folder.exists() or not (folder / "plans.json").exists()
    run(go())
