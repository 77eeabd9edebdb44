"""The therapist's report over a period: pure figures, no files, no clock.

What counts
- Items dated after the cut-off (the earlier of the requested last day and
  `today`) are still to come and are left out; so are items dated `today`
  that nothing was recorded for yet (the day is not over). A recorded item of
  today counts.
- "Practice done as planned" (adherence) is (done + half of partly done) over
  the counted items, where an item skipped because the child was sick is
  excused: it is shown apart ("3 sick days not counted") and is in neither
  part of the fraction.
- Every figure is derived from the scheduled items, the therapist's goal
  ratings and the as-needed uses passed in; nothing is stored.

Plan format 2 signals (level done, help needed, option picked) are None on the
items of format 1 plans, so those simply have none.
"""
from __future__ import annotations

import math
from datetime import date, timedelta
from typing import Any, Iterable, Sequence

from planner.core.model import (ASSISTS, ENGINE_STATES, LEVELS, RATINGS, SKIP_REASONS, SLOT_ORDER,
                                AsNeededUse, Day, Goal, GoalRating, Plan, PlanActivity,
                                ScheduledItem, Status)
from planner.core.value import field, frozen

SICK = "sick"
READY_AFTER_EASY = 3            # "ready to progress" after this many easy ratings in a row by default
REFUSAL_WINDOW = 6              # "often refused": refused in at least half of the last 6 recorded
REFUSAL_LIMIT = 3
RECENT_RATINGS = 12             # ratings kept for the sparkline
GAS_RHO = 0.3                   # Kiresuk & Sherman (1968): assumed correlation between goals
ADHERENCE_NAME = "Practice done as planned"
FOOTER = "Recorded by the family at home; not verified by the therapist."


# ------------------------------------------------------------------ counts

@frozen
class Counts:
    """What happened to a set of counted items."""
    scheduled: int = 0          # counted items, sick ones included
    done: int = 0
    partial: int = 0
    skipped: int = 0            # skipped for a reason other than sickness
    sick: int = 0               # skipped because the child was sick: excused
    minutes_planned: int = 0
    minutes_done: int = 0

    @property
    def counted(self) -> int:
        """Items the adherence is computed over: sick ones are excused."""
        return self.scheduled - self.sick

    @property
    def open(self) -> int:
        """Nothing recorded (the day is over)."""
        return self.scheduled - self.done - self.partial - self.skipped - self.sick

    @property
    def adherence(self) -> float | None:
        """(done + half of partly done) / counted, 0..1 rounded to 3 decimals; None if nothing counts."""
        if not self.counted:
            return None
        return round((self.done + 0.5 * self.partial) / self.counted, 3)

    def as_dict(self) -> dict:
        return {"scheduled": self.scheduled, "counted": self.counted, "done": self.done,
                "partial": self.partial, "skipped": self.skipped, "sick": self.sick,
                "not_recorded": self.open, "adherence": self.adherence,
                "minutes_planned": self.minutes_planned, "minutes_done": self.minutes_done}


def is_sick(item: Any) -> bool:
    return item.status is Status.SKIPPED and item.reason == SICK


def count(items: Iterable[ScheduledItem]) -> Counts:
    s = d = p = k = sick = mp = md = 0
    for it in items:
        s += 1
        mp += it.minutes
        st = it.status
        if st is Status.DONE:
            d += 1
            md += it.minutes
        elif st is Status.PARTIAL:
            p += 1
            md += int(it.minutes / 2 + 0.5)
        elif st is Status.SKIPPED:
            if it.reason == SICK:
                sick += 1
            else:
                k += 1
    return Counts(s, d, p, k, sick, mp, md)


def recorded(item: Any) -> bool:
    return item.status is not Status.PLANNED


def counts_on(item: ScheduledItem, end: date, today: date) -> bool:
    """An item counts when its day is over, or when something was recorded for it."""
    if item.date > end:
        return False
    return item.date < today or recorded(item)


# ------------------------------------------------------------------ GAS

