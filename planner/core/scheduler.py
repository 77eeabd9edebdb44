"""Scheduler: plan versions + dates + completions -> dated items. Pure; the date is an argument.

A child's plans form a timeline: each version takes effect on a date and runs
until the next one takes over (or its own end). Weeks run Monday-Sunday. Within
a week, activities with fixed days go first, then "k times a week" activities
are placed on the day combination that keeps every day within its budget and
the week as even as possible (never two days in a row for k <= 3 when the
week allows it). The placement of a week depends only on the plan and on which
days of that week are available, so it is computed once and reused.
"""
from __future__ import annotations

import math
from datetime import date, timedelta
from functools import lru_cache
from itertools import combinations
from typing import Iterable, Mapping, Sequence

from planner.core.model import (
    SCHOOL_SLOTS, SETTING_ORDER, FrequencyKind, SLOT_ORDER, WEEKDAYS, Completion, Day, LevelChange, Plan,
    PlanActivity, ScheduledItem, Status,
)
from planner.core.value import frozen

ONE_DAY = timedelta(days=1)


@frozen
class Segment:
    """A plan version and the dates it governs (inclusive)."""
    plan: Plan
    first: date
    last: date | None


def timeline(versions: Iterable[tuple[date, Plan]]) -> list[Segment]:
    """Turn (effective_from, plan) pairs into non-overlapping segments.

    A later entry takes over from its effective date; each segment is also
    clipped to its plan's own start and end.
    """
    ordered = sorted(versions, key=lambda v: v[0])
    segs: list[Segment] = []
    for i, (eff, plan) in enumerate(ordered):
        first = max(eff, plan.start)
        nxt = ordered[i + 1][0] - ONE_DAY if i + 1 < len(ordered) else None
        last = plan.end
        if nxt is not None:
            last = nxt if last is None else min(last, nxt)
        if last is None or first <= last:
            segs.append(Segment(plan, first, last))
    return segs


def item_id(plan_id: str, day: date, key: str, slot: str) -> str:
    return f"{_day_prefix(plan_id, day)}{key}.{slot}"


def _day_prefix(plan_id: str, day: date) -> str:
    return f"{plan_id}.{day.year:04d}{day.month:02d}{day.day:02d}."


def parse_item_id(iid: str) -> tuple[str, date, str, str] | None:
    parts = iid.split(".")
    if len(parts) != 4 or len(parts[1]) != 8 or not parts[1].isdigit():
        return None
    try:
        day = date(int(parts[1][:4]), int(parts[1][4:6]), int(parts[1][6:]))
    except ValueError:
        return None
    if not 2000 <= day.year <= 2100:          # the years a plan can cover (planner.core.dates)
        return None
    return parts[0], day, parts[2], parts[3]


def week_count(k: int, available: int, full: int) -> int:
    """Occurrences of a k-times-a-week activity in a week with `available` of `full` days."""
    if available >= full:
        return k
    return min(available, int(k * available / full + 0.5))


def _no_two_in_a_row(days: tuple[int, ...]) -> bool:
    return all(b - a > 1 for a, b in zip(days, days[1:]))


def _budget_minutes(act) -> int:
    """What an entry costs in the day's time budget (a routine that happens anyway costs nothing)."""
    return act.minutes if act.counts_toward_budget else 0


