"""The home server: the Flet app mounted in our own ASGI app.

Flet's FastAPI integration (`flet_web.fastapi`) runs the sessions and the websocket;
around it this app
- lets in only paired devices when serving the home network (`lan=True`): a device
  opens `/pair?code=...` once and gets a long-lived HttpOnly, SameSite=Strict cookie;
  any other request without a valid one (page, files, websocket) gets 403, and a
  removed device's open websocket is closed;
- on the loopback-only default, answers only requests addressed to this machine
  (a web page elsewhere cannot reach the app through DNS rebinding) and accepts a
  websocket only from the app's own page (Origin check), so no other site can drive it;
- serves the static files itself: gzip made once, a build id in the URL of the big
  engine files so the browser keeps them, ETags for the rest;
- names the page and the installable app "Home practice" with our icon and theme colour;
- keeps every request on this machine: the Rive runtime, which Flet's client asks a
  public CDN for on every load, is answered by a local stub (the app uses no Rive
  animation), and a Content-Security-Policy stops anything else. The policy is about
  where requests go ('self' only); it allows inline and evaluated script, which Flet's
  page and browser automation use.
"""
from __future__ import annotations

import asyncio
import hashlib
import html
import json
import logging
import re
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Callable
from urllib.parse import parse_qs, urlsplit

from planner.web import devices as dev
from planner.web import static

log = logging.getLogger("planner.web")

APP_NAME = "Home practice"
APP_DESCRIPTION = "Home practice for occupational therapy: today's activities, kid mode and progress."
THEME_COLOR = "#2E7D6B"           # the app's seed colour
BACKGROUND_COLOR = "#FAFCFB"      # the page background
COOKIE = "hp_device"
COOKIE_MAX_AGE = 400 * 24 * 3600  # the longest a browser keeps a cookie
OWN_DIR = Path(__file__).resolve().parent / "static"
VERSIONED = "/_v/"
RIVE_CDN = "https://cdn.jsdelivr.net/npm/@rive-app/"
RIVE_STUB = "offline/rive_native.js"
LOOPBACK_HOSTS = {"127.0.0.1", "localhost", "::1"}
BLOCKED = {"/docs", "/redoc", "/openapi.json", "/docs/oauth2-redirect"}
REVOKE_POLL_S = 3.0
# Flutter loads every font of FontManifest.json at start. The app uses neither the KaTeX
# families (math in Markdown, 0.9 MB) nor Cupertino icons (0.2 MB, only with ft.CupertinoIcons
# or adaptive controls): they are left out of the manifest we serve.
UNUSED_FONTS = ("packages/flutter_math_fork/", "packages/cupertino_icons/")

CSP = ("default-src 'self'; script-src 'self' 'unsafe-inline' 'unsafe-eval' 'wasm-unsafe-eval' blob:; "
       "worker-src 'self' blob:; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; "
       "font-src 'self' data:; media-src 'self' data: blob:; connect-src 'self' data: blob:; "
       "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'")
COMMON_HEADERS = [(b"cross-origin-opener-policy", b"same-origin"),
                  (b"cross-origin-embedder-policy", b"require-corp"),
                  (b"x-content-type-options", b"nosniff"),
                  (b"referrer-policy", b"no-referrer")]

# Runs before anything else on the page: a script whose address is on the Rive CDN is
# pointed at the local stub instead, which tells the Rive runtime it is unavailable.
RIVE_SHIM = """<script>(()=>{const d=Object.getOwnPropertyDescriptor(HTMLScriptElement.prototype,"src");
Object.defineProperty(HTMLScriptElement.prototype,"src",{configurable:true,enumerable:d.enumerable,
get(){return d.get.call(this)},set(v){if(String(v).startsWith("%s"))v=new URL("%s",document.baseURI).href;
d.set.call(this,v)}})})();</script>""" % (RIVE_CDN, RIVE_STUB)


