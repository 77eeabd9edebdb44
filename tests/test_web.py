"""The home server (planner/web): pairing, device cookies, 403s, static files and headers.

A real uvicorn server on 127.0.0.1 (a free port) serves a tiny Flet app through our ASGI
app; httpx and the websockets client talk to it over real HTTP.
"""
from __future__ import annotations

import gzip
import io
import json
import os
import socket
import threading
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

import flet as ft
import httpx
import pytest
import uvicorn
from PIL import Image
from websockets.exceptions import ConnectionClosed, InvalidStatus
from websockets.sync.client import connect as ws_connect

from planner import web
from planner.library import ASSETS_DIR
from planner.web import devices as dev
from planner.web import static
from planner.web.server import COOKIE, OWN_DIR, HomeServer

T0 = datetime(2026, 11, 27, 18, 0, tzinfo=timezone.utc)
IPHONE = ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 "
          "(KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1")
PIXEL = ("Mozilla/5.0 (Linux; Android 14; Pixel 7 Build/UQ1A.240205.004) AppleWebKit/537.36 "
         "(KHTML, like Gecko) Chrome/122.0.0.0 Mobile Safari/537.36")


def hello(page: ft.Page) -> None:
    page.add(ft.Text("hello"))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Running:
    """Our ASGI app under uvicorn in a thread, on 127.0.0.1 only."""

    def __init__(self, app: HomeServer):
        self.app = app
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        config = uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="warning",
                                ws="websockets-sansio", lifespan="on")
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)
        self.thread.start()
        end = time.time() + 15
        while not self.server.started:
            assert time.time() < end, "the server did not start"
            time.sleep(0.05)

    def stop(self) -> None:
        self.server.should_exit = True
        self.server.force_exit = True       # do not wait for Flet sessions that never registered
        self.thread.join(10)
        assert not self.thread.is_alive()


@pytest.fixture
def lan(tmp_path):
    data = tmp_path / "data"
    srv = Running(HomeServer(hello, data, ASSETS_DIR, lan=True, gzip_cache=tmp_path / "gz"))
    yield srv, data
    srv.stop()


@pytest.fixture
def local(tmp_path):
    srv = Running(HomeServer(hello, tmp_path / "data", ASSETS_DIR, lan=False, gzip_cache=tmp_path / "gz"))
    yield srv
    srv.stop()


def pair(srv: Running, data: Path, ua: str = IPHONE) -> tuple[str, httpx.Response]:
    code = web.new_pairing_code(data)
    r = httpx.get(web.pairing_url(code, srv.url), headers={"user-agent": ua})
    return r.cookies.get(COOKIE), r


def ws_status(url: str, **headers) -> int:
    """101 if the websocket opens, else the HTTP status of the refusal."""
    try:
        with ws_connect(url, additional_headers=headers, open_timeout=10):
            return 101
    except InvalidStatus as exc:
        return exc.response.status_code


# ------------------------------------------------------------------ devices and codes
def test_a_code_pairs_one_device_once_and_only_hashes_are_stored(tmp_path):
    book = dev.DeviceBook(tmp_path)
    code = book.new_code(now=T0)
    assert len(code.code) == 10 and set(code.code) <= set(dev.CODE_ALPHABET)
    assert code.display == f"{code.code[:5]}-{code.code[5:]}"
    device, token = book.pair(code.display.lower(), IPHONE, now=T0 + timedelta(minutes=1))
    assert device.name == "Safari on iPhone"
    assert book.check(token) == device
    assert book.pair(code.code, IPHONE, now=T0 + timedelta(minutes=2)) is None     # single use
    stored = (tmp_path / dev.FILE_NAME).read_text()
    assert token not in stored and code.code not in stored
    assert dev.sha256(token) in stored
    assert book.check("not-a-token") is None and book.check(None) is None


def test_a_code_expires_after_ten_minutes(tmp_path):
    book = dev.DeviceBook(tmp_path)
    code = book.new_code(now=T0)
    assert book.has_open_code(now=T0 + timedelta(minutes=9))
    assert book.pair(code.code, PIXEL, now=T0 + timedelta(minutes=10, seconds=1)) is None
    assert book.devices() == []


