"""The one place that reads the clock. Entry points (the CLI, the app) call these and pass
the values down; nothing below them reads the date.

`PLANNER_TODAY=YYYY-MM-DD` pins today for every command and the app (demos, tests).
"""
from __future__ import annotations

import os
from datetime import date, datetime

from planner.core.dates import BadDate, parse_date


class ClockError(ValueError):
    pass


def today() -> date:
    raw = os.environ.get("PLANNER_TODAY")
    if not raw:
        return date.today()
    try:
        return parse_date(raw)
    except BadDate as exc:
        raise ClockError(f"PLANNER_TODAY: {exc}") from None


def now() -> datetime:
    """The local time for timestamps of records (when a tap happened); never for scheduling."""
    pinned = os.environ.get("PLANNER_TODAY")
    current = datetime.now()
    if pinned:
        return datetime.combine(today(), current.time()).replace(microsecond=0)
    return current.replace(microsecond=0)
