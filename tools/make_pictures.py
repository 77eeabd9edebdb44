#!/usr/bin/env python3
"""Build the picture set (SVG cards) for activities, day slots and areas.

Every picture is a rounded-square card, tinted with the colour of the
activity's main area, with one or more Microsoft Fluent Emoji (flat style,
MIT licence) composed on it, plus simple flat shapes drawn here (ropes,
tweezers, zipper teeth, buttons, ...) where no emoji shows the activity.

The emoji come from the npm package ``@iconify-json/fluent-emoji-flat``.
Fetch it once (it is not kept in the repo) and pass its ``icons.json``::

    cd /tmp && npm pack @iconify-json/fluent-emoji-flat
    tar xzf iconify-json-fluent-emoji-flat-*.tgz      # gives ./package/
    python3 tools/make_pictures.py /tmp/package/icons.json

Options: ``--out DIR`` (default ``assets``), ``--check`` (fail when an
activity of the library has no entry in ``tools/pictures.json``).

Inputs (all in the repo):

* ``planner/activities/*.json`` -- the activity library; each file is
  ``{"activities": [{"id": ..., "areas": [main area, ...], ...}]}``.
* ``planner/activities/areas.json`` -- area colours/tints and day slots.
* ``tools/pictures.json`` -- for each activity id, slot and area, the
  layers to draw, in order (first is at the back).  Coordinates are in the
  128 x 128 card.  A layer is either an emoji::

      {"e": "scissors", "x": 20, "y": 30, "s": 60, "flip": true, "rot": -20}

  (``x``/``y`` = top-left corner, ``s`` = size, ``flip`` mirrors it,
  ``rot`` rotates it in degrees around its centre), or a drawn shape given
  as a list whose first item names it, see ``SHAPES`` below, e.g.
  ``["line", x1, y1, x2, y2, "#636363", 3]``.  Any layer may also carry
  ``"rot"``/``"flip"`` via the ``["g", {"rot": 15, "cx": 64, "cy": 64},
  [layers...]]`` group shape.  A ``{"kid": {...}, "head": "child"}`` layer
  draws a child's body from a few joints with an emoji head (see
  ``body_svg``), for poses no emoji shows (lying on the tummy, wall
  push-ups, landing seated on a cushion...).

The ``custom`` table holds the pictures for custom activities, written to
``assets/custom/<name>.svg`` and chosen from title words by
``planner/picture_choice.py``.

Python 3.11, standard library only.
"""
from __future__ import annotations

import argparse
import json
import math
import re
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LIB_DIR = ROOT / "planner" / "activities"
PICTURES = Path(__file__).resolve().parent / "pictures.json"
SIZE = 128

# Flat colours in the Fluent emoji palette, so drawn shapes match the emoji.
PALETTE = {
    "blue": "#00A6ED", "darkblue": "#0074BA", "red": "#F8312F",
    "darkred": "#CA0B4A", "orange": "#FF822D", "amber": "#FFB02E",
    "yellow": "#FCD53F", "green": "#00D26A", "darkgreen": "#008463",
    "purple": "#8D65C5", "pink": "#FF6DC6", "brown": "#6D4534",
    "tan": "#D3A06F", "sand": "#F3C07B", "grey": "#9B9B9B",
    "darkgrey": "#636363", "lightgrey": "#D3D3D3", "white": "#FFFFFF",
    "offwhite": "#F4F4F4", "black": "#1C1C1C",
    # the emoji people's own colours, for drawn bodies (arms, legs, shirts)
    "skin": "#FFC83D", "shirt": "#FF6723", "pants": "#7D7D7D", "shoe": "#533566",
    "wood": "#A56953", "navy": "#1C5CD7",
}


def col(c: str | None) -> str:
    if c is None:
        return "none"
    return PALETTE.get(c, c)


def fmt(v: float) -> str:
    if isinstance(v, (int,)) or float(v).is_integer():
        return str(int(v))
    return f"{v:.2f}".rstrip("0").rstrip(".")


# ---------------------------------------------------------------- emoji ----