def test_at_most_three_codes_are_open(tmp_path):
    book = dev.DeviceBook(tmp_path)
    codes = [book.new_code(now=T0 + timedelta(seconds=i)) for i in range(4)]
    assert book.pair(codes[0].code, PIXEL, now=T0 + timedelta(minutes=1)) is None
    for c in codes[1:]:
        assert book.pair(c.code, PIXEL, now=T0 + timedelta(minutes=1)) is not None
    assert len(book.devices()) == 3


def test_guessing_closes_every_open_code(tmp_path):
    book = dev.DeviceBook(tmp_path)
    code = book.new_code(now=T0)
    for i in range(dev.MAX_FAILURES):
        assert book.pair(f"WRONG{i:05d}", PIXEL, now=T0) is None
    assert book.pair(code.code, PIXEL, now=T0) is None
    fresh = book.new_code(now=T0)                      # the family makes a new one
    assert book.pair(fresh.code, PIXEL, now=T0) is not None


def test_removed_device_is_no_longer_trusted_and_others_stay(tmp_path):
    book = dev.DeviceBook(tmp_path)
    a, ta = book.pair(book.new_code(now=T0).code, IPHONE, now=T0)
    b, tb = book.pair(book.new_code(now=T0).code, PIXEL, now=T0)
    assert [d.name for d in web.list_devices(tmp_path)] == ["Safari on iPhone", "Chrome on Pixel 7"]
    assert web.remove_device(tmp_path, a.id) is True
    assert web.remove_device(tmp_path, a.id) is False
    # `web.*` and this book share the file: the change is seen through the file.
    assert book.check(ta) is None and book.check(tb) == b


def test_last_seen_is_written_at_most_once_a_minute(tmp_path):
    book = dev.DeviceBook(tmp_path)
    d, _ = book.pair(book.new_code(now=T0).code, IPHONE, now=T0)
    before = (tmp_path / dev.FILE_NAME).stat().st_mtime_ns
    book.seen(d.id, now=T0 + timedelta(seconds=30))
    assert (tmp_path / dev.FILE_NAME).stat().st_mtime_ns == before
    book.seen(d.id, now=T0 + timedelta(minutes=5))
    assert book.devices()[0].last_seen == T0 + timedelta(minutes=5)
    assert book.devices()[0].paired == T0


@pytest.mark.parametrize("ua,name", [
    (IPHONE, "Safari on iPhone"),
    (PIXEL, "Chrome on Pixel 7"),
    ("Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0 Mobile Safari/537.36",
     "Chrome on Android phone"),
    ("Mozilla/5.0 (iPad; CPU OS 16_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) CriOS/120.0 "
     "Mobile/15E148 Safari/604.1", "Chrome on iPad"),
    ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 "
     "Safari/537.36 Edg/120.0", "Edge on Windows PC"),
    ("Mozilla/5.0 (Macintosh; Intel Mac OS X 14.4; rv:125.0) Gecko/20100101 Firefox/125.0", "Firefox on Mac"),
    ("", "Unknown device"),
])
def test_device_names_from_the_user_agent(ua, name):
    assert dev.device_name(ua) == name


# ------------------------------------------------------------------ the LAN gate
def test_unpaired_requests_get_403_everywhere(lan):
    srv, data = lan
    build = srv.app.build
    for path in ("/", "/today", "/manifest.json", "/favicon.png", "/flutter_bootstrap.js",
                 f"/_v/{build}/main.dart.wasm", "/activities/wall-pushups.svg", "/pair"):
        r = httpx.get(srv.url + path)
        assert r.status_code == 403, path
        assert "main.dart" not in r.text and "flet" not in r.text.lower()
    assert "not paired" in httpx.get(srv.url + "/").text
    assert ws_status(f"ws://127.0.0.1:{srv.port}/ws") == 403
    bad = httpx.get(srv.url + "/pair?code=ABCDEFGHJK")
    assert bad.status_code == 403 and "expired" in bad.text and COOKIE not in bad.headers.get("set-cookie", "")


