"""QR codes for the pairing link (segno: a small pure-Python QR encoder)."""
from __future__ import annotations

import io

import segno


def _make(url: str) -> segno.QRCode:
    return segno.make(url, error="m", micro=False)


def qr_svg(url: str, scale: int = 6) -> str:
    """An SVG document of the QR code (dark on white, with the standard quiet zone)."""
    buf = io.BytesIO()
    _make(url).save(buf, kind="svg", scale=scale, dark="#000000", light="#ffffff",
                    xmldecl=False, title="Pairing code for Home practice")
    return buf.getvalue().decode("utf-8")


def qr_png(url: str, scale: int = 8) -> bytes:
    """A PNG of the QR code (for an ft.Image)."""
    buf = io.BytesIO()
    _make(url).save(buf, kind="png", scale=scale, dark="#000000", light="#ffffff")
    return buf.getvalue()


def qr_text(url: str) -> str:
    """The QR code as text for a terminal: two rows of modules per line (half blocks)."""
    buf = io.StringIO()
    _make(url).terminal(out=buf, compact=True)
    return buf.getvalue()


def qr_matrix(url: str) -> list[list[bool]]:
    """Dark (True) and light modules with the quiet zone: what a scanner reads."""
    return [[bool(v) for v in row] for row in _make(url).matrix_iter(border=4)]
