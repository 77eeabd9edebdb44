"""A library activity: one entry of the bundled activity library, as the core sees it.

Plain value type; the data files live in planner/activities/ and are read by planner.library.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class LibraryActivity:
    """One activity of the bundled library (read from data files)."""
    id: str
    title: str
    kid_title: str
    areas: tuple[str, ...]
    age_min: int
    age_max: int
    minutes: int
    reps: int | None
    sets: int | None
    when: tuple[str, ...]
    materials: tuple[str, ...]
    steps: tuple[str, ...]
    easier: str
    harder: str
    safety: str | None
    setting: str
    sensory_kind: str | None
    sensory_systems: tuple[str, ...]
    picture: str
    why: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id, "title": self.title, "kid_title": self.kid_title, "why": self.why,
            "areas": list(self.areas), "ages": {"min": self.age_min, "max": self.age_max},
            "dose": {"minutes": self.minutes, "reps": self.reps, "sets": self.sets},
            "when": list(self.when), "materials": list(self.materials), "steps": list(self.steps),
            "easier": self.easier, "harder": self.harder, "safety": self.safety,
            "setting": self.setting,
            "sensory": ({"kind": self.sensory_kind, "systems": list(self.sensory_systems)}
                        if self.sensory_kind else None),
            "picture": self.picture,
        }

    def suits_age(self, years: int) -> bool:
        return self.age_min <= years <= self.age_max
