"""First-load benchmark in headless Chromium: `python -m planner.bench_web [--json]`.

For the app as `planner app` serves it (demo plan, phone-sized window, empty browser
cache) it measures
- first_load_bytes: everything transferred over HTTP until Today's checkboxes are in the
  accessibility tree (headers and bodies as sent, so gzip counts), and ws_bytes, what
  the websocket brought (the screen itself);
- first_frame_s: navigation to the first non-blank frame of the app (after Flutter took
  over from the loading picture), from screenshots taken in a loop;
- checkboxes_s: navigation to the first checkbox in the accessibility tree, with the
  accessibility tree switched on as soon as Flutter offers it (as a screen reader does).
The same is measured in the same run for a plain static page (a checklist of seven items:
what a browser needs at least on this machine) and, with `flet_default=True`, for the
same app served by Flet's own web server (what `ft.run` served before); with `wifi_mbps`,
the app (and Flet's server) again through an emulated network of that speed, as a phone on
the home Wi-Fi would load it. Every request to another host is aborted in the browser and
counted (external_requests).
"""
from __future__ import annotations

import argparse
import io
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

TODAY = "2026-11-27"
TARGETS = {"first_load_bytes": 6_000_000}
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
PHONE = {"width": 390, "height": 844}
WIFI_RTT_MS = 10

# Switch the accessibility tree on as soon as Flutter offers it and note when the first
# checkbox appears (wall-clock milliseconds).
PROBE = """(() => {
  window.__bench = {};
  const tick = () => {
    const ph = document.querySelector('flt-semantics-placeholder');
    if (ph && !window.__bench.semantics) { window.__bench.semantics = Date.now(); ph.click(); }
    if (!window.__bench.checkbox &&
        document.querySelector('[role=checkbox], input[type=checkbox]')) window.__bench.checkbox = Date.now();
    if (!window.__bench.checkbox) setTimeout(tick, 20);
  };
  setTimeout(tick, 0);
})();"""

STATIC_PAGE = """<!doctype html><html lang=en><head><meta charset=utf-8>
<meta name=viewport content="width=device-width,initial-scale=1"><title>Checklist</title>
<style>body{font-family:sans-serif;margin:0;background:#FAFCFB}h1{background:#E8F3EF;margin:0;padding:16px}
label{display:flex;gap:12px;padding:16px;border-bottom:1px solid #ddd}</style></head><body>
<h1>Sam's practice</h1>%s</body></html>""" % "".join(
    f"<label><input type=checkbox> {t}</label>" for t in
    ("Wall push-ups", "Zipping a coat", "Heavy work carrying", "Playdough squeeze and roll",
     "Bead stringing", "Wall push-ups, before homework", "Deep breathing"))


def chromium() -> str | None:
    """Debian's Chromium, or the one PLANNER_CHROMIUM names (Playwright's own download is never used)."""
    for cand in (os.environ.get("PLANNER_CHROMIUM"), "/usr/bin/chromium", shutil.which("chromium"),
                 shutil.which("chromium-browser")):
        if cand and Path(cand).exists():
            return cand
    return None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_port(port: int, proc: subprocess.Popen | None = None, timeout: float = 30) -> None:
    end = time.time() + timeout
    while time.time() < end:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            if proc is not None and proc.poll() is not None:
                raise RuntimeError(f"the server exited: {proc.stderr.read().decode()[-1500:]}")
            time.sleep(0.1)
    raise RuntimeError("the server did not start")


def stop(proc: subprocess.Popen) -> None:
    proc.send_signal(signal.SIGINT)
    try:
        proc.wait(timeout=5)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=5)


def non_blank(jpeg: bytes) -> bool:
    """A frame with something drawn on it (a plain background is not)."""
    from PIL import Image, ImageStat
    img = Image.open(io.BytesIO(jpeg)).convert("L").resize((98, 211))
    return ImageStat.Stat(img).stddev[0] > 4.0