@lru_cache(maxsize=512)
def place_week(plan: Plan, available: tuple[int, ...],
               entry_days: tuple[tuple[int, ...] | None, ...] | None = None
               ) -> dict[int, tuple[tuple[int, str], ...]]:
    """For one week: weekday index -> ((activity index, slot), ...).

    `available` lists the weekday indexes (0 = Monday) the plan may use this week; `entry_days`,
    when given, narrows it per entry (an entry's own from/until dates). As-needed entries are never
    placed; school-day slots (after school, before homework) fall only on the plan's school days.
    """
    budgets = {d: (plan.weekend_minutes if d >= 5 else plan.weekday_minutes) for d in available}
    load = {d: 0 for d in available}
    slot_load: dict[int, dict[str, int]] = {d: {} for d in available}
    placed: dict[int, list[tuple[int, str]]] = {d: [] for d in available}
    full = 7 - len(plan.rest_days)
    school = frozenset(WEEKDAYS.index(d) for d in plan.school_days)

    def put(day: int, idx: int, slot: str, minutes: int) -> None:
        placed[day].append((idx, slot))
        load[day] += minutes
        slot_load[day][slot] = slot_load[day].get(slot, 0) + minutes

    def fits(day: int, slots: tuple[str, ...]) -> tuple[str, ...]:
        return slots if day in school else tuple(s for s in slots if s not in SCHOOL_SLOTS)

    def best_slot(day: int, slots: tuple[str, ...]) -> str:
        return min(fits(day, slots) or slots, key=lambda s: (slot_load[day].get(s, 0), SLOT_ORDER[s]))

    weekly: list[tuple[int, int]] = []     # (activity index, count this week)
    own_days: dict[int, tuple[int, ...]] = {}
    for idx, act in enumerate(plan.activities):
        f = act.frequency
        if f.as_needed:
            continue
        days_i = available if entry_days is None or entry_days[idx] is None else entry_days[idx]
        if not days_i:
            continue
        cost = _budget_minutes(act)
        if f.kind is FrequencyKind.DAILY:
            for d in days_i:
                for slot in fits(d, act.when):
                    put(d, idx, slot, cost)
        elif f.kind is FrequencyKind.ON_DAYS:
            for name in f.days:
                d = WEEKDAYS.index(name)
                if d not in days_i:
                    continue
                if f.per_day > 1:
                    for slot in fits(d, act.when):
                        put(d, idx, slot, cost)
                elif fits(d, act.when):
                    put(d, idx, best_slot(d, act.when), cost)
        else:
            week_full = full
            if act.when and all(s in SCHOOL_SLOTS for s in act.when):
                days_i = tuple(d for d in days_i if d in school)
                week_full = len([d for d in plan.school_days if d not in plan.rest_days])
            n = week_count(f.count, len(days_i), week_full) if days_i else 0
            if n:
                weekly.append((idx, n))
                own_days[idx] = days_i

    fixed_load = dict(load)                  # daily and fixed-day items
    # Biggest weekly demands first; ties keep the plan's order.
    weekly.sort(key=lambda w: (-plan.activities[w[0]].minutes * w[1], w[0]))
    choices = [_candidates(own_days[idx], n) for idx, n in weekly]
    chosen: list[tuple[int, ...]] = []
    for (idx, n), combos in zip(weekly, choices):
        m = _budget_minutes(plan.activities[idx])
        best = min(combos, key=lambda c: _score(load, budgets, c, m) + (c,))
        chosen.append(best)
        for d in best:
            load[d] += m

    _polish(plan, weekly, choices, chosen, load, budgets)
    total = sum(load.values())
    if total <= sum(budgets.values()) and any(load[d] > budgets[d] for d in available):
        better = _search_fit(plan, weekly, choices, budgets, available, load, chosen)
        if better is not None:
            chosen = better
    if weekly and len(available) > 1:
        chosen = _even_week(plan, weekly, choices, chosen, budgets, fixed_load)
    # Reset weekly load, then place with slots in the final order.
    for (idx, n), combo in zip(weekly, chosen):
        act = plan.activities[idx]
        for d in combo:
            slot = best_slot(d, act.when)
            placed[d].append((idx, slot))
            slot_load[d][slot] = slot_load[d].get(slot, 0) + _budget_minutes(act)
    return {d: tuple(v) for d, v in placed.items()}


def _candidates(available: tuple[int, ...], n: int) -> list[tuple[int, ...]]:
    combos = list(combinations(available, n))
    if n <= 3:
        spaced = [c for c in combos if _no_two_in_a_row(c)]
        if spaced:
            return spaced
    return combos


def _score(load: Mapping[int, int], budgets: Mapping[int, int], combo: tuple[int, ...],
           minutes: int) -> tuple:
    """Lower is better: minutes over budget, then evenness, then the fullest day."""
    over = 0
    worst = 0.0
    spread = 0.0
    for d, b in budgets.items():
        after = load[d] + (minutes if d in combo else 0)
        over += max(0, after - b)
        ratio = after / b
        worst = max(worst, ratio)
        spread += ratio * ratio
    return (over, round(spread, 6), round(worst, 6))


