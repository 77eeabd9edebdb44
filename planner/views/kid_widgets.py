"""Kid mode's picture controls: the rep dots that fill a card, the visual timer, the star row
toward the reward, the celebration. Nothing here needs reading: words are for a grown-up or a
screen reader only."""
from __future__ import annotations

import asyncio
from typing import Callable

import flet as ft

from planner.views import rows
from planner.views.kid_plan import KID_ASSETS, RepDots, StarRow

DOT = 50                   # one rep: a 50 px circle (touch target at least 48)
DOT_GAP = 8
SET_PAD = 6                # each set (round) of dots in its own rounded frame
SET_GAP = 12
FILL = "#66BB6A"
TICK = 1.0                 # the timer's second (tests make it shorter)


def kid_picture(name: str) -> str:
    return f"{KID_ASSETS}/{name}"


def tap_target(content: ft.Control, label: str, key: str, on_click, size: int | None = None) -> ft.Control:
    """A big tappable picture with a name for screen readers (and browser tests)."""
    box = ft.Container(content, key=key, on_click=on_click, width=size, height=size,
                       alignment=ft.Alignment.CENTER if size else None, ink=False)
    return ft.Semantics(content=box, label=label, button=True, container=True)


# ------------------------------------------------------------------ rep dots
class RepCounter:
    """One big dot per rep; a tap fills the next dot and the card fills from the bottom."""

    def __init__(self, dots: RepDots, count: int, on_count: Callable[[int], None], color: str):
        self.dots = dots
        self.count = max(0, min(count, dots.total))
        self.on_count = on_count
        self.color = color
        per_row = min(dots.per_set, 5)
        rows_per_set = -(-dots.per_set // per_row)
        set_height = rows_per_set * DOT + (rows_per_set - 1) * DOT_GAP + 2 * SET_PAD + 4
        self.height = dots.sets * set_height + (dots.sets - 1) * SET_GAP + 16
        self.fill = ft.Container(bgcolor="#E8F5E9", height=0, left=0, right=0, bottom=0,
                                 border_radius=ft.BorderRadius.all(22), key="kid-reps-fill",
                                 animate_size=ft.Animation(250, ft.AnimationCurve.EASE_OUT))
        self.dot_controls: list[ft.Container] = []
        groups: list[ft.Control] = []
        for s in range(dots.sets):
            row: list[ft.Control] = []
            for r in range(dots.per_set):
                i = s * dots.per_set + r
                dot = ft.Container(width=DOT, height=DOT, border_radius=ft.BorderRadius.all(DOT // 2),
                                   alignment=ft.Alignment.CENTER, key=f"kid-dot-{i}",
                                   on_click=lambda e: self.tap(),
                                   animate_scale=ft.Animation(180, ft.AnimationCurve.EASE_OUT))
                self.dot_controls.append(dot)
                row.append(ft.Semantics(content=dot, label=f"Rep {i + 1} of {dots.total}", button=True,
                                        container=True))
            groups.append(ft.Container(
                ft.Row(row, wrap=True, spacing=DOT_GAP, run_spacing=DOT_GAP,
                       alignment=ft.MainAxisAlignment.CENTER, width=5 * DOT + 4 * DOT_GAP),
                padding=SET_PAD, border=ft.Border.all(2, "#E0E0E0"), border_radius=ft.BorderRadius.all(24)))
        self.body = ft.Column(groups, spacing=SET_GAP, horizontal_alignment=ft.CrossAxisAlignment.CENTER)
        self._paint()

    def control(self) -> ft.Control:
        return ft.Container(ft.Stack([self.fill, ft.Container(self.body, alignment=ft.Alignment.CENTER,
                                                              padding=8)]),
                            height=self.height, key="kid-reps")

    def _paint(self) -> None:
        for i, dot in enumerate(self.dot_controls):
            done = i < self.count
            dot.bgcolor = FILL if done else "#FFFFFF"
            dot.border = ft.Border.all(4, "#2E7D32" if done else self.color)
            dot.content = ft.Icon(ft.Icons.CHECK_ROUNDED, color="#FFFFFF", size=30) if done else None
            dot.scale = 1.0 if done else 0.92
        self.fill.height = round(self.height * self.count / self.dots.total) if self.dots.total else 0

    @property
    def full(self) -> bool:
        return self.count >= self.dots.total

    def tap(self) -> None:
        if self.full:
            return
        self.count += 1
        self._paint()
        self.on_count(self.count)


# ------------------------------------------------------------------ timer
class KidTimer:
    """A ring that empties around a sand-timer picture; one big play/pause button; no numbers
    for the child (a small clock for the grown-up)."""

    def __init__(self, run_task: Callable[..., None], seconds: int, on_finish: Callable[[], None] | None = None):
        self.run_task = run_task          # runs the ticking loop as an app task
        self.total = max(1, seconds)
        self.left = self.total
        self.running = False
        self.on_finish = on_finish
        self._run_id = 0
        self.ring = ft.ProgressRing(value=1.0, width=176, height=176, stroke_width=18, color="#42A5F5",
                                    bgcolor="#E3F2FD", key="kid-timer-ring",
                                    semantics_label="Time left")
        self.picture = ft.Image(src=kid_picture("timer.svg"), width=96, height=96,
                                semantics_label="Timer")
        self.clock = ft.Text(rows.clock(self.total), size=14, color="#6D4C41", key="kid-timer-clock")
        self.icon = ft.Icon(ft.Icons.PLAY_ARROW_ROUNDED, size=56, color="#FFFFFF")
        self.button_box = ft.Container(self.icon, width=88, height=88, bgcolor="#1E88E5",
                                       border_radius=ft.BorderRadius.all(44), alignment=ft.Alignment.CENTER,
                                       key="kid-timer-start", on_click=lambda e: self.toggle())
        self.button = ft.Semantics(content=self.button_box, label="Start the timer", button=True,
                                   container=True)

    def control(self) -> ft.Control:
        dial = ft.Stack([self.ring, ft.Container(self.picture, width=176, height=176,
                                                 alignment=ft.Alignment.CENTER)], width=176, height=176)
        return ft.Row([dial, ft.Column([self.button, self.clock], spacing=6,
                                       horizontal_alignment=ft.CrossAxisAlignment.CENTER)],
                      spacing=20, alignment=ft.MainAxisAlignment.CENTER,
                      vertical_alignment=ft.CrossAxisAlignment.CENTER, key="kid-timer")

    @property
    def finished(self) -> bool:
        return self.left <= 0

    def _show(self) -> None:
        self.ring.value = self.left / self.total
        self.clock.value = rows.clock(self.left)
        if self.finished:
            self.icon.icon = ft.Icons.CHECK_ROUNDED
            self.button_box.bgcolor = "#43A047"
            self.ring.color = "#43A047"
            self.button.label = "Time is up"
        else:
            self.icon.icon = ft.Icons.PAUSE_ROUNDED if self.running else ft.Icons.PLAY_ARROW_ROUNDED
            self.button.label = "Pause the timer" if self.running else "Start the timer"

    def toggle(self) -> None:
        if self.finished:
            return
        self.running = not self.running
        self._run_id += 1
        if self.running:
            self.run_task(self._tick, self._run_id)
        self._show()

    def stop(self) -> None:
        self.running = False
        self._run_id += 1

    async def _tick(self, run_id: int) -> None:
        while self.running and run_id == self._run_id and self.left > 0:
            await asyncio.sleep(TICK)
            if run_id != self._run_id:
                return
            self.left -= 1
            if self.left <= 0:
                self.running = False
            self._show()
            try:
                self.ring.update()
                self.button.update()
                self.clock.update()
            except Exception:          # the card left the screen meanwhile
                return
        if self.finished and run_id == self._run_id and self.on_finish:
            self.on_finish()


# ------------------------------------------------------------------ stars
def star_row(row: StarRow, reward_src: str | bytes | None, size: int = 30) -> ft.Control:
    pics: list[ft.Control] = []
    for _ in range(row.earned):
        pics.append(ft.Image(src=kid_picture("star.svg"), width=size, height=size))
    for _ in range(row.empty):
        pics.append(ft.Image(src=kid_picture("star-empty.svg"), width=size, height=size))
    if row.more:
        pics.append(ft.Icon(ft.Icons.ADD_ROUNDED, size=size - 6, color="#F9A825"))
    stars = ft.Row(pics, wrap=True, spacing=2, run_spacing=2, expand=True, key="kid-star-row")
    parts: list[ft.Control] = [stars]
    if reward_src is not None:
        parts.append(ft.Container(
            ft.Image(src=reward_src, width=60, height=60, fit=ft.BoxFit.COVER,
                     border_radius=ft.BorderRadius.all(14), semantics_label="The reward"),
            border=ft.Border.all(3, "#F9A825"), border_radius=ft.BorderRadius.all(17), key="kid-reward"))
    return ft.Semantics(content=ft.Row(parts, spacing=8, vertical_alignment=ft.CrossAxisAlignment.CENTER),
                        label=row.label, container=True)


# ------------------------------------------------------------------ celebration
class Celebration:
    """A big star grows in with a soft bounce and three small stars float up; one movement,
    no blinking, over well before two seconds."""

    def __init__(self):
        self.star = ft.Image(src=kid_picture("star.svg"), width=170, height=170, scale=0.3,
                             animate_scale=ft.Animation(700, ft.AnimationCurve.EASE_OUT_BACK),
                             semantics_label="Great job")
        self.small = [ft.Image(src=kid_picture("star.svg"), width=44, height=44, opacity=0.0,
                               offset=ft.Offset(0, 1.5),
                               animate_offset=ft.Animation(900, ft.AnimationCurve.EASE_OUT),
                               animate_opacity=ft.Animation(500, ft.AnimationCurve.EASE_IN))
                      for _ in range(3)]

    def control(self) -> ft.Control:
        return ft.Container(ft.Column([
            ft.Row(self.small, alignment=ft.MainAxisAlignment.SPACE_EVENLY),
            self.star,
            ft.Text("Great job!", size=40, weight=ft.FontWeight.BOLD, key="kid-celebrate"),
        ], horizontal_alignment=ft.CrossAxisAlignment.CENTER, tight=True, spacing=8),
            alignment=ft.Alignment.CENTER, padding=ft.Padding.only(top=60), key="kid-celebration")

    def play(self) -> None:
        self.star.scale = 1.0
        for s in self.small:
            s.offset = ft.Offset(0, 0)
            s.opacity = 1.0
