"""What kind of day a day is, and its words, in one place for the CLI and the screens."""
from __future__ import annotations

from datetime import date
from enum import Enum

from planner.core.model import Day, Plan
from planner.core.value import frozen


class DayKind(str, Enum):
    PLANNED = "planned"          # practice is planned
    REST = "rest"                # a rest day of the plan (or nothing falls on it)
    PAUSED = "paused"            # the family paused practice (holiday, sick week)
    OUTSIDE = "outside"          # before the plan starts or after it ends


class Tense(str, Enum):
    """Where a day lies from today: a past day can still be ticked, a day to come only looked at."""
    PAST = "past"
    TODAY = "today"
    FUTURE = "future"

    @classmethod
    def of(cls, day: date, today: date) -> "Tense":
        return cls.TODAY if day == today else cls.PAST if day < today else cls.FUTURE


WORDS = {
    DayKind.PLANNED: ("practice", ""),
    DayKind.REST: ("rest day", "Rest day: nothing to practise. Play, rest and have fun!"),
    DayKind.PAUSED: ("paused", "Practice is paused for this day. Enjoy the break together!"),
    DayKind.OUTSIDE: ("outside the plan", "There is no plan for this day."),
}


@frozen
class DayState:
    kind: DayKind

    @property
    def text(self) -> str:
        """Short words: `rest day`, `paused`, `outside the plan`."""
        return WORDS[self.kind][0]

    @property
    def label(self) -> str:
        """Capitalised short words for a list (`Rest day`)."""
        return self.text[:1].upper() + self.text[1:]

    @property
    def message(self) -> str:
        """A sentence for a screen that shows the day."""
        return WORDS[self.kind][1]


def day_state(day: Day, plan: Plan) -> DayState:
    if day.items:
        return DayState(DayKind.PLANNED)
    if day.paused:
        return DayState(DayKind.PAUSED)
    if not plan.in_plan(day.date):
        return DayState(DayKind.OUTSIDE)
    return DayState(DayKind.REST)