class EmojiSet:
    def __init__(self, path: Path):
        data = json.loads(Path(path).read_text(encoding="utf-8"))
        self.icons = data["icons"]
        self.aliases = data.get("aliases", {})
        self.w = data.get("width", 16)
        self.h = data.get("height", 16)
        self.counter = 0

    def get(self, name: str) -> tuple[str, int, int, bool]:
        flip = False
        seen = 0
        while name not in self.icons:
            if name not in self.aliases or seen > 5:
                raise KeyError(f"emoji not in set: {name}")
            alias = self.aliases[name]
            flip ^= bool(alias.get("hFlip"))
            name = alias["parent"]
            seen += 1
        icon = self.icons[name]
        return (icon["body"], icon.get("width", self.w),
                icon.get("height", self.h), flip)

    def place(self, name: str, x: float, y: float, s: float,
              flip: bool = False, rot: float = 0, opacity: float = 1) -> str:
        body, w, h, aflip = self.get(name)
        self.counter += 1
        body = namespace_ids(body, f"e{self.counter}-")
        scale = s / max(w, h)
        parts = []
        if rot:
            parts.append(f"rotate({fmt(rot)} {fmt(x + s / 2)} {fmt(y + s / 2)})")
        parts.append(f"translate({fmt(x)} {fmt(y)})")
        parts.append(f"scale({scale:.4f})")
        if flip ^ aflip:
            parts.append(f"translate({w} 0) scale(-1 1)")
        op = f' opacity="{fmt(opacity)}"' if opacity != 1 else ""
        return f'<g transform="{" ".join(parts)}"{op}>{body}</g>'


ID_RE = re.compile(r'\bid="([^"]+)"')


def namespace_ids(body: str, prefix: str) -> str:
    """Prefix every internal id (gradients, clip paths, masks...) and all
    references to it, so several emoji can share one SVG document."""
    ids = set(ID_RE.findall(body))
    if not ids:
        return body
    for old in sorted(ids, key=len, reverse=True):
        new = prefix + old
        esc = re.escape(old)
        body = re.sub(rf'\bid="{esc}"', f'id="{new}"', body)
        body = re.sub(rf'url\(#{esc}\)', f'url(#{new})', body)
        body = re.sub(rf'href="#{esc}"', f'href="#{new}"', body)
    return body


# --------------------------------------------------------------- shapes ----

def _stroke(c, w, extra=""):
    return (f'fill="none" stroke="{col(c)}" stroke-width="{fmt(w)}" '
            f'stroke-linecap="round" stroke-linejoin="round"{extra}')


def sh_line(x1, y1, x2, y2, c="darkgrey", w=3, dash=None):
    d = f' stroke-dasharray="{dash}"' if dash else ""
    return (f'<line x1="{fmt(x1)}" y1="{fmt(y1)}" x2="{fmt(x2)}" y2="{fmt(y2)}" '
            f'{_stroke(c, w, d)}/>')


def sh_circle(cx, cy, r, fill="white", stroke=None, w=2):
    s = f' stroke="{col(stroke)}" stroke-width="{fmt(w)}"' if stroke else ""
    return f'<circle cx="{fmt(cx)}" cy="{fmt(cy)}" r="{fmt(r)}" fill="{col(fill)}"{s}/>'


def sh_ellipse(cx, cy, rx, ry, fill="white", stroke=None, w=2):
    s = f' stroke="{col(stroke)}" stroke-width="{fmt(w)}"' if stroke else ""
    return (f'<ellipse cx="{fmt(cx)}" cy="{fmt(cy)}" rx="{fmt(rx)}" ry="{fmt(ry)}" '
            f'fill="{col(fill)}"{s}/>')


def sh_rect(x, y, w, h, rx=0, fill="white", stroke=None, sw=2):
    s = f' stroke="{col(stroke)}" stroke-width="{fmt(sw)}"' if stroke else ""
    return (f'<rect x="{fmt(x)}" y="{fmt(y)}" width="{fmt(w)}" height="{fmt(h)}" '
            f'rx="{fmt(rx)}" fill="{col(fill)}"{s}/>')


def sh_path(d, fill=None, stroke=None, w=3, dash=None):
    if stroke:
        extra = f' stroke-dasharray="{dash}"' if dash else ""
        s = _stroke(stroke, w, extra)
        if fill:
            s = s.replace('fill="none"', f'fill="{col(fill)}"')
        return f'<path d="{d}" {s}/>'
    return f'<path d="{d}" fill="{col(fill)}"/>'


