"""Trusted devices of the home server: one-time pairing codes and device tokens.

The data folder holds `devices.json`, written atomically under a file lock:

    {"format": "ot-home-planner-devices/1",
     "devices": [{"id": "d-3f9a1c2b", "name": "Safari on iPhone",
                  "token_sha256": hex, "paired": ISO, "last_seen": ISO}],
     "codes": [{"code_sha256": hex, "expires": ISO}],
     "failures": 0}

Only hashes are stored, so a copy of the file lets nobody in. A pairing code is
single-use and expires; at most three are open at once (a new one drops the oldest). After
`MAX_FAILURES` wrong codes every open code is dropped, so guessing is pointless.
The file is shared by every process on the data folder, so a code made by one
(the Settings screen, the terminal) is accepted by the server.
"""
from __future__ import annotations

import hashlib
import json
import re
import secrets
import threading
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

from planner.storage.lock import FolderLock

from planner.storage.atomic import atomic_write_bytes

FILE_NAME = "devices.json"
FORMAT = "ot-home-planner-devices/1"
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"     # no 0/O, 1/I/L: easy to read aloud
CODE_LENGTH = 10                                       # about 50 bits
CODE_TTL = timedelta(minutes=10)
MAX_FAILURES = 20
SEEN_EVERY = timedelta(minutes=1)                      # last_seen is written at most this often
MAX_DEVICES = 50
MAX_OPEN_CODES = 3                                     # a new code drops the oldest beyond this


@dataclass(frozen=True)
class Device:
    id: str
    name: str
    paired: datetime
    last_seen: datetime


@dataclass(frozen=True)
class PairingCode:
    code: str              # what the person sees or scans
    expires: datetime

    @property
    def display(self) -> str:
        """The code in two groups of five, easier to read out: `K7M2Q-9TXAB`."""
        half = len(self.code) // 2
        return f"{self.code[:half]}-{self.code[half:]}"


def _utc(now: datetime | None) -> datetime:
    return (now or datetime.now(timezone.utc)).astimezone(timezone.utc)


def _iso(t: datetime) -> str:
    return t.astimezone(timezone.utc).isoformat(timespec="seconds")


def _parse(s: str) -> datetime:
    return datetime.fromisoformat(s).astimezone(timezone.utc)


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def normalise_code(code: str) -> str:
    return re.sub(r"[\s-]", "", code or "").upper()


def device_name(user_agent: str | None) -> str:
    """A short readable name for a device from its User-Agent: `Chrome on Pixel 7`."""
    ua = user_agent or ""
    if "iPad" in ua:
        where = "iPad"
    elif "iPhone" in ua:
        where = "iPhone"
    elif "Android" in ua:
        m = re.search(r"Android[^;)]*;\s*(?:[a-z]{2}[-_][A-Za-z]{2};\s*)?([^;)]+?)(?:\s+Build/[^;)]*)?\)", ua)
        model = m.group(1).strip() if m else ""
        if model and model not in ("K", "wv") and len(model) <= 30:
            where = model
        else:
            where = "Android phone" if "Mobile" in ua else "Android tablet"
    elif "CrOS" in ua:
        where = "Chromebook"
    elif "Macintosh" in ua:
        where = "Mac"
    elif "Windows" in ua:
        where = "Windows PC"
    elif "Linux" in ua:
        where = "Linux computer"
    else:
        return "Unknown device"
    for mark, browser in (("Edg", "Edge"), ("OPR/", "Opera"), ("SamsungBrowser", "Samsung Internet"),
                          ("Firefox/", "Firefox"), ("FxiOS", "Firefox"), ("CriOS", "Chrome"),
                          ("Chrome/", "Chrome"), ("Safari/", "Safari")):
        if mark in ua:
            return f"{browser} on {where}"
    return where