def test_pairing_link_trusts_the_device_with_a_strict_httponly_cookie(lan):
    srv, data = lan
    token, r = pair(srv, data)
    assert r.status_code == 200 and token
    cookie = r.headers["set-cookie"]
    for part in ("HttpOnly", "SameSite=Strict", "Path=/", f"Max-Age={400 * 24 * 3600}"):
        assert part in cookie
    assert 'http-equiv="refresh" content="0;url=/"' in r.text
    jar = {COOKIE: token}
    page = httpx.get(srv.url + "/", cookies=jar)
    assert page.status_code == 200 and "<title>Home practice</title>" in page.text
    assert httpx.get(srv.url + "/favicon.png", cookies=jar).status_code == 200
    assert ws_status(f"ws://127.0.0.1:{srv.port}/ws", Cookie=f"{COOKIE}={token}",
                     Origin=srv.url) == 101
    again = httpx.get(srv.url + "/pair?code=WHATEVER", cookies=jar)
    assert again.status_code == 303 and again.headers["location"] == "/"
    [device] = web.list_devices(data)
    assert device.name == "Safari on iPhone"


def test_a_used_code_does_not_pair_a_second_device(lan):
    srv, data = lan
    code = web.new_pairing_code(data)
    assert httpx.get(web.pairing_url(code, srv.url)).status_code == 200
    second = httpx.get(web.pairing_url(code, srv.url))
    assert second.status_code == 403 and not second.cookies.get(COOKIE)
    assert len(web.list_devices(data)) == 1


def test_removed_device_gets_403_and_its_open_websocket_is_closed(lan):
    srv, data = lan
    token, _ = pair(srv, data)
    other, _ = pair(srv, data, PIXEL)
    headers = {"Cookie": f"{COOKIE}={token}", "Origin": srv.url}
    with ws_connect(f"ws://127.0.0.1:{srv.port}/ws", additional_headers=headers, open_timeout=10) as ws:
        [device] = [d for d in web.list_devices(data) if d.name == "Safari on iPhone"]
        t = time.time()
        assert web.remove_device(data, device.id)
        with pytest.raises(ConnectionClosed) as closed:
            while True:
                ws.recv(timeout=5)
        assert closed.value.rcvd.code == 1008 and time.time() - t < 2
    assert httpx.get(srv.url + "/", cookies={COOKIE: token}).status_code == 403
    assert ws_status(f"ws://127.0.0.1:{srv.port}/ws", **headers) == 403
    assert httpx.get(srv.url + "/", cookies={COOKIE: other}).status_code == 200


def test_websocket_from_another_site_is_refused_even_with_the_cookie(lan):
    srv, data = lan
    token, _ = pair(srv, data)
    assert ws_status(f"ws://127.0.0.1:{srv.port}/ws", Cookie=f"{COOKIE}={token}",
                     Origin="http://evil.example") == 403


# ------------------------------------------------------------------ loopback default
def test_loopback_default_needs_no_pairing_but_only_answers_this_machine(local):
    assert httpx.get(local.url + "/").status_code == 200
    assert httpx.get(local.url.replace("127.0.0.1", "localhost") + "/").status_code == 200
    rebound = httpx.get(local.url + "/", headers={"host": f"evil.example:{local.port}"})
    assert rebound.status_code == 403 and "main.dart" not in rebound.text
    url = f"ws://127.0.0.1:{local.port}/ws"
    assert ws_status(url, Origin=local.url) == 101
    assert ws_status(url, Origin="http://evil.example") == 403
    assert httpx.get(local.url + "/pair?code=X").status_code == 200      # just the app's page
    assert not (local.app.data_dir / dev.FILE_NAME).exists()


def test_swagger_pages_and_paths_outside_the_roots_are_not_served(local):
    for path in ("/docs", "/redoc", "/openapi.json"):
        assert httpx.get(local.url + path).status_code == 404, path
    for path in ("/../pyproject.toml", "/%2e%2e/pyproject.toml", "/activities/..%2f..%2fpyproject.toml",
                 "/assets/../../pyproject.toml"):
        r = httpx.get(local.url + path)
        assert "[project]" not in r.text, path


