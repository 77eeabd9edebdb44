"""`planner app --lan` in real headless Chromium (Debian's package), phone-sized.

The server binds 127.0.0.1 (tests never use another address) but runs in LAN mode:
only a browser that opened the pairing link gets in. Every request the paired page
makes must go to the app's own host. Screenshots land in build/screenshots/.
"""
from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from browser_support import ARGS, browser, chromium, free_port  # noqa: F401

from conftest import ROOT
from planner import web

pytestmark = pytest.mark.browser
TODAY = "2026-11-27"
SHOTS = ROOT / "build" / "screenshots"
PHONE = {"width": 390, "height": 844}
# Records Content-Security-Policy violations: a blocked request to another host is a failure too.
WATCH_CSP = """window.__cspViolations = [];
document.addEventListener('securitypolicyviolation', e => window.__cspViolations.push(e.blockedURI));"""
WS_TRY = """url => new Promise(done => {
  const ws = new WebSocket(url);
  ws.onopen = () => { done('open'); ws.close(); };
  ws.onerror = () => done('refused');
  setTimeout(() => done('timeout'), 10000);
})"""





@pytest.fixture
def lan_server(tmp_path, tmp_path_factory):
    data = tmp_path / "data"
    env = dict(os.environ, PLANNER_TODAY=TODAY, PLANNER_CACHE_DIR=str(tmp_path_factory.getbasetemp() / "cache"))
    subprocess.run([sys.executable, "-m", "planner", "--data-dir", str(data), "demo"], env=env, check=True,
                   capture_output=True, timeout=60)
    port = free_port()
    log = tmp_path / "server.log"
    with open(log, "wb") as err:
        proc = subprocess.Popen([sys.executable, "-m", "planner", "--data-dir", str(data), "app", "--lan",
                                 "--host", "127.0.0.1", "--port", str(port), "--no-browser"],
                                stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=err, env=env,
                                start_new_session=True)
    url = None
    deadline = time.time() + 30
    while time.time() < deadline:
        text = log.read_text("utf-8", errors="replace")
        m = re.search(r"(http://127\.0\.0\.1:\d+/pair\?code=\w+)", text)
        if m:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                    url = m.group(1)
                    break
            except OSError:
                pass
        if proc.poll() is not None:
            pytest.fail(f"the app exited: {text[-2000:]}")
        time.sleep(0.1)
    if url is None:
        os.killpg(proc.pid, signal.SIGKILL)
        pytest.fail("the app did not start within 30 s")
    yield f"http://127.0.0.1:{port}", url, data, log
    proc.send_signal(signal.SIGINT)
    try:
        proc.wait(timeout=5)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=5)


def new_context(browser, base: str):
    """A fresh browser profile (its own cookies) that records every request it makes."""
    ctx = browser.new_context(viewport=PHONE)
    ctx.add_init_script(WATCH_CSP)
    ctx.requests = []
    ctx.on("request", lambda r: ctx.requests.append(r.url))
    return ctx


def websocket_status(browser, base: str, cookies: list[dict]) -> tuple[str, list[str]]:
    """Open the app's websocket from the app's own origin with these cookies: 'open' or
    'refused', and the console lines, where Chromium names the status of a refused handshake.
    The page is whatever the server answers at `/` (the 403 page for a stranger), with its
    CSP bypassed so that only the server decides."""
    ctx = browser.new_context(viewport=PHONE, bypass_csp=True)
    ctx.add_cookies(cookies)
    page = ctx.new_page()
    lines: list[str] = []
    page.on("console", lambda m: lines.append(m.text))
    page.goto(base + "/")
    result = page.evaluate(WS_TRY, base.replace("http://", "ws://") + "/ws")
    page.wait_for_timeout(200)
    ctx.close()
    return result, lines


def foreign(ctx, base: str) -> list[str]:
    own = urlsplit(base).netloc
    return [u for u in ctx.requests if urlsplit(u).scheme in ("http", "https", "ws", "wss")
            and urlsplit(u).netloc != own]


def open_app(page):
    page.wait_for_function("document.querySelector('flt-semantics-placeholder') !== null", timeout=60000)
    page.wait_for_timeout(1500)
    page.evaluate("document.querySelector('flt-semantics-placeholder')?.click()")
    page.get_by_role("tab", name="Today").wait_for(timeout=30000)
    page.wait_for_timeout(500)


def shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.wait_for_timeout(700)
    page.screenshot(path=str(SHOTS / f"{name}.png"))


