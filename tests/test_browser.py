"""The real app in headless Chromium (Debian's package), driven by Playwright.

Flutter draws on a canvas; after its accessibility tree is switched on, controls show up
as ARIA roles with their labels, which is how a screen reader (and these tests) find them.
Screenshots at phone size land in build/screenshots/.
"""
from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import ROOT

pytestmark = pytest.mark.browser
TODAY = "2026-11-27"
SHOTS = ROOT / "build" / "screenshots"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def chromium() -> str | None:
    for cand in (os.environ.get("PLANNER_CHROMIUM"), "/usr/bin/chromium", shutil.which("chromium"),
                 shutil.which("chromium-browser")):
        if cand and Path(cand).exists():
            return cand
    return None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def cli(data: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "planner", "--data-dir", str(data), *args],
                          capture_output=True, text=True, timeout=60,
                          env=dict(os.environ, PLANNER_TODAY=TODAY))


def statuses(data: Path) -> dict[str, str]:
    doc = json.loads(cli(data, "schedule", "--days", "1", "--json").stdout)
    return {it["id"]: it["status"] for it in doc["days"][0]["items"]}


@pytest.fixture(scope="module")
def browser():
    exe = chromium()
    if exe is None:
        if os.environ.get("CI"):
            pytest.fail("chromium is missing in CI (.ci/run installs it)")
        pytest.skip("no chromium here; `make test` installs Debian's package")
    from playwright.sync_api import sync_playwright
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=exe, args=ARGS)
        yield b
        b.close()


@pytest.fixture
def server(tmp_path):
    data = tmp_path / "data"
    assert cli(data, "demo").returncode == 0
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
    yield f"http://127.0.0.1:{port}", data
    proc.send_signal(signal.SIGINT)
    try:
        proc.wait(timeout=5)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=5)


def open_page(browser, url):
    page = browser.new_page(viewport={"width": 390, "height": 844})
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
    box = page.get_by_role("checkbox", name="Zipping a coat", exact=True)
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


def test_kid_mode_i_did_it_and_leave_through_the_gate(browser, server):
    url, data = server
    page = open_page(browser, url)
    page.get_by_role("button", name="Kid mode").click()
    did = page.get_by_role("button", name="I did it!")
    did.wait_for(timeout=10000)
    shot(page, "kid-now")
    did.click()
    assert wait_for(lambda: statuses(data)["sam-demo.20261127.wall-pushups.morning"] == "done")
    page.get_by_text("Great job!").first.wait_for(timeout=5000)
    shot(page, "kid-celebrate")
    page.get_by_role("button", name="I did it!").wait_for(timeout=10000)
    # A quick tap on the gate does nothing; a long press-and-hold leaves kid mode.
    gate = page.get_by_role("button", name="Grown-ups: press and hold to leave kid mode")
    gate.click()
    page.wait_for_timeout(1000)
    assert page.get_by_role("tab", name="Today").count() == 0
    box = gate.bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.mouse.down()
    page.wait_for_timeout(4500)
    page.mouse.up()
    page.get_by_role("tab", name="Today").wait_for(timeout=10000)
    shot(page, "after-gate")
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
