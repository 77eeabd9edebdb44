"""`planner import`, `schedule`, `done`, `skip`, `undo`, `library`, `demo`."""
from __future__ import annotations

import argparse
import json
import sys
from datetime import date
from typing import Any

from planner.core.model import Day, Status
from planner.services import household, practice
from planner.storage.store import Store


def cmd_import(args: argparse.Namespace, store: Store, today: date) -> int:
    from planner.core.importer import CsvOptions
    from planner.services import plans
    data = plans.read_import_bytes(args.file)
    opts = CsvOptions(
        child=args.child, start=args.start.isoformat() if args.start else None,
        end=args.end.isoformat() if args.end else None, daily_minutes=args.daily_minutes,
        weekday_minutes=args.weekday_minutes, weekend_minutes=args.weekend_minutes,
        rest_days=args.rest_days, plan_id=args.plan_id, version=args.version,
    )
    plan = plans.parse_plan(data, args.file, opts, today)
    print_outcome(plans.import_plan(store, plan, today, dry_run=args.dry_run))
    return 0


def print_outcome(outcome) -> None:
    """An import's summary, its warnings (on stderr) and, for a dry run, the plan by goal."""
    print(outcome.summary())
    for w in outcome.warnings:
        print(f"warning: {w}", file=sys.stderr)
    if outcome.dry_run:
        print_plan_preview(outcome.plan)


def print_plan_preview(plan) -> None:
    goals = {g.id: g for g in plan.goals}
    for g in plan.goals:
        print(f"goal {g.id}: {g.text}")
        for a in plan.activities:
            if a.goal == g.id:
                print(f"  - {a.title}: {a.frequency.describe()}, {a.dose_text()}")
    others = [a for a in plan.activities if a.goal not in goals]
    if others:
        print("other activities:")
        for a in others:
            print(f"  - {a.title}: {a.frequency.describe()}, {a.dose_text()}")


V2_ITEM_FIELDS = ("level", "hold_seconds", "rest_seconds", "weight_kg", "option", "assist", "level_done")


def item_json(it) -> dict[str, Any]:
    out = {
        "id": it.id, "activity": it.key, "title": it.title, "kid_title": it.kid_title,
        "slot": it.slot, "minutes": it.minutes, "reps": it.reps, "sets": it.sets,
        "goal": it.goal, "areas": list(it.areas), "setting": it.setting,
        "sensory_diet": it.sensory_diet, "picture": it.picture, "status": it.status.value,
    }
    for k in V2_ITEM_FIELDS:                     # plan format 2: only when set
        if getattr(it, k) is not None:
            out[k] = getattr(it, k)
    if it.per_side:
        out["per_side"] = True
    for k in ("resistance", "stop_if", "coaching"):
        if getattr(it, k):
            out[k] = getattr(it, k)
    if it.options:
        out["options"] = list(it.options)
    return out


def day_json(d: Day) -> dict[str, Any]:
    return {
        "date": d.date.isoformat(), "weekday": d.weekday, "budget_minutes": d.budget_minutes,
        "planned_minutes": d.planned_minutes,
        "items": [item_json(it) for it in d.items],
    }


def as_needed_json(a) -> dict[str, Any]:
    out = {"activity": a.key, "title": a.title, "kid_title": a.kid_title, "picture": a.picture,
           "dose": a.dose_text(), "goal": a.goal}
    if a.options:
        out["options"] = list(a.options)
    if a.coaching:
        out["coaching"] = a.coaching
    return out


MARKS = {Status.PLANNED: "[ ]", Status.DONE: "[x]", Status.PARTIAL: "[~]", Status.SKIPPED: "[-]"}