def sh_poly(points, fill="white", stroke=None, w=2):
    pts = " ".join(f"{fmt(a)},{fmt(b)}" for a, b in points)
    s = f' stroke="{col(stroke)}" stroke-width="{fmt(w)}" stroke-linejoin="round"' if stroke else ""
    return f'<polygon points="{pts}" fill="{col(fill)}"{s}/>'


def sh_polyline(points, c="darkgrey", w=3, dash=None):
    pts = " ".join(f"{fmt(a)},{fmt(b)}" for a, b in points)
    d = f' stroke-dasharray="{dash}"' if dash else ""
    return f'<polyline points="{pts}" {_stroke(c, w, d)}/>'


def sh_button(cx, cy, r, fill="red"):
    """A sewing button: disc, rim and four thread holes."""
    h = r * 0.22
    o = r * 0.33
    out = [sh_circle(cx, cy, r, fill),
           sh_circle(cx, cy, r * 0.78, "none", "#00000022", max(1, r * 0.12))]
    for dx, dy in ((-o, -o), (o, -o), (-o, o), (o, o)):
        out.append(sh_circle(cx + dx, cy + dy, h, "#00000055"))
    return "".join(out)


def sh_bead(cx, cy, r, fill="blue", hole_dir=0):
    """A bead seen from the side: rounded barrel with a hole line."""
    return (sh_circle(cx, cy, r, fill)
            + sh_ellipse(cx - r * 0.3, cy - r * 0.35, r * 0.35, r * 0.22, "#FFFFFF66")
            + sh_circle(cx, cy, r * 0.28, "#00000044"))


def sh_zipper(x, y1, y2, c="darkgrey", tooth=3, pull=True):
    """Vertical zipper: alternating teeth from y1 to y2, slider at y1."""
    out = []
    y = y1 + 4
    i = 0
    while y < y2:
        dx = -tooth if i % 2 == 0 else 0
        out.append(sh_rect(x + dx, y, tooth, 2.2, 0.6, c))
        y += 3
        i += 1
    if pull:
        out.append(sh_rect(x - 4, y1 - 2, 8, 8, 2, c))
        out.append(sh_rect(x - 2.2, y1 + 4, 4.4, 10, 2, "grey"))
        out.append(sh_circle(x, y1 + 11, 1.2, "offwhite"))
    return "".join(out)


def sh_tweezers(x1, y1, x2, y2, gap=6, c="grey"):
    """Tweezers: two thin arms joined at (x1,y1), tips nearly meeting at (x2,y2)."""
    ang = math.atan2(y2 - y1, x2 - x1)
    nx, ny = -math.sin(ang), math.cos(ang)
    mx, my = x1 + (x2 - x1) * 0.45, y1 + (y2 - y1) * 0.45
    tip = 1.2
    arm = []
    for sgn in (1, -1):
        arm.append(sh_polyline(
            [(x1, y1), (mx + nx * gap * sgn, my + ny * gap * sgn),
             (x2 + nx * tip * sgn, y2 + ny * tip * sgn)], c, 3.2))
    return (sh_circle(x1, y1, 3, "darkgrey") + "".join(arm))


def sh_motion(x, y, n=3, length=10, gap=5, c="#FFFFFFCC", w=2.5, vertical=False):
    """Motion lines (speed strokes)."""
    out = []
    for i in range(n):
        if vertical:
            out.append(sh_line(x + i * gap, y, x + i * gap, y + length, c, w))
        else:
            out.append(sh_line(x, y + i * gap, x + length, y + i * gap, c, w))
    return "".join(out)


