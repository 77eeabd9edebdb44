"""The real app in headless Chromium (Debian's package), driven by Playwright.

Flutter draws on a canvas; after its accessibility tree is switched on, controls show up
as ARIA roles with their labels, which is how a screen reader (and these tests) find them.
Screenshots at phone size land in build/screenshots/.
"""
from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from browser_support import ARGS, browser, chromium, free_port  # noqa: F401

from conftest import ROOT

pytestmark = pytest.mark.browser
TODAY = "2026-11-27"
SHOTS = ROOT / "build" / "screenshots"




def cli(data: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "planner", "--data-dir", str(data), *args],
                          capture_output=True, text=True, timeout=60,
                          env=dict(os.environ, PLANNER_TODAY=TODAY))


def statuses(data: Path) -> dict[str, str]:
    doc = json.loads(cli(data, "schedule", "--days", "1", "--json").stdout)
    return {it["id"]: it["status"] for it in doc["days"][0]["items"]}



def start_server(data: Path):
    port = free_port()
    env = dict(os.environ, PLANNER_TODAY=TODAY)
    proc = subprocess.Popen([sys.executable, "-m", "planner", "--data-dir", str(data), "app",
                             "--no-browser", "--port", str(port)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env,
                            start_new_session=True)
    deadline = time.time() + 30
    while time.time() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                break
        except OSError:
            if proc.poll() is not None:
                pytest.fail(f"the app exited: {proc.stderr.read().decode()[-2000:]}")
            time.sleep(0.1)
    else:
        proc.kill()
        pytest.fail("the app did not start within 30 s")
    return proc, f"http://127.0.0.1:{port}"


def stop_server(proc) -> None:
    proc.send_signal(signal.SIGINT)
    try:
        proc.wait(timeout=5)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=5)


@pytest.fixture
def server(tmp_path):
    data = tmp_path / "data"
    assert cli(data, "demo").returncode == 0
    proc, url = start_server(data)
    yield url, data
    stop_server(proc)


@pytest.fixture
def v2_server(tmp_path):
    from test_ui_v2 import v2_doc
    data = tmp_path / "v2"
    plan = tmp_path / "maya.json"
    plan.write_text(json.dumps(v2_doc()))
    r = cli(data, "import", str(plan))
    assert r.returncode == 0, r.stderr
    proc, url = start_server(data)
    yield url, data
    stop_server(proc)


def open_page(browser, url, context=None):
    page = context.new_page() if context else browser.new_page(viewport={"width": 390, "height": 844})
    page.goto(url)
    page.wait_for_function("document.querySelector('flt-semantics-placeholder') !== null", timeout=60000)
    page.wait_for_timeout(1500)
    page.evaluate("document.querySelector('flt-semantics-placeholder')?.click()")
    page.get_by_role("tab", name="Today").wait_for(timeout=30000)
    page.wait_for_timeout(500)
    return page


def shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.wait_for_timeout(700)
    page.screenshot(path=str(SHOTS / f"{name}.png"))


def wait_for(pred, timeout=10.0):
    end = time.time() + timeout
    while time.time() < end:
        if pred():
            return True
        time.sleep(0.2)
    return pred()


def test_tick_an_item_by_its_label(browser, server):
    url, data = server
    page = open_page(browser, url)
    shot(page, "today")
    box = page.get_by_role("checkbox", name="Zipping a coat, morning", exact=True)
    assert box.count() == 1
    box.click()
    assert wait_for(lambda: statuses(data)["sam-demo.20261127.zipping-coat.morning"] == "done")
    page.wait_for_function(
        "[...document.querySelectorAll('[role=checkbox]')].some(e => e.getAttribute('aria-checked') === 'true')",
        timeout=10000)
    assert "1 of 7 done" in page.locator("body").aria_snapshot()
    shot(page, "today-ticked")
    page.get_by_role("tab", name="Week").click()
    page.get_by_text("This week so far", exact=False).first.wait_for(timeout=10000)
    shot(page, "week")
    page.get_by_role("tab", name="Progress").click()
    page.get_by_text("Weekly adherence").first.wait_for(timeout=10000)
    shot(page, "progress")
    page.close()


def test_contact_sheet_renders_every_picture(browser, tmp_path):
    html = tmp_path / "sheet.html"
    r = subprocess.run([sys.executable, str(ROOT / "tools" / "contact_sheet.py"), "--out", str(html)],
                       capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    page = browser.new_page(viewport={"width": 1200, "height": 900})
    page.goto(html.as_uri())
    page.wait_for_load_state("load")
    broken = page.evaluate("[...document.images].filter(i => !i.complete || i.naturalWidth === 0).length")
    total = page.evaluate("document.images.length")
    from planner.library import load_library
    assert total >= len(load_library()) and broken == 0
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "contact-sheet.png"), full_page=True)
    page.close()


CSV = ("activity;title;area;goal;times_per_week;days;times_per_day;minutes;reps;sets;when;notes\r\n"
       "puzzle-building;;;Finishes a 12-piece puzzle;3;;;10;;;afternoon;Start with 6 pieces\r\n"
       ";Feed the fish;self-care;;;mon/wed/fri;;2;;;morning;\r\n")


