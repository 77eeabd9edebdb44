"""Hand mapping between TinyDB documents and core objects.

Plans are stored fully resolved (titles, pictures, slots, doses), so an old
plan reads back the same even after the bundled library changes.
"""
from __future__ import annotations

from datetime import date
from typing import Any

from planner.core.model import Completion, Frequency, Goal, Plan, PlanActivity


def completion_to_doc(c: Completion) -> dict[str, Any]:
    return c.to_dict()


def completion_from_doc(doc: dict[str, Any]) -> Completion:
    return Completion.from_dict(doc)


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