def sh_arc(x1, y1, x2, y2, bend=20, c="darkgrey", w=2.5, dash="4 4", arrow=True):
    """Curved (dashed) movement path from (x1,y1) to (x2,y2), optional arrow head."""
    mx, my = (x1 + x2) / 2, (y1 + y2) / 2
    dx, dy = x2 - x1, y2 - y1
    ln = math.hypot(dx, dy) or 1
    cx, cy = mx - dy / ln * bend, my + dx / ln * bend
    out = [sh_path(f"M{fmt(x1)} {fmt(y1)}Q{fmt(cx)} {fmt(cy)} {fmt(x2)} {fmt(y2)}",
                   stroke=c, w=w, dash=dash)]
    if arrow:
        ang = math.atan2(y2 - cy, x2 - cx)
        a = 6
        p1 = (x2 - a * math.cos(ang - 0.5), y2 - a * math.sin(ang - 0.5))
        p2 = (x2 - a * math.cos(ang + 0.5), y2 - a * math.sin(ang + 0.5))
        out.append(sh_polyline([p1, (x2, y2), p2], c, w))
    return "".join(out)


def sh_arrow(x1, y1, x2, y2, c="darkgrey", w=3):
    ang = math.atan2(y2 - y1, x2 - x1)
    a = 6
    p1 = (x2 - a * math.cos(ang - 0.55), y2 - a * math.sin(ang - 0.55))
    p2 = (x2 - a * math.cos(ang + 0.55), y2 - a * math.sin(ang + 0.55))
    return sh_line(x1, y1, x2, y2, c, w) + sh_polyline([p1, (x2, y2), p2], c, w)


def sh_cone(x, y, h=22, c="orange"):
    """Traffic cone with base at (x, y)."""
    w = h * 0.75
    return (sh_rect(x - w / 2 - 2, y - 3, w + 4, 4, 1.5, c)
            + sh_poly([(x - w / 2 + 2, y - 3), (x - 2.5, y - h), (x + 2.5, y - h),
                       (x + w / 2 - 2, y - 3)], c)
            + sh_poly([(x - w * 0.32, y - h * 0.45), (x - w * 0.2, y - h * 0.72),
                       (x + w * 0.2, y - h * 0.72), (x + w * 0.32, y - h * 0.45)], "offwhite"))


def sh_bricks(x, y, w, h, c="#E1734A", mortar="#FFE5D1", bh=8, bw=16):
    out = [sh_rect(x, y, w, h, 2, mortar)]
    row = 0
    yy = y + 1
    while yy < y + h - 1:
        off = 0 if row % 2 == 0 else -bw / 2
        xx = x + 1 + off
        while xx < x + w - 1:
            x0 = max(xx, x + 1)
            x1 = min(xx + bw - 1.5, x + w - 1)
            if x1 - x0 > 1:
                out.append(sh_rect(x0, yy, x1 - x0, min(bh - 1.5, y + h - 1 - yy), 1, c))
            xx += bw
        yy += bh
        row += 1
    return "".join(out)


def sh_dots(x, y, w, h, n=30, colors=("sand",), r=1.8, seed=1):
    """Pseudo-random scatter (rice, beans, sprinkles) inside a box."""
    out = []
    v = seed * 7919
    for i in range(n):
        v = (v * 1103515245 + 12345) & 0x7FFFFFFF
        px = x + (v % 1000) / 1000 * w
        v = (v * 1103515245 + 12345) & 0x7FFFFFFF
        py = y + (v % 1000) / 1000 * h
        out.append(sh_circle(px, py, r, colors[i % len(colors)]))
    return "".join(out)


def sh_text_path(d, c="darkgrey", w=5):
    """A thick rounded stroke, used for drawn letters, shapes to trace."""
    return sh_path(d, stroke=c, w=w)


def sh_star(cx, cy, r, fill="yellow", points=5):
    pts = []
    for i in range(points * 2):
        rr = r if i % 2 == 0 else r * 0.45
        a = -math.pi / 2 + i * math.pi / points
        pts.append((cx + rr * math.cos(a), cy + rr * math.sin(a)))
    return sh_poly(pts, fill)


SKIN_LINE = "#E39A1B"   # a darker skin tone, for the outline of drawn hands