def _polish(plan: Plan, weekly, choices, chosen: list, load: dict[int, int],
            budgets: Mapping[int, int], passes: int = 4) -> None:
    """Move one activity at a time to its best days given all others, until nothing improves."""
    for _ in range(passes):
        improved = False
        for i, (idx, _) in enumerate(weekly):
            m = _budget_minutes(plan.activities[idx])
            for d in chosen[i]:
                load[d] -= m
            best = min(choices[i], key=lambda c: _score(load, budgets, c, m) + (c,))
            if _score(load, budgets, best, m) < _score(load, budgets, chosen[i], m):
                chosen[i] = best
                improved = True
            for d in chosen[i]:
                load[d] += m
        if not improved:
            return


# The bounded, deterministic effort of the exact search. With states met before skipped, 2,000
# nodes find weeks nearly as even as 5,000 did without (on 200 random weeks against a 100,000-node
# search, 35 short of the best instead of 32) in a third of the time: every process that
# schedules a week pays it once.
EVEN_NODES = 2000


def _even_week(plan: Plan, weekly, choices, chosen: list, budgets: Mapping[int, int],
               fixed: Mapping[int, int]) -> list:
    """The most even arrangement of the weekly entries: fewest minutes over budget first, then the
    smallest gap in minutes between the busiest and the quietest available day. Branch and bound
    from the heuristic arrangement (the incumbent); exact when it finishes within EVEN_NODES nodes,
    else the best found so far. Deterministic: the same plan and week give the same answer."""
    days = sorted(budgets)
    mins = [_budget_minutes(plan.activities[idx]) for idx, _ in weekly]
    start_load = {d: fixed[d] + sum(m for m, c in zip(mins, chosen) if d in c) for d in days}

    def cost(load: Mapping[int, int]) -> tuple[int, int]:
        over = sum(max(0, load[d] - budgets[d]) for d in days)
        return over, max(load.values()) - min(load.values())

    best = list(chosen)
    best_cost = cost(start_load)
    if best_cost[1] == 0 or best_cost == (0, 0):
        return best
    order = sorted(range(len(weekly)), key=lambda i: (-mins[i] * weekly[i][1], i))
    remaining_after = [0] * (len(order) + 1)
    for pos in range(len(order) - 1, -1, -1):
        i = order[pos]
        remaining_after[pos] = remaining_after[pos + 1] + mins[i] * weekly[i][1]
    total = sum(fixed.values()) + remaining_after[0]
    avg = total / len(days)
    # Loads as a list by position (the available days in order); each entry's day sets as
    # position tuples, ranked by the same key as day tuples (positions keep the days' order).
    pos_of = {d: k for k, d in enumerate(days)}
    load = [fixed[d] for d in days]
    budget = [budgets[d] for d in days]
    combos_at = [[(tuple(pos_of[d] for d in c), c) for c in cs] for cs in choices]
    over_now = sum(max(0, v - b) for v, b in zip(load, budget))
    picked: dict[int, tuple[int, ...]] = {}
    nodes = 0
    ceil = math.ceil
    load_of = load.__getitem__
    seen: set[tuple[int, ...]] = set()

    def dfs(pos: int) -> None:
        # The bound of a node, written out inline with the minutes over budget kept as the
        # loads change (this runs thousands of times in every process that schedules a week):
        # minutes over budget so far, and a gap no finished week below this node can beat.
        nonlocal best, best_cost, nodes, over_now
        if pos == len(order):
            c = (over_now, max(load) - min(load))
            if c < best_cost:
                best_cost = c
                best = [picked[i] for i in range(len(weekly))]
            return
        i = order[pos]
        m = mins[i]
        rest = remaining_after[pos + 1]
        ranked = sorted(combos_at[i], key=lambda pc: (sum(map(load_of, pc[0])), pc[1]))
        for ps, combo in ranked:
            nodes += 1
            if nodes > EVEN_NODES:
                return
            before = over_now
            for k in ps:
                old = load[k]
                new = load[k] = old + m
                b = budget[k]
                if new > b:
                    over_now += new - b - (old - b if old > b else 0)
            hi = max(load)
            lo = min(load) + rest
            gap = (hi if hi > avg else avg) - (lo if lo < avg else avg)
            if (over_now, ceil(gap - 1e-9)) < best_cost:
                # What can still be reached depends only on the entries left and the loads now:
                # a state met before (alike entries placed the other way round) was searched then.
                state = (pos, *load)
                if state not in seen:
                    seen.add(state)
                    picked[i] = combo
                    dfs(pos + 1)
            for k in ps:
                load[k] -= m
            over_now = before
            if best_cost[1] == 0 and best_cost[0] == 0:
                return

    dfs(0)
    return best


