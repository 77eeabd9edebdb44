"""Kid mode's rules as pure functions (no Flet): which item is Now by the clock, what a dose looks
like as dots, the star row toward the reward, when the safety card comes first, the reward's
picture. Tested without a page."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from planner.core.model import SLOTS, ScheduledItem, Status

KID_ASSETS = "kid"
MAX_DOTS = 40                  # more reps than this are counted in groups (one dot = several reps)
MAX_STAR_PICTURES = 20


def _minutes(hhmm: str | None) -> int | None:
    try:
        h, m = (hhmm or "").split(":")
        return int(h) * 60 + int(m)
    except ValueError:
        return None


def slot_starts(slot_times: dict[str, str]) -> dict[str, int]:
    """Minutes after midnight when each slot opens. A slot without a time opens with the slot
    before it (or at once when none before it has a time)."""
    out, last = {}, 0
    for slot in SLOTS:
        m = _minutes(slot_times.get(slot))
        last = m if m is not None else last
        out[slot] = last
    return out


@dataclass(frozen=True)
class KidQueue:
    open: tuple[ScheduledItem, ...]      # not done yet, of the current or an earlier slot, in order
    later: tuple[ScheduledItem, ...]     # not done yet, of slots still to come
    done_today: tuple[ScheduledItem, ...]

    @property
    def now(self) -> ScheduledItem | None:
        return self.open[0] if self.open else None

    @property
    def next(self) -> ScheduledItem | None:
        return self.open[1] if len(self.open) > 1 else None

    def next_slot_start(self, slot_times: dict[str, str]) -> str | None:
        if not self.later:
            return None
        return slot_times.get(self.later[0].slot)


def kid_queue(items: tuple[ScheduledItem, ...] | list[ScheduledItem], slot_times: dict[str, str],
              now: datetime) -> KidQueue:
    starts = slot_starts(slot_times)
    order = {s: i for i, s in enumerate(SLOTS)}
    minute = now.hour * 60 + now.minute
    todo = sorted((i for i in items if i.status is Status.PLANNED),
                  key=lambda i: (order.get(i.slot, len(SLOTS)), ))
    is_open = lambda it: starts.get(it.slot, 0) <= minute          # noqa: E731
    return KidQueue(open=tuple(i for i in todo if is_open(i)),
                    later=tuple(i for i in todo if not is_open(i)),
                    done_today=tuple(i for i in items if i.status is not Status.PLANNED))


@dataclass(frozen=True)
class RepDots:
    sets: int             # rows of dots (one row per set)
    per_set: int          # dots in each row
    reps_per_dot: int     # 1, or more when there are very many reps

    @property
    def total(self) -> int:
        return self.sets * self.per_set


def rep_dots(item: ScheduledItem) -> RepDots | None:
    """'10 reps x 2' as two rows of ten dots; per side doubles the reps. None without reps."""
    if not item.reps or item.reps <= 0:
        return None
    reps = item.reps * (2 if item.per_side else 1)
    sets = max(1, item.sets or 1)
    per_dot = 1
    while sets * -(-reps // per_dot) > MAX_DOTS:
        per_dot += 1
    return RepDots(sets=sets, per_set=-(-reps // per_dot), reps_per_dot=per_dot)


def timer_seconds(item: ScheduledItem) -> int:
    """Seconds for the visual timer: the item's minutes when it is timed (no reps), else 0."""
    return item.minutes * 60 if (not item.reps and item.minutes > 0) else 0


@dataclass(frozen=True)
class StarRow:
    earned: int           # filled star pictures
    empty: int            # outlined star pictures still to earn
    more: int             # earned beyond what the row shows
    reward_picture: str | None
    label: str            # for a grown-up and a screen reader


def star_row(stars: int, goal: int, reward_name: str) -> StarRow:
    if reward_name and goal > 0:
        shown = min(goal, MAX_STAR_PICTURES)
        earned = min(stars, goal)
        filled = round(earned * shown / goal) if goal > shown else earned
        return StarRow(filled, shown - filled, 0, reward_picture(reward_name),
                       f"{stars} of {goal} stars toward {reward_name}")
    shown = min(stars, MAX_STAR_PICTURES)
    return StarRow(shown, 0 if stars else 1, stars - shown, None, f"{stars} star" + ("" if stars == 1 else "s"))


REWARD_PICTURES = (
    (("park", "playground", "swing", "slide"), "reward-park.svg"),
    (("ice cream", "ice-cream", "icecream", "treat", "cake", "cookie"), "reward-treat.svg"),
    (("book", "story", "library"), "reward-book.svg"),
    (("swim", "pool", "beach", "splash"), "reward-swim.svg"),
    (("movie", "film", "cinema", "show", "tv"), "reward-movie.svg"),
)


def reward_picture(name: str) -> str:
    low = name.lower()
    for words, pic in REWARD_PICTURES:
        if any(w in low for w in words):
            return f"{KID_ASSETS}/{pic}"
    return f"{KID_ASSETS}/reward-gift.svg"


def safety_due(item: ScheduledItem, safety: str, items_today, read: set[tuple[str, str]],
               activity: str | None = None) -> bool:
    """The safety card comes before "I did it!" on an activity's first use each day: when it has
    safety text, nothing of the same activity is done yet today and no grown-up read it today.
    For a choice, the activity is the option picked."""
    if not safety.strip():
        return False
    activity = activity or item.key
    if (item.date.isoformat(), activity) in read:
        return False
    return not any((i.option or i.key) == activity and i.status is not Status.PLANNED for i in items_today)