def gas_t_score(levels: Sequence[int], weights: Sequence[float] | None = None,
                rho: float = GAS_RHO) -> float:
    """Kiresuk & Sherman's Goal Attainment Scaling T-score.

    T = 50 + 10 * sum(w_i x_i) / sqrt((1 - rho) * sum(w_i^2) + rho * (sum w_i)^2)

    with x_i the attainment level (-2 .. +2) of goal i, w_i its weight (1 by
    default) and rho the assumed correlation between goals (0.3). Rounded to
    one decimal. 50 means every goal was met as expected.
    """
    if not levels:
        raise ValueError("a GAS T-score needs at least one rated goal")
    w = list(weights) if weights is not None else [1.0] * len(levels)
    if len(w) != len(levels):
        raise ValueError("one weight per goal")
    num = sum(wi * xi for wi, xi in zip(w, levels))
    den = math.sqrt((1 - rho) * sum(wi * wi for wi in w) + rho * sum(w) ** 2)
    return round(50 + 10 * num / den, 1)


def gas_text(goal: Goal | None, level: int) -> str:
    """The goal's own description of a GAS level, when the plan gives one."""
    gas = getattr(goal, "gas", None) if goal is not None else None
    if not gas:
        return ""
    if isinstance(gas, dict):
        text = gas.get(level, gas.get(str(level), gas.get(f"{level:+d}", "")))
        return str(text or "")
    try:
        return str(gas[level + 2] or "")
    except (IndexError, TypeError):
        return ""


# ------------------------------------------------------------------ rows

@frozen
class Rating:
    """One goal rating inside the period."""
    date: date
    level: int
    note: str = ""
    text: str = ""              # the goal's wording of that level, when the plan gives one

    def as_dict(self) -> dict:
        d: dict = {"date": self.date.isoformat(), "level": self.level}
        if self.note:
            d["note"] = self.note
        if self.text:
            d["level_text"] = self.text
        return d


@frozen
class WeekCounts:
    monday: date
    counts: Counts


@frozen
class GoalRow:
    goal: str | None            # the goal's id; None gathers the items without a goal
    text: str
    counts: Counts
    weeks: tuple[WeekCounts, ...] = ()
    activities: tuple[str, ...] = ()
    ratings: tuple[Rating, ...] = ()
    baseline: str = ""
    target: str = ""

    @property
    def latest(self) -> Rating | None:
        return self.ratings[-1] if self.ratings else None

    def as_dict(self) -> dict:
        c = self.counts
        d = {"goal": self.goal, "text": self.text, "scheduled": c.scheduled, "done": c.done,
             "partial": c.partial, "skipped": c.skipped, "sick": c.sick,
             "not_recorded": c.open, "adherence": c.adherence,
             "activities": list(self.activities),
             "ratings": [r.as_dict() for r in self.ratings]}
        if self.baseline:
            d["baseline"] = self.baseline
        if self.target:
            d["target"] = self.target
        return d


@frozen
class Halves:
    """Counts of one vocabulary in the first and the second half of the period."""
    first: dict[str, int]
    second: dict[str, int]

    def as_dict(self) -> dict:
        return {"first_half": dict(self.first), "second_half": dict(self.second)}

    @property
    def empty(self) -> bool:
        return not any(self.first.values()) and not any(self.second.values())


