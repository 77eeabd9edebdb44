#!/usr/bin/env python3
"""Build a contact sheet of the picture set, to check it by eye.

    python3 tools/contact_sheet.py --out /tmp/sheet.html [--part 1/4] [--png sheet.png]

The page shows the activity pictures at card size (96 px by default, the
size of a card in Kid mode) with their ids below.  ``--part K/N`` shows only
the K-th of N equal slices of the activities (for big sets); the last part
also shows the slot and area pictures, the custom-activity pictures (with the
title words that choose them, see ``planner/picture_choice.py``) and a row
of 48 px thumbnails of all activities (their size in a schedule list).

``--png FILE`` also renders the page to a PNG with headless Chromium
(``chromium`` or ``chromium-browser`` on the PATH, or ``/usr/bin/chromium``).

Python 3.11, standard library only.
"""
from __future__ import annotations

import argparse
import html
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WIDTH = 1200


def tile(svg: Path, label: str, size: int) -> str:
    return (f'<figure style="width:{size + 14}px"><img src="{svg.resolve().as_uri()}" '
            f'width="{size}" height="{size}" alt=""><figcaption>{html.escape(label)}'
            f'</figcaption></figure>')


def custom_keywords() -> dict[str, list[str]]:
    """custom/<name>.svg -> the title words that choose it (empty if the
    chooser cannot be imported)."""
    sys.path.insert(0, str(ROOT))
    try:
        from planner.picture_choice import CUSTOM_KEYWORDS
    except ImportError:
        return {}
    out: dict[str, list[str]] = {}
    for word, pic in CUSTOM_KEYWORDS.items():
        out.setdefault(pic, []).append(word)
    return out


def render_png(html_path: Path, png: Path, height: int) -> None:
    exe = (shutil.which("chromium") or shutil.which("chromium-browser")
           or ("/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None))
    if exe is None:
        raise SystemExit("no chromium found to render the PNG")
    subprocess.run([exe, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
                    f"--screenshot={png.resolve()}", f"--window-size={WIDTH},{height}",
                    html_path.resolve().as_uri()], check=True, capture_output=True, timeout=120)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--assets", type=Path, default=ROOT / "assets")
    ap.add_argument("--out", type=Path, default=Path("contact-sheet.html"))
    ap.add_argument("--part", default="1/1", help="K/N: show slice K of N")
    ap.add_argument("--size", type=int, default=96, help="picture size in px")
    ap.add_argument("--png", type=Path, help="also render the page to this PNG")
    args = ap.parse_args(argv)
    k, n = (int(v) for v in args.part.split("/"))
    size = args.size

    acts = sorted((args.assets / "activities").glob("*.svg"))
    per = -(-len(acts) // n)
    chunk = acts[(k - 1) * per: k * per]
    last = k == n

    per_row = (WIDTH - 32) // (size + 14 + 8)
    rows = -(-len(chunk) // per_row)
    row_h = size + 8 + 30
    height = 60 + rows * row_h

    parts = [
        "<!doctype html><html><head><meta charset='utf-8'><style>",
        "body{margin:16px;font:12px/1.2 system-ui,sans-serif;background:#fafafa;color:#222}",
        "h2{margin:14px 0 6px;font-size:16px}",
        ".grid{display:flex;flex-wrap:wrap;gap:8px}",
        "figure{margin:0;text-align:center}",
        "figcaption{font-size:11px;word-break:break-word;height:28px;overflow:hidden}",
        ".thumbs{display:flex;flex-wrap:wrap;gap:4px}",
        ".thumbs img{width:48px;height:48px}",
        "</style></head><body>",
        f"<h2>Activities ({len(acts)} in all; part {k}/{n}; {size} px)</h2><div class='grid'>",
    ]
    parts += [tile(p, p.stem, size) for p in chunk]
    parts.append("</div>")
    if last:
        for sect in ("slots", "areas"):
            files = sorted((args.assets / sect).glob("*.svg"))
            parts.append(f"<h2>{sect.capitalize()}</h2><div class='grid'>")
            parts += [tile(p, p.stem, size) for p in files]
            parts.append("</div>")
            height += 50 + -(-len(files) // per_row) * row_h
        files = sorted((args.assets / "custom").glob("*.svg"))
        if files:
            words = custom_keywords()
            cw = 150
            parts.append("<h2>Custom activities: picture by title word</h2><div class='grid'>")
            for p in files:
                label = ", ".join(words.get(f"custom/{p.name}", [])) or p.stem
                parts.append(f'<figure style="width:{cw}px"><img src="{p.resolve().as_uri()}" '
                             f'width="{size}" height="{size}" alt=""><figcaption style="height:42px">'
                             f'<b>{html.escape(p.stem)}</b>: {html.escape(label)}</figcaption></figure>')
            parts.append("</div>")
            height += 50 + -(-len(files) // ((WIDTH - 32) // (cw + 8))) * (size + 56)
        parts.append("<h2>Thumbnails (48 px) and app icon</h2><div class='thumbs'>")
        parts += [f'<img src="{p.resolve().as_uri()}" title="{html.escape(p.stem)}" alt="">'
                  for p in acts]
        parts.append(f'<img src="{(args.assets / "icon.svg").resolve().as_uri()}" alt="">')
        parts.append("</div>")
        height += 50 + -(-(len(acts) + 1) // ((WIDTH - 32) // 52)) * 52
    parts.append("</body></html>\n")
    args.out.write_text("".join(parts), encoding="utf-8")
    print(f"wrote {args.out} ({len(chunk)} activity pictures)")
    if args.png:
        render_png(args.out, args.png, height + 20)
        print(f"wrote {args.png}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