def test_import_a_csv_through_the_file_picker(browser, server, tmp_path):
    url, data = server
    sheet = tmp_path / "winter-plan.csv"
    sheet.write_bytes(b"\xef\xbb\xbf" + CSV.encode())
    page = open_page(browser, url)
    page.get_by_role("tab", name="Plan").click()
    page.get_by_role("button", name="Import plan file").wait_for(timeout=10000)
    with page.expect_file_chooser(timeout=15000) as chooser:
        page.get_by_role("button", name="Import plan file").click()
    chooser.value.set_files(str(sheet))
    page.get_by_role("button", name="Preview").wait_for(timeout=15000)
    shot(page, "import-csv-form")
    page.get_by_role("button", name="Preview").click()
    page.get_by_role("button", name="Apply plan").wait_for(timeout=15000)
    shot(page, "import-preview")
    page.get_by_role("button", name="Apply plan").click()
    page.wait_for_timeout(1500)

    def has_puzzle() -> bool:
        doc = json.loads(cli(data, "schedule", "--from", "2026-11-27", "--days", "14", "--json").stdout)
        return any(it["activity"] == "puzzle-building" for d in doc["days"] for it in d["items"])
    assert wait_for(has_puzzle)
    page.close()


def boxes(page, role: str) -> list[dict]:
    return page.evaluate("""(role) => [...document.querySelectorAll(`[role=${role}]`)].map(e => {
        const r = e.getBoundingClientRect();
        return {name: e.getAttribute('aria-label') || e.textContent.trim().slice(0, 60),
                x: r.x, y: r.y, w: r.width, h: r.height};
    })""", role)


def test_touch_targets_are_48_px_with_8_px_gaps(browser, server):
    url, _ = server
    page = open_page(browser, url)
    checks = [b for b in boxes(page, "checkbox") if b["h"] > 40]          # rows fully on screen
    buttons = {b["name"]: b for b in boxes(page, "button")}
    assert checks, boxes(page, "checkbox")
    for box in checks:
        assert box["w"] >= 48 and box["h"] >= 48, box
        more = buttons[f"More for {box['name']}"]
        assert more["w"] >= 48 and more["h"] >= 48, more
        assert more["x"] - (box["x"] + box["w"]) >= 8 - 0.5, (box, more)
    for name in ("Previous day", "Next day", "Kid mode"):
        assert buttons[name]["h"] >= 48 and buttons[name]["w"] >= 48, buttons[name]
    names = [b["name"] for b in boxes(page, "checkbox")]
    assert len(names) == len(set(names))                                   # unique accessible names
    page.close()


def test_a_tick_on_one_device_shows_on_the_other_within_a_second(browser, server):
    url, data = server
    phone = open_page(browser, url, browser.new_context(viewport={"width": 390, "height": 844}))
    tablet = open_page(browser, url, browser.new_context(viewport={"width": 390, "height": 844}))
    name = "Heavy work carrying, afternoon"
    phone.get_by_role("checkbox", name=name, exact=True).click()
    start = time.time()
    tablet.wait_for_function(
        """(n) => [...document.querySelectorAll('[role=checkbox]')].some(
               e => e.getAttribute('aria-label') === n && e.getAttribute('aria-checked') === 'true')""",
        arg=name, timeout=5000, polling=50)
    took = time.time() - start
    assert took < 1.0, took
    # An open sheet stays open, its timer keeps running, and it shows the tick made elsewhere.
    tablet.get_by_role("button", name="More for Zipping a coat, morning").click()
    tablet.get_by_role("button", name="Start timer").wait_for(timeout=10000)
    tablet.get_by_role("button", name="Start timer").click()
    tablet.get_by_role("button", name="Pause").wait_for(timeout=5000)
    phone.get_by_role("checkbox", name="Zipping a coat, morning", exact=True).click()
    start = time.time()
    tablet.get_by_text("Not done yet").wait_for(state="detached", timeout=5000)
    assert time.time() - start < 1.0
    assert tablet.get_by_role("button", name="Pause").count() == 1
    tablet.bring_to_front()
    tablet.get_by_text(re.compile(r"^2:5\d$")).first.wait_for(timeout=5000)    # the timer kept counting
    shot(tablet, "live-update-tablet")
    phone.close()
    tablet.close()


def test_format_2_screens(browser, v2_server):
    url, data = v2_server
    page = open_page(browser, url)
    page.get_by_text("When needed").first.wait_for(timeout=10000)
    shot(page, "v2-today")
    page.get_by_role("button", name="Log a use: Calm-down corner").click()
    page.get_by_role("button", name="Save this use").wait_for(timeout=10000)
    page.get_by_role("button", name="High").first.click()
    page.wait_for_timeout(500)
    shot(page, "v2-use-sheet")
    page.get_by_role("button", name="Save this use").click()
    page.get_by_text("Used 1 time today").first.wait_for(timeout=10000)
    assert "calm-down-corner" in cli(data, "schedule", "--days", "1", "--json").stdout
    page.keyboard.press("Escape")
    page.wait_for_timeout(500)
    page.get_by_role("button", name="More for Heavy work, morning").click()
    page.get_by_role("button", name="Heavy work carrying").wait_for(timeout=10000)
    shot(page, "v2-choice-sheet")
    page.get_by_role("button", name="Heavy work carrying").click()
    page.get_by_role("button", name="Heavy work carrying, chosen").wait_for(timeout=10000)
    page.keyboard.press("Escape")
    page.wait_for_timeout(500)
    # Safety first: on a coming day the sheet opens (read-only) with "Stop if" above the steps.
    page.get_by_role("button", name="Next day").click()
    page.get_by_role("button", name="More for Tweezer pick-up, afternoon").click()
    stop = page.get_by_text("Stop if: Her hand cramps").first
    stop.wait_for(timeout=10000)
    steps = page.get_by_text("How to do it").first
    assert stop.bounding_box()["y"] < steps.bounding_box()["y"]
    shot(page, "v2-safety-first")
    page.keyboard.press("Escape")
    page.wait_for_timeout(500)
    page.get_by_role("tab", name="Plan").click()
    page.get_by_role("button", name="Rate goal").first.wait_for(timeout=10000)
    shot(page, "v2-plan-goals")
    page.close()