@frozen
class ActivityRow:
    activity: str
    title: str
    goal: str | None
    counts: Counts
    frequency: str = ""         # as prescribed, e.g. "Mon, Wed, Fri (afternoon)"
    dose: str = ""              # as prescribed, e.g. "10 reps x 2", "5 min"
    skip_reasons: dict[str, int] = field(default_factory=dict)
    ratings: dict[str, int] = field(default_factory=dict)
    rating_trend: Halves | None = None
    recent_ratings: tuple[str, ...] = ()      # oldest first, at most RECENT_RATINGS
    assist_trend: Halves | None = None
    levels: dict[str, int] = field(default_factory=dict)
    options: dict[str, int] = field(default_factory=dict)
    easy_in_a_row: int = 0
    progress_after: int = READY_AFTER_EASY
    refused_recent: int = 0     # refusals among the last REFUSAL_WINDOW recorded (sick aside)
    recorded_recent: int = 0

    @property
    def ready_to_progress(self) -> bool:
        return self.easy_in_a_row >= self.progress_after

    @property
    def often_refused(self) -> bool:
        return self.refused_recent >= REFUSAL_LIMIT

    def as_dict(self) -> dict:
        c = self.counts
        d = {"activity": self.activity, "title": self.title, "goal": self.goal,
             "frequency": self.frequency, "dose": self.dose, **c.as_dict(),
             "skip_reasons": dict(self.skip_reasons), "ratings": dict(self.ratings),
             "rating_trend": self.rating_trend.as_dict() if self.rating_trend else None,
             "recent_ratings": list(self.recent_ratings),
             "assist_trend": self.assist_trend.as_dict() if self.assist_trend else None,
             "levels": dict(self.levels), "options": dict(self.options),
             "easy_in_a_row": self.easy_in_a_row, "progress_after_easy": self.progress_after,
             "ready_to_progress": self.ready_to_progress,
             "refused_of_last_6": self.refused_recent, "often_refused": self.often_refused}
        return d


@frozen
class AsNeededRow:
    activity: str
    title: str
    uses: int
    per_week: float
    weeks: tuple[tuple[date, int], ...]       # (Monday, uses) for every week of the period
    before: dict[str, int]
    after: dict[str, int]
    options: dict[str, int] = field(default_factory=dict)

    def as_dict(self) -> dict:
        return {"activity": self.activity, "title": self.title, "uses": self.uses,
                "uses_per_week": self.per_week,
                "weeks": [{"week": m.isoformat(), "uses": n} for m, n in self.weeks],
                "before": dict(self.before), "after": dict(self.after),
                "options": dict(self.options)}


@frozen
class Note:
    date: date
    slot: str
    title: str
    status: Status | None       # None for a note on an as-needed use
    text: str


@frozen
class PlanVersion:
    plan_id: str
    version: int
    start: date

    def as_dict(self) -> dict:
        return {"plan_id": self.plan_id, "version": self.version, "from": self.start.isoformat()}


@frozen
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
    totals: Counts
    goals: tuple[GoalRow, ...]
    activities: tuple[ActivityRow, ...]
    skip_reasons: dict[str, int]
    ratings: dict[str, int]
    notes: tuple[Note, ...]             # oldest first; renderers print the newest that fit
    items: tuple[ScheduledItem, ...]    # every counted item, in date and slot order
    weeks: tuple[WeekCounts, ...] = ()
    made_on: date | None = None         # the date the report was made (default: today)
    birth_date: date | None = None
    sick_days: tuple[date, ...] = ()
    pending_today: int = 0              # items of today not recorded yet (not counted)
    as_needed: tuple[AsNeededRow, ...] = ()
    used: tuple[AsNeededUse, ...] = ()  # the as-needed uses inside the period, oldest first
    plan_versions: tuple[PlanVersion, ...] = ()
    gas_t_score: float | None = None    # when every goal of the period has a rating
    gas_goals_rated: int = 0
    gas_goals_total: int = 0

    @property
    def empty(self) -> bool:
        return not self.items and not self.as_needed and not any(g.ratings for g in self.goals)

    @property
    def report_date(self) -> date:
        return self.made_on or self.today

    @property
    def age(self) -> str:
        return age_text(self.birth_date, self.report_date) if self.birth_date else ""

    def as_dict(self) -> dict:
        """The JSON document of `planner report --format json` (see docs/report.md)."""
        return {
            "child": self.child, "from": self.first.isoformat(), "to": self.last.isoformat(),
            "report_date": self.report_date.isoformat(),
            "birth_date": self.birth_date.isoformat() if self.birth_date else None,
            "age": self.age or None,
            "therapist": self.therapist or None,
            "plan_versions": [v.as_dict() for v in self.plan_versions],
            "totals": self.totals.as_dict(),
            "sick_days": [d.isoformat() for d in self.sick_days],
            "not_yet_recorded_today": self.pending_today,
            "goals": [g.as_dict() for g in self.goals],
            "gas_t_score": self.gas_t_score,
            "activities": [a.as_dict() for a in self.activities],
            "as_needed": [a.as_dict() for a in self.as_needed],
            "skip_reasons": dict(self.skip_reasons),
            "ratings": dict(self.ratings),
            "recorded_by": FOOTER,
        }


