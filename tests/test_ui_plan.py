"""Plan tab: importing a plan file (JSON or CSV) through a preview, and the plan builder.

Runs the real app in-process (tests/helpers/flet_harness.py); dates are pinned.
"""
from __future__ import annotations

import asyncio
import json
import sys
from datetime import date
from pathlib import Path

import pytest

from conftest import base_plan, folder_snapshot
from planner.services import household, plans, practice
from planner.core import importer
from planner.core.model import WEEKDAYS
from planner.demo import demo_plan, import_demo
from planner.library import load_library, picture_names
from planner.storage.store import Store
from planner.core import draft as drafts
from planner.views.app import build

sys.path.insert(0, str(Path(__file__).resolve().parent / "helpers"))
from flet_harness import App, start  # noqa: E402

TODAY = date(2026, 11, 27)          # a Friday


def run(coro):
    return asyncio.run(coro)


async def open_app(folder: Path, today: date = TODAY) -> App:
    return await start(lambda page: build(page, folder, lambda: today))


async def go_plan(app: App) -> None:
    nav = app.by_key("nav")
    app.session.apply_patch(nav._i, {"selected_index": 3})
    await app.fire(nav, "change")
    assert app.has_key("plan-import")


async def toggle(app: App, key: str, on: bool = True) -> None:
    chip = app.by_key(key)
    app.session.apply_patch(chip._i, {"selected": on})
    await app.fire(chip, "select", str(on).lower())


async def pick(app: App, name: str, data: bytes) -> None:
    app.conn.picked_files = [{"id": 0, "name": name, "size": len(data), "bytes": data}]
    await app.click("plan-import")


def demo_folder(tmp_path: Path) -> Path:
    folder = tmp_path / "data"
    import_demo(Store(folder), TODAY)
    return folder


# ------------------------------------------------------------------ import a file

def test_import_good_json_previews_then_applies(tmp_path):
    folder = tmp_path / "data"

    async def go():
        app = await open_app(folder)
        assert app.has_key("no-plan") and app.has_key("plan-import")
        before = folder_snapshot(folder)
        await pick(app, "maya.json", json.dumps(base_plan()).encode())
        preview = app.by_key("plan-preview")
        assert preview is not None
        text = app.text()
        assert "Maya's plan" in text
        assert "Picks up small objects with thumb and index finger" in text
        assert app.has_key("preview-activity-tweezers-pickup") and app.has_key("preview-activity-shoe-tying")
        assert "3x a week · 5 min · Afternoon" in text
        assert app.by_key("preview-load").value.endswith("minutes a week")
        assert " of 165 minutes a week" in app.by_key("preview-load").value
        assert app.by_key("preview-action").value.startswith("A new plan for Maya")
        assert not app.has_key("plan-error")
        assert folder_snapshot(folder) == before            # a preview stores nothing
        await app.click("plan-apply")
        fam = household.load_family(Store(folder))
        assert fam.name == "Maya" and fam.current_plan.plan_id == "maya-winter"
        assert app.has_key("today-view")
        checks = [k for k in app.keys() if k.startswith("check-maya-winter.20261127.")]
        assert checks, app.keys()
        assert "Plan saved. Started Monday 23 November." in app.text()    # the date in words
        assert app.by_key("app-title").value == "Maya's practice"

    run(go())


def test_import_cancel_stores_nothing(tmp_path):
    folder = demo_folder(tmp_path)

    async def go():
        app = await open_app(folder)
        await go_plan(app)
        before = folder_snapshot(folder)
        await pick(app, "maya.json", json.dumps(base_plan()).encode())
        assert app.has_key("plan-apply")
        await app.click("plan-cancel")
        assert app.has_key("plan-title") and not app.has_key("plan-preview")
        assert folder_snapshot(folder) == before

    run(go())


def test_import_cancelled_picker_does_nothing(tmp_path):
    folder = demo_folder(tmp_path)

    async def go():
        app = await open_app(folder)
        await go_plan(app)
        app.conn.picked_files = []
        await app.click("plan-import")
        assert app.has_key("plan-title") and not app.has_key("plan-preview")

    run(go())


