"""Hand mapping between TinyDB documents and core objects.

Plans are stored fully resolved (titles, pictures, slots, doses), so an old
plan reads back the same even after the bundled library changes.
"""
from __future__ import annotations

from datetime import date
from typing import Any

from planner.core.model import (
    ASSISTS, ENGINE_STATES, GAS_LEVELS, LEVELS, AsNeededUse, Completion, Frequency, Goal, GoalRating,
    LevelChange, Plan, PlanActivity,
)
from planner.storage.records import BadRecord


def completion_to_doc(c: Completion) -> dict[str, Any]:
    return c.to_dict()


def completion_from_doc(doc: dict[str, Any]) -> Completion:
    """A stored check-off; BadRecord when the document does not have its shape."""
    if not isinstance(doc, dict):
        raise BadRecord("check-off: not an object")
    for key in ("item_id", "date", "status"):
        if not isinstance(doc.get(key), str):
            raise BadRecord(f"check-off without {key}")
    try:
        c = Completion.from_dict(doc)
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise BadRecord(f"check-off {str(doc.get('item_id'))[:60]!r}: {exc.__class__.__name__}") from None
    if not isinstance(c.planned, dict) or not isinstance(c.extra, dict) or not isinstance(c.note, str):
        raise BadRecord(f"check-off {c.item_id[:60]!r}: fields of the wrong shape")
    if c.level not in (None, *LEVELS) or c.assist not in (None, *ASSISTS):
        raise BadRecord(f"check-off {c.item_id[:60]!r}: unknown level or help")
    return c


def goal_rating_to_doc(r: GoalRating) -> dict[str, Any]:
    return {"plan_id": r.plan_id, "goal": r.goal, "date": r.date.isoformat(), "level": r.level,
            "note": r.note, "recorded": r.recorded}


def goal_rating_from_doc(d: dict[str, Any]) -> GoalRating:
    try:
        r = GoalRating(plan_id=str(d["plan_id"]), goal=str(d["goal"]), date=date.fromisoformat(d["date"]),
                       level=d["level"], note=str(d.get("note") or ""), recorded=str(d.get("recorded") or ""))
    except (KeyError, TypeError, ValueError) as exc:
        raise BadRecord(f"goal rating: {exc.__class__.__name__}") from None
    if r.level not in GAS_LEVELS or isinstance(r.level, bool):
        raise BadRecord("goal rating: level outside -2..2")
    return r


def level_change_to_doc(c: LevelChange) -> dict[str, Any]:
    return {"plan_id": c.plan_id, "activity": c.activity, "date": c.date.isoformat(), "level": c.level}


def level_change_from_doc(d: dict[str, Any]) -> LevelChange:
    try:
        c = LevelChange(plan_id=str(d["plan_id"]), activity=str(d["activity"]),
                        date=date.fromisoformat(d["date"]), level=d["level"])
    except (KeyError, TypeError, ValueError) as exc:
        raise BadRecord(f"level change: {exc.__class__.__name__}") from None
    if c.level not in LEVELS:
        raise BadRecord("level change: unknown level")
    return c


def use_to_doc(u: AsNeededUse) -> dict[str, Any]:
    doc = {"plan_id": u.plan_id, "activity": u.activity, "at": u.at, "before": u.before,
           "after": u.after, "note": u.note, "option": u.option}
    return {k: v for k, v in doc.items() if v not in (None, "")}


def use_from_doc(d: dict[str, Any]) -> AsNeededUse:
    try:
        u = AsNeededUse(plan_id=str(d["plan_id"]), activity=str(d["activity"]), at=str(d["at"]),
                        before=d.get("before"), after=d.get("after"), note=str(d.get("note") or ""),
                        option=d.get("option"))
        u.date  # noqa: B018  (the time must parse)
    except (KeyError, TypeError, ValueError) as exc:
        raise BadRecord(f"as-needed use: {exc.__class__.__name__}") from None
    if u.before not in (None, *ENGINE_STATES) or u.after not in (None, *ENGINE_STATES):
        raise BadRecord("as-needed use: unknown state")
    return u


def plan_to_doc(plan: Plan) -> dict[str, Any]:
    return {
        "plan_id": plan.plan_id, "version": plan.version, "child": plan.child,
        "start": plan.start.isoformat(), "end": plan.end.isoformat() if plan.end else None,
        "weekday_minutes": plan.weekday_minutes, "weekend_minutes": plan.weekend_minutes,
        "rest_days": list(plan.rest_days),
        "goals": [{"id": g.id, "text": g.text, "area": g.area} for g in plan.goals],
        "birth_date": plan.birth_date.isoformat() if plan.birth_date else None,
        "therapist_name": plan.therapist_name, "therapist_contact": plan.therapist_contact,
        "activities": [_activity_doc(a) for a in plan.activities],
        "source": plan.source,
    }


def _activity_doc(a: PlanActivity) -> dict[str, Any]:
    return {
        "key": a.key, "title": a.title, "kid_title": a.kid_title, "areas": list(a.areas),
        "setting": a.setting, "picture": a.picture,
        "frequency": {"kind": a.frequency.kind, "count": a.frequency.count,
                      "days": list(a.frequency.days)},
        "minutes": a.minutes, "reps": a.reps, "sets": a.sets, "when": list(a.when),
        "goal": a.goal, "notes": a.notes, "sensory_diet": a.sensory_diet, "custom": a.custom,
        "steps": list(a.steps),
    }


def plan_from_doc(d: dict[str, Any]) -> Plan:
    return Plan(
        plan_id=d["plan_id"], version=int(d["version"]), child=d["child"],
        start=date.fromisoformat(d["start"]),
        end=date.fromisoformat(d["end"]) if d.get("end") else None,
        weekday_minutes=int(d["weekday_minutes"]), weekend_minutes=int(d["weekend_minutes"]),
        rest_days=tuple(d.get("rest_days") or ()),
        goals=tuple(Goal(g["id"], g["text"], g.get("area")) for g in d.get("goals") or ()),
        activities=tuple(
            PlanActivity(
                key=a["key"], title=a["title"], kid_title=a["kid_title"], areas=tuple(a["areas"]),
                setting=a["setting"], picture=a["picture"],
                frequency=Frequency(a["frequency"]["kind"], int(a["frequency"]["count"]),
                                    tuple(a["frequency"].get("days") or ())),
                minutes=int(a["minutes"]), reps=a.get("reps"), sets=a.get("sets"),
                when=tuple(a.get("when") or ()), goal=a.get("goal"), notes=a.get("notes") or "",
                sensory_diet=bool(a.get("sensory_diet")), custom=bool(a.get("custom")),
                steps=tuple(a.get("steps") or ()),
            )
            for a in d["activities"]
        ),
        birth_date=date.fromisoformat(d["birth_date"]) if d.get("birth_date") else None,
        therapist_name=d.get("therapist_name") or "", therapist_contact=d.get("therapist_contact") or "",
        source=d.get("source") or {},
    )
