"""One child's plans over time: which plan governs a day (the one definition of it)."""
from __future__ import annotations

import re
import unicodedata
from datetime import date
from typing import Any

from planner.core import scheduler
from planner.core.model import LevelChange, Plan, PlanActivity
from planner.core.value import field, mutable


def child_key(name: str) -> str:
    """The folder-safe key of a child, from the name on the first plan (`Maya Lee` -> `maya-lee`,
    `Léo` -> `leo`). A name with no Latin letters or digits (`Ада`, `سارا`) gets a key from a
    digest of the name, so two such children never share one."""
    folded = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^a-z0-9]+", "-", folded.lower()).strip("-")[:60].strip("-")
    if slug:
        return slug
    import hashlib
    digest = hashlib.sha256(unicodedata.normalize("NFC", name).strip().lower().encode("utf-8"))
    return "child-" + digest.hexdigest()[:10]


@mutable
class Family:
    """Everything needed to schedule one child's days: the plan versions in effect over time
    and the days the family paused. `settings` is the child's stored settings, which the core
    does not read."""
    key: str
    name: str
    segments: list[scheduler.Segment]
    paused: frozenset[date] = frozenset()
    settings: Any = field(default=None, compare=False)
    level_changes: tuple[LevelChange, ...] = ()

    @property
    def current_plan(self) -> Plan:
        return self.segments[-1].plan

    def plan_on(self, day: date) -> Plan:
        """The plan that governs `day`: the last version whose segment starts on or before it
        (the first version for days before any segment)."""
        chosen = self.segments[0].plan
        for seg in self.segments:
            if seg.first <= day:
                chosen = seg.plan
        return chosen


    def as_needed(self, day: date) -> list[PlanActivity]:
        """The plan's as-needed items on a day (never scheduled; used when the child needs them)."""
        plan = self.plan_on(day)
        if not plan.in_plan(day):
            return []
        return [a for a in plan.activities if a.as_needed and a.active_on(day)]


def family_from_versions(key: str, name: str, versions: list[tuple[date, Plan]],
                         paused: frozenset[date] = frozenset(), settings: Any = None,
                         level_changes: tuple[LevelChange, ...] = ()) -> Family:
    """Plan versions in import order -> a Family; a later import wins from its own date."""
    kept: list[tuple[date, Plan]] = []
    for eff, plan in versions:
        kept = [v for v in kept if v[0] < eff]
        kept.append((eff, plan))
    return Family(key, name, scheduler.timeline(kept), paused, settings, level_changes)
