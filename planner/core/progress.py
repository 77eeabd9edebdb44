"""Progress figures, always derived from scheduled items and never stored."""
from __future__ import annotations

from datetime import date, timedelta
from enum import Enum
from typing import Callable, Iterable

from planner.core.model import Day, ScheduledItem, Status
from planner.core.value import frozen


class Period(str, Enum):
    """The days a progress figure covers, up to today (the Progress screen and the report's
    period choice share it)."""
    WEEK = "week"                # this Monday-Sunday week so far
    FOUR_WEEKS = "4weeks"        # the last 28 days, today included
    PLAN = "plan"                # the whole plan so far

    def first_day(self, today: date) -> date | None:
        """The first day counted; None for the whole plan (from its first day)."""
        if self is Period.WEEK:
            return today - timedelta(days=today.weekday())
        if self is Period.FOUR_WEEKS:
            return today - timedelta(days=27)
        return None


@frozen
class Tally:
    scheduled: int = 0
    done: int = 0
    partial: int = 0
    skipped: int = 0
    minutes_planned: int = 0
    minutes_done: int = 0

    @property
    def adherence(self) -> float:
        """(done + half of partial) / scheduled, 0..1, rounded to 3 decimals."""
        if not self.scheduled:
            return 0.0
        return round((self.done + 0.5 * self.partial) / self.scheduled, 3)

    @property
    def open(self) -> int:
        return self.scheduled - self.done - self.partial - self.skipped

    def as_dict(self) -> dict:
        return {"scheduled": self.scheduled, "done": self.done, "partial": self.partial,
                "skipped": self.skipped, "adherence": self.adherence,
                "minutes_planned": self.minutes_planned, "minutes_done": self.minutes_done}


def minutes_done(item: ScheduledItem) -> int:
    if item.status is Status.DONE:
        return item.minutes
    if item.status is Status.PARTIAL:
        return int(item.minutes / 2 + 0.5)
    return 0


def tally(items: Iterable[ScheduledItem]) -> Tally:
    s = d = p = k = mp = md = 0
    for it in items:
        s += 1
        mp += it.minutes
        md += minutes_done(it)
        if it.status is Status.DONE:
            d += 1
        elif it.status is Status.PARTIAL:
            p += 1
        elif it.status is Status.SKIPPED:
            k += 1
    return Tally(s, d, p, k, mp, md)


def group_tally(items: Iterable[ScheduledItem], key: Callable[[ScheduledItem], object]) -> dict:
    groups: dict[object, list[ScheduledItem]] = {}
    for it in items:
        groups.setdefault(key(it), []).append(it)
    return {k: tally(v) for k, v in groups.items()}


def items_until(days: Iterable[Day], cutoff: date) -> list[ScheduledItem]:
    return [it for d in days if d.date <= cutoff for it in d.items]


def practised(day: Day) -> bool:
    return any(it.status in (Status.DONE, Status.PARTIAL) for it in day.items)


def excused(day: Day) -> bool:
    """Nothing done, but every item was skipped with a reason: the streak holds."""
    return bool(day.items) and all(it.status is Status.SKIPPED and it.reason for it in day.items)


def streak(days: list[Day], today: date) -> int:
    """Practice days in a row up to today.

    Rest days, paused days and days whose items were all skipped with a reason
    neither break nor extend the streak; today counts once something is done
    and does not break it while the day is still open.
    """
    count = 0
    for day in sorted((d for d in days if d.date <= today), key=lambda d: d.date, reverse=True):
        if practised(day):
            count += 1
        elif not day.items or excused(day) or day.date == today:
            continue
        else:
            break
    return count


@frozen
class WeekPoint:
    monday: date
    tally: Tally


def weekly_series(days: Iterable[Day], cutoff: date,
                  select: Callable[[ScheduledItem], bool] = lambda it: True) -> list[WeekPoint]:
    """Adherence per Monday-Sunday week, counting only items on or before `cutoff`."""
    weeks: dict[date, list[ScheduledItem]] = {}
    for d in days:
        monday = d.date - timedelta(days=d.date.weekday())
        bucket = weeks.setdefault(monday, [])
        if d.date <= cutoff:
            bucket.extend(it for it in d.items if select(it))
    return [WeekPoint(m, tally(v)) for m, v in sorted(weeks.items())]


@frozen
class DaySummary:
    date: date
    total: int
    done: int
    partial: int
    skipped: int
    minutes_planned: int
    minutes_done: int
    rest: bool = False

    @property
    def fraction(self) -> float:
        return 0.0 if not self.total else (self.done + 0.5 * self.partial) / self.total

    @property
    def handled(self) -> int:
        return self.done + self.partial + self.skipped


def summarize_day(day: Day) -> DaySummary:
    t = tally(day.items)
    return DaySummary(day.date, t.scheduled, t.done, t.partial, t.skipped, t.minutes_planned,
                      t.minutes_done, rest=day.rest)