def _headers(scope) -> dict[str, str]:
    return {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", [])}


def _host_name(host_header: str) -> str:
    host = host_header.strip().lower()
    if host.startswith("["):
        return host[1:host.find("]")] if "]" in host else host
    return host.rsplit(":", 1)[0] if ":" in host else host


def _cookie(headers: dict[str, str]) -> str | None:
    raw = headers.get("cookie")
    if not raw:
        return None
    jar = SimpleCookie()
    try:
        jar.load(raw)
    except Exception:                   # a malformed header from some other app on the host
        return None
    morsel = jar.get(COOKIE)
    return morsel.value if morsel else None


def build_id(web_dir: Path) -> str:
    """Changes whenever Flet's web client does: the version and the big files' sizes and times."""
    import flet_web.version
    parts = [flet_web.version.version]
    for rel in ("main.dart.wasm", "main.dart.mjs", "main.dart.js", "canvaskit/skwasm.wasm",
                "canvaskit/canvaskit.wasm", "flutter_bootstrap.js"):
        try:
            st = (web_dir / rel).stat()
            parts.append(f"{rel}:{st.st_size}:{st.st_mtime_ns}")
        except OSError:
            parts.append(rel)
    return hashlib.sha256("|".join(parts).encode()).hexdigest()[:12]


def message_page(title: str, text: str, status_note: str = "") -> bytes:
    """A small self-contained page (no script, no external file) for 403s and pairing."""
    body = (f"<!doctype html><html lang=en><head><meta charset=utf-8>"
            f"<meta name=viewport content='width=device-width,initial-scale=1'>"
            f"<meta name=theme-color content='{THEME_COLOR}'>{status_note}"
            f"<title>{html.escape(title)} · {APP_NAME}</title><style>"
            "body{font-family:system-ui,sans-serif;background:#FAFCFB;color:#1b1f1e;margin:0;"
            "display:flex;min-height:100vh;align-items:center;justify-content:center}"
            "main{max-width:26rem;padding:1.5rem;line-height:1.5}h1{font-size:1.4rem;color:#2E7D6B}"
            "</style></head><body><main>"
            f"<h1>{html.escape(title)}</h1><p>{html.escape(text)}</p></main></body></html>")
    return body.encode("utf-8")


NOT_PAIRED = message_page(
    "This device is not paired",
    "The planner on this home network lets in only the family's own devices. On the computer "
    "that runs it, open Settings and scan the pairing code, or open the pairing link shown "
    "in its terminal.")
BAD_CODE = message_page(
    "This pairing link has expired",
    "Each pairing link works once and for ten minutes. Make a new one in Settings on a "
    "paired device, or in the terminal of the computer that runs the planner.")
WRONG_HOST = message_page(
    "Not available at this address",
    "The planner answers only at the address of this computer (127.0.0.1 or localhost).")


class HomeServer:
    """ASGI app: `HomeServer(main, data_dir, assets_dir, lan=...)`."""

    def __init__(self, main: Callable, data_dir: Path, assets_dir: Path, *, lan: bool = False,
                 web_dir: Path | None = None, gzip_cache: Path | None | bool = True):
        import flet_web
        import flet_web.fastapi as flet_fastapi

        self.data_dir = Path(data_dir)
        self.lan = lan
        self.book = dev.book(self.data_dir)
        self.assets_dir = Path(assets_dir)
        self.web_dir = Path(web_dir or flet_web.get_package_web_dir())
        self.build = build_id(self.web_dir)
        folder = static.cache_dir() if gzip_cache is True else (gzip_cache or None)
        self.gzip = static.Gzipper(folder)
        self.flet = flet_fastapi.FastAPI(docs_url=None, redoc_url=None, openapi_url=None)
        self.flet.mount("/", flet_fastapi.app(
            main, assets_dir=str(self.assets_dir), app_name=APP_NAME, app_short_name=APP_NAME,
            app_description=APP_DESCRIPTION, no_cdn=True))
        self._pages: dict[str, static.Asset] | None = None
        self._pages_lock = asyncio.Lock()
        self._sockets: dict[str, set[tuple[asyncio.AbstractEventLoop, asyncio.Event]]] = {}
        self.on_paired: Callable[[dev.Device], None] | None = None     # e.g. tell the terminal
        self.book.removed_listeners.append(self._revoke)

    # ------------------------------------------------------------ generated pages
    async def _flet_get(self, path: str) -> bytes:
        """GET a file from Flet's own static handler (it fills in index.html's config)."""
        scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "GET",
                 "scheme": "http", "path": path, "raw_path": path.encode(), "root_path": "",
                 "query_string": b"", "headers": [(b"host", b"127.0.0.1")],
                 "client": ("127.0.0.1", 0), "server": ("127.0.0.1", 80)}
        chunks: list[bytes] = []
        status = [0]

        asked = [False]

        async def receive():
            if not asked[0]:
                asked[0] = True
                return {"type": "http.request", "body": b"", "more_body": False}
            await asyncio.Event().wait()        # the client never leaves: the response ends first

        async def send(msg):
            if msg["type"] == "http.response.start":
                status[0] = msg["status"]
            elif msg["type"] == "http.response.body":
                chunks.append(msg.get("body", b""))
        await self.flet(scope, receive, send)
        if status[0] != 200:
            raise RuntimeError(f"Flet's web handler answered {status[0]} for {path}")
        return b"".join(chunks)

    async def pages(self) -> dict[str, static.Asset]:
        """index.html, manifest.json and FontManifest.json as we serve them (made once)."""
        if self._pages is not None:
            return self._pages
        async with self._pages_lock:
            if self._pages is None:
                index = self.rewrite_index((await self._flet_get("/")).decode("utf-8"))
                manifest = self.rewrite_manifest(json.loads(await self._flet_get("/manifest.json")))
                fonts = [f for f in json.loads(await self._flet_get("/assets/FontManifest.json"))
                         if not str(f.get("family", "")).startswith(UNUSED_FONTS)]
                self._pages = {
                    "index.html": static.Asset.from_bytes("index.html", index.encode("utf-8")),
                    "manifest.json": static.Asset.from_bytes(
                        "manifest.json", json.dumps(manifest, indent=1).encode("utf-8"),
                        "application/manifest+json; charset=utf-8"),
                    "assets/FontManifest.json": static.Asset.from_bytes(
                        "FontManifest.json", json.dumps(fonts).encode("utf-8")),
                }
        return self._pages

    def rewrite_index(self, text: str) -> str:
        versioned = f"{VERSIONED}{self.build}/"
        text = re.sub(r"<head>", "<head>\n  " + RIVE_SHIM, text, count=1)
        extra = (f'<meta name="theme-color" content="{THEME_COLOR}">\n  '
                 '<link rel="icon" type="image/svg+xml" href="favicon.svg">\n  '
                 f'<script>flet.entrypointBaseUrl="{versioned}";'
                 f'flet.canvasKitBaseUrl="{versioned}canvaskit/";</script>\n  ')
        text, n = re.subn(r'(<script src="python\.js"></script>)', extra.replace("\\", "\\\\") + r"\1", text,
                          count=1)
        if n != 1:
            raise RuntimeError("Flet's index.html changed: no python.js script to put the config before")
        text = text.replace('content="black"', 'content="default"')
        text = re.sub(r"(#loading\s*\{[^}]*background:\s*)#ffffff", r"\g<1>" + BACKGROUND_COLOR, text, count=1)
        return text

    def rewrite_manifest(self, manifest: dict) -> dict:
        manifest.update({"name": APP_NAME, "short_name": APP_NAME, "description": APP_DESCRIPTION,
                         "theme_color": THEME_COLOR, "background_color": BACKGROUND_COLOR,
                         "id": "/", "start_url": "/", "scope": "/", "display": "standalone",
                         "orientation": "any"})
        return manifest

    # ------------------------------------------------------------ files
    async def lookup(self, path: str) -> tuple[static.Asset | None, str]:
        """The asset for a URL path and its Cache-Control, or (None, '')."""
        rel = path.lstrip("/")              # the server already decoded %-escapes
        if rel.startswith(VERSIONED.lstrip("/")):
            parts = rel.split("/", 2)
            if len(parts) < 3 or parts[1] != self.build:
                return None, ""
            asset = self._file(self.web_dir, parts[2])
            return asset, static.IMMUTABLE
        pages = await self.pages()
        if rel in ("", "index.html"):
            return pages["index.html"], static.REVALIDATE
        if rel in pages:
            return pages[rel], static.REVALIDATE
        for root in (OWN_DIR, self.assets_dir, self.web_dir):
            asset = self._file(root, rel)
            if asset is not None:
                return asset, static.REVALIDATE
        ext = rel.rsplit("/", 1)[-1].rpartition(".")[2] if "." in rel.rsplit("/", 1)[-1] else ""
        if ext in ("", "html"):             # an app route (/today, /settings): the page itself
            return pages["index.html"], static.REVALIDATE
        return None, ""

    @staticmethod
    def _file(root: Path, rel: str) -> static.Asset | None:
        if not rel or "\x00" in rel or "\\" in rel:
            return None
        parts = rel.split("/")
        if any(p in ("", ".", "..") for p in parts):
            return None
        path = root.joinpath(*parts)
        try:
            path.resolve().relative_to(root.resolve())
        except (ValueError, OSError):
            return None
        return static.Asset.from_file(path, name=parts[-1])

    def warm(self) -> None:
        """Gzip the files a first load needs, in the background."""
        names = ["main.dart.wasm", "main.dart.mjs", "canvaskit/skwasm.wasm", "canvaskit/skwasm.js",
                 "canvaskit/skwasm_heavy.wasm", "canvaskit/skwasm_heavy.js", "main.dart.js",
                 "canvaskit/canvaskit.wasm", "canvaskit/canvaskit.js", "canvaskit/chromium/canvaskit.wasm",
                 "canvaskit/chromium/canvaskit.js", "flutter_bootstrap.js", "python.js",
                 "assets/fonts/MaterialIcons-Regular.otf"]
        self.gzip.warm(self._file(self.web_dir, n) for n in names)

    # ------------------------------------------------------------ ASGI
    async def __call__(self, scope, receive, send) -> None:
        kind = scope["type"]
        if kind == "http":
            await self.http(scope, receive, send)
        elif kind == "websocket":
            await self.websocket(scope, receive, send)
        else:                               # lifespan: Flet's session manager starts and stops
            await self.flet(scope, receive, send)

    def _device(self, headers: dict[str, str]) -> dev.Device | None:
        return self.book.check(_cookie(headers))

    def _host_ok(self, headers: dict[str, str]) -> bool:
        return self.lan or _host_name(headers.get("host", "")) in LOOPBACK_HOSTS

    async def http(self, scope, receive, send) -> None:
        headers = _headers(scope)
        path = scope.get("path", "/")
        method = scope.get("method", "GET")
        if not self._host_ok(headers):
            return await self._html(send, 403, WRONG_HOST)
        if path in BLOCKED:
            return await self._html(send, 404, message_page("Not found", "There is nothing here."))
        device = None
        if self.lan:
            device = self._device(headers)
            if path == "/pair":
                return await self.pair(scope, send, headers, device)
            if device is None:
                return await self._html(send, 403, NOT_PAIRED)
        if method not in ("GET", "HEAD") or "range" in headers:
            # Flet's own static handler answers byte ranges (audio and video need them).
            return await self._forward(scope, receive, send)
        asset, cache_control = await self.lookup(path)
        if asset is None:
            return await self._forward(scope, receive, send)
        if device is not None and asset.name == "index.html":
            await asyncio.to_thread(self.book.seen, device.id)
        encoded = None
        if static.accepts_gzip(headers):
            encoded = self.gzip.cached(asset)
            if encoded is False:            # not made yet: compress off the event loop
                encoded = await asyncio.to_thread(self.gzip.get, asset)
        etag = asset.etag if encoded is None else asset.etag[:-1] + '-gz"'
        extra = list(COMMON_HEADERS)
        if asset.name == "index.html":
            extra.append((b"content-security-policy", CSP.encode()))
        await static.send_asset(send, asset, encoded, head=method == "HEAD", cache_control=cache_control,
                                not_modified=static.etag_matches(headers, etag), extra=extra)

    async def _forward(self, scope, receive, send) -> None:
        """Anything we do not serve ourselves goes to Flet (minus its allow-any-origin header)."""
        async def filtered(msg):
            if msg["type"] == "http.response.start":
                msg = dict(msg)
                msg["headers"] = [(k, v) for k, v in msg.get("headers", [])
                                  if k.lower() != b"access-control-allow-origin"]
            await send(msg)
        await self.flet(scope, receive, filtered)

    async def _html(self, send, status: int, body: bytes, extra: list[tuple[bytes, bytes]] = ()) -> None:
        await send({"type": "http.response.start", "status": status, "headers": [
            (b"content-type", b"text/html; charset=utf-8"), (b"content-length", str(len(body)).encode()),
            (b"cache-control", b"no-store"),
            (b"content-security-policy", b"default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'"),
            *COMMON_HEADERS, *extra]})
        await send({"type": "http.response.body", "body": body})

    async def pair(self, scope, send, headers, device) -> None:
        if device is not None:              # already trusted: straight to the app
            return await self._redirect(send)
        query = parse_qs(scope.get("query_string", b"").decode("latin-1"))
        code = (query.get("code") or [""])[0]
        result = await asyncio.to_thread(self.book.pair, code, headers.get("user-agent")) if code else None
        if result is None:
            return await self._html(send, 403, BAD_CODE)
        device, token = result
        log.info("paired a new device: %s (%s)", device.name, device.id)
        if self.on_paired is not None:
            self.on_paired(device)
        cookie = (f"{COOKIE}={token}; Max-Age={COOKIE_MAX_AGE}; Path=/; HttpOnly; SameSite=Strict")
        # A page of our own moves on to the app: the request from it is same-site, so the
        # Strict cookie goes along even when the link came from a camera app.
        body = message_page("This device is paired", f"Opening {APP_NAME} on this {device.name}…",
                            '<meta http-equiv="refresh" content="0;url=/">')
        await self._html(send, 200, body, [(b"set-cookie", cookie.encode())])

    async def _redirect(self, send) -> None:
        await send({"type": "http.response.start", "status": 303,
                    "headers": [(b"location", b"/"), (b"cache-control", b"no-store"), (b"content-length", b"0")]})
        await send({"type": "http.response.body", "body": b""})

    # ------------------------------------------------------------ websocket
    async def websocket(self, scope, receive, send) -> None:
        headers = _headers(scope)
        origin = headers.get("origin")
        if not self._host_ok(headers) or (origin and urlsplit(origin).netloc.lower() != headers.get("host", "").lower()):
            await send({"type": "websocket.close", "code": 1008})
            return
        if not self.lan:
            return await self.flet(scope, receive, send)
        token = _cookie(headers)
        device = self.book.check(token)
        if device is None:
            await send({"type": "websocket.close", "code": 1008})     # before accept: HTTP 403
            return
        await asyncio.to_thread(self.book.seen, device.id)
        await self._guarded(scope, receive, send, device, token)

    def _revoke(self, device_id: str) -> None:
        for loop, event in list(self._sockets.get(device_id, ())):
            loop.call_soon_threadsafe(event.set)

    async def _guarded(self, scope, receive, send, device: dev.Device, token: str) -> None:
        """Run Flet's websocket handler; close the socket as soon as the device is removed."""
        revoked = asyncio.Event()
        entry = (asyncio.get_running_loop(), revoked)
        self._sockets.setdefault(device.id, set()).add(entry)
        closed = False

        async def watch():
            while not revoked.is_set():
                await asyncio.sleep(REVOKE_POLL_S)
                if self.book.check(token) is None:       # removed by another process too
                    revoked.set()

        async def guarded_receive():
            nonlocal closed
            if closed:
                return {"type": "websocket.disconnect", "code": 1008}
            got = asyncio.ensure_future(receive())
            stop = asyncio.ensure_future(revoked.wait())
            done, _ = await asyncio.wait({got, stop}, return_when=asyncio.FIRST_COMPLETED)
            if got in done:
                stop.cancel()
                return got.result()
            got.cancel()
            closed = True
            try:
                await send({"type": "websocket.close", "code": 1008, "reason": "device removed"})
            except Exception:
                pass
            return {"type": "websocket.disconnect", "code": 1008}

        async def guarded_send(msg):
            if closed:
                return
            await send(msg)

        watcher = asyncio.ensure_future(watch())
        try:
            await self.flet(scope, guarded_receive, guarded_send)
        finally:
            watcher.cancel()
            self._sockets.get(device.id, set()).discard(entry)