def _search_fit(plan: Plan, weekly, choices, budgets, available, load_after, greedy,
                limit: int = 20000):
    """Look for a placement with no day over budget when the greedy one missed it."""
    base = dict(load_after)
    for (idx, _), combo in zip(weekly, greedy):
        for d in combo:
            base[d] -= _budget_minutes(plan.activities[idx])
    load = dict(base)
    picked: list[tuple[int, ...]] = []
    nodes = 0

    def dfs(i: int) -> bool:
        nonlocal nodes
        if i == len(weekly):
            return True
        m = _budget_minutes(plan.activities[weekly[i][0]])
        ranked = sorted(choices[i], key=lambda c: _score(load, budgets, c, m) + (c,))
        for combo in ranked:
            nodes += 1
            if nodes > limit:
                return False
            if any(load[d] + m > budgets[d] for d in combo):
                continue
            for d in combo:
                load[d] += m
            picked.append(combo)
            if dfs(i + 1):
                return True
            picked.pop()
            for d in combo:
                load[d] -= m
        return False

    return list(picked) if dfs(0) else None


def _week_monday(d: date) -> date:
    return d - timedelta(days=d.weekday())


def schedule(segments: list[Segment], first: date, last: date,
             completions: Mapping[str, Completion] | None = None,
             paused: Iterable[date] = (), level_changes: Iterable[LevelChange] = ()) -> list[Day]:
    """Every day from `first` to `last` (inclusive) with its items and their status.

    `level_changes` (accepted "ready for the harder version?") apply from their own date on."""
    completions = completions or {}
    paused = frozenset(paused)
    levels: dict[tuple[str, str], list[LevelChange]] = {}
    for ch in sorted(level_changes, key=lambda c: c.date):
        levels.setdefault((ch.plan_id, ch.activity), []).append(ch)
    by_date: dict[date, list[Completion]] = {}
    for c in completions.values():
        by_date.setdefault(c.date, []).append(c)
    days: list[Day] = []
    day = first
    while day <= last:
        monday = _week_monday(day)
        week_end = min(monday + timedelta(days=6), last)
        week_days = _memo_week(segments, monday, paused, levels)
        while day <= week_end:
            days.append(_memo_status(week_days[day], by_date.get(day, ())))
            day += ONE_DAY
    return days


# Memos of the two steps above, for a process that asks again (the app, a report after the
# Progress screen). Keyed by the identity of the frozen inputs, whose references each entry keeps
# (so an id in a key is never reused while the entry lives); a new plan object or a changed record
# is a new key. Bounded: cleared when full.
_WEEKS: dict[tuple, tuple[tuple[Plan, ...], dict[date, Day]]] = {}
_STATUS: dict[tuple, tuple[tuple[Day, tuple[Completion, ...]], Day]] = {}
_MEMO_MAX = 20_000


def _memo_week(segments: list[Segment], monday: date, paused: frozenset,
               levels: Mapping[tuple[str, str], list[LevelChange]]) -> dict[date, Day]:
    sunday = monday + timedelta(days=6)
    segs = tuple(seg for seg in segments if seg.first <= sunday and (seg.last is None or seg.last >= monday))
    plans = tuple(seg.plan for seg in segs)
    key = (monday, tuple((id(seg.plan), seg.first, seg.last) for seg in segs),
           tuple(sorted(d for d in paused if monday <= d <= sunday)),
           tuple(ch for changes in levels.values() for ch in changes if ch.date <= sunday))
    hit = _WEEKS.get(key)
    if hit is not None:
        return hit[1]
    if len(_WEEKS) >= _MEMO_MAX:
        _WEEKS.clear()
    week = _schedule_week(list(segs), monday, paused, levels)
    _WEEKS[key] = (plans, week)
    return week


def _memo_status(day: Day, records: Sequence[Completion]) -> Day:
    if not records:
        return day
    records = tuple(records)
    key = (id(day), *map(id, records))
    hit = _STATUS.get(key)
    if hit is not None:
        return hit[1]
    if len(_STATUS) >= _MEMO_MAX:
        _STATUS.clear()
    out = _with_status(day, records)
    _STATUS[key] = ((day, records), out)
    return out