# ------------------------------------------------------------------ helpers

def cutoff(last: date, today: date) -> date:
    return min(last, today)


def age_text(birth: date, on: date) -> str:
    """"2 years 5 months" (months alone under 2 years), from the date of birth to `on`."""
    months = (on.year - birth.year) * 12 + on.month - birth.month - (on.day < birth.day)
    if months < 0:
        return ""
    years, rest = divmod(months, 12)
    if years < 2:
        return f"{months} month{'s' if months != 1 else ''}"
    return f"{years} years" + (f" {rest} month{'s' if rest != 1 else ''}" if rest else "")


def goal_texts(plans: Iterable[Plan]) -> dict[str, str]:
    """Goal id -> text, a later plan version overriding an earlier one's wording."""
    texts: dict[str, str] = {}
    for plan in plans:
        for g in plan.goals:
            texts[g.id] = g.text
    return texts


def frequency_text(entry: PlanActivity) -> str:
    if getattr(entry, "as_needed", False):
        return "when needed"
    text = entry.frequency.describe()
    if entry.when:
        text += " (" + ", ".join(entry.when) + ")"
    return text


def dose_text(entry: PlanActivity) -> str:
    parts = [entry.dose_text()]
    if entry.reps and entry.minutes:
        parts[0] += f", about {entry.minutes} min"
    hold = getattr(entry, "hold_seconds", None)
    if hold:
        parts.append(f"hold {hold} s")
    if getattr(entry, "per_side", False):
        parts.append("each side")
    weight = getattr(entry, "weight_kg", None)
    if weight:
        parts.append(f"{weight:g} kg")
    resistance = getattr(entry, "resistance", "")
    if resistance:
        parts.append(str(resistance))
    level = getattr(entry, "level", None)
    if level and level != "standard":
        parts.append(f"{level} version")
    return ", ".join(parts)


def _monday(d: date) -> date:
    return d - timedelta(days=d.weekday())


def _sum(cells: Iterable[list[int]]) -> Counts:
    """Counts from [scheduled, done, partial, skipped, sick, minutes planned, minutes done] cells."""
    cells = list(cells)
    if not cells:
        return Counts()
    return Counts(*(sum(col) for col in zip(*cells)))


def _halves(pairs: Iterable[tuple[date, str]], vocab: Sequence[str], mid: date) -> Halves:
    first = {k: 0 for k in vocab}
    second = {k: 0 for k in vocab}
    for d, value in pairs:
        if value in first:
            (first if d < mid else second)[value] += 1
    return Halves(first, second)


def _latest_entries(plans: Sequence[Plan]) -> dict[str, PlanActivity]:
    entries: dict[str, PlanActivity] = {}
    for plan in plans:
        for a in plan.activities:
            entries[a.key] = a
    return entries


# ------------------------------------------------------------------ the report