def load_once(browser, url: str, timeout_s: float = 90, wifi_mbps: float | None = None) -> dict:
    """One first load in a fresh browser profile: bytes, first drawn frame, checkbox time.

    Chromium's screencast does not show Flutter's canvas in headless mode, so frames are
    taken with screenshots in a loop (each takes 50-150 ms here: that is the resolution of
    first_frame_s, which is when the first non-blank one was back)."""
    ctx = browser.new_context(viewport=PHONE)
    own = urlsplit(url).netloc
    external: list[str] = []

    def guard(route):
        if urlsplit(route.request.url).netloc != own:
            external.append(route.request.url)
            route.abort()
        else:
            route.continue_()
    ctx.route("**/*", guard)
    ctx.add_init_script(PROBE)
    page = ctx.new_page()
    cdp = ctx.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
    if wifi_mbps:                                    # a phone on the home Wi-Fi
        rate = wifi_mbps * 1e6 / 8
        cdp.send("Network.emulateNetworkConditions", {"offline": False, "latency": WIFI_RTT_MS,
                                                      "downloadThroughput": rate, "uploadThroughput": rate})
    sizes: dict[str, int] = {}
    ws = [0]
    cdp.on("Network.loadingFinished", lambda e: sizes.__setitem__(e["requestId"], e["encodedDataLength"]))
    cdp.on("Network.webSocketFrameReceived",
           lambda e: ws.__setitem__(0, ws[0] + len(e["response"].get("payloadData", ""))))
    t0 = time.time()
    page.goto(url, wait_until="commit")
    first = None
    shots = 0
    while time.time() - t0 < timeout_s:
        state = page.evaluate("({splash: document.readyState === 'loading' || "
                              "!!document.getElementById('loading'), "
                              "checkbox: (window.__bench || {}).checkbox || 0})")
        if first is None and not state["splash"]:        # parsed, and Flutter's loading picture gone
            shot = page.screenshot(type="jpeg", quality=40)
            shots += 1
            if non_blank(shot):
                first = time.time()
        if first is not None and state["checkbox"]:
            break
        page.wait_for_timeout(20)
    else:
        ctx.close()
        raise RuntimeError(f"{url}: no checkbox within {timeout_s} s")
    page.get_by_role("checkbox").first.wait_for(timeout=10000)     # really in the accessibility tree
    page.wait_for_timeout(500)                                       # late requests (pictures)
    probe = page.evaluate("window.__bench")
    ctx.close()
    return {
        "first_load_bytes": sum(sizes.values()),
        "requests": len(sizes),
        "ws_bytes": ws[0],
        "first_frame_s": round(first - t0, 3),
        "checkboxes_s": round(probe["checkbox"] / 1000 - t0, 3),
        "screenshots": shots,
        "external_requests": external,
    }


def _app_server(data: Path, cache: Path, flet_default: bool) -> tuple[subprocess.Popen, str]:
    port = free_port()
    env = dict(os.environ, PLANNER_TODAY=TODAY, PLANNER_CACHE_DIR=str(cache))
    if flet_default:
        # What `ft.run(..., view=WEB_BROWSER, no_cdn=True)` serves: Flet's FastAPI app alone.
        code = ("import sys, uvicorn, flet_web.fastapi as ff\n"
                "from pathlib import Path\n"
                "from planner.views.app import build\n"
                "from planner.library import ASSETS_DIR\n"
                "from planner.clock import today\n"
                "app = ff.FastAPI()\n"
                "app.mount('/', ff.app(lambda page: build(page, Path(sys.argv[1]), today),"
                " assets_dir=str(ASSETS_DIR), no_cdn=True))\n"
                "uvicorn.run(app, host='127.0.0.1', port=int(sys.argv[2]), log_level='warning',"
                " ws='websockets-sansio')\n")
        cmd = [sys.executable, "-c", code, str(data), str(port)]
    else:
        cmd = [sys.executable, "-m", "planner", "--data-dir", str(data), "app", "--no-browser",
               "--port", str(port)]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env,
                            start_new_session=True)
    wait_port(port, proc)
    return proc, f"http://127.0.0.1:{port}/"


