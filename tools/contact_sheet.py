#!/usr/bin/env python3
"""Build an HTML contact sheet of the picture set, to check it by eye.

    python3 tools/contact_sheet.py --out /tmp/sheet.html [--part 1/2]
    chromium --headless --no-sandbox --disable-gpu \\
        --screenshot=/tmp/sheet.png --window-size=1200,3000 file:///tmp/sheet.html

The page shows every activity picture at card size (160 px) with its id
below, then the slot and area pictures, then a row of 48 px thumbnails of
all activities (the size they have in a schedule list).  ``--part K/N``
shows only the K-th of N equal slices of the activities (for big sets);
the slots, areas and thumbnails are shown on the last part.

Python 3.11, standard library only.
"""
from __future__ import annotations

import argparse
import html
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def tile(svg: Path, label: str, size: int) -> str:
    return (f'<figure><img src="{svg.resolve().as_uri()}" width="{size}" height="{size}" '
            f'alt=""><figcaption>{html.escape(label)}</figcaption></figure>')


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--assets", type=Path, default=ROOT / "assets")
    ap.add_argument("--out", type=Path, default=Path("contact-sheet.html"))
    ap.add_argument("--part", default="1/1", help="K/N: show slice K of N")
    args = ap.parse_args(argv)
    k, n = (int(v) for v in args.part.split("/"))

    acts = sorted((args.assets / "activities").glob("*.svg"))
    per = -(-len(acts) // n)
    chunk = acts[(k - 1) * per: k * per]
    last = k == n

    parts = [
        "<!doctype html><html><head><meta charset='utf-8'><style>",
        "body{margin:16px;font:13px/1.2 system-ui,sans-serif;background:#fafafa;color:#222}",
        "h2{margin:14px 0 6px;font-size:16px}",
        ".grid{display:flex;flex-wrap:wrap;gap:8px}",
        "figure{margin:0;width:166px;text-align:center}",
        "figcaption{font-size:12px;word-break:break-all}",
        ".thumbs{display:flex;flex-wrap:wrap;gap:4px}",
        ".thumbs img{width:48px;height:48px}",
        "</style></head><body>",
        f"<h2>Activities ({len(acts)} in all; part {k}/{n})</h2><div class='grid'>",
    ]
    parts += [tile(p, p.stem, 160) for p in chunk]
    parts.append("</div>")
    if last:
        for sect in ("slots", "areas"):
            files = sorted((args.assets / sect).glob("*.svg"))
            parts.append(f"<h2>{sect.capitalize()}</h2><div class='grid'>")
            parts += [tile(p, p.stem, 160) for p in files]
            parts.append("</div>")
        parts.append("<h2>Thumbnails (48 px) and app icon</h2><div class='thumbs'>")
        parts += [f'<img src="{p.resolve().as_uri()}" title="{html.escape(p.stem)}" alt="">'
                  for p in acts]
        parts.append(f'<img src="{(args.assets / "icon.svg").resolve().as_uri()}" alt="">')
        parts.append("</div>")
    parts.append("</body></html>\n")
    args.out.write_text("".join(parts), encoding="utf-8")
    print(f"wrote {args.out} ({len(chunk)} activity pictures)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
