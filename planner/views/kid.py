"""Kid mode: big picture cards, now and next, "I did it!", stars. No editing; a parent gate to leave."""
from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

import flet as ft

from planner.core.model import Status
from planner.services.errors import ServiceError
from planner.services.household import Reward
from planner.views import rows, widgets
from planner.views.item_sheet import Countdown

if TYPE_CHECKING:
    from planner.views.app import Shell

HOLD_SECONDS = 3.0
CELEBRATE_SECONDS = 1.6
GATE_LABEL = "Grown-ups: press and hold to leave kid mode"
PIN_GATE_LABEL = "Grown-ups: enter the PIN to leave kid mode"


class KidView:
    def __init__(self, shell: "Shell"):
        self.shell = shell
        self.state = shell.state
        self.timer: Countdown | None = None
        self._hold_id = 0
        self.celebrating = False
        self.control = ft.Container(expand=True, bgcolor="#FFF8E7", key="kid-view",
                                    padding=ft.Padding.symmetric(horizontal=16, vertical=12))

    # ------------------------------------------------------------ building
    def refresh(self) -> None:
        st = self.state
        if self.timer:
            self.timer.stop()
            self.timer = None
        reward = st.reward()
        remaining = st.remaining_today()
        top = ft.Row([
            ft.Container(ft.Row([ft.Icon(ft.Icons.STAR_ROUNDED, color="#F9A825", size=32),
                                 ft.Text(self._stars_text(reward), size=18, weight=ft.FontWeight.BOLD,
                                         key="kid-stars")], spacing=4, tight=True), expand=True),
            self._gate_button(),
        ])
        body: list[ft.Control] = [top]
        if self.celebrating:
            body.append(ft.Container(
                ft.Column([ft.Icon(ft.Icons.STAR_ROUNDED, color="#F9A825", size=140),
                           ft.Text("Great job!", size=40, weight=ft.FontWeight.BOLD, key="kid-celebrate")],
                          horizontal_alignment=ft.CrossAxisAlignment.CENTER, tight=True),
                alignment=ft.Alignment.CENTER, padding=ft.Padding.only(top=80)))
        elif not remaining:
            body.append(self._all_done(reward))
        else:
            now = remaining[0]
            nxt = remaining[1] if len(remaining) > 1 else None
            body.append(self._now_card(now))
            body.append(ft.FilledButton(
                content=ft.Text("I did it!", size=30, weight=ft.FontWeight.BOLD), key="kid-did-it",
                height=84, style=ft.ButtonStyle(bgcolor="#2E7D32", color="#FFFFFF",
                                                                    shape=ft.RoundedRectangleBorder(radius=28)),
                on_click=lambda e, item=now: self.did_it(item)))
            if nxt:
                body.append(self._next_card(nxt))
        self.control.content = ft.Column(body, spacing=14, expand=True, scroll=ft.ScrollMode.AUTO,
                                         horizontal_alignment=ft.CrossAxisAlignment.STRETCH)

    @staticmethod
    def _stars_text(reward: Reward) -> str:
        if reward.name:
            return f"{reward.stars} of {reward.goal} stars · {reward.name}"
        return f"{reward.stars} star" + ("" if reward.stars == 1 else "s")

    def _now_card(self, item) -> ft.Control:
        parts: list[ft.Control] = [
            ft.Text("Now", size=16, color="#6D4C41", weight=ft.FontWeight.BOLD),
            ft.Container(widgets.picture(self.state.picture(item.key, item.picture), 220, item.kid_title,
                                         radius=28), alignment=ft.Alignment.CENTER),
            ft.Text(item.kid_title, size=34, weight=ft.FontWeight.BOLD, text_align=ft.TextAlign.CENTER,
                    key="kid-now-title"),
        ]
        if rows.details(item, None).timed:
            self.timer = Countdown(self.shell.page, item.minutes * 60, "kid-timer", big=True)
            parts.append(ft.Container(self.timer.control(), alignment=ft.Alignment.CENTER))
        elif item.reps:
            parts.append(ft.Text(item.dose_text(), size=24, text_align=ft.TextAlign.CENTER))
        return ft.Container(ft.Column(parts, horizontal_alignment=ft.CrossAxisAlignment.CENTER, spacing=8),
                            bgcolor="#FFFFFF", border_radius=ft.BorderRadius.all(28), padding=16,
                            key="kid-now", border=ft.Border.all(4, rows.area_color(item.areas[0] if item.areas else None)))

    def _next_card(self, item) -> ft.Control:
        return ft.Container(ft.Row([
            widgets.picture(self.state.picture(item.key, item.picture), 64, item.kid_title),
            ft.Column([ft.Text("Next", size=14, color="#6D4C41"),
                       ft.Text(item.kid_title, size=22, weight=ft.FontWeight.W_600, key="kid-next-title")],
                      spacing=0, tight=True),
        ], spacing=12), bgcolor="#FFFFFF", border_radius=ft.BorderRadius.all(20), padding=10, key="kid-next")

    def _all_done(self, reward: Reward) -> ft.Control:
        lines = [ft.Icon(ft.Icons.EMOJI_EVENTS, size=140, color="#F9A825"),
                 ft.Text("All done!", size=48, weight=ft.FontWeight.BOLD, key="kid-all-done")]
        if reward.name:
            msg = (f"You earned {reward.name}!" if reward.reached
                   else f"{reward.goal - reward.stars} more stars to {reward.name}")
            lines.append(ft.Text(msg, size=22, text_align=ft.TextAlign.CENTER))
        return ft.Container(ft.Column(lines, horizontal_alignment=ft.CrossAxisAlignment.CENTER, tight=True),
                            alignment=ft.Alignment.CENTER, padding=ft.Padding.only(top=60))

    def _gate_button(self) -> ft.Control:
        if self.state.has_pin():
            return widgets.icon_button(ft.Icons.LOCK_OUTLINE, PIN_GATE_LABEL, "kid-gate",
                                       on_click=lambda e: self.ask_pin(), icon_size=28)
        self.hold_ring = ft.ProgressRing(value=0, width=44, height=44, stroke_width=4, visible=False)
        box = ft.Container(
            ft.Stack([ft.Container(ft.Icon(ft.Icons.LOCK_OUTLINE, size=26, color="#6D4C41"), width=48,
                                   height=48, alignment=ft.Alignment.CENTER),
                      ft.Container(self.hold_ring, width=48, height=48, alignment=ft.Alignment.CENTER)]),
            width=48, height=48, border_radius=ft.BorderRadius.all(24), bgcolor="#F3E5C7")
        return ft.Semantics(
            content=ft.GestureDetector(content=box, key="kid-gate", on_long_press_start=lambda e: self.hold_start(),
                               on_long_press_end=lambda e: self.hold_end(),
                               on_long_press_cancel=lambda e: self.hold_end()),
            label=GATE_LABEL, button=True)

    # ------------------------------------------------------------ actions
    def did_it(self, item) -> None:
        try:
            self.state.record(item, Status.DONE)
        except ServiceError as exc:
            widgets.snack(self.shell.page, str(exc), error=True)
            return
        self.celebrating = True
        self.refresh()
        self.control.update()
        self.shell.page.run_task(self._end_celebration)

    async def _end_celebration(self) -> None:
        await asyncio.sleep(CELEBRATE_SECONDS)
        if self.celebrating:
            self.celebrating = False
            if self.shell.kid_view is self:
                self.refresh()
                self.control.update()

    def hold_start(self) -> None:
        self._hold_id += 1
        self.shell.page.run_task(self._hold, self._hold_id)

    def hold_end(self) -> None:
        self._hold_id += 1
        if getattr(self, "hold_ring", None) is not None:
            self.hold_ring.visible = False
            self.hold_ring.value = 0
            self.hold_ring.update()

    async def _hold(self, hold_id: int) -> None:
        steps = 10
        self.hold_ring.visible = True
        for i in range(1, steps + 1):
            await asyncio.sleep(HOLD_SECONDS / steps)
            if hold_id != self._hold_id:
                return
            self.hold_ring.value = i / steps
            self.hold_ring.update()
        if hold_id == self._hold_id:
            self.shell.leave_kid_mode()

    def ask_pin(self) -> None:
        field = ft.TextField(label="PIN", password=True, keyboard_type=ft.KeyboardType.NUMBER,
                             max_length=8, autofocus=True, key="gate-pin")
        dialog = ft.AlertDialog(title=ft.Text("Grown-ups only"), content=field, key="gate-dialog")

        def unlock(e=None) -> None:
            try:
                result = self.state.check_pin(field.value or "")
            except ServiceError as exc:
                field.error = str(exc)
                field.update()
                return
            if result.ok:
                widgets.close(dialog)
                self.shell.leave_kid_mode()
            else:
                field.error = "That PIN is not right" if not result.wait_seconds else result.message()
                field.value = ""
                field.update()
                self.shell.page.run_task(field.focus)

        field.on_submit = unlock
        dialog.actions = [ft.TextButton("Cancel", key="gate-cancel", on_click=lambda e: widgets.close(dialog)),
                          ft.FilledButton("Unlock", key="gate-unlock", on_click=unlock)]
        self.shell.page.show_dialog(dialog)
