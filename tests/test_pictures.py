"""The picture set: one clear, small, distinct SVG per activity, slot, area and custom-activity
keyword, with its licence."""
from __future__ import annotations

import hashlib
import re
import subprocess
import sys
import xml.etree.ElementTree as ET

import pytest

from planner.core.model import AREAS, SLOTS
from planner.library import ASSETS_DIR, load_library
from planner.picture_choice import CUSTOM_PICTURES
from conftest import ROOT

MAX_BYTES = 50 * 1024


def all_pictures():
    pics = {f"activities/{a.id}": ASSETS_DIR / a.picture for a in load_library().values()}
    pics.update({f"slots/{s}": ASSETS_DIR / "slots" / f"{s}.svg" for s in SLOTS})
    pics.update({f"areas/{a}": ASSETS_DIR / "areas" / f"{a}.svg" for a in AREAS})
    pics["activities/custom"] = ASSETS_DIR / "activities" / "custom.svg"
    pics.update({p[:-len(".svg")]: ASSETS_DIR / p for p in CUSTOM_PICTURES})
    return pics


@pytest.mark.parametrize("name,path", sorted(all_pictures().items()))
def test_picture_exists_parses_and_is_small(name, path):
    assert path.exists(), name
    data = path.read_bytes()
    assert len(data) < MAX_BYTES, f"{name}: {len(data)} bytes"
    root = ET.fromstring(data)
    assert root.tag.endswith("svg") and root.get("viewBox"), name
    text = data.decode("utf-8")
    assert not re.search(r"""(?:href|src)\s*=\s*["'](?:https?:|//|file:)""", text), name
    ids = re.findall(r'\bid="([^"]+)"', text)
    assert len(ids) == len(set(ids)), f"{name}: duplicate ids inside the picture"


def test_every_library_activity_has_its_own_picture_file():
    lib = load_library()
    assert lib
    missing = [a.id for a in lib.values() if not (ASSETS_DIR / a.picture).is_file()]
    assert not missing, f"no picture file for: {missing}"
    pictures = [a.picture for a in lib.values()]
    shared = sorted({p for p in pictures if pictures.count(p) > 1})
    assert not shared, f"pictures named by more than one activity: {shared}"


def test_custom_keyword_pictures_are_all_drawn_and_nothing_else_is_there():
    on_disk = {f"custom/{p.name}" for p in (ASSETS_DIR / "custom").glob("*.svg")}
    assert on_disk == set(CUSTOM_PICTURES)


def test_pictures_are_distinct():
    digests = {}
    for name, path in all_pictures().items():
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        assert digest not in digests, f"{name} is the same picture as {digests[digest]}"
        digests[digest] = name


def test_licence_and_attribution():
    text = (ASSETS_DIR / "PICTURES-LICENSE.md").read_text(encoding="utf-8")
    assert "Fluent Emoji" in text and "MIT" in text and "Permission is hereby granted" in text


def test_every_library_activity_has_a_picture_entry_in_the_generator():
    r = subprocess.run([sys.executable, str(ROOT / "tools" / "make_pictures.py"), "--help"],
                       capture_output=True, text=True, timeout=60)
    assert r.returncode == 0
    layouts = (ROOT / "tools" / "pictures.json").read_text(encoding="utf-8")
    for aid in load_library():
        assert f'"{aid}"' in layouts, aid