def _schedule_week(segments: list[Segment], monday: date, paused: frozenset,
                   levels: Mapping[tuple[str, str], list[LevelChange]] | None = None) -> dict[date, Day]:
    out: dict[date, Day] = {}
    week = [monday + timedelta(days=i) for i in range(7)]
    owner: dict[date, Segment | None] = {}
    for d in week:
        owner[d] = None
        for seg in segments:
            if seg.first <= d and (seg.last is None or d <= seg.last):
                owner[d] = seg
    for seg in {id(s): s for s in owner.values() if s is not None}.values():
        plan = seg.plan
        mine = [d for d in week if owner[d] is seg]
        # Placed over the days this version would govern had no later version come (from its
        # first day to its own end), then cut to the days it does govern: a revision that takes
        # effect mid-week never moves what was planned on the days before it (rule R8).
        natural = [d for d in week if seg.first <= d and (plan.end is None or d <= plan.end)]
        open_days = [d for d in natural if not plan.is_rest_day(d) and d not in paused]
        available = tuple(d.weekday() for d in open_days)
        entry_days = None
        if any(a.valid_from or a.valid_until for a in plan.activities):
            entry_days = tuple(
                None if not (a.valid_from or a.valid_until) else
                tuple(d.weekday() for d in open_days if a.active_on(d)) for a in plan.activities)
        placement = place_week(plan, available, entry_days) if available else {}
        for d in mine:
            wd = d.weekday()
            if wd not in placement:
                out[d] = Day(d, 0, (), rest=True, paused=d in paused and not plan.is_rest_day(d))
                continue
            items = []
            prefix = _day_prefix(plan.plan_id, d)
            for idx, slot in placement[wd]:
                a = plan.activities[idx]
                items.append(_item(plan, a, d, slot, f"{prefix}{a.key}.{slot}", levels))
            order = _entry_order(plan)
            items.sort(key=lambda it: (SLOT_ORDER[it.slot], SETTING_ORDER.get(it.setting, 9),
                                       order[it.key]))
            out[d] = Day(d, plan.budget_for(d), tuple(items))
    for d in week:
        if d not in out:
            out[d] = Day(d, 0, (), rest=True)
    return out


def _item(plan: Plan, a: PlanActivity, d: date, slot: str, iid: str,
          levels: Mapping[tuple[str, str], list[LevelChange]] | None) -> ScheduledItem:
    """One dated occurrence: the entry's dose and level as they stand on that day (its phases and
    accepted level changes, whichever came last)."""
    minutes, reps, sets, level = a.minutes, a.reps, a.sets, a.level
    since = plan.start
    ph = a.phase_on(d) if a.phases else None
    if ph is not None:
        minutes = ph.minutes or minutes
        reps = ph.reps if ph.reps is not None else reps
        sets = ph.sets if ph.sets is not None else sets
        level = ph.level or level
        since = ph.first
    for ch in (levels or {}).get((plan.plan_id, a.key), ()):
        if since <= ch.date <= d:
            level = ch.level
    template = _template(plan, a, slot, minutes, reps, sets, level)
    return _copy_with(template, id=iid, date=d)


_TEMPLATES: dict[tuple, tuple[Plan, PlanActivity, ScheduledItem]] = {}


def _template(plan: Plan, a: PlanActivity, slot: str, minutes: int, reps: int | None,
              sets: int | None, level: str | None) -> ScheduledItem:
    """The item of an entry in a slot at a dose, before its id and date (built once, copied).
    Keyed by identity: hashing a whole plan for every item would cost more than building it."""
    key = (id(plan), id(a), slot, minutes, reps, sets, level)
    hit = _TEMPLATES.get(key)
    if hit is not None and hit[0] is plan and hit[1] is a:
        return hit[2]
    if len(_TEMPLATES) > 20_000:
        _TEMPLATES.clear()
    item = _build_template(plan, a, slot, minutes, reps, sets, level)
    _TEMPLATES[key] = (plan, a, item)
    return item


def _build_template(plan: Plan, a: PlanActivity, slot: str, minutes: int, reps: int | None,
                    sets: int | None, level: str | None) -> ScheduledItem:
    return ScheduledItem(
        id="", date=plan.start, slot=slot, key=a.key, title=a.title, kid_title=a.kid_title,
        minutes=minutes, reps=reps, sets=sets, goal=a.goal, areas=a.areas, setting=a.setting,
        sensory_diet=a.sensory_diet, picture=a.picture, plan_id=plan.plan_id,
        plan_version=plan.version, level=level, hold_seconds=a.hold_seconds, per_side=a.per_side,
        rest_seconds=a.rest_seconds, weight_kg=a.weight_kg, resistance=a.resistance,
        stop_if=a.stop_if, coaching=a.coaching, options=a.options)