def sh_pinch(x, y, s, flip=False, rot=0, bead=None):
    """A hand seen from the side, pinching with the tips of the thumb and the
    index finger (the other fingers tucked), drawn big and simple so it reads
    as a pinch, not a fist, at card size.  (x, y) is the top-left corner of
    an s x s box; the fingertips meet near its right edge, two-thirds down.
    ``bead`` (a colour) puts a small bead between the tips."""
    def both(d, w):
        return (sh_path(d, stroke=SKIN_LINE, w=w + 4) + sh_path(d, stroke="skin", w=w))
    palm = "M12 48 Q12 32 30 30 L48 32 Q56 40 54 56 Q52 72 40 76 L24 76 Q12 70 12 48 Z"
    parts = [
        sh_rect(-6, 36, 20, 34, 4, "shirt"),
        both("M42 36 Q74 14 88 46", 15),                   # index finger
        both("M34 72 Q66 88 86 68", 15),                   # thumb
        sh_path(palm, "skin", SKIN_LINE, 4),
        sh_path(palm, "skin"),
        sh_path("M40 36 Q74 14 88 46", stroke="skin", w=15),
        sh_path("M32 72 Q66 88 86 68", stroke="skin", w=15),
        sh_path("M50 44 Q58 48 54 58", stroke=SKIN_LINE, w=3),   # tucked fingers
        sh_ellipse(86, 40, 3.5, 4.5, "#FFE9A8"),            # index nail
        sh_ellipse(80, 74, 4.5, 3, "#FFE9A8"),              # thumb nail
    ]
    if bead:
        parts.append(sh_circle(90, 58, 7, bead))
        parts.append(sh_circle(88, 56, 2.2, "#FFFFFF88"))
    tr = [f"translate({fmt(x)} {fmt(y)})"]
    if rot:
        tr.insert(0, f"rotate({fmt(rot)} {fmt(x + s / 2)} {fmt(y + s / 2)})")
    tr.append(f"scale({s / 100:.4f})")
    if flip:
        tr.append("translate(100 0) scale(-1 1)")
    return f'<g transform="{" ".join(tr)}">' + "".join(parts) + "</g>"


def body_svg(k: dict) -> str:
    """A child's body drawn as thick rounded limbs (the head is an emoji put
    on top by the ``kid`` layer).  Points are [x, y]: ``neck``, ``hip``,
    ``arms`` (a list of [elbow, hand]), ``legs`` (a list of [knee, foot]);
    ``w`` limb width, colours ``shirt``, ``pants``, ``shoe``; ``shorts``
    (bare legs below the knee), ``bare_feet``, ``onesie`` (legs in the shirt
    colour, for a baby or toddler)."""
    w = k.get("w", 8)
    shirt, pants = col(k.get("shirt", "shirt")), col(k.get("pants", "pants"))
    if k.get("onesie"):
        pants = shirt
    nx, ny = k["neck"]
    hx, hy = k["hip"]
    out = []
    for knee, foot in k.get("legs", []):
        if k.get("shorts"):
            out.append(sh_polyline([(hx, hy), knee], pants, w * 1.15))
            out.append(sh_polyline([knee, foot], "skin", w * 0.8))
        else:
            out.append(sh_polyline([(hx, hy), knee, foot], pants, w))
        fx, fy = foot
        if k.get("bare_feet") or k.get("onesie"):
            out.append(sh_circle(fx, fy, w * 0.55, "skin" if k.get("bare_feet") else pants))
        else:
            d = k.get("toe", 1)
            out.append(sh_ellipse(fx + d * w * 0.35, fy, w * 0.85, w * 0.5, k.get("shoe", "shoe")))
    out.append(sh_polyline([(nx, ny), (hx, hy)], shirt, w * 2.1))
    for elbow, hand in k.get("arms", []):
        out.append(sh_polyline([(nx, ny), elbow, hand], shirt, w * 0.85))
        out.append(sh_circle(hand[0], hand[1], w * 0.55, "skin"))
    return "".join(out)


def sh_raw(svg):
    return svg


SHAPES = {
    "line": sh_line, "circle": sh_circle, "ellipse": sh_ellipse,
    "rect": sh_rect, "path": sh_path, "poly": sh_poly,
    "polyline": sh_polyline, "button": sh_button, "bead": sh_bead,
    "zipper": sh_zipper, "tweezers": sh_tweezers, "motion": sh_motion,
    "arc": sh_arc, "arrow": sh_arrow, "cone": sh_cone, "bricks": sh_bricks,
    "dots": sh_dots, "stroke": sh_text_path, "star": sh_star, "raw": sh_raw,
    "pinch": sh_pinch,
}


# ----------------------------------------------------------------- card ----

