"""Static files, gzip-compressed once and cached on disk, with caching headers.

Each compressible file is gzipped the first time it is asked for (or by the warm-up
thread at start) and kept in a cache folder outside the data folder, named by the
source file's path, size and modification time; a later start reads it back (files no
server used for 60 days are removed). Files
whose URL carries the build id (`/_v/<id>/...`: the Flutter engine and the app's
compiled code) never change under that URL and are cached by the browser for a year;
everything else is revalidated with its ETag (`no-cache`), so a changed picture or a
new version of the page is seen at once.
"""
from __future__ import annotations

import gzip
import hashlib
import mimetypes
import os
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

from planner.storage.atomic import atomic_write_bytes

mimetypes.add_type("text/javascript", ".mjs")
mimetypes.add_type("text/javascript", ".js")
mimetypes.add_type("application/wasm", ".wasm")
mimetypes.add_type("application/manifest+json", ".webmanifest")
mimetypes.add_type("font/otf", ".otf")
mimetypes.add_type("font/ttf", ".ttf")
mimetypes.add_type("font/woff2", ".woff2")
mimetypes.add_type("image/svg+xml", ".svg")

# Already compressed: gzip would only cost time.
INCOMPRESSIBLE = {".png", ".jpg", ".jpeg", ".gif", ".webp", ".avif", ".woff", ".woff2", ".gz", ".br",
                  ".zip", ".mp3", ".mp4", ".ogg", ".webm", ".m4a", ".aac", ".whl", ".tar"}
MIN_SIZE = 256                      # smaller files go as they are
GZIP_LEVEL = 9
IMMUTABLE = "private, max-age=31536000, immutable"
REVALIDATE = "no-cache"
CHUNK = 256 * 1024


def cache_dir() -> Path:
    """Where gzipped copies live: $PLANNER_CACHE_DIR, else the per-user cache folder."""
    env = os.environ.get("PLANNER_CACHE_DIR")
    if env:
        return Path(env) / "web"
    from platformdirs import user_cache_dir
    return Path(user_cache_dir("ot-home-planner", appauthor=False)) / "web"


def content_type(name: str) -> str:
    ctype = mimetypes.guess_type(name)[0] or "application/octet-stream"
    if ctype.startswith("text/") or ctype in ("application/json", "application/manifest+json", "image/svg+xml"):
        ctype += "; charset=utf-8"
    return ctype


def compressible(name: str) -> bool:
    return os.path.splitext(name)[1].lower() not in INCOMPRESSIBLE


@dataclass(frozen=True)
class Asset:
    """One file to serve: on disk (`path`) or made in memory (`data`)."""
    name: str
    ctype: str
    etag: str
    size: int
    path: Path | None = None
    data: bytes | None = None
    key: str = ""                  # identifies the content for the gzip cache

    @classmethod
    def from_file(cls, path: Path, name: str | None = None) -> "Asset | None":
        try:
            st = path.stat()
        except OSError:
            return None
        if not path.is_file():
            return None
        key = f"{path.resolve()}|{st.st_size}|{st.st_mtime_ns}"
        tag = hashlib.sha256(key.encode()).hexdigest()[:20]
        return cls(name=name or path.name, ctype=content_type(path.name), etag=f'"{tag}"',
                   size=st.st_size, path=path, key=key)

    @classmethod
    def from_bytes(cls, name: str, data: bytes, ctype: str | None = None) -> "Asset":
        digest = hashlib.sha256(data).hexdigest()
        return cls(name=name, ctype=ctype or content_type(name), etag=f'"{digest[:20]}"',
                   size=len(data), data=data, key=f"mem|{digest}")

    def read(self) -> bytes:
        return self.data if self.data is not None else self.path.read_bytes()


@dataclass(frozen=True)
class Encoded:
    """The gzip form of an asset: bytes in memory or a file in the cache folder."""
    size: int
    path: Path | None = None
    data: bytes | None = None