# ------------------------------------------------------------------ page, icons, files
def test_page_is_named_home_practice_with_our_icons_and_no_cdn(local):
    r = httpx.get(local.url + "/")
    html = r.text
    assert "<title>Home practice</title>" in html
    assert 'apple-mobile-web-app-title" content="Home practice"' in html
    assert '<meta name="theme-color" content="#2E7D6B">' in html
    assert html.index("rive_native.js") < html.index("<base ")         # the shim runs first
    assert f'flet.entrypointBaseUrl="/_v/{local.app.build}/"' in html and "flet.noCdn=true" in html
    csp = r.headers["content-security-policy"]
    assert "default-src 'self'" in csp and "https:" not in csp and "frame-ancestors 'none'" in csp
    assert r.headers["cache-control"] == "no-cache"
    assert r.headers["cross-origin-opener-policy"] == "same-origin"
    assert "access-control-allow-origin" not in r.headers
    manifest = httpx.get(local.url + "/manifest.json").json()
    assert manifest["name"] == manifest["short_name"] == "Home practice"
    assert manifest["theme_color"] == "#2E7D6B"
    for icon in manifest["icons"]:
        png = httpx.get(f"{local.url}/{icon['src']}")
        assert png.content == (OWN_DIR / icon["src"]).read_bytes()
        w, h = Image.open(io.BytesIO(png.content)).size
        assert f"{w}x{h}" == icon["sizes"]
    for path in ("/favicon.png", "/favicon.svg", "/icons/apple-touch-icon-192.png", "/icons/loading-animation.png"):
        assert httpx.get(local.url + path).content == (OWN_DIR / path.lstrip("/")).read_bytes()
    stub = httpx.get(local.url + "/offline/rive_native.js")
    assert stub.status_code == 200 and "window.RiveNative" in stub.text


def test_font_manifest_keeps_material_icons_and_drops_unused_families(local):
    fonts = httpx.get(local.url + "/assets/FontManifest.json").json()
    families = [f["family"] for f in fonts]
    assert "MaterialIcons" in families and "Roboto" in families
    assert not any("KaTeX" in f or "Cupertino" in f for f in families)


def test_engine_files_are_gzipped_once_and_cached_for_a_year(local, tmp_path, monkeypatch):
    url = f"{local.url}/_v/{local.app.build}/main.dart.wasm"
    raw = (local.app.web_dir / "main.dart.wasm").read_bytes()
    r = httpx.get(url, headers={"accept-encoding": "gzip"})
    assert r.headers["content-encoding"] == "gzip"
    assert r.headers["vary"] == "Accept-Encoding"
    assert r.headers["cache-control"] == "private, max-age=31536000, immutable"
    assert r.headers["content-type"] == "application/wasm"
    assert int(r.headers["content-length"]) < len(raw) * 0.4
    assert r.content == raw                                   # httpx decoded the gzip
    plain = httpx.get(url, headers={"accept-encoding": "identity"})
    assert "content-encoding" not in plain.headers and plain.content == raw
    assert plain.headers["etag"] != r.headers["etag"]
    stored = list((tmp_path / "gz").rglob("*main.dart.wasm.gz"))
    assert len(stored) == 1 and gzip.decompress(stored[0].read_bytes()) == raw
    # A second server on the same cache reads the gzip back instead of compressing again.
    monkeypatch.setattr(static.gzip, "compress", lambda *a, **k: pytest.fail("compressed twice"))
    again = HomeServer(hello, tmp_path / "data2", ASSETS_DIR, gzip_cache=tmp_path / "gz")
    asset = again._file(again.web_dir, "main.dart.wasm")
    assert again.gzip.get(asset).path == stored[0]
    assert httpx.get(f"{local.url}/_v/0000/main.dart.wasm").status_code in (403, 404)


def test_revalidation_answers_304_and_pictures_are_not_immutable(local):
    r = httpx.get(local.url + "/activities/wall-pushups.svg", headers={"accept-encoding": "gzip"})
    assert r.status_code == 200 and r.headers["cache-control"] == "no-cache"
    assert r.headers["content-encoding"] == "gzip" and r.headers["content-type"].startswith("image/svg+xml")
    again = httpx.get(local.url + "/activities/wall-pushups.svg",
                      headers={"accept-encoding": "gzip", "if-none-match": r.headers["etag"]})
    assert again.status_code == 304 and again.content == b""
    png = httpx.get(local.url + "/favicon.png", headers={"accept-encoding": "gzip"})
    assert "content-encoding" not in png.headers                  # PNG is compressed already
    head = httpx.head(local.url + "/", headers={"accept-encoding": "gzip"})
    assert head.status_code == 200 and head.content == b"" and int(head.headers["content-length"]) > 500


