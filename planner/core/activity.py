"""A library activity: one entry of the bundled activity library, as the core sees it.

Plain value type; the data files live in planner/activities/ and are read by planner.library.
Ages are kept in months (a 10-month-old and a 23-month-old need different things); the
whole-year view (`age_min`, `age_max`, `suits_age`) is derived for callers that speak years.
"""
from __future__ import annotations

from typing import Any

from planner.core.value import frozen

# Child precautions an activity can conflict with (plan format 2: `child.precautions`).
# A plan whose child has one of these and asks for a conflicting activity is refused unless the
# therapist marks the entry `precaution_checked`.
PRECAUTION_LABELS: dict[str, str] = {
    "latex-allergy": "Latex allergy (balloons, some gloves and rubber toys)",
    "food-allergy": "Food allergy (see the plan's notes for which foods)",
    "choking-risk": "Choking risk (still mouths objects, or chews and swallows poorly)",
    "dysphagia": "Swallowing difficulty (textures and drinks as the feeding team advises)",
    "nothing-by-mouth": "Nothing by mouth (fed by tube; no food or drink practice)",
    "no-trampoline": "No trampoline, crashing or tumbling (e.g. atlanto-axial instability)",
    "seizures": "Seizures (avoid intense bouncing and spinning; never alone in water)",
    "skin-sensitivity": "Skin sensitivity (eczema, fragile skin, reactions to foams and oils)",
    "vestibular-caution": "Movement caution (swinging, spinning or rolling can overwhelm or sicken)",
    "sternal-precautions": "Sternal precautions (after heart or chest surgery: no pushing, pulling or "
                           "lifting with the arms)",
}
PRECAUTIONS: tuple[str, ...] = tuple(PRECAUTION_LABELS)

# Age bands in months, both ends inclusive (infants 0-12 months, toddlers 1-3 years,
# preschoolers 3-5 years, school age, and teenagers).
AGE_BANDS_MONTHS: dict[str, tuple[int, int]] = {
    "infant": (0, 11), "toddler": (12, 35), "preschool": (36, 59),
    "school-age": (60, 143), "teen": (144, 215),
}
MAX_AGE_MONTHS = 215  # 17 years 11 months


def years_to_months(min_years: int, max_years: int) -> tuple[int, int]:
    """A whole-year range (both ends inclusive) as months: 3-5 years is 36-71 months."""
    return int(min_years) * 12, int(max_years) * 12 + 11


@frozen
class LibraryActivity:
    """One activity of the bundled library (read from data files)."""
    id: str
    title: str
    kid_title: str
    areas: tuple[str, ...]
    age_min_months: int
    age_max_months: int
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
    conflicts: tuple[str, ...] = ()       # ids from PRECAUTIONS
    weighted: bool = False                # a weight is part of the dose (lap pad, blanket, backpack)
    counts_toward_budget: bool = True     # False for routines that happen anyway (tooth brushing)

    @property
    def age_min(self) -> int:
        """Youngest age in whole years (floor of the months)."""
        return self.age_min_months // 12

    @property
    def age_max(self) -> int:
        """Oldest age in whole years (floor of the months): 36-71 months is 3-5 years."""
        return self.age_max_months // 12

    def suits_age(self, years: int) -> bool:
        """True when some month of the child's year of age lies in the activity's range."""
        return self.age_min_months <= years * 12 + 11 and years * 12 <= self.age_max_months

    def age_text(self) -> str:
        """The age range for people: "6-36 months", "3-5 years", "18 months-5 years"."""
        lo, hi = self.age_min_months, self.age_max_months
        lo_months = lo < 24 or lo % 12 != 0
        hi_months = hi < 24 or (hi + 1) % 12 != 0
        if lo_months and hi_months:
            return f"{lo}-{hi} months"
        if not lo_months and not hi_months:
            return f"{lo // 12}-{hi // 12} years"
        left = f"{lo} months" if lo_months else f"{lo // 12} years"
        right = f"{hi} months" if hi_months else f"{hi // 12} years"
        return f"{left}-{right}"

    def suits_age_months(self, months: int) -> bool:
        return self.age_min_months <= months <= self.age_max_months

    def conflicts_with(self, precautions) -> tuple[str, ...]:
        """The child's precautions this activity conflicts with, in vocabulary order."""
        have = set(precautions)
        return tuple(p for p in self.conflicts if p in have)

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id, "title": self.title, "kid_title": self.kid_title, "why": self.why,
            "areas": list(self.areas),
            # months are the truth; whole years are derived, for readers that speak years
            "ages": {"min_months": self.age_min_months, "max_months": self.age_max_months,
                     "min": self.age_min, "max": self.age_max},
            "dose": {"minutes": self.minutes, "reps": self.reps, "sets": self.sets},
            "when": list(self.when), "materials": list(self.materials), "steps": list(self.steps),
            "easier": self.easier, "harder": self.harder, "safety": self.safety,
            "conflicts": list(self.conflicts), "weighted": self.weighted,
            "counts_toward_budget": self.counts_toward_budget,
            "setting": self.setting,
            "sensory": ({"kind": self.sensory_kind, "systems": list(self.sensory_systems)}
                        if self.sensory_kind else None),
            "picture": self.picture,
        }