class Gzipper:
    """Gzip each asset once; keep the result on disk (files) or in memory (small generated ones)."""

    def __init__(self, folder: Path | None):
        self.folder = folder
        self._memory: dict[str, Encoded | None] = {}
        self._locks: dict[str, threading.Lock] = {}
        self._guard = threading.Lock()

    def _lock(self, key: str) -> threading.Lock:
        with self._guard:
            return self._locks.setdefault(key, threading.Lock())

    def cached(self, asset: Asset) -> Encoded | None | bool:
        """The gzip form if it is ready, None if the asset is not worth compressing,
        False if it still has to be made."""
        if not compressible(asset.name) or asset.size < MIN_SIZE:
            return None
        if asset.key in self._memory:
            return self._memory[asset.key]
        target = self._target(asset)
        if target is not None and target.exists():
            enc = Encoded(size=target.stat().st_size, path=target)
            try:
                os.utime(target)          # still in use: `prune` keeps it
            except OSError:
                pass
            self._memory[asset.key] = enc
            return enc
        return False

    def prune(self, max_age_days: float = 60) -> int:
        """Remove gzip files no server used for `max_age_days` (left by older Flet versions or
        changed pictures); returns how many."""
        if self.folder is None or not self.folder.is_dir():
            return 0
        cutoff = time.time() - max_age_days * 86400
        gone = 0
        for f in self.folder.glob("*/*.gz"):
            try:
                if f.stat().st_mtime < cutoff:
                    f.unlink()
                    gone += 1
            except OSError:
                pass
        return gone

    def _target(self, asset: Asset) -> Path | None:
        if self.folder is None or asset.path is None:
            return None
        digest = hashlib.sha256(f"{asset.key}|{GZIP_LEVEL}".encode()).hexdigest()[:32]
        return self.folder / digest[:2] / f"{digest}-{asset.name}.gz"

    def get(self, asset: Asset) -> Encoded | None:
        """The gzip form, made now if needed (blocking: call from a worker thread)."""
        ready = self.cached(asset)
        if ready is not False:
            return ready
        with self._lock(asset.key):
            ready = self.cached(asset)
            if ready is not False:
                return ready
            raw = asset.read()
            packed = gzip.compress(raw, GZIP_LEVEL, mtime=0)
            if len(packed) > len(raw) * 0.9:          # barely smaller: not worth a decode
                self._memory[asset.key] = None
                return None
            target = self._target(asset)
            enc: Encoded
            if target is not None:
                try:
                    target.parent.mkdir(parents=True, exist_ok=True)
                    atomic_write_bytes(target, packed, keep_backup=False)
                    enc = Encoded(size=len(packed), path=target)
                except OSError:                       # a read-only cache: keep it in memory
                    enc = Encoded(size=len(packed), data=packed)
            else:
                enc = Encoded(size=len(packed), data=packed)
            self._memory[asset.key] = enc
            return enc

    def warm(self, assets: Iterable[Asset]) -> threading.Thread:
        """Compress these in a background thread so the first browser load finds them ready."""
        todo = [a for a in assets if a is not None]

        def run():
            for a in todo:
                try:
                    self.get(a)
                except OSError:
                    pass
            self.prune()
        t = threading.Thread(target=run, name="gzip-warm-up", daemon=True)
        t.start()
        return t


def accepts_gzip(headers: dict[str, str]) -> bool:
    for part in headers.get("accept-encoding", "").split(","):
        bits = [b.strip() for b in part.split(";")]
        if bits[0].lower() in ("gzip", "*"):
            q = 1.0
            for b in bits[1:]:
                if b.startswith("q="):
                    try:
                        q = float(b[2:])
                    except ValueError:
                        q = 0.0
            return q > 0
    return False


def etag_matches(headers: dict[str, str], etag: str) -> bool:
    inm = headers.get("if-none-match")
    if not inm:
        return False
    tags = [t.strip().removeprefix("W/") for t in inm.split(",")]
    return "*" in tags or etag in tags


async def send_asset(send, asset: Asset, encoded: Encoded | None, *, head: bool, cache_control: str,
                     not_modified: bool, extra: list[tuple[bytes, bytes]]) -> None:
    """Write one asset as an ASGI response (gzip form if given), or 304 if the ETag matches."""
    etag = asset.etag if encoded is None else asset.etag[:-1] + '-gz"'
    headers = [(b"cache-control", cache_control.encode()), (b"etag", etag.encode())]
    if compressible(asset.name) and asset.size >= MIN_SIZE:
        headers.append((b"vary", b"Accept-Encoding"))
    headers += extra
    if not_modified:
        await send({"type": "http.response.start", "status": 304, "headers": headers})
        await send({"type": "http.response.body", "body": b""})
        return
    size = encoded.size if encoded is not None else asset.size
    headers += [(b"content-type", asset.ctype.encode()), (b"content-length", str(size).encode())]
    if encoded is not None:
        headers.append((b"content-encoding", b"gzip"))
    await send({"type": "http.response.start", "status": 200, "headers": headers})
    if head:
        await send({"type": "http.response.body", "body": b""})
        return
    data = encoded.data if encoded is not None else asset.data
    path = encoded.path if encoded is not None else asset.path
    if data is not None:
        await send({"type": "http.response.body", "body": data})
        return
    with open(path, "rb") as f:
        while True:
            chunk = f.read(CHUNK)
            more = len(chunk) == CHUNK
            await send({"type": "http.response.body", "body": chunk, "more_body": more})
            if not more:
                break
