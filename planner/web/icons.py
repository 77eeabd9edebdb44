"""Render the app's icons from assets/icon.svg: `python -m planner.web.icons`.

Run once whenever the icon changes; the PNGs are committed under planner/web/static/.
Chromium draws the SVG (Pillow cannot), Pillow then writes compact PNGs. Needs the
test extras (Playwright) and Debian's chromium, like the browser tests.
"""
from __future__ import annotations

import base64
import io
import os
import shutil
import sys
from pathlib import Path

from PIL import Image

from planner.library import ASSETS_DIR

STATIC = Path(__file__).resolve().parent / "static"
BLUE = "#1565C0"        # the icon's own frame colour

# name, size, full_bleed (no transparent corners: iOS and maskable icons), scale of the artwork
ICONS = [
    ("favicon.png", 48, False, 1.0),
    ("icons/icon-192.png", 192, False, 1.0),
    ("icons/icon-512.png", 512, False, 1.0),
    ("icons/apple-touch-icon-192.png", 192, True, 1.0),
    ("icons/icon-maskable-192.png", 192, True, 0.78),
    ("icons/icon-maskable-512.png", 512, True, 0.78),
    ("icons/loading-animation.png", 256, False, 1.0),
]


def page(svg: str, size: int, full_bleed: bool, scale: float) -> str:
    uri = "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()
    art = round(size * scale)
    # Full-bleed icons get the frame colour behind them; the artwork's own 2 px margin
    # is covered by drawing it slightly larger.
    inner = round(art * 64 / 60) if full_bleed else art
    bg = BLUE if full_bleed else "transparent"
    return (f"<html><body style='margin:0;background:{bg};width:{size}px;height:{size}px;"
            f"display:flex;align-items:center;justify-content:center;overflow:hidden'>"
            f"<img src='{uri}' style='width:{inner}px;height:{inner}px'></body></html>")


def main() -> int:
    from playwright.sync_api import sync_playwright
    exe = os.environ.get("PLANNER_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
    svg = (ASSETS_DIR / "icon.svg").read_text("utf-8")
    (STATIC / "favicon.svg").write_text(svg, "utf-8")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=exe, args=["--no-sandbox", "--disable-gpu"])
        for name, size, full, scale in ICONS:
            pg = browser.new_page(viewport={"width": size, "height": size})
            pg.set_content(page(svg, size, full, scale))
            pg.wait_for_function("document.images[0].complete")
            png = pg.screenshot(omit_background=not full)
            pg.close()
            img = Image.open(io.BytesIO(png))
            img = img.convert("RGB") if full else img.convert("RGBA")
            out = STATIC / name
            out.parent.mkdir(parents=True, exist_ok=True)
            img.save(out, optimize=True)
            print(f"{name}: {size}x{size}, {out.stat().st_size} bytes")
        browser.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
