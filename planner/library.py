"""The bundled activity library: data files under planner/activities/.

Each `*.json` file there that holds an `"activities"` list contributes its entries (other files,
such as areas.json, are skipped). docs/library.md describes how an activity is written.
"""
from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

from planner.core.activity import MAX_AGE_MONTHS, PRECAUTIONS, years_to_months
from planner.core.model import LibraryActivity

LIBRARY_DIR = Path(__file__).resolve().parent / "activities"
ASSETS_DIR = Path(__file__).resolve().parent.parent / "assets"
CUSTOM_PICTURE = "activities/custom.svg"


class LibraryError(ValueError):
    """A library data file holds an entry that cannot be read."""


def _ages(ages: dict) -> tuple[int, int]:
    """Months from `{"min_months", "max_months"}`, or from whole years `{"min", "max"}`."""
    if "min_months" in ages or "max_months" in ages:
        lo, hi = int(ages["min_months"]), int(ages["max_months"])
    else:
        lo, hi = years_to_months(ages["min"], ages["max"])
    if not 0 <= lo <= hi <= MAX_AGE_MONTHS:
        raise LibraryError(f"ages {lo}-{hi} months: need 0 <= min <= max <= {MAX_AGE_MONTHS}")
    return lo, hi


def activity_from_dict(d: dict) -> LibraryActivity:
    """One data-file entry as a LibraryActivity (the inverse of LibraryActivity.to_dict)."""
    where = d.get("id", "?")
    try:
        dose = d.get("dose") or {}
        sensory = d.get("sensory") or None
        lo, hi = _ages(d["ages"])
        conflicts = tuple(d.get("conflicts") or ())
        unknown = [c for c in conflicts if c not in PRECAUTIONS]
        if unknown:
            raise LibraryError(f"unknown precaution {unknown[0]!r} in conflicts")
        return LibraryActivity(
            id=d["id"], title=d["title"], kid_title=d["kid_title"], areas=tuple(d["areas"]),
            age_min_months=lo, age_max_months=hi,
            minutes=int(dose.get("minutes") or 5), reps=dose.get("reps"), sets=dose.get("sets"),
            when=tuple(d.get("when") or ()), materials=tuple(d.get("materials") or ()),
            steps=tuple(d["steps"]), easier=d.get("easier") or "", harder=d.get("harder") or "",
            safety=d.get("safety") or None, setting=d["setting"],
            sensory_kind=sensory["kind"] if sensory else None,
            sensory_systems=tuple(sensory["systems"]) if sensory else (),
            picture=d.get("picture") or CUSTOM_PICTURE, why=d.get("why") or "",
            conflicts=conflicts, weighted=bool(d.get("weighted", False)),
            counts_toward_budget=bool(d.get("counts_toward_budget", True)),
        )
    except LibraryError as exc:
        raise LibraryError(f"activity {where}: {exc}") from None
    except (KeyError, TypeError, ValueError) as exc:
        raise LibraryError(f"activity {where}: missing or bad field {exc}") from None


def read_library_dir(folder: Path) -> dict[str, LibraryActivity]:
    """Activities of every data file in `folder` by id (file name order, then file order)."""
    out: dict[str, LibraryActivity] = {}
    for path in sorted(Path(folder).glob("*.json")):
        doc = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(doc, dict) or not isinstance(doc.get("activities"), list):
            continue
        for raw in doc["activities"]:
            try:
                act = activity_from_dict(raw)
            except LibraryError as exc:
                raise LibraryError(f"{path.name}: {exc}") from None
            if act.id in out:
                raise LibraryError(f"{path.name}: activity {act.id} is defined twice")
            out[act.id] = act
    return out


@lru_cache(maxsize=1)
def load_library() -> dict[str, LibraryActivity]:
    """All library activities by id, in a stable order (file name, then file order)."""
    return read_library_dir(LIBRARY_DIR)


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
                   library: dict[str, LibraryActivity] | None = None,
                   age_months: int | None = None) -> list[LibraryActivity]:
    """Activities of `area` suiting a child of `age` whole years and/or `age_months` months."""
    lib = load_library() if library is None else library
    return [a for a in lib.values()
            if (area is None or area in a.areas)
            and (age is None or a.suits_age(age))
            and (age_months is None or a.suits_age_months(age_months))]
