"""One activity: how to do it, a timer, and every way to record it."""
from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Callable

import flet as ft

from planner.core.model import RATING_LABELS, SKIP_REASON_LABELS, ScheduledItem, Status
from planner.services.errors import ServiceError
from planner.views import rows, widgets

if TYPE_CHECKING:
    from planner.views.app import Shell


class Countdown:
    """A start/pause timer; the loop runs as a page task while it counts."""

    def __init__(self, page: ft.Page, seconds: int, key_prefix: str, big: bool = False,
                 on_finish: Callable[[], None] | None = None):
        self.page = page
        self.total = seconds
        self.left = seconds
        self.running = False
        self.on_finish = on_finish
        self._task_id = 0
        self.text = ft.Text(rows.clock(seconds), size=34 if big else 22, weight=ft.FontWeight.BOLD,
                            key=f"{key_prefix}-clock")
        self.ring = ft.ProgressRing(value=1.0, width=130 if big else 84, height=130 if big else 84,
                                    stroke_width=10 if big else 7, semantics_label="Time left")
        self.button = ft.FilledButton("Start timer", icon=ft.Icons.PLAY_ARROW, key=f"{key_prefix}-start",
                                      on_click=lambda e: self.toggle(), height=widgets.TOUCH)
        self.reset_button = ft.TextButton("Reset", key=f"{key_prefix}-reset",
                                          on_click=lambda e: self.reset(), height=widgets.TOUCH)

    def control(self) -> ft.Control:
        return ft.Row([ft.Stack([self.ring, ft.Container(self.text, alignment=ft.Alignment.CENTER,
                                                         width=self.ring.width, height=self.ring.height)]),
                       ft.Column([self.button, self.reset_button], spacing=4)],
                      spacing=16, vertical_alignment=ft.CrossAxisAlignment.CENTER)

    def _show(self) -> None:
        self.text.value = rows.clock(self.left)
        self.ring.value = self.left / self.total if self.total else 0
        self.button.content = "Pause" if self.running else ("Start timer" if self.left == self.total else "Go on")
        self.button.icon = ft.Icons.PAUSE if self.running else ft.Icons.PLAY_ARROW

    def toggle(self) -> None:
        self.running = not self.running
        self._task_id += 1
        if self.running:
            self.page.run_task(self._tick, self._task_id)
        self._show()

    def reset(self) -> None:
        self.running = False
        self._task_id += 1
        self.left = self.total
        self._show()

    def stop(self) -> None:
        self.running = False
        self._task_id += 1

    async def _tick(self, task_id: int) -> None:
        while self.running and task_id == self._task_id and self.left > 0:
            await asyncio.sleep(1)
            if not self.running or task_id != self._task_id:
                return
            self.left -= 1
            self._show()
            try:
                self.text.update()
                self.ring.update()
                self.button.update()
            except Exception:        # the sheet was closed meanwhile
                self.running = False
                return
        if self.left <= 0 and task_id == self._task_id:
            self.running = False
            self._show()
            if self.on_finish:
                self.on_finish()