def test_unpaired_gets_403_paired_works_removed_gets_403(browser, lan_server):
    base, pair_url, data, log = lan_server

    # A device that never opened the pairing link: the page and the websocket are refused.
    stranger = new_context(browser, base)
    page = stranger.new_page()
    resp = page.goto(base + "/")
    assert resp.status == 403
    assert "not paired" in page.locator("body").inner_text()
    result, console = websocket_status(browser, base, [])
    assert result == "refused" and any("403" in line for line in console), console
    for path in ("/flutter_bootstrap.js", "/manifest.json", "/favicon.png"):
        assert page.request.get(base + path).status == 403, path
    shot(page, "lan-not-paired")
    stranger.close()

    # The family's phone opens the pairing link: the app loads, all from this host.
    phone = new_context(browser, base)
    page = phone.new_page()
    sockets = []
    page.on("websocket", lambda ws: sockets.append(ws))
    page.goto(pair_url)
    open_app(page)
    page.wait_for_timeout(2000)              # the pictures arrive after the text
    assert page.title() == "Home practice"
    box = page.get_by_role("checkbox", name=re.compile(r"^Zipping a coat"))
    assert box.count() == 1
    shot(page, "lan-paired-today")
    cookie = next(c for c in phone.cookies() if c["name"] == "hp_device")
    assert cookie["httpOnly"] and cookie["sameSite"] == "Strict"
    assert cookie["expires"] > time.time() + 300 * 24 * 3600
    assert foreign(phone, base) == [], foreign(phone, base)
    assert page.evaluate("window.__cspViolations") == []
    assert any(urlsplit(u).path.endswith("rive_native.js") for u in phone.requests)   # the local stub
    assert websocket_status(browser, base, phone.cookies())[0] == "open"

    # The pairing link was used: a second browser cannot use it again.
    late = new_context(browser, base)
    assert late.new_page().goto(pair_url).status == 403
    late.close()

    # Removing the phone (Settings does this) closes its socket and refuses what comes next.
    [device] = web.list_devices(data)
    assert web.remove_device(data, device.id)
    flet_ws = [ws for ws in sockets if ws.url.endswith("/ws")]
    assert flet_ws
    deadline = time.time() + 10
    while not all(ws.is_closed() for ws in flet_ws) and time.time() < deadline:
        page.wait_for_timeout(200)
    assert all(ws.is_closed() for ws in flet_ws)
    assert page.reload().status == 403
    result, console = websocket_status(browser, base, phone.cookies())
    assert result == "refused" and any("403" in line for line in console), console
    phone.close()


def test_terminal_shows_the_link_and_a_qr_code_and_a_new_code_pairs(browser, lan_server):
    base, pair_url, data, log = lan_server
    text = log.read_text("utf-8")
    assert pair_url in text and "works once" in text
    qr_lines = [line for line in text.splitlines() if len(line) >= 25 and set(line) <= set("█▀▄ ")]
    assert len(qr_lines) >= 15 and len({len(line) for line in qr_lines}) == 1       # the QR code
    assert "127.0.0.1" in text and "0.0.0.0" not in text
    # Settings makes a new code while the server runs (another process here): it pairs too.
    fresh = web.pairing_url(web.new_pairing_code(data), base)
    tablet = new_context(browser, base)
    page = tablet.new_page()
    page.goto(fresh)
    open_app(page)
    page.get_by_role("tab", name="Week").click()
    page.get_by_text("This week so far", exact=False).first.wait_for(timeout=10000)
    assert foreign(tablet, base) == []
    assert [d.name for d in web.list_devices(data)] == ["Chrome on Linux computer"]
    assert "Paired: Chrome on Linux computer" in log.read_text("utf-8")
    tablet.close()


@pytest.fixture
def local_server(tmp_path, tmp_path_factory):
    """The default `planner app` (127.0.0.1 only, no pairing)."""
    data = tmp_path / "data"
    env = dict(os.environ, PLANNER_TODAY=TODAY, PLANNER_CACHE_DIR=str(tmp_path_factory.getbasetemp() / "cache"))
    subprocess.run([sys.executable, "-m", "planner", "--data-dir", str(data), "demo"], env=env, check=True,
                   capture_output=True, timeout=60)
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "planner", "--data-dir", str(data), "app", "--port", str(port),
                             "--no-browser"], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, env=env, start_new_session=True)
    deadline = time.time() + 30
    while True:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                break
        except OSError:
            if proc.poll() is not None or time.time() > deadline:
                os.killpg(proc.pid, signal.SIGKILL)
                pytest.fail("the app did not start")
            time.sleep(0.1)
    yield f"http://127.0.0.1:{port}/"
    proc.send_signal(signal.SIGINT)
    try:
        proc.wait(timeout=5)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=5)


def test_first_load_is_under_six_megabytes_and_stays_on_this_machine(browser, local_server):
    from planner.bench_web import TARGETS, load_once
    load_once(browser, local_server)                 # the server's first visitor makes the gzip files
    first = load_once(browser, local_server)         # a new phone: empty browser cache
    assert first["external_requests"] == []
    assert first["first_load_bytes"] <= TARGETS["first_load_bytes"], first
    assert first["checkboxes_s"] > 0 and first["first_frame_s"] > 0
    # The default server needs no pairing and gives no cookie.
    ctx = browser.new_context(viewport=PHONE)
    page = ctx.new_page()
    assert page.goto(local_server).status == 200 and page.title() == "Home practice"
    assert ctx.cookies() == []
    ctx.close()
