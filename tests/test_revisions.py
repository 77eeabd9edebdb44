"""A revision never changes what was planned before it takes effect (rule R8), including earlier
days of its own week; the rest of that week gets the new plan's share."""
from __future__ import annotations

import json
from datetime import date, timedelta

from hypothesis import HealthCheck, given, settings, strategies as st

from planner.core import scheduler
from planner.core.importer import plan_from_dict
from planner.core.model import WEEKDAYS
from conftest import base_plan

MON = date(2026, 11, 23)


def versions(lib, v1: dict, v2: dict, effective: date):
    p1, p2 = plan_from_dict(v1, lib), plan_from_dict(v2, lib)
    before = scheduler.timeline([(p1.start, p1)])
    after = scheduler.timeline([(p1.start, p1), (effective, p2)])
    return before, after


def test_revision_on_a_wednesday_leaves_monday_and_tuesday_alone(mini_library):
    """The case found by abuse: one activity swapped and fewer minutes from Wednesday."""
    v1 = base_plan()
    v2 = json.loads(json.dumps(v1))
    v2["version"] = 2
    v2["activities"][0] = {"activity": "bead-stringing", "times_per_week": 3, "minutes": 4}
    v2["activities"][1]["minutes"] = 1
    wed = MON + timedelta(days=2)
    before, after = versions(mini_library, v1, v2, wed)
    old = scheduler.schedule(before, MON, MON + timedelta(days=13))
    new = scheduler.schedule(after, MON, MON + timedelta(days=13))
    assert old[:2] == new[:2]                                   # Monday and Tuesday identical
    assert any(it.key == "bead-stringing" for d in new[2:7] for it in d.items)
    assert not any(it.key == "tweezers-pickup" for d in new[2:] for it in d.items)
    assert all(it.plan_version == 2 for d in new[2:] for it in d.items)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    ks=st.lists(st.integers(1, 6), min_size=2, max_size=6),
    ks2=st.lists(st.integers(1, 6), min_size=2, max_size=6),
    minutes=st.lists(st.integers(1, 20), min_size=6, max_size=6),
    rest=st.sets(st.sampled_from(WEEKDAYS), max_size=2),
    offset=st.integers(1, 20),
    budget=st.integers(10, 90),
    paused=st.sets(st.integers(0, 27), max_size=4),
)
def test_any_revision_keeps_every_earlier_day_identical(mini_library, ks, ks2, minutes, rest, offset,
                                                        budget, paused):
    acts = [f"act-{i:02d}" for i in range(6)]
    ks, ks2 = [min(k, 7 - len(rest)) for k in ks], [min(k, 7 - len(rest)) for k in ks2]
    v1 = base_plan(daily_minutes=budget, rest_days=sorted(rest), goals=[], activities=[
        {"activity": a, "times_per_week": k, "minutes": m} for a, k, m in zip(acts, ks, minutes)])
    v2 = json.loads(json.dumps(v1))
    v2["version"] = 2
    v2["daily_minutes"] = max(10, budget // 2)
    v2["activities"] = [{"activity": a, "times_per_week": k, "minutes": m}
                        for a, k, m in zip(reversed(acts), ks2, minutes)]
    eff = MON + timedelta(days=offset)
    before, after = versions(mini_library, v1, v2, eff)
    pause_days = {MON + timedelta(days=p) for p in paused}
    first, last = MON, MON + timedelta(days=27)
    old = scheduler.schedule(before, first, last, paused=pause_days)
    new = scheduler.schedule(after, first, last, paused=pause_days)
    cut = (eff - MON).days
    assert old[:cut] == new[:cut]
    ids_before = [it.id for d in old[:cut] for it in d.items]
    assert ids_before == [it.id for d in new[:cut] for it in d.items]