BAD_FILES = [
    ("notes.json", b"this is not json at all", "notes.json: not valid JSON (line 1, column 1"),
    ("maya.json", json.dumps(base_plan(activities=[{"activity": "tweezers-pikup", "times_per_week": 2}])).encode(),
     "maya.json: activities[0].activity: unknown activity id 'tweezers-pikup'"),
    ("photo.json", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\xff\xfe\x00\x01", "photo.json: not a text file"),
    ("sheet.csv", b"\xff\xfe\x00a\x00c\x00t\x00\x00\x00", "sheet.csv: not a text file"),
    ("sheet.csv", b"activity,often\ntweezers-pickup,3\n", "sheet.csv: line 1, column 2: unknown column 'often'"),
    ("maya.json", json.dumps(base_plan(rest_days=["sun", "sat"])).encode(),
     "maya.json: activities[2].days[0]: 'sat' is one of the plan's rest days"),
]


@pytest.mark.parametrize("name,data,message", BAD_FILES, ids=[
    "not-json", "unknown-activity", "binary", "binary-csv", "csv-bad-column", "day-on-rest-day"])
def test_import_bad_file_shows_error_and_stores_nothing(tmp_path, name, data, message):
    folder = demo_folder(tmp_path)

    async def go():
        app = await open_app(folder)
        await go_plan(app)
        before = folder_snapshot(folder)
        await pick(app, name, data)
        err = app.by_key("plan-error").value
        assert err.startswith(message), err
        assert "\n" not in err
        assert app.has_key("plan-preview") and not app.has_key("plan-apply")
        assert not app.has_key("csv-form")
        assert folder_snapshot(folder) == before
        await app.click("plan-cancel")
        assert app.has_key("plan-title")
        assert folder_snapshot(folder) == before
        assert [p.plan_id for p in (s.plan for s in household.load_family(Store(folder)).segments)] == ["sam-demo"]

    run(go())


def test_import_error_then_another_file(tmp_path):
    folder = tmp_path / "data"

    async def go():
        app = await open_app(folder)
        await pick(app, "x.json", b"{")
        assert "not valid JSON" in app.by_key("plan-error").value
        app.conn.picked_files = [{"id": 0, "name": "maya.json", "size": 1, "bytes": json.dumps(base_plan()).encode()}]
        await app.click("plan-import-again")
        assert not app.has_key("plan-error") and app.has_key("plan-apply")

    run(go())


CSV = (b"activity,goal,times_per_week,days,minutes,when,notes\n"
       b"tweezers-pickup,Picks up small objects,3,,5,afternoon,Large pom-poms first\n"
       b"bead-stringing,Picks up small objects,2,,8,,\n"
       b"obstacle-course,Plans a sequence of moves,,sat,15,,\n")


def test_csv_import_asks_for_plan_fields(tmp_path):
    folder = demo_folder(tmp_path)

    async def go():
        app = await open_app(folder)
        await go_plan(app)
        before = folder_snapshot(folder)
        await pick(app, "maya.csv", CSV)
        assert app.has_key("csv-form") and not app.has_key("plan-apply")
        assert app.by_key("csv-child").value == "Sam"              # the current child
        assert app.by_key("csv-start").value == "2026-11-30"       # next Monday
        assert app.by_key("csv-weekday").value == "25"             # from the current plan
        await app.set_value("csv-child", "")
        await app.click("csv-preview")
        assert "child's name" in app.by_key("csv-error").value
        await app.set_value("csv-child", "Maya")
        await app.set_value("csv-end", "2027-02-28")
        await app.set_value("csv-weekday", "20")
        await app.set_value("csv-weekend", "30")
        await toggle(app, "csv-rest-sun", False)                   # the demo plan rests on Sunday
        await toggle(app, "csv-rest-wed", True)
        await app.click("csv-preview")
        assert app.has_key("plan-preview") and app.has_key("plan-apply"), app.text()
        text = app.text()
        assert "Maya's plan" in text and "Picks up small objects" in text and "Plans a sequence of moves" in text
        assert "30 Nov 2026 to 28 Feb 2027" in text
        assert "rest: Wed" in text
        assert app.by_key("preview-action").value.startswith("A new plan for Maya, in effect from 30 Nov 2026")
        assert folder_snapshot(folder) == before
        await app.click("plan-apply")
        store = Store(folder)
        assert sorted(n for _, n in household.children(store)) == ["Maya", "Sam"]
        plan = household.load_family(store, "Maya").current_plan
        assert plan.weekday_minutes == 20 and plan.weekend_minutes == 30 and plan.rest_days == ("wed",)
        assert [a.key for a in plan.activities] == ["tweezers-pickup", "bead-stringing", "obstacle-course"]
        assert app.by_key("app-title").value == "Maya's practice"     # the app shows the new child

    run(go())


def test_csv_bad_row_after_the_form_shows_line(tmp_path):
    folder = demo_folder(tmp_path)
    data = b"activity,times_per_week,minutes\ntweezers-pickup,3,5\nbead-stringing,nine,5\n"

    async def go():
        app = await open_app(folder)
        await go_plan(app)
        before = folder_snapshot(folder)
        await pick(app, "sheet.csv", data)
        await app.click("csv-preview")
        assert app.by_key("plan-error").value == (
            "sheet.csv: line 3, column 2 (times_per_week): must be a whole number (got 'nine')")
        assert folder_snapshot(folder) == before

    run(go())


def test_revision_with_higher_version_takes_over_from_today(tmp_path):
    folder = demo_folder(tmp_path)
    doc = dict(demo_plan(TODAY).source)
    doc["version"] = 2
    doc["daily_minutes"] = {"weekday": 30, "weekend": 40}

    async def go():
        app = await open_app(folder)
        await go_plan(app)
        await pick(app, "sam.json", json.dumps(doc).encode())
        action = app.by_key("preview-action").value
        assert "Version 2" in action and "from today (27 Nov 2026)" in action
        await app.click("plan-apply")
        fam = household.load_family(Store(folder))
        assert [s.plan.version for s in fam.segments] == [1, 2]
        assert fam.segments[1].first == TODAY

    run(go())


def test_same_plan_again_is_unchanged_and_older_version_is_refused(tmp_path):
    folder = demo_folder(tmp_path)
    same = json.dumps(demo_plan(TODAY).source).encode()
    older = dict(demo_plan(TODAY).source, version=1, daily_minutes=50)

    async def go():
        app = await open_app(folder)
        await go_plan(app)
        before = folder_snapshot(folder)
        await pick(app, "sam.json", same)
        assert "already imported" in app.by_key("preview-action").value
        assert app.by_key("plan-apply").disabled
        await app.click("plan-cancel")
        await pick(app, "sam.json", json.dumps(older).encode())
        assert "already imported with different content" in app.by_key("plan-error").value
        assert folder_snapshot(folder) == before

    run(go())


def test_preview_shows_warnings_for_a_plan_over_budget(tmp_path):
    folder = tmp_path / "data"
    doc = base_plan(daily_minutes=5)

    async def go():
        app = await open_app(folder)
        await pick(app, "maya.json", json.dumps(doc).encode())
        warn = app.by_key("plan-warnings")
        assert warn is not None
        assert "The plan asks for" in app.text()

    run(go())


def _double_sent(app: App, since: int) -> list[str]:
    """List edits sent for a list inside a control the same update replaces whole (the browser applies
    both: rows twice, or an index error when the new list is shorter)."""
    from flet.messaging.protocol import MessageAction
    problems = []
    for action, body in app.conn.sent[since:]:
        patch = getattr(body, "patch", None)
        if action != MessageAction.PATCH_CONTROL or not patch:
            continue
        tree, ops = patch[0], patch[1:]

        def find(node, wanted):
            nid, children = node[0], (node[1] if len(node) > 1 else {})
            if nid == wanted:
                return children
            for child in children.values():
                got = find(child, wanted)
                if got is not None:
                    return got
            return None

        def ids(node):
            out = {node[0]}
            for child in (node[1] if len(node) > 1 else {}).values():
                out |= ids(child)
            return out

        for op in ops:
            if len(op) == 4 and isinstance(op[2], str):          # [replace, node, property, value]
                below = (find(tree, op[1]) or {}).get(op[2])
                inner = ids(below) if below else set()
                # list edits (insert/remove at an index) are not idempotent; a second replace is
                clash = [o for o in ops if o is not op and o[1] in inner and len(o) > 2 and isinstance(o[2], int)]
                if clash:
                    problems.append(f"{op[2]} of node {op[1]} replaced and edited in one update")
    return problems


def test_apply_then_tabs_send_each_screen_once(tmp_path):
    folder = demo_folder(tmp_path)
    doc = base_plan()            # a second child with fewer items today than Sam

    async def go():
        app = await open_app(folder)
        await go_plan(app)
        await pick(app, "maya.json", json.dumps(doc).encode())
        since = len(app.conn.sent)
        await app.click("plan-apply")                        # the Plan tab hands over to Today
        assert app.has_key("today-view")
        assert _double_sent(app, since) == []
        nav = app.by_key("nav")
        since = len(app.conn.sent)
        app.session.apply_patch(nav._i, {"selected_index": 3})
        await app.fire(nav, "change")                        # back to Plan, rebuilt while away
        await app.click("plan-build")
        assert _double_sent(app, since) == []
        app.session.apply_patch(nav._i, {"selected_index": 1})
        await app.fire(nav, "change")
        since = len(app.conn.sent)
        app.session.apply_patch(nav._i, {"selected_index": 3})
        await app.fire(nav, "change")
        assert app.has_key("draft-child")
        assert _double_sent(app, since) == []

    run(go())


# ------------------------------------------------------------------ builder

async def build_three(app: App) -> None:
    await app.click("plan-build")
    assert app.by_key("draft-title").value == "Build a plan"
    await app.set_value("draft-child", "Lea")
    await app.set_value("draft-start", "2026-11-30")
    await app.set_value("draft-end", "2027-01-31")
    await app.set_value("draft-weekday", "20")
    await app.set_value("draft-weekend", "30")
    await toggle(app, "draft-rest-sun")
    await app.set_value("draft-goal-text", "Holds a pencil with a tripod grasp")
    await app.select("draft-goal-area", "fine-motor")
    await app.click("draft-goal-add")
    assert app.has_key("draft-goal-holds-a-pencil-with-a-tripod-gra-remove") or \
        any(k.startswith("draft-goal-holds-a-pencil") for k in app.keys())
    await app.select("lib-area", "fine-motor")
    await app.select("lib-age", "5")
    for aid in ("tweezers-pickup", "bead-stringing"):
        await app.click(f"lib-add-{aid}")
    assert app.by_key("lib-add-tweezers-pickup").disabled
    await app.select("lib-area", "gross-motor")
    await app.click("lib-add-obstacle-course")
    # tweezers: 4 times a week, 6 minutes, on the goal
    await app.set_value("draft-tweezers-pickup-count", "4")
    await app.set_value("draft-tweezers-pickup-minutes", "6")
    # beads: fixed days
    await app.select("draft-bead-stringing-freq", "days")
    for d in ("mon", "wed", "fri"):
        if app.by_key(f"draft-bead-stringing-day-{d}").selected:
            await toggle(app, f"draft-bead-stringing-day-{d}", False)
    await toggle(app, "draft-bead-stringing-day-tue")
    await toggle(app, "draft-bead-stringing-day-thu")
    await app.set_value("draft-bead-stringing-notes", "Big beads first")
    # obstacle course: once a day, no goal
    await app.select("draft-obstacle-course-freq", "day")
    await app.set_value("draft-obstacle-course-minutes", "10")
    await app.select("draft-obstacle-course-goal", "any")


def test_builder_makes_exports_and_uses_a_plan(tmp_path):
    folder = tmp_path / "data"

    async def go():
        app = await open_app(folder)
        await build_three(app)
        gid = next(g for g in app.keys() if g.startswith("draft-goal-holds")).removeprefix("draft-goal-")
        gid = gid.removesuffix("-remove")
        assert app.by_key("draft-tweezers-pickup-goal").value == gid      # linked by area
        assert not app.has_key("draft-error"), app.by_key("draft-error").value
        load = app.by_key("draft-load").value
        beads = load_library()["bead-stringing"].minutes
        assert load == f"{4 * 6 + 2 * beads + 6 * 10} of 130 minutes a week", load   # budget 5x20 + 30
        await app.click("plan-export")
        saved = app.conn.saved[-1]
        assert saved["file_name"] == "lea-2026-11-30.json"
        data = saved["src_bytes"]
        plan = importer.parse_plan_json(data, load_library(), picture_names())
        assert importer.plan_to_dict(plan) == json.loads(data)            # round trip
        assert plan.child == "Lea" and plan.rest_days == ("sun",) and plan.end == date(2027, 1, 31)
        acts = {a.key: a for a in plan.activities}
        assert acts["tweezers-pickup"].frequency.count == 4 and acts["tweezers-pickup"].minutes == 6
        assert acts["tweezers-pickup"].goal == gid
        assert acts["bead-stringing"].frequency.days == ("tue", "thu")
        assert acts["bead-stringing"].notes == "Big beads first"
        assert acts["obstacle-course"].frequency.kind == "day" and acts["obstacle-course"].goal is None
        assert folder_snapshot(folder) == {}                               # export stores nothing
        await app.click("plan-use")
        assert app.has_key("plan-preview")
        assert app.by_key("preview-action").value.startswith("A new plan for Lea, in effect from 30 Nov 2026")
        await app.click("plan-apply")
        fam = household.load_family(Store(folder))
        assert fam.name == "Lea"
        stored = importer.plan_to_dict(fam.current_plan)
        assert stored == json.loads(data)
        assert app.has_key("today-view")

    run(go())


def test_builder_preview_cancel_returns_to_the_draft(tmp_path):
    folder = tmp_path / "data"

    async def go():
        app = await open_app(folder)
        await build_three(app)
        await app.click("plan-use")
        await app.click("plan-cancel")
        assert app.by_key("draft-child").value == "Lea"
        assert app.has_key("draft-bead-stringing")
        assert folder_snapshot(folder) == {}

    run(go())


def test_builder_validation_errors(tmp_path):
    folder = tmp_path / "data"

    async def go():
        app = await open_app(folder)
        await app.click("plan-build")
        await app.set_value("draft-child", "Lea")
        assert app.by_key("draft-error").value == "Add at least one activity from the library below."
        assert app.by_key("plan-use").disabled and app.by_key("plan-export").disabled
        await app.click("lib-add-heavy-carry")
        assert not app.has_key("draft-error")
        await app.select("draft-heavy-carry-freq", "days")
        await toggle(app, "draft-heavy-carry-day-sat")
        await toggle(app, "draft-rest-sat")
        err = app.by_key("draft-error").value
        assert err == "Heavy work carrying, days: 'sat' is one of the plan's rest days", err
        assert app.by_key("draft-heavy-carry-error").value == err          # shown on the activity too
        assert app.by_key("plan-use").disabled
        await toggle(app, "draft-rest-sat", False)
        assert not app.has_key("draft-error")
        await app.set_value("draft-start", "2026-02-30")
        assert app.by_key("draft-error").value == "Start date: is not a real date (got '2026-02-30')"
        await app.set_value("draft-start", "2026-11-30")
        await app.set_value("draft-heavy-carry-minutes", "")
        assert app.by_key("draft-error").value == \
            "Heavy work carrying, minutes: is empty; give a whole number from 1 to 120"
        await app.set_value("draft-heavy-carry-minutes", "5")
        await app.select("draft-heavy-carry-freq", "week")
        await app.set_value("draft-heavy-carry-count", "9")
        assert "times a week" in app.by_key("draft-error").value
        await app.set_value("draft-heavy-carry-count", "2")
        await app.set_value("draft-child", "")
        assert app.by_key("draft-error").value == "Child's name: must not be empty"
        await app.set_value("draft-child", "Lea")
        await app.click("draft-heavy-carry-remove")
        assert not app.has_key("draft-heavy-carry")
        assert app.by_key("draft-error").value.startswith("Add at least one activity")
        await app.click("plan-use")                      # refused: nothing happens, nothing stored
        assert not app.has_key("plan-preview")
        assert folder_snapshot(folder) == {}

    run(go())


def test_builder_over_budget_shows_warning(tmp_path):
    folder = tmp_path / "data"

    async def go():
        app = await open_app(folder)
        await app.click("plan-build")
        await app.set_value("draft-child", "Lea")
        await app.click("lib-add-obstacle-course")
        await app.set_value("draft-weekday", "5")
        await app.set_value("draft-weekend", "5")
        await app.select("draft-obstacle-course-freq", "day")
        assert app.has_key("draft-warnings")
        course = load_library()["obstacle-course"].minutes
        assert app.by_key("draft-load").value == f"{7 * course} of 35 minutes a week"
        assert not app.by_key("plan-use").disabled                  # a warning does not block

    run(go())


def test_edit_this_plan_makes_the_next_version(tmp_path):
    folder = demo_folder(tmp_path)

    async def go():
        app = await open_app(folder)
        await go_plan(app)
        assert app.has_key("plan-edit")
        await app.click("plan-edit")
        assert app.by_key("draft-title").value == "Edit this plan"
        assert app.by_key("draft-child").value == "Sam"
        assert app.has_key("draft-wall-pushups") and app.has_key("draft-goal-pincer")
        assert not app.has_key("draft-error")
        assert not app.has_key("draft-tweezers-pickup-minutes")            # cards start closed
        assert app.by_key("draft-tweezers-pickup-summary").value.startswith("3x a week · 5 min · Afternoon")
        await app.click("draft-tweezers-pickup-open")
        await app.set_value("draft-tweezers-pickup-minutes", "8")
        assert app.by_key("draft-tweezers-pickup-summary").value.startswith("3x a week · 8 min")
        await app.click("draft-tweezers-pickup-open")
        assert not app.has_key("draft-tweezers-pickup-minutes")
        await app.click("draft-playdough-squeeze-remove")
        await app.click("plan-export")
        assert app.conn.saved[-1]["file_name"] == "sam-demo.json"
        await app.click("plan-use")
        action = app.by_key("preview-action").value
        assert "Version 2" in action and "from today" in action
        await app.click("plan-apply")
        fam = household.load_family(Store(folder))
        assert [s.plan.version for s in fam.segments] == [1, 2]
        new = fam.current_plan
        assert new.activity("tweezers-pickup").minutes == 8 and new.activity("playdough-squeeze") is None
        assert new.therapist_name == "J. Rivera, OTR/L" and new.birth_date == date(2021, 3, 9)
        assert fam.segments[0].plan.activity("playdough-squeeze") is not None   # the past is kept

    run(go())


def test_builder_close_goes_back_to_the_plan(tmp_path):
    folder = demo_folder(tmp_path)

    async def go():
        app = await open_app(folder)
        await go_plan(app)
        await app.click("plan-build")
        # A new plan may be for another child: nothing of Sam's is copied.
        assert app.by_key("draft-child").value == ""
        assert app.by_key("draft-birth").value == "" and app.by_key("draft-therapist").value == ""
        assert app.by_key("draft-start").value == "2026-11-30"
        await app.click("draft-cancel")
        assert app.has_key("plan-title") and not app.has_key("draft-child")

    run(go())


def test_plan_tab_keeps_the_readable_plan(tmp_path):
    folder = demo_folder(tmp_path)

    async def go():
        app = await open_app(folder)
        await go_plan(app)
        keys = app.keys()
        assert keys.index("plan-import") < keys.index("plan-title")
        assert "plan-build" in keys and "plan-edit" in keys
        assert "plan-goal-pincer" in keys and "plan-activity-tweezers-pickup" in keys
        assert app.by_key("plan-load").value.startswith("Version 1 · ")

    run(go())


def test_plan_buttons_are_touch_sized_and_labelled(tmp_path):
    folder = demo_folder(tmp_path)

    async def go():
        app = await open_app(folder)
        await go_plan(app)
        for key in ("plan-import", "plan-build", "plan-edit"):
            c = app.by_key(key)
            assert c.height >= 48 and c.tooltip
        await app.click("plan-edit")
        for key in ("plan-use", "plan-export", "draft-goal-add", "lib-add-memory-game"):
            assert app.by_key(key).height >= 48
        labels = set(app.texts())
        assert {"Close the builder", "Remove Wall push-ups", "Change Wall push-ups",
                "Remove goal: Picks up small objects with thumb and index finger"} <= labels
        for key in ("draft-cancel", "draft-wall-pushups-remove", "draft-goal-pincer-remove"):
            assert app.has_key(key)

    run(go())


# ------------------------------------------------------------------ pure: the draft

LIB = load_library()
PICS = picture_names()


def test_default_start_is_next_monday_or_today():
    assert drafts.default_start(date(2026, 11, 27)) == date(2026, 11, 30)
    assert drafts.default_start(date(2026, 11, 30)) == date(2026, 11, 30)
    assert drafts.default_start(date(2026, 11, 29)) == date(2026, 11, 30)


def test_draft_to_dict_builds_a_valid_plan():
    d = drafts.new_draft(TODAY, "Lea")
    g = drafts.add_goal(d, "  Catches a   ball ", "gross-motor")
    assert g.id == "catches-a-ball" and g.text == "Catches a ball"
    assert drafts.add_library_activity(d, LIB["ball-catching"]) is not None
    assert drafts.add_library_activity(d, LIB["ball-catching"]) is None        # once only
    drafts.add_library_activity(d, LIB["wall-pushups"])
    a = d.activity("ball-catching")
    assert a.goal == "catches-a-ball"                                          # goal of the same area
    doc = drafts.draft_to_dict(d)
    assert doc["format"] == "ot-home-plan/2" and "plan_id" not in doc and doc["version"] == 1
    assert doc["child"] == {"name": "Lea"} and doc["start"] == "2026-11-30"
    assert doc["daily_minutes"] == {"weekday": 30, "weekend": 30}
    assert doc["goals"] == [{"id": "catches-a-ball", "text": "Catches a ball", "area": "gross-motor"}]
    e = doc["activities"][0]
    assert e == {"activity": "ball-catching", "goal": "catches-a-ball", "times_per_week": 3,
                 "minutes": LIB["ball-catching"].minutes, "when": list(LIB["ball-catching"].when)}
    push = doc["activities"][1]
    assert push["reps"] == LIB["wall-pushups"].reps                            # the library's dose is kept
    c = drafts.check(d, LIB, PICS)
    assert c.ok and c.error == "" and c.plan.plan_id == "lea-2026-11-30"
    assert c.load_text.endswith("minutes a week")


def test_draft_round_trips_an_existing_plan():
    plan = importer.plan_from_dict(base_plan(), LIB, PICS)
    d = drafts.draft_from_plan(plan, 2)
    assert d.editing and d.version == 2 and d.plan_id == "maya-winter"
    c = drafts.check(d, LIB, PICS)
    assert c.ok, c.error
    again = importer.plan_to_dict(c.plan)
    want = importer.plan_to_dict(plan)
    # The builder writes format 2; a format-1 plan keeps every day as a school day, so its days
    # are scheduled exactly as before.
    assert again == dict(want, version=2, format="ot-home-plan/2", school_days=list(WEEKDAYS))
    assert c.plan.school_days == plan.school_days
    assert c.plan.activity("shoe-tying").custom and c.plan.activity("shoe-tying").steps


def test_new_draft_takes_the_next_version_of_an_imported_id():
    d = drafts.new_draft(TODAY, "Lea")
    drafts.add_library_activity(d, LIB["heavy-carry"])
    assert drafts.draft_to_dict(d, {"lea-2026-11-30": 3})["version"] == 4
    assert drafts.draft_to_dict(d, {"other": 3})["version"] == 1
    d.plan_id, d.version = "kept", 5                                           # editing keeps its own
    assert drafts.draft_to_dict(d, {"kept": 9})["version"] == 5
    assert drafts.known_versions([{"plan_id": "a", "version": 1}, {"plan_id": "a", "version": 3}]) == {"a": 3}


def test_frequency_helpers():
    d = drafts.new_draft(TODAY, "Lea")
    d.rest_days = ["sat", "sun"]
    a = drafts.add_library_activity(d, LIB["heavy-carry"])
    drafts.set_kind(d, a, "days")
    assert a.kind == "days" and a.days == ["mon", "wed", "fri"]
    entry = drafts.activity_entry(a)
    assert entry["days"] == ["mon", "wed", "fri"] and "times_per_week" not in entry
    drafts.set_kind(d, a, "day")
    assert a.kind == "day" and a.count == str(len(a.slots))
    drafts.set_count(a, "3")
    assert a.slots == ["morning", "afternoon", "evening"]
    drafts.toggle_slot(a, "bedtime", True)
    assert a.count == "4" and a.slots[-1] == "bedtime"
    drafts.set_kind(d, a, "week")
    assert a.count == "3"
    drafts.toggle_day(a, "tue", True)
    drafts.toggle_day(a, "mon", True)
    assert a.days[:2] == ["mon", "tue"]


def test_draft_line():
    d = drafts.new_draft(TODAY, "Lea")
    g = drafts.add_goal(d, "Catches a ball", "gross-motor")
    a = drafts.add_library_activity(d, LIB["ball-catching"])
    a.count, a.minutes, a.slots = "2", "8", ["afternoon", "morning"]
    assert drafts.draft_line(a, d) == "2x a week · 8 min · Morning, Afternoon · Goal: Catches a ball"
    a.kind, a.days, a.reps, a.goal = "days", ["fri", "mon"], "10", None
    assert drafts.draft_line(a, d) == "Mon, Fri · 10 reps · Morning, Afternoon"
    a.kind, a.count = "day", "1"
    assert drafts.draft_line(a).startswith("daily · ")
    assert g.id == "catches-a-ball"


def test_remove_goal_unlinks_activities():
    d = drafts.new_draft(TODAY, "Lea")
    g = drafts.add_goal(d, "Goal", None)
    drafts.add_goal(d, "Goal", None)
    assert [x.id for x in d.goals] == ["goal", "goal-2"]
    a = drafts.add_library_activity(d, LIB["heavy-carry"])
    a.goal = g.id
    drafts.remove_goal(d, g.id)
    assert a.goal is None and [x.id for x in d.goals] == ["goal-2"]
    assert drafts.add_goal(d, "   ") is None
    drafts.remove_activity(d, "heavy-carry")
    assert d.activities == []


@pytest.mark.parametrize("change,message", [
    (lambda d: setattr(d, "child", ""), "Child's name: must not be empty"),
    (lambda d: setattr(d, "start", "30/11/2026"), "Start date: must be a date written YYYY-MM-DD (got '30/11/2026')"),
    (lambda d: setattr(d, "end", "2026-11-01"), "End date: is before start (2026-11-01 < 2026-11-30)"),
    (lambda d: setattr(d, "weekday_minutes", "lots"),
     "Weekday minutes: must be a whole number from 1 to 240 (got 'lots')"),
    (lambda d: setattr(d, "weekend_minutes", ""), "Weekend minutes: is empty; give a whole number from 1 to 240"),
    (lambda d: setattr(d.activities[0], "count", "0"),
     "Heavy work carrying, times a week: must be from 1 to 7 (got 0)"),
    (lambda d: (setattr(d.activities[0], "kind", "days"), setattr(d.activities[0], "days", [])),
     "Heavy work carrying, days: needs at least one"),
    (lambda d: (setattr(d.activities[0], "kind", "days"), setattr(d.activities[0], "days", ["sun"]),
                d.rest_days.append("sun")),
     "Heavy work carrying, days: 'sun' is one of the plan's rest days"),
    (lambda d: (setattr(d.activities[0], "kind", "day"), setattr(d.activities[0], "count", "2"),
                setattr(d.activities[0], "slots", ["morning"])),
     "Heavy work carrying, slots: lists 1 slot(s) but times_per_day is 2; list exactly 2 different slots"),
    (lambda d: setattr(d.activities[0], "reps", "x"),
     "Heavy work carrying, reps: must be a whole number from 1 to 200 (got 'x')"),
    (lambda d: d.activities.clear(), "Add at least one activity from the library below."),
])
def test_check_explains_problems_in_plain_words(change, message):
    d = drafts.new_draft(TODAY, "Lea")
    drafts.add_library_activity(d, LIB["heavy-carry"])
    assert drafts.check(d, LIB, PICS).ok
    change(d)
    c = drafts.check(d, LIB, PICS)
    assert not c.ok and c.error == message
    assert c.load is None
    assert c.activity == ("heavy-carry" if message.startswith("Heavy") else None)


def test_outcome_text():
    plan = importer.plan_from_dict(base_plan(), LIB, PICS)
    assert drafts.outcome_text("revised", plan, TODAY, TODAY).startswith(
        "Version 1 of this plan: it takes over from today (27 Nov 2026)")
    assert "already started" in drafts.outcome_text("new", plan, date(2026, 11, 23), TODAY)
    assert drafts.outcome_text("replaced", plan, date(2026, 12, 1), TODAY).startswith(
        "A new plan for Maya: it replaces the current plan from 1 Dec 2026")
    assert drafts.outcome_text("unchanged", plan, TODAY, TODAY).startswith("This plan is already imported")


def test_builder_adds_the_therapists_own_activity(tmp_path):
    folder = tmp_path / "data"

    async def go():
        app = await open_app(folder)
        await build_three(app)
        await app.click("own-add")                                # nothing written yet: refused
        assert "Write the activity's title first" in app.text()
        await app.set_value("own-title", "Feed the fish")
        await app.select("own-area", "self-care")
        await app.select("own-setting", "routine")
        await app.set_value("own-steps", "Open the lid\nPinch a little food\n\nClose the lid")
        await app.click("own-add")
        assert app.has_key("draft-feed-the-fish-minutes")
        await app.set_value("draft-feed-the-fish-minutes", "2")
        assert not app.has_key("draft-error")
        await app.click("plan-export")
        plan = importer.parse_plan_json(app.conn.saved[-1]["src_bytes"], load_library(), picture_names())
        fish = plan.activity("feed-the-fish")
        assert fish.custom and fish.title == "Feed the fish" and fish.areas == ("self-care",)
        assert fish.setting == "routine" and fish.minutes == 2
        assert fish.steps == ("Open the lid", "Pinch a little food", "Close the lid")
    run(go())


def test_pure_add_custom_activity_refuses_clearly():
    d = drafts.new_draft(TODAY, "Lea")
    assert drafts.add_custom_activity(d, "", "self-care") == "Write the activity's title first"
    assert drafts.add_custom_activity(d, "Feed the fish", None) == "Choose the activity's area"
    a = drafts.add_custom_activity(d, "  Feed   the fish ", "self-care", "Open\n\nClose")
    assert a.key == "feed-the-fish" and a.custom["steps"] == ["Open", "Close"]
    assert drafts.add_custom_activity(d, "Feed the fish", "self-care") == "'Feed the fish' is already in the plan"
    assert len(drafts.add_custom_activity(d, "x" * 81, "self-care")) > 0 and len(d.activities) == 1
