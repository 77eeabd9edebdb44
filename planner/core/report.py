"""Progress report over a period: pure figures from scheduled days, no files, no clock.

Only items dated on or before the cut-off (the earlier of the requested last
day and today) count: a day still to come has nothing to report yet. Every
figure is built from `planner.core.progress` (Tally, group_tally,
weekly_series), so the report and the app's progress screen always agree.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Iterable, Sequence

from planner.core.model import RATINGS, SKIP_REASONS, SLOT_ORDER, Day, Plan, ScheduledItem, Status
from planner.core.progress import Tally, WeekPoint, group_tally, tally, weekly_series


@dataclass(frozen=True)
class GoalRow:
    goal: str | None            # the goal's id; None gathers the items without a goal
    text: str
    tally: Tally
    weeks: tuple[WeekPoint, ...] = ()

    def as_dict(self) -> dict:
        t = self.tally
        return {"goal": self.goal, "text": self.text, "scheduled": t.scheduled, "done": t.done,
                "partial": t.partial, "skipped": t.skipped, "adherence": t.adherence}


@dataclass(frozen=True)
class ActivityRow:
    activity: str
    title: str
    goal: str | None
    tally: Tally

    def as_dict(self) -> dict:
        return {"activity": self.activity, "title": self.title, **self.tally.as_dict()}


@dataclass(frozen=True)
class Note:
    date: date
    slot: str
    title: str
    status: Status
    text: str


@dataclass(frozen=True)
class Report:
    child: str
    therapist: str
    therapist_contact: str
    plan_id: str
    plan_version: int
    first: date
    last: date                          # the effective cut-off: min(requested last, today)
    requested_last: date
    today: date
    totals: Tally
    goals: tuple[GoalRow, ...]
    activities: tuple[ActivityRow, ...]
    skip_reasons: dict[str, int]
    ratings: dict[str, int]
    notes: tuple[Note, ...]
    items: tuple[ScheduledItem, ...]    # every counted item, in date and slot order
    weeks: tuple[WeekPoint, ...] = field(default=())   # all items, week by week

    @property
    def empty(self) -> bool:
        return not self.items

    def as_dict(self) -> dict:
        """The JSON document of `planner report --format json`."""
        return {
            "child": self.child, "from": self.first.isoformat(), "to": self.last.isoformat(),
            "totals": self.totals.as_dict(),
            "goals": [g.as_dict() for g in self.goals],
            "activities": [a.as_dict() for a in self.activities],
            "skip_reasons": dict(self.skip_reasons),
            "ratings": dict(self.ratings),
        }


def cutoff(last: date, today: date) -> date:
    return min(last, today)


def goal_texts(plans: Iterable[Plan]) -> dict[str, str]:
    """Goal id -> text, a later plan version overriding an earlier one's wording."""
    texts: dict[str, str] = {}
    for plan in plans:
        for g in plan.goals:
            texts[g.id] = g.text
    return texts


def build_report(days: Sequence[Day], plans: Sequence[Plan], first: date, last: date,
                 today: date, child: str | None = None) -> Report:
    """The report of `days` between `first` and min(`last`, `today`).

    `plans` are the plan versions in timeline order, the last one being the
    version in effect at the cut-off; goal texts, goal order and activity order
    come from them (a later version wins).
    """
    if not plans:
        raise ValueError("a report needs at least one plan version")
    end = cutoff(last, today)
    period = sorted((d for d in days if first <= d.date <= end), key=lambda d: d.date)
    items = tuple(sorted((it for d in period for it in d.items),
                         key=lambda it: (it.date, SLOT_ORDER.get(it.slot, 9))))
    current = plans[-1]
    texts = goal_texts(plans)

    # Goals: the current plan's order, then goals of older versions, then unknown ids; no goal last.
    goal_order: dict[str | None, int] = {}
    for plan in (current, *reversed(plans[:-1])):
        for g in plan.goals:
            goal_order.setdefault(g.id, len(goal_order))
    by_goal = group_tally(items, lambda it: it.goal)

    def goal_rank(gid: str | None) -> tuple:
        if gid is None:
            return (2, 0, "")
        if gid in goal_order:
            return (0, goal_order[gid], gid)
        return (1, 0, gid)

    goals = tuple(
        GoalRow(gid, texts.get(gid, gid) if gid is not None else "Without a goal", t,
                tuple(weekly_series(period, end, lambda it, g=gid: it.goal == g)))
        for gid, t in sorted(by_goal.items(), key=lambda kv: goal_rank(kv[0]))
        if t.scheduled
    )

    # Activities: the current plan's order, then the others by title.
    act_order: dict[str, int] = {}
    for plan in (current, *reversed(plans[:-1])):
        for a in plan.activities:
            act_order.setdefault(a.key, len(act_order))
    latest: dict[str, ScheduledItem] = {}
    for it in items:
        latest[it.key] = it          # items are in date order: the last one wins
    by_act = group_tally(items, lambda it: it.key)
    activities = tuple(
        ActivityRow(key, latest[key].title, latest[key].goal, t)
        for key, t in sorted(by_act.items(),
                             key=lambda kv: (act_order.get(kv[0], len(act_order)),
                                             latest[kv[0]].title.lower(), kv[0]))
        if t.scheduled
    )

    reasons = {r: 0 for r in SKIP_REASONS}
    ratings = {r: 0 for r in RATINGS}
    notes: list[Note] = []
    for it in items:
        if it.status is Status.SKIPPED:
            reason = it.reason if it.reason in reasons else "other"
            reasons[reason] += 1
        if it.rating in ratings:
            ratings[it.rating] += 1
        if it.note and it.note.strip():
            notes.append(Note(it.date, it.slot, it.title, it.status, it.note.strip()))

    therapist = next((p.therapist_name for p in reversed(plans) if p.therapist_name), "")
    contact = next((p.therapist_contact for p in reversed(plans) if p.therapist_contact), "")
    return Report(
        child=child or current.child, therapist=therapist, therapist_contact=contact,
        plan_id=current.plan_id, plan_version=current.version, first=first, last=end,
        requested_last=last, today=today, totals=tally(items), goals=goals,
        activities=activities, skip_reasons=reasons, ratings=ratings, notes=tuple(notes),
        items=items, weeks=tuple(weekly_series(period, end)),
    )