def median_of(browser, url: str, runs: int, wifi_mbps: float | None = None) -> dict:
    """`runs` first loads (each in a fresh profile); the median of each time, all times kept."""
    loads = [load_once(browser, url, wifi_mbps=wifi_mbps) for _ in range(runs)]
    out = dict(loads[0])
    for key in ("first_frame_s", "checkboxes_s"):
        values = sorted(r[key] for r in loads)
        out[key] = values[len(values) // 2]
        out[key.replace("_s", "_runs_s")] = [r[key] for r in loads]
    out["external_requests"] = sorted({u for r in loads for u in r["external_requests"]})
    return out


def measure(flet_default: bool = False, runs: int = 3, wifi_mbps: float | None = None) -> dict:
    """First load of the app (and of the baselines) in headless Chromium; see the module doc."""
    exe = chromium()
    if exe is None:
        return {"skipped": "no chromium (install Debian's package or set PLANNER_CHROMIUM)"}
    from playwright.sync_api import sync_playwright

    tmp = Path(tempfile.mkdtemp(prefix="planner-bench-web-"))
    procs: list[subprocess.Popen] = []
    httpd = None
    try:
        data = tmp / "data"
        env = dict(os.environ, PLANNER_TODAY=TODAY)
        subprocess.run([sys.executable, "-m", "planner", "--data-dir", str(data), "demo"], env=env,
                       check=True, capture_output=True, timeout=120)
        (tmp / "static").mkdir()
        (tmp / "static" / "index.html").write_text(STATIC_PAGE, "utf-8")
        httpd = ThreadingHTTPServer(("127.0.0.1", 0), partial(_Quiet, directory=str(tmp / "static")))
        threading.Thread(target=httpd.serve_forever, daemon=True).start()
        static_url = f"http://127.0.0.1:{httpd.server_address[1]}/"
        proc, app_url = _app_server(data, tmp / "cache", flet_default=False)
        procs.append(proc)
        out: dict = {"targets": TARGETS, "wifi_mbps": wifi_mbps, "wifi_rtt_ms": WIFI_RTT_MS if wifi_mbps else None}
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=exe, args=ARGS)
            try:
                load_once(browser, app_url)          # the server's first visitor: gzip made, caches warm
                out["app"] = median_of(browser, app_url, runs)
                out["static_page"] = median_of(browser, static_url, runs)
                if wifi_mbps:
                    out["app_wifi"] = median_of(browser, app_url, runs, wifi_mbps)
                if flet_default:
                    proc2, flet_url = _app_server(data, tmp / "cache", flet_default=True)
                    procs.append(proc2)
                    load_once(browser, flet_url)
                    out["flet_default"] = median_of(browser, flet_url, runs)
                    if wifi_mbps:
                        out["flet_default_wifi"] = median_of(browser, flet_url, runs, wifi_mbps)
            finally:
                browser.close()
        out["app"]["meets_target"] = out["app"]["first_load_bytes"] <= TARGETS["first_load_bytes"]
        return out
    finally:
        for proc in procs:
            stop(proc)
        if httpd is not None:
            httpd.shutdown()
        shutil.rmtree(tmp, ignore_errors=True)


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m planner.bench_web", description=__doc__.splitlines()[0])
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--flet-default", action="store_true",
                    help="also measure the app served by Flet's own web server")
    ap.add_argument("--runs", type=int, default=3, help="first loads per page (median reported)")
    ap.add_argument("--wifi-mbps", type=float, default=None,
                    help="also load the app through an emulated network of this speed (e.g. 30)")
    args = ap.parse_args(argv)
    res = measure(flet_default=args.flet_default, runs=max(1, args.runs), wifi_mbps=args.wifi_mbps)
    if args.json:
        print(json.dumps(res, indent=2))
        return 0
    if "skipped" in res:
        print(res["skipped"])
        return 0
    for name in ("app", "static_page", "flet_default", "app_wifi", "flet_default_wifi"):
        if name in res:
            r = res[name]
            print(f"{name:12} {r['first_load_bytes'] / 1e6:6.2f} MB in {r['requests']:2d} requests "
                  f"(+{r['ws_bytes'] / 1e3:.0f} kB websocket)  first frame {r['first_frame_s']} s  "
                  f"checkboxes {r['checkboxes_s']} s  external requests {len(r['external_requests'])}")
    print(f"target: first load <= {TARGETS['first_load_bytes'] / 1e6:.0f} MB: "
          f"{'met' if res['app']['meets_target'] else 'NOT met'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