def render_layers(layers, emoji: EmojiSet) -> str:
    out = []
    for layer in layers:
        if isinstance(layer, dict) and "kid" in layer:
            # a drawn body with an emoji head: {"kid": {body...}, "head": "child",
            # "hs": head size, "hrot": head rotation, "front": [layers drawn
            # over the body but under the head]}
            k = layer["kid"]
            out.append(body_svg(k))
            nx, ny = k["neck"]
            hx, hy = k["hip"]
            hs = layer.get("hs", 30)
            ln = math.hypot(nx - hx, ny - hy) or 1
            cx = nx + (nx - hx) / ln * hs * 0.36
            cy = ny + (ny - hy) / ln * hs * 0.36
            if "hc" in layer:
                cx, cy = layer["hc"]
            out.append(render_layers(layer.get("front", []), emoji))
            out.append(emoji.place(layer.get("head", "child"), cx - hs / 2, cy - hs / 2, hs,
                                   layer.get("flip", False), layer.get("hrot", 0)))
        elif isinstance(layer, dict):
            out.append(emoji.place(layer["e"], layer["x"], layer["y"], layer["s"],
                                   layer.get("flip", False), layer.get("rot", 0),
                                   layer.get("o", 1)))
        elif layer[0] == "g":
            opts, inner = layer[1], layer[2]
            tr = []
            if "dx" in opts or "dy" in opts:
                tr.append(f"translate({fmt(opts.get('dx', 0))} {fmt(opts.get('dy', 0))})")
            if "rot" in opts:
                tr.append(f"rotate({fmt(opts['rot'])} {fmt(opts.get('cx', 64))} "
                          f"{fmt(opts.get('cy', 64))})")
            if "scale" in opts:
                tr.append(f"scale({opts['scale']})")
            out.append(f'<g transform="{" ".join(tr)}">'
                       + render_layers(inner, emoji) + "</g>")
        else:
            fn = SHAPES.get(layer[0])
            if fn is None:
                raise ValueError(f"unknown shape {layer[0]!r}")
            out.append(fn(*layer[1:]))
    return "".join(out)


def card(title: str, tint: str, color: str, layers, emoji: EmojiSet,
         backdrop: str | None = None) -> str:
    """One card: rounded square, pastel tint, soft light spot, coloured rim."""
    title = (title.replace("&", "&amp;").replace("<", "&lt;")
             .replace(">", "&gt;").replace('"', "&quot;"))
    bg = backdrop or (
        f'<rect x="3" y="3" width="122" height="122" rx="26" fill="{tint}"/>'
        f'<ellipse cx="64" cy="112" rx="54" ry="11" fill="{color}" opacity="0.12"/>'
        f'<circle cx="64" cy="60" r="46" fill="#FFFFFF" opacity="0.55"/>')
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {SIZE} {SIZE}" '
        f'width="{SIZE}" height="{SIZE}" role="img" aria-label="{title}">'
        f"<title>{title}</title>"
        f'<defs><clipPath id="card"><rect x="3" y="3" width="122" height="122" rx="26"/>'
        f"</clipPath></defs>"
        f'<g clip-path="url(#card)">{bg}{render_layers(layers, emoji)}</g>'
        f'<rect x="3" y="3" width="122" height="122" rx="26" fill="none" '
        f'stroke="{color}" stroke-width="4"/>'
        f"</svg>\n")


def icon_svg(emoji: EmojiSet) -> str:
    """App icon: a small card with a child and a tick (a plan done)."""
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64" width="64" '
        'height="64" role="img" aria-label="OT home planner"><title>OT home planner</title>'
        '<rect x="2" y="2" width="60" height="60" rx="14" fill="#1565C0"/>'
        '<rect x="8" y="10" width="48" height="46" rx="8" fill="#E3F2FD"/>'
        '<rect x="8" y="10" width="48" height="9" rx="4" fill="#90CAF9"/>'
        + emoji.place("child", 11, 20, 30)
        + emoji.place("check-mark-button", 37, 34, 19)
        + "</svg>\n")


# ----------------------------------------------------------------- main ----

def load_library() -> list[dict]:
    acts = []
    for f in sorted(LIB_DIR.glob("*.json")):
        if f.name == "areas.json":
            continue
        data = json.loads(f.read_text(encoding="utf-8"))
        if isinstance(data, dict) and isinstance(data.get("activities"), list):
            acts.extend(data["activities"])
    return acts


