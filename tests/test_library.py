"""The bundled activity library (data files) and its pictures."""
from __future__ import annotations

import json
import re
from collections import Counter

import pytest

from planner.core.model import AGE_BANDS, AREAS, SENSORY_KINDS, SENSORY_SYSTEMS, SETTINGS, SLOTS
from planner.library import LIBRARY_DIR, load_library

REQUIRED = ("tweezers-pickup scissor-cutting obstacle-course jumping-jacks ball-catching wall-pushups "
            "heavy-carry swinging texture-bin multisensory-letters puzzle-building buttoning-practice "
            "zipping-coat brushing-teeth bead-stringing playdough-squeeze animal-walks "
            "backpack-organizing deep-breathing tummy-time role-play-greetings").split()


@pytest.fixture(scope="module")
def raw():
    out = []
    for path in sorted(LIBRARY_DIR.glob("*.json")):
        doc = json.loads(path.read_text(encoding="utf-8"))
        out.extend(doc.get("activities", []))
    return out


def test_size_and_required_ids(raw):
    ids = [a["id"] for a in raw]
    assert len(ids) >= 60 and len(ids) == len(set(ids))
    assert set(REQUIRED) <= set(ids)
    assert len(load_library()) == len(ids)


def test_every_field(raw):
    for a in raw:
        where = a["id"]
        assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", a["id"]), where
        assert 0 < len(a["title"]) <= 60 and 0 < len(a["kid_title"]) <= 24, where
        assert 1 <= len(a["areas"]) <= 3 and set(a["areas"]) <= set(AREAS), where
        assert 0 <= a["ages"]["min"] <= a["ages"]["max"] <= 18, where
        assert 1 <= a["dose"]["minutes"] <= 30, where
        assert isinstance(a["materials"], list)
        assert 3 <= len(a["steps"]) <= 7 and all(0 < len(s) <= 100 for s in a["steps"]), where
        assert a["easier"] and a["harder"], where
        assert a["setting"] in SETTINGS, where
        assert set(a["when"]) <= set(SLOTS) and 1 <= len(a["when"]) <= 3, where
        if a["sensory"] is not None:
            assert a["sensory"]["kind"] in SENSORY_KINDS, where
            assert 1 <= len(a["sensory"]["systems"]) <= 3
            assert set(a["sensory"]["systems"]) <= set(SENSORY_SYSTEMS), where
        assert a["picture"] == f"activities/{a['id']}.svg", where


def test_coverage_of_areas_ages_and_sensory_items(raw):
    per_area = Counter(area for a in raw for area in a["areas"])
    assert all(per_area[area] >= 4 for area in AREAS), per_area
    for band, (lo, hi) in AGE_BANDS.items():
        served = [a for a in raw if a["ages"]["min"] <= hi and a["ages"]["max"] >= lo]
        assert len(served) >= 4, band
    assert sum(1 for a in raw if a["sensory"]) >= 10


def test_safety_notes_where_they_matter(raw):
    by_id = {a["id"]: a for a in raw}
    for aid in ("scissor-cutting", "swinging", "tummy-time", "obstacle-course", "heavy-carry"):
        assert by_id[aid]["safety"], aid