def build_report(days: Sequence[Day], plans: Sequence[Plan], first: date, last: date,
                 today: date, child: str | None = None, *,
                 ratings: Sequence[GoalRating] = (), uses: Sequence[AsNeededUse] = (),
                 birth_date: date | None = None, made_on: date | None = None,
                 plan_versions: Sequence[tuple[int, date]] | None = None) -> Report:
    """The report of `days` between `first` and min(`last`, `today`).

    `plans` are the plan versions in timeline order, the last one being the
    version in effect at the cut-off; goal texts, goal order, activity order
    and the prescribed frequency and dose come from them (a later version
    wins). `ratings` are the therapist's goal ratings and `uses` the as-needed
    uses (any dates: only those inside the period count). `birth_date`
    defaults to the plans' own; `made_on` (the report date) to `today`.
    `plan_versions` is (version, first day) for each version in the family's
    timeline (the day a version really took over); by default the first day
    each version has an item in the period, else each plan's start.
    """
    if not plans:
        raise ValueError("a report needs at least one plan version")
    end = cutoff(last, today)
    period = sorted((d for d in days if first <= d.date <= end), key=lambda d: d.date)
    # One pass over the counted items: what the rows need, and counts per (goal, activity, week).
    items_l: list[ScheduledItem] = []
    pending = 0
    cells: dict[tuple[str | None, str, date], list[int]] = {}
    by_key: dict[str, list[ScheduledItem]] = {}
    reasons = {r: 0 for r in SKIP_REASONS}
    rating_totals = {r: 0 for r in RATINGS}
    notes: list[Note] = []
    sick_days: set[date] = set()
    s_done, s_part, s_skip, s_open = Status.DONE, Status.PARTIAL, Status.SKIPPED, Status.PLANNED
    slot_order = SLOT_ORDER
    for d in period:
        day_date = d.date
        monday = day_date - timedelta(days=day_date.weekday())
        its = d.items
        if len(its) > 1:
            its = sorted(its, key=lambda it: slot_order.get(it.slot, 9))
        day_open = day_date >= today
        for it in its:
            st = it.status
            if day_open and st is s_open:
                pending += 1             # today, nothing recorded yet: wait for the day to end
                continue
            items_l.append(it)
            key = it.key
            group = by_key.get(key)
            if group is None:
                by_key[key] = [it]
            else:
                group.append(it)
            ck = (it.goal, key, monday)
            cell = cells.get(ck)
            if cell is None:
                cell = cells[ck] = [0, 0, 0, 0, 0, 0, 0]
            minutes = it.minutes
            cell[0] += 1
            cell[5] += minutes
            if st is s_done:
                cell[1] += 1
                cell[6] += minutes
            elif st is s_part:
                cell[2] += 1
                cell[6] += int(minutes / 2 + 0.5)
            elif st is s_skip:
                reason = it.reason
                if reason == SICK:
                    cell[4] += 1
                    sick_days.add(day_date)
                else:
                    cell[3] += 1
                reasons[reason if reason in reasons else "other"] += 1
            if it.rating in rating_totals:
                rating_totals[it.rating] += 1
            if it.note:
                text = it.note.strip()
                if text:
                    notes.append(Note(day_date, it.slot, it.title, st, text))
    items = tuple(items_l)
    current = plans[-1]
    texts = goal_texts(plans)
    goal_objs: dict[str, Goal] = {}
    for plan in plans:
        for g in plan.goals:
            goal_objs[g.id] = g
    entries = _latest_entries(plans)
    lo = period[0].date if period else first
    span = max(1, (end - lo).days + 1)
    mid = lo + timedelta(days=span // 2)
    mondays = sorted({_monday(d.date) for d in period})

    # ---- per activity
    by_act: dict[str, list[list[int]]] = {}
    by_goal: dict[str | None, list[list[int]]] = {}
    by_goal_week: dict[tuple[str | None, date], list[list[int]]] = {}
    by_week: dict[date, list[list[int]]] = {}
    goal_acts: dict[str | None, set[str]] = {}
    for (gid, key, monday), cell in cells.items():
        by_act.setdefault(key, []).append(cell)
        by_goal.setdefault(gid, []).append(cell)
        by_goal_week.setdefault((gid, monday), []).append(cell)
        by_week.setdefault(monday, []).append(cell)
        goal_acts.setdefault(gid, set()).add(key)
    act_order: dict[str, int] = {}
    for plan in (current, *reversed(plans[:-1])):
        for a in plan.activities:
            act_order.setdefault(a.key, len(act_order))

    rows: list[ActivityRow] = []
    for key, its in by_key.items():
        latest = its[-1]
        entry = entries.get(key)
        act_reasons = {r: 0 for r in SKIP_REASONS}
        rated = {r: 0 for r in RATINGS}
        levels: dict[str, int] = {}
        options: dict[str, int] = {}
        rating_seq: list[tuple[date, str]] = []
        assist_seq: list[tuple[date, str]] = []
        for it in its:
            st = it.status
            if st is s_skip:
                act_reasons[it.reason if it.reason in act_reasons else "other"] += 1
            rating = it.rating
            if rating is not None and rating in rated:
                rated[rating] += 1
                rating_seq.append((it.date, rating))
            if st is s_done or st is s_part:
                level = it.level_done or it.level
                if level:
                    levels[level] = levels.get(level, 0) + 1
                if it.assist:
                    assist_seq.append((it.date, it.assist))
            if it.option:
                options[it.option] = options.get(it.option, 0) + 1
        run = 0
        for _, r in reversed(rating_seq):
            if r != "easy":
                break
            run += 1
        window: list[ScheduledItem] = []
        for it in reversed(its):
            if recorded(it) and not is_sick(it):
                window.append(it)
                if len(window) == REFUSAL_WINDOW:
                    break
        refused = sum(1 for it in window if it.status is Status.SKIPPED and it.reason == "refused")
        n_easy = getattr(entry, "progress_after_easy", None) if entry is not None else None
        rows.append(ActivityRow(
            activity=key, title=latest.title, goal=latest.goal, counts=_sum(by_act[key]),
            frequency=frequency_text(entry) if entry is not None else "",
            dose=dose_text(entry) if entry is not None else latest.dose_text(),
            skip_reasons=act_reasons, ratings=rated,
            rating_trend=_halves(rating_seq, RATINGS, mid) if rating_seq else None,
            recent_ratings=tuple(r for _, r in rating_seq[-RECENT_RATINGS:]),
            assist_trend=_halves(assist_seq, ASSISTS, mid) if assist_seq else None,
            levels={k: levels[k] for k in (*LEVELS, *sorted(set(levels) - set(LEVELS))) if k in levels},
            options=dict(sorted(options.items())),
            easy_in_a_row=run, progress_after=int(n_easy) if n_easy else READY_AFTER_EASY,
            refused_recent=refused, recorded_recent=len(window)))
    rows.sort(key=lambda r: (act_order.get(r.activity, len(act_order)), r.title.lower(), r.activity))

    # ---- per goal
    goal_order: dict[str | None, int] = {}
    for plan in (current, *reversed(plans[:-1])):
        for g in plan.goals:
            goal_order.setdefault(g.id, len(goal_order))
    period_ratings: dict[str, list[Rating]] = {}
    current_ids = {p.plan_id for p in plans}
    for r in sorted(ratings, key=lambda r: (r.date, r.recorded)):
        if first <= r.date <= end and (not current_ids or r.plan_id in current_ids or not r.plan_id):
            period_ratings.setdefault(r.goal, []).append(
                Rating(r.date, int(r.level), (r.note or "").strip(), gas_text(goal_objs.get(r.goal), r.level)))
    goal_ids = set(by_goal) | set(period_ratings)

    def goal_rank(gid: str | None) -> tuple:
        if gid is None:
            return (2, 0, "")
        if gid in goal_order:
            return (0, goal_order[gid], gid)
        return (1, 0, gid)

    goals = tuple(
        GoalRow(gid, texts.get(gid, gid) if gid is not None else "Without a goal",
                _sum(by_goal.get(gid, ())),
                tuple(WeekCounts(m, _sum(by_goal_week.get((gid, m), ()))) for m in mondays)
                if gid in by_goal else (),
                tuple(sorted(goal_acts.get(gid, ()), key=lambda k: (act_order.get(k, len(act_order)), k))),
                tuple(period_ratings.get(gid, ())) if gid is not None else (),
                str(getattr(goal_objs.get(gid), "baseline", "") or "") if gid else "",
                str(getattr(goal_objs.get(gid), "target", "") or "") if gid else "")
        for gid in sorted(goal_ids, key=goal_rank)
    )
    rated_goals = [g for g in goals if g.goal is not None]
    t_score = None
    n_rated = sum(1 for g in rated_goals if g.ratings)
    if rated_goals and n_rated == len(rated_goals):
        t_score = gas_t_score([g.ratings[-1].level for g in rated_goals])

    # ---- as-needed uses
    use_rows: list[AsNeededRow] = []
    by_use: dict[str, list[AsNeededUse]] = {}
    for u in uses:
        try:
            d = u.date
        except ValueError:
            continue
        if first <= d <= end:
            by_use.setdefault(u.activity, []).append(u)
    use_first = max(first, min((p.start for p in plans), default=first))
    use_weeks = sorted({_monday(use_first + timedelta(days=i))
                        for i in range(0, max(0, (end - use_first).days) + 1, 7)} | {_monday(end)}) \
        if use_first <= end else []
    n_weeks = max(1.0, ((end - use_first).days + 1) / 7) if use_first <= end else 1.0
    used: list[AsNeededUse] = []
    for key, us in by_use.items():
        us.sort(key=lambda u: u.at)
        used.extend(us)
        entry = entries.get(key)
        per_week: dict[date, int] = {m: 0 for m in use_weeks}
        before = {s: 0 for s in ENGINE_STATES}
        after = {s: 0 for s in ENGINE_STATES}
        options: dict[str, int] = {}
        for u in us:
            m = _monday(u.date)
            per_week[m] = per_week.get(m, 0) + 1
            if u.before in before:
                before[u.before] += 1
            if u.after in after:
                after[u.after] += 1
            if u.option:
                options[u.option] = options.get(u.option, 0) + 1
            if u.note and u.note.strip():
                notes.append(Note(u.date, "when-needed", entry.title if entry else key, None,
                                  u.note.strip()))
        use_rows.append(AsNeededRow(key, entry.title if entry else key, len(us),
                                    round(len(us) / n_weeks, 1), tuple(sorted(per_week.items())),
                                    before, after, dict(sorted(options.items()))))
    use_rows.sort(key=lambda r: (act_order.get(r.activity, len(act_order)), r.title.lower()))
    notes.sort(key=lambda n: (n.date, SLOT_ORDER.get(n.slot, 9)))

    # ---- header
    therapist = next((p.therapist_name for p in reversed(plans) if p.therapist_name), "")
    contact = next((p.therapist_contact for p in reversed(plans) if p.therapist_contact), "")
    birth = birth_date or next((p.birth_date for p in reversed(plans) if p.birth_date), None)
    if plan_versions is not None:
        starts = [(v, s) for v, s in plan_versions]
    else:                                # the first day each version has an item in the period
        seen: dict[int, date] = {}
        for it in items:
            seen.setdefault(it.plan_version, it.date)
        starts = sorted(((v, d) for v, d in seen.items()), key=lambda vs: vs[1]) or \
            [(p.version, p.start) for p in plans]
    versions = []
    for i, (v, s) in enumerate(starts):
        nxt = starts[i + 1][1] if i + 1 < len(starts) else None
        if s <= end and (nxt is None or nxt > first):
            versions.append(PlanVersion(current.plan_id, v, s))
    if not versions:
        versions.append(PlanVersion(current.plan_id, current.version, current.start))

    return Report(
        child=child or current.child, therapist=therapist, therapist_contact=contact,
        plan_id=current.plan_id, plan_version=current.version, first=first, last=end,
        requested_last=last, today=today, totals=_sum(cells.values()), goals=goals,
        activities=tuple(rows), skip_reasons=reasons, ratings=rating_totals, notes=tuple(notes),
        items=items, weeks=tuple(WeekCounts(m, _sum(by_week.get(m, ()))) for m in mondays),
        made_on=made_on, birth_date=birth,
        sick_days=tuple(sorted(sick_days)), pending_today=pending, as_needed=tuple(use_rows),
        used=tuple(sorted(used, key=lambda u: u.at)),
        plan_versions=tuple(versions), gas_t_score=t_score, gas_goals_rated=n_rated,
        gas_goals_total=len(rated_goals),
    )