def test_byte_ranges_are_answered_for_media(local):
    r = httpx.get(local.url + "/activities/wall-pushups.svg", headers={"range": "bytes=0-9"})
    assert r.status_code == 206 and len(r.content) == 10
    assert r.content == (ASSETS_DIR / "activities" / "wall-pushups.svg").read_bytes()[:10]


def test_first_load_files_fit_in_six_megabytes_gzipped(local):
    """What Chromium fetches on a first load (see planner.bench_web for the measured figure)."""
    b = local.app.build
    paths = ["/", "/flutter_bootstrap.js", "/python.js", f"/_v/{b}/main.dart.mjs", f"/_v/{b}/main.dart.wasm",
             f"/_v/{b}/canvaskit/skwasm_heavy.js", f"/_v/{b}/canvaskit/skwasm_heavy.wasm",
             "/assets/FontManifest.json", "/assets/fonts/MaterialIcons-Regular.otf", "/assets/fonts/roboto.woff2",
             "/manifest.json", "/favicon.png", "/icons/loading-animation.png"]
    total = 0
    for p in paths:
        r = httpx.get(local.url + p, headers={"accept-encoding": "gzip"})
        assert r.status_code == 200, p
        total += int(r.headers["content-length"])
    assert total <= 6_000_000, total


# ------------------------------------------------------------------ QR and URLs
def test_pairing_url_and_qr_codes(tmp_path):
    code = web.new_pairing_code(tmp_path)
    url = web.pairing_url(code, "http://192.168.1.20:8550/")
    assert url == f"http://192.168.1.20:8550/pair?code={code.code}"
    with pytest.raises(RuntimeError):
        web.pairing_url(code)                  # no server in this process: say where
    from planner.web.qr import qr_matrix
    matrix = qr_matrix(url)
    n = len(matrix)
    assert n >= 29 and all(len(row) == n for row in matrix)
    # finder pattern: the top-left 7x7 square after the 4-module quiet zone
    assert all(matrix[4][4 + i] for i in range(7)) and not any(matrix[0])
    text = web.qr_text(url).rstrip("\n").split("\n")
    assert len(text) == (n + 1) // 2
    png = Image.open(io.BytesIO(web.qr_png(url, scale=4)))
    assert png.size == (n * 4, n * 4)
    svg = web.qr_svg(url)
    assert svg.startswith("<svg") and "Pairing code" in svg


def test_devices_file_is_readable_json_with_the_format(tmp_path):
    book = dev.DeviceBook(tmp_path)
    book.pair(book.new_code(now=T0).code, IPHONE, now=T0)
    doc = json.loads((tmp_path / dev.FILE_NAME).read_text())
    assert doc["format"] == dev.FORMAT and len(doc["devices"]) == 1
    assert set(doc["devices"][0]) == {"id", "name", "token_sha256", "paired", "last_seen"}


@pytest.mark.parametrize("host,lan,expected", [
    ("127.0.0.1", False, False), ("localhost", False, False), ("::1", False, False),
    ("127.0.0.1", True, True), ("0.0.0.0", False, True), ("192.168.1.20", False, True), ("0.0.0.0", True, True),
])
def test_a_server_reachable_from_other_machines_always_needs_pairing(host, lan, expected):
    assert web.needs_pairing(host, lan) is expected


def test_gzip_cache_drops_files_unused_for_sixty_days(tmp_path):
    g = static.Gzipper(tmp_path / "gz")
    src = tmp_path / "big.js"
    src.write_text("let x = 1;\n" * 500)
    enc = g.get(static.Asset.from_file(src))
    old = tmp_path / "gz" / "ab" / "ab-old.js.gz"
    old.parent.mkdir(parents=True)
    old.write_bytes(b"x")
    past = time.time() - 61 * 86400
    os.utime(old, (past, past))
    assert g.prune() == 1 and not old.exists() and enc.path.exists()
    os.utime(enc.path, (past, past))
    again = static.Gzipper(tmp_path / "gz")                # a later start uses it: kept
    assert again.get(static.Asset.from_file(src)).path == enc.path
    assert again.prune() == 0 and enc.path.exists()