def validate(svg: str, where: str) -> None:
    ET.fromstring(svg)  # parses as XML
    if re.search(r'href="(?!#)', svg) or "url(http" in svg or "<image" in svg:
        raise ValueError(f"{where}: external reference")
    if len(svg.encode()) >= 50_000:
        raise ValueError(f"{where}: {len(svg.encode())} bytes, over 50 KB")
    ids = ID_RE.findall(svg)
    if len(ids) != len(set(ids)):
        raise ValueError(f"{where}: duplicate ids")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("icons_json", type=Path,
                    help="icons.json of @iconify-json/fluent-emoji-flat")
    ap.add_argument("--out", type=Path, default=ROOT / "assets")
    ap.add_argument("--check", action="store_true",
                    help="fail if a library activity has no picture entry")
    args = ap.parse_args(argv)

    emoji = EmojiSet(args.icons_json)
    pics = json.loads(PICTURES.read_text(encoding="utf-8"))
    palette = json.loads((LIB_DIR / "areas.json").read_text(encoding="utf-8"))
    areas, slots = palette["areas"], palette["slots"]
    library = load_library()

    written: list[tuple[Path, int]] = []

    def write(path: Path, svg: str) -> None:
        validate(svg, str(path))
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(svg, encoding="utf-8")
        written.append((path, len(svg.encode())))

    missing = []
    act_pics = pics["activities"]
    for act in library:
        aid = act["id"]
        main_area = (act.get("areas") or ["cognitive"])[0]
        a = areas.get(main_area, areas["cognitive"])
        entry = act_pics.get(aid)
        if entry is None:
            missing.append(aid)
            continue
        write(args.out / "activities" / f"{aid}.svg",
              card(act.get("title", aid), entry.get("tint", a["tint"]),
                   entry.get("color", a["color"]), entry["layers"], emoji))
    # pictures for ids not (yet) in the library are still drawn, tinted by
    # the area given in pictures.json, so the set can be prepared ahead.
    lib_ids = {a["id"] for a in library}
    for aid, entry in act_pics.items():
        if aid in lib_ids:
            continue
        a = areas[entry.get("area", "cognitive")]
        write(args.out / "activities" / f"{aid}.svg",
              card(entry.get("title", aid), entry.get("tint", a["tint"]),
                   entry.get("color", a["color"]), entry["layers"], emoji))

    for slot, entry in pics["slots"].items():
        info = slots[slot]
        back = entry.get("sky")
        backdrop = None
        if back:
            backdrop = (f'<defs><linearGradient id="sky" x1="0" y1="0" x2="0" y2="1">'
                        f'<stop offset="0" stop-color="{back[0]}"/>'
                        f'<stop offset="1" stop-color="{back[1]}"/></linearGradient></defs>'
                        f'<rect x="3" y="3" width="122" height="122" rx="26" fill="url(#sky)"/>')
        write(args.out / "slots" / f"{slot}.svg",
              card(info["label"], back[1] if back else "#FFFFFF", entry.get("rim", "#546E7A"),
                   entry["layers"], emoji, backdrop))

    for area, entry in pics["areas"].items():
        a = areas[area]
        write(args.out / "areas" / f"{area}.svg",
              card(a["label"], a["tint"], a["color"], entry["layers"], emoji))

    # pictures for custom activities (chosen by planner/picture_choice.py from
    # the words of a therapist's own title)
    for name, entry in pics.get("custom", {}).items():
        write(args.out / "custom" / f"{name}.svg",
              card(entry.get("title", name), entry.get("tint", "#F1F3F4"),
                   entry.get("color", "#546E7A"), entry["layers"], emoji))

    write(args.out / "icon.svg", icon_svg(emoji))

    biggest = max(written, key=lambda t: t[1])
    print(f"wrote {len(written)} SVG files; largest {biggest[1]} bytes "
          f"({biggest[0].relative_to(args.out.parent) if args.out.parent in biggest[0].parents else biggest[0]})")
    if missing:
        print("no picture entry for: " + ", ".join(missing), file=sys.stderr)
        if args.check:
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