def cmd_schedule(args: argparse.Namespace, store: Store, today: date) -> int:
    from planner.core.daystate import day_state
    family = household.load_family(store, args.child)
    first = args.first or today
    got = practice.days(store, family, first, args.days)
    plan = family.plan_on(first)
    if args.json:
        doc: dict[str, Any] = {"child": family.name, "plan_id": plan.plan_id,
                               "days": [day_json(d) for d in got]}
        needed = family.as_needed(first)
        if needed:
            doc["as_needed"] = [as_needed_json(a) for a in needed]
        print(json.dumps(doc, ensure_ascii=False))
        return 0
    print(f"{family.name}: plan {plan.plan_id} (version {plan.version})")
    for d in got:
        head = f"{d.date:%a %Y-%m-%d}"
        if not d.items:
            print(f"{head}  {day_state(d, family.plan_on(d.date)).text}")
            continue
        print(f"{head}  {d.planned_minutes} of {d.budget_minutes} min")
        for it in d.items:
            dose = it.dose_text() + (f", {it.level}" if it.level else "")
            title = it.title + (f" ({' or '.join(it.options)})" if it.options and not it.option else "")
            print(f"  {MARKS[it.status]} {it.slot:<15} {title:<32} {dose:<12} {it.id}".rstrip()
                  if len(title) <= 32 and len(dose) <= 12 else
                  f"  {MARKS[it.status]} {it.slot:<15} {title}, {dose}  {it.id}")
    needed = family.as_needed(first)
    if needed:
        print("when needed: " + ", ".join(f"{a.title} ({a.key})" for a in needed))
    return 0


def _mark(args: argparse.Namespace, store: Store, today: date, status: Status, **kw: Any) -> int:
    from planner import clock
    family, item = practice.find_item(store, args.item_id, args.child)
    item = practice.record(store, family, item, today, status, now=clock.now(), **kw)
    print(f"{item.title} on {item.date.isoformat()}: {item.status.value}")
    return 0


def cmd_done(args: argparse.Namespace, store: Store, today: date) -> int:
    return _mark(args, store, today, Status.PARTIAL if args.partial else Status.DONE,
                 rating=args.rating, note=args.note, level=args.level, assist=args.assist,
                 option=args.option)


def cmd_use(args: argparse.Namespace, store: Store, today: date) -> int:
    from planner import clock
    family = household.load_family(store, args.child)
    now = clock.now()
    use = practice.log_use(store, family, args.activity, now, before=args.before, after=args.after,
                           note=args.note or "", option=args.option)
    states = " -> ".join(s for s in (use.before, use.after) if s)
    print(f"{args.activity}: used at {use.at}" + (f" ({states})" if states else ""))
    return 0


def cmd_goal_rate(args: argparse.Namespace, store: Store, today: date) -> int:
    from planner import clock
    from planner.services import plans
    family = household.load_family(store, args.child)
    rating = plans.rate_goal(store, family, args.goal, args.level, args.day or today, clock.now(),
                             args.note or "")
    goal = family.plan_on(rating.date).goal(rating.goal)
    level = f"{rating.level:+d}" if rating.level else "0"
    described = goal.gas_text(rating.level) if goal else ""
    print(f"goal {rating.goal} rated {level} on {rating.date.isoformat()}"
          + (f": {described}" if described else ""))
    return 0


def cmd_skip(args: argparse.Namespace, store: Store, today: date) -> int:
    return _mark(args, store, today, Status.SKIPPED, reason=args.reason, note=args.note)


def cmd_undo(args: argparse.Namespace, store: Store, today: date) -> int:
    family, item = practice.find_item(store, args.item_id, args.child)
    item = practice.undo(store, family, item, today)
    print(f"{item.title} on {item.date.isoformat()}: back to planned")
    return 0


def cmd_library(args: argparse.Namespace, store: Store, today: date) -> int:
    from planner.library import filter_library
    if args.age_months is not None:
        try:
            acts = filter_library(args.area, age_months=args.age_months)
        except TypeError:
            acts = filter_library(args.area, args.age_months // 12)
    else:
        acts = filter_library(args.area, args.age)
    if args.json:
        print(json.dumps({"activities": [a.to_dict() for a in acts]}, ensure_ascii=False))
        return 0
    for a in acts:
        print(f"{a.id:<26} {a.title:<36} {'/'.join(a.areas):<34} ages {a.age_min}-{a.age_max}")
    print(f"{len(acts)} activities")
    return 0


def cmd_demo(args: argparse.Namespace, store: Store, today: date) -> int:
    from planner.demo import import_demo
    outcome = import_demo(store, today)
    print(outcome.summary() if outcome else "the data folder already has a plan; demo not imported")
    return 0