class ItemSheet:
    def __init__(self, shell: "Shell", item: ScheduledItem, on_change: Callable[[], None]):
        self.shell = shell
        self.state = shell.state
        self.item = item
        self.on_change = on_change
        self.timer: Countdown | None = None
        self.body = ft.Column(scroll=ft.ScrollMode.AUTO, spacing=10, tight=True)
        self.sheet = ft.BottomSheet(ft.Container(self.body, padding=ft.Padding.all(16)),
                                    key="item-sheet", scrollable=True, show_drag_handle=True,
                                    on_dismiss=lambda e: self.timer and self.timer.stop())

    def open(self) -> None:
        self.build()
        self.shell.page.show_dialog(self.sheet)

    def close(self) -> None:
        if self.timer:
            self.timer.stop()
        widgets.close(self.sheet)

    # ------------------------------------------------------------ content
    def build(self) -> None:
        it = self.item
        st = self.state
        plan = st.family.plan_on(it.date)
        row = rows.item_row(it, plan)
        info = rows.details(it, plan)
        editable = st.editable(it.date)
        c: list[ft.Control] = []
        c.append(ft.Row([
            widgets.picture(st.picture(it.key, it.picture), 96, it.title, radius=16),
            ft.Column([
                ft.Text(it.title, size=20, weight=ft.FontWeight.BOLD, key="sheet-title"),
                ft.Text(" · ".join(x for x in (row.dose, rows.slot_label(it.slot)) if x), size=14),
                ft.Row([widgets.area_chip(a) for a in it.areas], wrap=True, spacing=4),
            ], spacing=4, expand=True),
        ], spacing=12, vertical_alignment=ft.CrossAxisAlignment.START))
        if row.goal:
            c.append(ft.Text(f"Goal: {row.goal}", size=14, italic=True))
        if info.notes:
            c.append(ft.Container(ft.Text(f"From your therapist: {info.notes}", size=14),
                                  bgcolor="#EEF4FF", padding=10, border_radius=ft.BorderRadius.all(10)))
        c.append(ft.Text(row.status or ("Not done yet" if editable else "Planned"), size=15,
                         weight=ft.FontWeight.W_600, key="sheet-status"))

        if editable:
            c.append(ft.Row([
                ft.FilledButton("Done", icon=ft.Icons.CHECK, key="sheet-done", height=widgets.TOUCH,
                                on_click=lambda e: self.act(Status.DONE)),
                ft.OutlinedButton("Partly done", key="sheet-partial", height=widgets.TOUCH,
                                  on_click=lambda e: self.act(Status.PARTIAL)),
            ], wrap=True, spacing=8))
            c.append(ft.Text("Skip, because:", size=14))
            c.append(ft.Row([
                ft.OutlinedButton(label, key=f"sheet-skip-{reason}", height=widgets.TOUCH,
                                  on_click=lambda e, r=reason: self.act(Status.SKIPPED, reason=r))
                for reason, label in SKIP_REASON_LABELS.items()
            ], wrap=True, spacing=8))
            if it.status is not Status.PLANNED:
                c.append(ft.TextButton("Undo", icon=ft.Icons.UNDO, key="sheet-undo", height=widgets.TOUCH,
                                       on_click=lambda e: self.undo()))
                c.append(ft.Text("How hard was it?", size=14))
                c.append(ft.SegmentedButton(
                    key="sheet-rating", allow_empty_selection=True,
                    selected=[it.rating] if it.rating else [],
                    segments=[ft.Segment(value=k, label=v) for k, v in RATING_LABELS.items()],
                    on_change=lambda e: self.rate(e.control.selected)))
            self.note = ft.TextField(label="Note for the therapist", value=it.note, multiline=True,
                                     min_lines=1, max_lines=4, max_length=500, key="sheet-note")
            c.append(self.note)
            c.append(ft.OutlinedButton("Save note", icon=ft.Icons.SAVE_OUTLINED, key="sheet-save-note",
                                       height=widgets.TOUCH, on_click=lambda e: self.save_note()))

        if info.timed:
            self.timer = Countdown(self.shell.page, it.minutes * 60, "sheet-timer")
            c.append(ft.Divider())
            c.append(self.timer.control())

        if info.why:
            c.append(ft.Text(info.why, size=14))
        if info.steps:
            c.append(ft.Text("How to do it", size=16, weight=ft.FontWeight.W_600))
            c.extend(ft.Text(f"{i}. {s}", size=14) for i, s in enumerate(info.steps, 1))
        if info.materials:
            c.append(ft.Text("You need: " + ", ".join(info.materials), size=14))
        if info.easier:
            c.append(ft.Text(f"Easier: {info.easier}", size=14))
        if info.harder:
            c.append(ft.Text(f"Harder: {info.harder}", size=14))
        if info.safety:
            c.append(ft.Container(ft.Row([ft.Icon(ft.Icons.WARNING_AMBER, color="#B26A00"),
                                          ft.Text(info.safety, size=14, expand=True)]),
                                  bgcolor="#FFF4E5", padding=10, border_radius=ft.BorderRadius.all(10),
                                  key="sheet-safety"))
        c.append(ft.Divider())
        c.append(self._photo_row())
        c.append(ft.TextButton("Close", key="sheet-close", on_click=lambda e: self.close(),
                               height=widgets.TOUCH))
        self.body.controls = c

    def _photo_row(self) -> ft.Control:
        own = self.state.has_photo(self.item.key)
        buttons: list[ft.Control] = [
            ft.OutlinedButton("Use my own photo", icon=ft.Icons.PHOTO_CAMERA_OUTLINED,
                              key="sheet-photo", height=widgets.TOUCH,
                              on_click=self.pick_photo)]
        if own:
            buttons.append(ft.TextButton("Reset picture", key="sheet-photo-reset", height=widgets.TOUCH,
                                         on_click=lambda e: self.reset_photo()))
        return ft.Row(buttons, wrap=True, spacing=8)

    # ------------------------------------------------------------ actions
    def _refresh(self, item: ScheduledItem | None = None) -> None:
        if item is not None:
            self.item = item
        self.build()
        self.sheet.update()
        self.on_change()

    def act(self, status: Status, reason: str | None = None) -> None:
        try:
            note = self.note.value if getattr(self, "note", None) else None
            item = self.state.record(self.item, status, reason=reason, note=note)
        except ServiceError as exc:
            widgets.snack(self.shell.page, str(exc), error=True)
            return
        self._refresh(item)

    def undo(self) -> None:
        try:
            item = self.state.undo(self.item)
        except ServiceError as exc:
            widgets.snack(self.shell.page, str(exc), error=True)
            return
        self._refresh(item)

    def rate(self, selected: list[str]) -> None:
        try:
            item = self.state.record(self.item, self.item.status, rating=selected[0] if selected else "",
                                     reason=self.item.reason)
        except ServiceError as exc:
            widgets.snack(self.shell.page, str(exc), error=True)
            return
        self._refresh(item)

    def save_note(self) -> None:
        try:
            # A note alone does not tick the item: an untouched item keeps its planned status.
            item = self.state.record(self.item, self.item.status, note=self.note.value or "",
                                     reason=self.item.reason)
        except ServiceError as exc:
            widgets.snack(self.shell.page, str(exc), error=True)
            return
        widgets.snack(self.shell.page, "Note saved")
        self._refresh(item)

    async def pick_photo(self, e) -> None:
        files = await self.shell.file_picker.pick_files(
            dialog_title="Choose a photo", file_type=ft.FilePickerFileType.IMAGE, with_data=True,
            cancel_upload_on_window_blur=False)
        if not files:
            return
        f = files[0]
        try:
            self.state.set_photo(self.item.key, f.bytes or b"", f.name)
        except ServiceError as exc:
            widgets.snack(self.shell.page, str(exc), error=True)
            return
        widgets.snack(self.shell.page, "Photo saved: it shows everywhere, kid mode too")
        self._refresh()

    def reset_photo(self) -> None:
        try:
            self.state.reset_photo(self.item.key)
        except ServiceError as exc:
            widgets.snack(self.shell.page, str(exc), error=True)
            return
        self._refresh()