def _copy_with(it: ScheduledItem, **changes) -> ScheduledItem:
    """A copy of a frozen item with some fields changed: what dataclasses.replace does, without
    running __init__ again (tens of thousands of items in a five-year report)."""
    new = object.__new__(ScheduledItem)
    new.__dict__.update(it.__dict__)
    new.__dict__.update(changes)
    return new


def clear_caches() -> None:
    """Forget memoised week placements (benchmarks time a cold start with it)."""
    place_week.cache_clear()
    _entry_order.cache_clear()
    _TEMPLATES.clear()
    _WEEKS.clear()
    _STATUS.clear()


@lru_cache(maxsize=64)
def _entry_order(plan: Plan) -> dict[str, int]:
    return {a.key: i for i, a in enumerate(plan.activities)}


def _with_status(day: Day, records: Iterable[Completion]) -> Day:
    records = list(records)
    if not records:
        return day
    by_id = {c.item_id: c for c in records}
    items = []
    for it in day.items:
        c = by_id.pop(it.id, None)
        if c is not None:
            it = _apply(it, c)
        items.append(it)
    # A record whose item is no longer planned (the plan was revised that day) still shows.
    for c in by_id.values():
        if c.status is Status.PLANNED:
            continue
        items.append(ScheduledItem.from_record(c))
    items.sort(key=lambda it: (SLOT_ORDER.get(it.slot, 9), SETTING_ORDER.get(it.setting, 9)))
    return Day(day.date, day.budget_minutes, tuple(items), rest=day.rest, paused=day.paused)


def _apply(it: ScheduledItem, c: Completion) -> ScheduledItem:
    return _copy_with(it, status=c.status, rating=c.rating, note=c.note, reason=c.reason,
                      level_done=c.level, assist=c.assist, option=c.option)


@frozen
class Load:
    """What a plan asks of a full week against its budget."""
    week_minutes: int
    week_budget: int
    busiest_day: date | None
    busiest_minutes: int
    busiest_budget: int


def plan_load(plan: Plan) -> Load:
    """Weekly demand and budget, measured on the plan's first full week of practice."""
    monday = _week_monday(plan.start)
    if monday < plan.start:
        monday += timedelta(days=7)
    if plan.end is not None and monday + timedelta(days=6) > plan.end:
        monday = _week_monday(plan.start)
    available = tuple(i for i in range(7) if WEEKDAYS[i] not in plan.rest_days)
    placement = place_week(plan, available)
    demand, budget = 0, 0
    busiest: tuple[int, int, int] | None = None
    for wd, entries in placement.items():
        mins = sum(_budget_minutes(plan.activities[i]) for i, _ in entries)
        b = plan.weekend_minutes if wd >= 5 else plan.weekday_minutes
        demand += mins
        budget += b
        if busiest is None or mins - b > busiest[1] - busiest[2]:
            busiest = (wd, mins, b)
    day = monday + timedelta(days=busiest[0]) if busiest else None
    return Load(demand, budget, day, busiest[1] if busiest else 0, busiest[2] if busiest else 0)


def plan_warnings(plan: Plan) -> list[str]:
    """Plain-words warnings about a plan that imports but asks a lot (and the importer's own,
    such as an activity outside its age range)."""
    out = list(plan.warnings)
    load = plan_load(plan)
    if load.week_minutes > load.week_budget:
        out.append(f"the plan asks for {load.week_minutes} minutes a week but the budget is "
                   f"{load.week_budget} minutes ({plan.weekday_minutes} per weekday, "
                   f"{plan.weekend_minutes} per weekend day, rest days: "
                   f"{', '.join(plan.rest_days) or 'none'}); the extra is spread evenly over the week")
    elif load.busiest_minutes > load.busiest_budget:
        out.append(f"{WEEKDAYS[load.busiest_day.weekday()]} has {load.busiest_minutes} minutes "
                   f"planned against a budget of {load.busiest_budget} (fixed days or daily items "
                   "do not fit that day)")
    return out