class DeviceBook:
    """The devices.json of one data folder. Reads are cached by the file's signature, so a
    change made by another process (or `remove_device`) is seen on the next request."""

    def __init__(self, data_dir: Path):
        self.data_dir = Path(data_dir)
        self.path = self.data_dir / FILE_NAME
        self._lock = FolderLock(str(self.path) + ".lock", timeout=10)
        self._mutex = threading.Lock()
        self._cache: tuple[tuple[int, int, int], dict] | None = None
        self.removed_listeners: list = []      # called with a device id after it is removed

    # ------------------------------------------------------------ file
    def _signature(self) -> tuple[int, int, int] | None:
        try:
            st = self.path.stat()
        except FileNotFoundError:
            return None
        return (st.st_ino, st.st_mtime_ns, st.st_size)

    def _read(self) -> dict:
        sig = self._signature()
        if sig is None:
            return {"format": FORMAT, "devices": [], "codes": [], "failures": 0}
        with self._mutex:
            if self._cache and self._cache[0] == sig:
                return self._cache[1]
        try:
            doc = json.loads(self.path.read_text("utf-8"))
            if not isinstance(doc, dict) or doc.get("format") != FORMAT:
                raise ValueError("not a devices file")
        except (OSError, ValueError):
            # A damaged file trusts nobody; pairing again writes a good one.
            doc = {"format": FORMAT, "devices": [], "codes": [], "failures": 0}
        doc.setdefault("devices", [])
        doc.setdefault("codes", [])
        doc.setdefault("failures", 0)
        with self._mutex:
            self._cache = (sig, doc)
        return doc

    def _write(self, doc: dict) -> None:
        self.data_dir.mkdir(parents=True, exist_ok=True)
        payload = json.dumps(doc, ensure_ascii=False, indent=1).encode("utf-8")
        atomic_write_bytes(self.path, payload, keep_backup=False)
        with self._mutex:
            self._cache = None

    def _change(self, fn):
        """Read, change and write the file under the lock; returns what `fn(doc)` returns."""
        self.data_dir.mkdir(parents=True, exist_ok=True)
        with self._lock:
            with self._mutex:
                self._cache = None
            doc = json.loads(json.dumps(self._read()))     # a private copy
            result = fn(doc)
            self._write(doc)
            return result

    # ------------------------------------------------------------ codes
    def new_code(self, now: datetime | None = None, ttl: timedelta = CODE_TTL) -> PairingCode:
        t = _utc(now)
        code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
        expires = t + ttl

        def put(doc):
            live = [c for c in doc["codes"] if _parse(c["expires"]) > t]
            doc["codes"] = live[-(MAX_OPEN_CODES - 1):] + [{"code_sha256": sha256(code), "expires": _iso(expires)}]
            doc["failures"] = 0
        self._change(put)
        return PairingCode(code, expires)

    def pair(self, code: str, user_agent: str | None, now: datetime | None = None) -> tuple[Device, str] | None:
        """Use a pairing code: a new trusted device and its token, or None (wrong, used or expired)."""
        t = _utc(now)
        digest = sha256(normalise_code(code))

        def use(doc):
            live = [c for c in doc["codes"] if _parse(c["expires"]) > t]
            match = [c for c in live if secrets.compare_digest(c["code_sha256"], digest)]
            if not match:
                doc["failures"] = int(doc.get("failures", 0)) + 1
                doc["codes"] = [] if doc["failures"] >= MAX_FAILURES else live
                return None
            doc["codes"] = [c for c in live if c is not match[0]]
            token = secrets.token_urlsafe(32)
            dev = {"id": "d-" + secrets.token_hex(4), "name": device_name(user_agent),
                   "token_sha256": sha256(token), "paired": _iso(t), "last_seen": _iso(t)}
            doc["devices"] = (doc["devices"] + [dev])[-MAX_DEVICES:]
            return _device(dev), token
        if not self.path.exists():
            return None
        return self._change(use)

    def has_open_code(self, now: datetime | None = None) -> bool:
        t = _utc(now)
        return any(_parse(c["expires"]) > t for c in self._read()["codes"])

    # ------------------------------------------------------------ devices
    def check(self, token: str | None) -> Device | None:
        """The trusted device holding this token, or None."""
        if not token or len(token) > 200:
            return None
        digest = sha256(token)
        for d in self._read()["devices"]:
            if secrets.compare_digest(d.get("token_sha256", ""), digest):
                return _device(d)
        return None

    def seen(self, device_id: str, now: datetime | None = None) -> None:
        """Note that a device was seen (written at most once a minute per device)."""
        t = _utc(now)
        for d in self._read()["devices"]:
            if d["id"] == device_id and t - _parse(d["last_seen"]) < SEEN_EVERY:
                return

        def touch(doc):
            for d in doc["devices"]:
                if d["id"] == device_id:
                    d["last_seen"] = _iso(t)
        self._change(touch)

    def devices(self) -> list[Device]:
        return sorted((_device(d) for d in self._read()["devices"]), key=lambda d: d.paired)

    def remove(self, device_id: str) -> bool:
        def drop(doc):
            before = len(doc["devices"])
            doc["devices"] = [d for d in doc["devices"] if d["id"] != device_id]
            return len(doc["devices"]) < before
        if not any(d["id"] == device_id for d in self._read()["devices"]):
            return False
        removed = self._change(drop)
        if removed:
            for listener in list(self.removed_listeners):
                listener(device_id)
        return removed


def _device(d: dict) -> Device:
    return Device(id=d["id"], name=d["name"], paired=_parse(d["paired"]), last_seen=_parse(d["last_seen"]))


_books: dict[Path, DeviceBook] = {}
_books_lock = threading.Lock()


def book(data_dir: Path) -> DeviceBook:
    """One DeviceBook per data folder in this process (it keeps the read cache)."""
    key = Path(data_dir).resolve()
    with _books_lock:
        if key not in _books:
            _books[key] = DeviceBook(key)
        return _books[key]
