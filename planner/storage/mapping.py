"""Hand mapping between TinyDB documents and core objects.

Plans are stored fully resolved (titles, pictures, slots, doses), so an old
plan reads back the same even after the bundled library changes.
"""
from __future__ import annotations

from datetime import date
from typing import Any

from planner.core.model import (
    WEEKDAYS, ASSISTS, ENGINE_STATES, GAS_LEVELS, LEVELS, AsNeededUse, Completion, Frequency, Goal, GoalRating,
    LevelChange, Phase, Plan, PlanActivity,
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
    doc = {
        "plan_id": plan.plan_id, "version": plan.version, "child": plan.child,
        "start": plan.start.isoformat(), "end": plan.end.isoformat() if plan.end else None,
        "weekday_minutes": plan.weekday_minutes, "weekend_minutes": plan.weekend_minutes,
        "rest_days": list(plan.rest_days),
        "goals": [_goal_doc(g) for g in plan.goals],
        "birth_date": plan.birth_date.isoformat() if plan.birth_date else None,
        "therapist_name": plan.therapist_name, "therapist_contact": plan.therapist_contact,
        "activities": [_activity_doc(a) for a in plan.activities],
        "source": plan.source,
    }
    v2 = {"handedness": plan.handedness, "precautions": list(plan.precautions),
          "precaution_texts": [list(t) for t in plan.precaution_texts],
          "precaution_notes": plan.precaution_notes, "warnings": list(plan.warnings)}
    if tuple(plan.school_days) != WEEKDAYS:
        v2["school_days"] = list(plan.school_days)
    doc.update({k: v for k, v in v2.items() if v})
    return doc


def _goal_doc(g: Goal) -> dict[str, Any]:
    d: dict[str, Any] = {"id": g.id, "text": g.text, "area": g.area}
    if g.baseline:
        d["baseline"] = g.baseline
    if g.target:
        d["target"] = g.target
    if g.target_date:
        d["target_date"] = g.target_date.isoformat()
    if g.gas:
        d["gas"] = list(g.gas)
    return d


_DEFAULT = PlanActivity("x", "x", "x", (), "table-top", "", Frequency.weekly(1), 1)
_V2_SIMPLE = ("counts_toward_budget", "hold_seconds", "per_side", "rest_seconds", "weight_kg", "resistance",
              "stop_if", "coaching", "level", "progress_after_easy", "easier", "harder", "safety",
              "weighted")


def _activity_doc(a: PlanActivity) -> dict[str, Any]:
    d: dict[str, Any] = {
        "key": a.key, "title": a.title, "kid_title": a.kid_title, "areas": list(a.areas),
        "setting": a.setting, "picture": a.picture,
        "frequency": {"kind": a.frequency.kind.value, "count": a.frequency.count,
                      "days": list(a.frequency.days)},
        "minutes": a.minutes, "reps": a.reps, "sets": a.sets, "when": list(a.when),
        "goal": a.goal, "notes": a.notes, "sensory_diet": a.sensory_diet, "custom": a.custom,
        "steps": list(a.steps),
    }
    if a.frequency.per_day != 1:
        d["frequency"]["per_day"] = a.frequency.per_day
    if a.frequency.as_needed:
        d["frequency"]["as_needed"] = True
    for k in _V2_SIMPLE:
        if getattr(a, k) != getattr(_DEFAULT, k):
            d[k] = getattr(a, k)
    for k in ("options", "precaution_checked", "materials", "conflicts"):
        if getattr(a, k):
            d[k] = list(getattr(a, k))
    if a.valid_from:
        d["valid_from"] = a.valid_from.isoformat()
    if a.valid_until:
        d["valid_until"] = a.valid_until.isoformat()
    if a.phases:
        d["phases"] = [{"first": ph.first.isoformat(), "level": ph.level, "minutes": ph.minutes,
                        "reps": ph.reps, "sets": ph.sets} for ph in a.phases]
    return d


def _opt_date(v: Any) -> date | None:
    return date.fromisoformat(v) if v else None


def plan_from_doc(d: dict[str, Any]) -> Plan:
    return Plan(
        plan_id=d["plan_id"], version=int(d["version"]), child=d["child"],
        start=date.fromisoformat(d["start"]),
        end=date.fromisoformat(d["end"]) if d.get("end") else None,
        weekday_minutes=int(d["weekday_minutes"]), weekend_minutes=int(d["weekend_minutes"]),
        rest_days=tuple(d.get("rest_days") or ()),
        goals=tuple(Goal(g["id"], g["text"], g.get("area"), baseline=g.get("baseline") or "",
                         target=g.get("target") or "", target_date=_opt_date(g.get("target_date")),
                         gas=tuple(g.get("gas") or ()))
                    for g in d.get("goals") or ()),
        activities=tuple(_activity_from_doc(a) for a in d["activities"]),
        birth_date=date.fromisoformat(d["birth_date"]) if d.get("birth_date") else None,
        therapist_name=d.get("therapist_name") or "", therapist_contact=d.get("therapist_contact") or "",
        source=d.get("source") or {},
        handedness=d.get("handedness"), precautions=tuple(d.get("precautions") or ()),
        precaution_texts=tuple(tuple(t) for t in d.get("precaution_texts") or ()),
        precaution_notes=d.get("precaution_notes") or "",
        school_days=tuple(d["school_days"]) if d.get("school_days") is not None else WEEKDAYS,
        warnings=tuple(d.get("warnings") or ()),
    )


def _activity_from_doc(a: dict[str, Any]) -> PlanActivity:
    f = a["frequency"]
    extra = {k: a[k] for k in _V2_SIMPLE if k in a}
    return PlanActivity(
        key=a["key"], title=a["title"], kid_title=a["kid_title"], areas=tuple(a["areas"]),
        setting=a["setting"], picture=a["picture"],
        frequency=Frequency(f["kind"], int(f["count"]), tuple(f.get("days") or ()),
                            per_day=int(f.get("per_day") or 1), as_needed=bool(f.get("as_needed"))),
        minutes=int(a["minutes"]), reps=a.get("reps"), sets=a.get("sets"),
        when=tuple(a.get("when") or ()), goal=a.get("goal"), notes=a.get("notes") or "",
        sensory_diet=bool(a.get("sensory_diet")), custom=bool(a.get("custom")),
        steps=tuple(a.get("steps") or ()),
        options=tuple(a.get("options") or ()), precaution_checked=tuple(a.get("precaution_checked") or ()),
        materials=tuple(a.get("materials") or ()), conflicts=tuple(a.get("conflicts") or ()),
        valid_from=_opt_date(a.get("valid_from")), valid_until=_opt_date(a.get("valid_until")),
        phases=tuple(Phase(date.fromisoformat(p["first"]), p.get("level"), p.get("minutes"),
                           p.get("reps"), p.get("sets")) for p in a.get("phases") or ()),
        **extra,
    )
