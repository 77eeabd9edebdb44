"""An even week when one exists: fewest minutes over budget, then the smallest gap in minutes between
the busiest and the quietest available day, checked against an exhaustive search on small plans."""
from __future__ import annotations

import itertools
from datetime import date, timedelta

from hypothesis import HealthCheck, given, settings, strategies as st

from planner.core import scheduler
from planner.core.importer import plan_from_dict
from planner.core.model import WEEKDAYS
from conftest import base_plan

MON = date(2026, 11, 23)


def plan_of(lib, entries, weekday=25, weekend=40, rest=("sun",)):
    doc = base_plan(daily_minutes={"weekday": weekday, "weekend": weekend}, rest_days=list(rest),
                    goals=[], activities=entries, start=MON.isoformat())
    return plan_from_dict(doc, lib)


def week_minutes(plan) -> dict[int, int]:
    days = scheduler.schedule(scheduler.timeline([(plan.start, plan)]), MON, MON + timedelta(days=6))
    return {d.date.weekday(): d.planned_minutes for d in days if not plan.is_rest_day(d.date)}


def best_possible(plan) -> tuple[int, int]:
    """Exhaustive: every allowed day set of every weekly entry (the same candidates as the scheduler)."""
    available = tuple(i for i, d in enumerate(WEEKDAYS) if d not in plan.rest_days)
    budgets = {d: plan.weekend_minutes if d >= 5 else plan.weekday_minutes for d in available}
    fixed = {d: 0 for d in available}
    weekly = []
    for a in plan.activities:
        if a.frequency.kind.value == "week":
            weekly.append((a.minutes, scheduler._candidates(available, a.frequency.count)))
        elif a.frequency.kind.value == "day":
            for d in available:
                fixed[d] += a.minutes * len(a.when)
        else:
            for name in a.frequency.days:
                fixed[WEEKDAYS.index(name)] += a.minutes
    best = None
    for combo in itertools.product(*[c for _, c in weekly]):
        load = dict(fixed)
        for (m, _), days in zip(weekly, combo):
            for d in days:
                load[d] += m
        cost = (sum(max(0, load[d] - budgets[d]) for d in available),
                max(load.values()) - min(load.values()))
        best = cost if best is None or cost < best else best
    return best


def cost_of(plan) -> tuple[int, int]:
    load = week_minutes(plan)
    budgets = {d: plan.weekend_minutes if d >= 5 else plan.weekday_minutes for d in load}
    return (sum(max(0, load[d] - budgets[d]) for d in load), max(load.values()) - min(load.values()))


def test_five_weekdays_and_a_longer_saturday_are_spread_evenly(mini_library):
    entries = [{"activity": f"act-{i:02d}", "times_per_week": k, "minutes": m}
               for i, (k, m) in enumerate([(3, 9), (2, 8), (4, 5), (2, 7), (3, 4), (1, 12)])]
    plan = plan_of(mini_library, entries)
    load = week_minutes(plan)
    assert cost_of(plan) == best_possible(plan)
    assert max(load.values()) - min(load.values()) <= 5, load


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    ks=st.lists(st.integers(1, 4), min_size=1, max_size=4),
    minutes=st.lists(st.integers(1, 15), min_size=4, max_size=4),
    weekday=st.integers(10, 40), weekend=st.integers(10, 60),
    fixed=st.integers(0, 6),
)
def test_the_placement_is_as_even_as_the_exhaustive_search(mini_library, ks, minutes, weekday, weekend, fixed):
    entries = [{"activity": f"act-{i:02d}", "times_per_week": k, "minutes": m}
               for i, (k, m) in enumerate(zip(ks, minutes))]
    if fixed:
        entries.append({"activity": "obstacle-course", "days": [WEEKDAYS[fixed - 1]], "minutes": 10})
    plan = plan_of(mini_library, entries, weekday, weekend)
    assert cost_of(plan) == best_possible(plan)
