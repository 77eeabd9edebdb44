"""The bundled activity library: data files under planner/activities/."""
from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

from planner.core.model import LibraryActivity

LIBRARY_DIR = Path(__file__).resolve().parent / "activities"
ASSETS_DIR = Path(__file__).resolve().parent.parent / "assets"
CUSTOM_PICTURE = "activities/custom.svg"


def _activity(d: dict) -> LibraryActivity:
    dose = d.get("dose") or {}
    sensory = d.get("sensory") or None
    return LibraryActivity(
        id=d["id"], title=d["title"], kid_title=d["kid_title"], areas=tuple(d["areas"]),
        age_min=int(d["ages"]["min"]), age_max=int(d["ages"]["max"]),
        minutes=int(dose.get("minutes") or 5), reps=dose.get("reps"), sets=dose.get("sets"),
        when=tuple(d.get("when") or ()), materials=tuple(d.get("materials") or ()),
        steps=tuple(d["steps"]), easier=d.get("easier") or "", harder=d.get("harder") or "",
        safety=d.get("safety"), setting=d["setting"],
        sensory_kind=sensory["kind"] if sensory else None,
        sensory_systems=tuple(sensory["systems"]) if sensory else (),
        picture=d.get("picture") or CUSTOM_PICTURE, why=d.get("why") or "",
    )


@lru_cache(maxsize=1)
def load_library() -> dict[str, LibraryActivity]:
    """All library activities by id, in a stable order (file name, then file order)."""
    out: dict[str, LibraryActivity] = {}
    for path in sorted(LIBRARY_DIR.glob("*.json")):
        doc = json.loads(path.read_text(encoding="utf-8"))
        for raw in doc.get("activities", ()):
            act = _activity(raw)
            out[act.id] = act
    return out


@lru_cache(maxsize=1)
def area_palette() -> dict:
    """Area labels and colours, slot labels and times (activities/areas.json)."""
    path = LIBRARY_DIR / "areas.json"
    if path.exists():
        return json.loads(path.read_text(encoding="utf-8"))
    return {"areas": {}, "slots": {}}


def picture_names(library: dict[str, LibraryActivity] | None = None) -> set[str]:
    """Names a plan may give as a custom activity's `picture`."""
    lib = load_library() if library is None else library
    return {a.id for a in lib.values()} | {"custom"}


def filter_library(area: str | None = None, age: int | None = None,
                   library: dict[str, LibraryActivity] | None = None) -> list[LibraryActivity]:
    lib = load_library() if library is None else library
    return [a for a in lib.values()
            if (area is None or area in a.areas) and (age is None or a.suits_age(age))]
