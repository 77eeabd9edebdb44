"""The app's web server: one home server for every family device.

For the Settings screen:

    new_pairing_code(data_dir)      -> PairingCode (single use, 10 minutes)
    pairing_url(code, base_url=None) -> "http://192.168.1.20:8550/pair?code=..."
    qr_svg(url) / qr_png(url)       -> the QR code to show
    list_devices(data_dir)          -> [Device(id, name, paired, last_seen)]
    remove_device(data_dir, id)     -> True if it was there (its next request gets 403)
    server_info()                   -> ServerInfo of the server running in this process, or None
"""
from __future__ import annotations

import socket
import sys
import threading
import webbrowser
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Callable

from planner.web.devices import Device, PairingCode, book, device_name
from planner.web.qr import qr_png, qr_svg, qr_text

__all__ = ["Device", "PairingCode", "ServerInfo", "device_name", "list_devices", "new_pairing_code",
           "needs_pairing", "pairing_url", "qr_png", "qr_svg", "qr_text", "remove_device", "run", "server_info",
           "lan_addresses"]


@dataclass(frozen=True)
class ServerInfo:
    lan: bool
    base_url: str          # what another device on the network opens (LAN), or the local address
    data_dir: Path


_running: ServerInfo | None = None
LOOPBACK = ("127.0.0.1", "localhost", "::1")


def server_info() -> ServerInfo | None:
    """The server running in this process (None in tests and CLI commands)."""
    return _running


def new_pairing_code(data_dir: Path, now: datetime | None = None) -> PairingCode:
    """A fresh one-time pairing code (valid 10 minutes; at most three are open at once)."""
    return book(data_dir).new_code(now)


def pairing_url(code: PairingCode | str, base_url: str | None = None) -> str:
    """The link that pairs a device: `<base_url>/pair?code=<code>`."""
    base = base_url or (_running.base_url if _running else None)
    if not base:
        raise RuntimeError("no home server is running in this process: pass base_url")
    value = code.code if isinstance(code, PairingCode) else code
    return f"{base.rstrip('/')}/pair?code={value}"


def list_devices(data_dir: Path) -> list[Device]:
    """Paired devices, oldest first."""
    return book(data_dir).devices()


def remove_device(data_dir: Path, device_id: str) -> bool:
    """Forget a device: its next request (page, file or websocket) gets 403 and an open
    websocket of it is closed."""
    return book(data_dir).remove(device_id)


def lan_addresses() -> list[str]:
    """This computer's IPv4 addresses on the home network (best first)."""
    found: list[str] = []
    try:
        # Connecting a UDP socket sends nothing: it only asks the routing table which
        # interface would be used, which is the one other devices can reach.
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            s.connect(("192.0.2.1", 9))
            found.append(s.getsockname()[0])
    except OSError:
        pass
    try:
        for info in socket.getaddrinfo(socket.gethostname(), None, socket.AF_INET):
            found.append(info[4][0])
    except OSError:
        pass
    out: list[str] = []
    for ip in found:
        if not ip.startswith("127.") and ip != "0.0.0.0" and ip not in out:
            out.append(ip)
    return out


def needs_pairing(host: str, lan: bool) -> bool:
    """Pairing is on with --lan, and whenever the server can be reached from other machines."""
    return lan or host not in LOOPBACK


def _url_host(host: str) -> str:
    if host in ("", "0.0.0.0", "::", "*"):
        addrs = lan_addresses()
        return addrs[0] if addrs else socket.gethostname()
    return f"[{host}]" if ":" in host else host


def announce(data_dir: Path, base_url: str, out=None) -> PairingCode:
    """Print a new pairing link and its QR code (the terminal's way to add a device)."""
    out = out or sys.stderr
    code = new_pairing_code(data_dir)
    url = pairing_url(code, base_url)
    local = code.expires.astimezone().strftime("%H:%M")
    print(f"\nTo add a phone or tablet, scan this code with its camera or open the link, before {local}:\n"
          f"  {url}\n  (pairing code {code.display}; it works once)\n", file=out)
    print(qr_text(url), file=out)
    if sys.stdin is not None and sys.stdin.isatty():
        print("Press Enter for a new code. Ctrl+C stops the server.", file=out)
    out.flush()
    return code


def run(main: Callable, data_dir: Path, assets_dir: Path, host: str | None = None, port: int = 8550,
        open_browser: bool = True, lan: bool = False) -> None:
    """Serve the app until Ctrl+C: on 127.0.0.1 only, or on the home network with pairing."""
    global _running
    import uvicorn

    from planner.web.server import HomeServer

    host = host or ("0.0.0.0" if lan else "127.0.0.1")
    if needs_pairing(host, lan) and not lan:
        print(f"{host} is reachable from other devices: only paired devices get in (as with --lan).",
              file=sys.stderr, flush=True)
        lan = True
    app = HomeServer(main, data_dir, assets_dir, lan=lan)
    app.on_paired = lambda d: print(f"Paired: {d.name}. Settings lists the paired devices.",
                                    file=sys.stderr, flush=True)
    app.warm()
    base = f"http://{_url_host(host)}:{port}"
    local = f"http://127.0.0.1:{port}" if host in ("0.0.0.0", "::", "127.0.0.1") else base
    _running = ServerInfo(lan=lan, base_url=base, data_dir=Path(data_dir))
    print(f"Serving Home practice on {base} (data folder: {data_dir}); Ctrl+C stops it",
          file=sys.stderr, flush=True)
    if lan:
        print("Only paired devices get in.", file=sys.stderr, flush=True)
        announce(data_dir, base)

    # Ctrl+C: open sessions get 3 s to close, then the server stops anyway.
    config = uvicorn.Config(app, host=host, port=port, log_level="warning", ws="websockets-sansio",
                            lifespan="on", timeout_graceful_shutdown=3)
    server = uvicorn.Server(config)

    def after_start():
        while not server.started and not server.should_exit:
            threading.Event().wait(0.1)
        if server.started and open_browser:
            target = pairing_url(new_pairing_code(data_dir), local) if lan else local
            webbrowser.open(target)
        if lan and sys.stdin is not None and sys.stdin.isatty():
            for _ in sys.stdin:
                announce(data_dir, base)

    threading.Thread(target=after_start, name="after-start", daemon=True).start()
    try:
        server.run()
    finally:
        _running = None
