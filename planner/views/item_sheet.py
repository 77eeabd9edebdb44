"""One activity: how to do it, a timer, and every way to record it."""
from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Callable

import flet as ft

from planner.core.model import ASSIST_LABELS, RATING_LABELS, SKIP_REASON_LABELS, ScheduledItem, Status
from planner.views import rows, widgets
from planner.views.navigator import quietly

if TYPE_CHECKING:
    from planner.views.navigator import Navigator
    from planner.views.state import AppState


class Countdown:
    """A start/pause timer; the loop runs as an app task (`run_task`) while it counts."""

    def __init__(self, run_task: Callable[..., None], seconds: int, key_prefix: str, big: bool = False,
                 on_finish: Callable[[], None] | None = None):
        self.run_task = run_task
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
        """One control for the life of the timer: a sheet that rebuilds reuses it, so a running
        timer keeps running. The ring gets room for its stroke (drawn across its edge)."""
        if getattr(self, "_control", None) is None:
            pad = int(self.ring.stroke_width or 0)
            size = self.ring.width + 2 * pad
            self._control = ft.Row([
                ft.Container(ft.Stack([
                    ft.Container(self.ring, padding=pad),
                    ft.Container(self.text, alignment=ft.Alignment.CENTER, width=size, height=size),
                ], width=size, height=size), key=f"{self.text.key.rsplit('-', 1)[0]}-ring", width=size, height=size),
                ft.Column([self.button, self.reset_button], spacing=4)],
                spacing=16, vertical_alignment=ft.CrossAxisAlignment.CENTER)
        return self._control

    def _show(self) -> None:
        self.text.value = rows.clock(self.left)
        self.ring.value = self.left / self.total if self.total else 0
        self.button.content = "Pause" if self.running else ("Start timer" if self.left == self.total else "Go on")
        self.button.icon = ft.Icons.PAUSE if self.running else ft.Icons.PLAY_ARROW

    def toggle(self) -> None:
        self.running = not self.running
        self._task_id += 1
        if self.running:
            self.run_task(self._tick, self._task_id)
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


def _choice_buttons(options: list[tuple[str, str]], chosen: str | None, key: str, on_pick,
                    primary: str | None = None) -> ft.Control:
    """One tap each; the chosen one is filled and ticked (and says so to a screen reader). With
    nothing chosen yet, `primary` is shown as the likely action."""
    out = []
    for value, label in options:
        on = value == chosen
        cls = ft.FilledButton if on else ft.FilledTonalButton if (chosen is None and value == primary) \
            else ft.OutlinedButton
        out.append(ft.Semantics(
            content=cls(label, icon=ft.Icons.CHECK if on else None, key=f"{key}-{value}", height=widgets.TOUCH,
                        on_click=lambda e, v=value: on_pick(v)),
            label=f"{label}{', chosen' if on else ''}", button=True, selected=on, container=True))
    return ft.Row(out, wrap=True, spacing=8, run_spacing=8, key=key)


def _box(text: str, icon: str, color: str, bg: str, key: str) -> ft.Control:
    return ft.Container(ft.Row([ft.Icon(icon, color=color), ft.Text(text, size=14, expand=True)],
                               vertical_alignment=ft.CrossAxisAlignment.START),
                        bgcolor=bg, padding=10, border_radius=ft.BorderRadius.all(10), key=key)


def option_tiles(state, options: tuple[str, ...], chosen: str | None, plan, key: str, on_pick,
                 disabled: bool = False) -> ft.Control:
    """A choice menu as pictures to tap; the chosen one has a thick border and a tick."""
    tiles = []
    for opt in options:
        title = rows.option_title(opt, plan)
        on = opt == chosen
        pic = rows.option_picture(opt)
        tiles.append(ft.Semantics(content=ft.Container(
            ft.Column([widgets.picture(state.picture(opt, pic), 72, title) if pic else
                       ft.Icon(ft.Icons.EXTENSION, size=56),
                       ft.Text(("✓ " if on else "") + title, size=13, text_align=ft.TextAlign.CENTER,
                               weight=ft.FontWeight.BOLD if on else None, max_lines=2)],
                      spacing=4, horizontal_alignment=ft.CrossAxisAlignment.CENTER, tight=True),
            key=f"{key}-{opt}", width=104, padding=6, border_radius=ft.BorderRadius.all(14), ink=True,
            border=ft.Border.all(3 if on else 1, widgets.SEED if on else "#C9D6D1"),
            bgcolor="#E8F3EF" if on else "#FFFFFF", disabled=disabled,
            on_click=lambda e, o=opt: on_pick(o)),
            label=f"{title}{', chosen' if on else ''}", button=True, selected=on, container=True))
    return ft.Row(tiles, wrap=True, spacing=8, run_spacing=8)


class ItemSheet:
    def __init__(self, state: "AppState", nav: "Navigator", item: ScheduledItem, on_change: Callable[[], None]):
        self.state = state
        self.nav = nav
        self.item = item
        self.on_change = on_change
        self.declined = False
        info = rows.details(item, self.state.family.plan_on(item.date))
        # One timer for the life of the sheet: recording, rating or a note never resets it.
        self.timer: Countdown | None = (Countdown(nav.run_task, item.minutes * 60, "sheet-timer")
                                        if info.timed else None)
        self.body = ft.Column(scroll=ft.ScrollMode.AUTO, spacing=10, tight=True)
        # The key sits on the content: a dialog opened again with the same key would be diffed
        # against the closed one and frozen by Flet (then it could not change).
        self.sheet = ft.BottomSheet(ft.Container(self.body, padding=ft.Padding.all(16), key="item-sheet"),
                                    scrollable=True, show_drag_handle=True,
                                    on_dismiss=lambda e: self._dismissed())

    def open(self) -> None:
        self.build()
        self.nav.show_dialog(self.sheet)

    def close(self) -> None:
        if self.timer:
            self.timer.stop()
        self.nav.close_dialog(self.sheet)
        self._dismissed()

    def _dismissed(self) -> None:
        if self.timer:
            self.timer.stop()
        self.nav.sheet_closed(self)

    @property
    def is_open(self) -> bool:
        return bool(self.sheet.open)

    def take_update(self, item: ScheduledItem) -> None:
        """The item changed on another device: show it, keeping a note being typed and the timer."""
        note = getattr(self, "note", None)
        typed = note.value if note is not None and (note.value or "") != (self.item.note or "") else None
        self.item = item
        self.build()
        if typed is not None and getattr(self, "note", None) is not None:
            self.note.value = typed

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
                ft.Text(" · ".join(x for x in (row.dose, rows.slot_label(it.slot)) if x), size=14,
                        key="sheet-dose"),
                ft.Row([widgets.area_chip(a) for a in it.areas], wrap=True, spacing=4),
            ], spacing=4, expand=True),
        ], spacing=12, vertical_alignment=ft.CrossAxisAlignment.START))
        # Safety first: what to stop for and what to watch come before anything to do.
        if info.stop_if:
            c.append(_box(f"Stop if: {info.stop_if}", ft.Icons.BACK_HAND_OUTLINED, "#8C1D18", "#FCEEEE",
                          "sheet-stop-if"))
        if info.safety:
            c.append(_box(info.safety, ft.Icons.WARNING_AMBER, "#B26A00", "#FFF4E5", "sheet-safety"))
        if info.dose_extra:
            c.append(ft.Text(" · ".join(x[0].upper() + x[1:] for x in info.dose_extra), size=14,
                             key="sheet-dose-extra"))
        if editable and it.date == st.today and not self.declined:
            nxt = self._ready()
            if nxt:
                c.append(ft.Container(ft.Column([
                    ft.Text(f"Ready for the {rows.LEVEL_LABELS.get(nxt, nxt).lower()} version?", size=15,
                            weight=ft.FontWeight.W_600, key="sheet-progress-title"),
                    ft.Text(f"{it.title} was easy several times in a row. From tomorrow it can be done at "
                            f"the {rows.LEVEL_LABELS.get(nxt, nxt).lower()} level.", size=13),
                    ft.Row([ft.FilledButton("Accept", key="sheet-progress-accept", height=widgets.TOUCH,
                                            on_click=lambda e, lv=nxt: self.accept(lv)),
                            ft.OutlinedButton("Not yet", key="sheet-progress-later", height=widgets.TOUCH,
                                              on_click=lambda e: self.not_yet())], spacing=8),
                ], spacing=6), bgcolor="#E8F3EF", padding=10, border_radius=ft.BorderRadius.all(10),
                    key="sheet-progress"))
        if row.goal:
            c.append(ft.Text(f"Goal: {row.goal}", size=14, italic=True))
        if info.notes:
            c.append(ft.Container(ft.Text(f"From your therapist: {info.notes}", size=14),
                                  bgcolor="#EEF4FF", padding=10, border_radius=ft.BorderRadius.all(10)))
        if info.coaching:
            c.append(ft.Container(ft.Text(f"How to help: {info.coaching}", size=14), key="sheet-coaching",
                                  bgcolor="#EEF4FF", padding=10, border_radius=ft.BorderRadius.all(10)))
        c.append(ft.Text(row.status or ("Not done yet" if editable else "Planned"), size=15,
                         weight=ft.FontWeight.W_600, key="sheet-status"))

        if it.options:
            c.append(ft.Text("Which one?" if editable else "Choose one of these:", size=14))
            c.append(option_tiles(st, it.options, it.option, plan, "sheet-option",
                                  lambda o: self.choose(o), disabled=not editable))
        if editable:
            chosen = {Status.DONE: "done", Status.PARTIAL: "partial"}.get(it.status)
            c.append(_choice_buttons([("done", "Done"), ("partial", "Partly done")], chosen, "sheet-mark",
                                     lambda v: self.act(Status.DONE if v == "done" else Status.PARTIAL),
                                     primary="done" if it.status is Status.PLANNED else None))
            c.append(ft.Text("Skip, because:", size=14))
            c.append(_choice_buttons(list(SKIP_REASON_LABELS.items()),
                                     it.reason if it.status is Status.SKIPPED else None, "sheet-skip",
                                     lambda r: self.act(Status.SKIPPED, reason=r)))
            if it.status is not Status.PLANNED:
                c.append(ft.TextButton("Undo", icon=ft.Icons.UNDO, key="sheet-undo", height=widgets.TOUCH,
                                       on_click=lambda e: self.undo()))
                c.append(ft.Text("How hard was it?", size=14))
                c.append(_choice_buttons(list(RATING_LABELS.items()), it.rating, "sheet-rating",
                                         lambda v: self.rate(v)))
                c.append(ft.Text("Which version? (optional)", size=14))
                c.append(_choice_buttons(list(rows.LEVEL_LABELS.items()), it.level_done, "sheet-level",
                                         lambda v: self.extra(level=v)))
                c.append(ft.Text("Help needed (optional)", size=14))
                c.append(_choice_buttons(list(ASSIST_LABELS.items()), it.assist, "sheet-assist",
                                         lambda v: self.extra(assist=v)))
            self.note = ft.TextField(label="Note for the therapist", value=it.note, multiline=True,
                                     min_lines=1, max_lines=4, max_length=500, key="sheet-note")
            c.append(self.note)
            c.append(ft.OutlinedButton("Save note", icon=ft.Icons.SAVE_OUTLINED, key="sheet-save-note",
                                       height=widgets.TOUCH, on_click=lambda e: self.save_note()))

        if self.timer:
            c.append(ft.Divider())
            c.append(self.timer.control())

        if info.why:
            c.append(ft.Text(info.why, size=14))
        if info.steps:
            c.append(ft.Text("How to do it", size=16, weight=ft.FontWeight.W_600, key="sheet-steps"))
            c.extend(ft.Text(f"{i}. {s}", size=14) for i, s in enumerate(info.steps, 1))
        if info.materials:
            c.append(ft.Text("You need: " + ", ".join(info.materials), size=14))
        if info.easier:
            c.append(ft.Text(f"Easier: {info.easier}", size=14))
        if info.harder:
            c.append(ft.Text(f"Harder: {info.harder}", size=14))
        c.append(ft.Divider())
        c.append(self._photo_row())
        c.append(ft.TextButton("Close", key="sheet-close", on_click=lambda e: self.close(),
                               height=widgets.TOUCH))
        self.body.controls = c

    def _ready(self) -> str | None:
        return quietly(lambda: self.state.ready_to_progress(self.item.key), None)

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

    def _do(self, fn: Callable[[], ScheduledItem | None], done: str | None = None) -> bool:
        return self.nav.act(fn, then=self._refresh, done=done)

    def _note(self) -> str | None:
        return self.note.value if getattr(self, "note", None) else None

    def act(self, status: Status, reason: str | None = None) -> None:
        self._do(lambda: self.state.record(self.item, status, reason=reason, note=self._note()))

    def undo(self) -> None:
        self._do(lambda: self.state.undo(self.item))

    def rate(self, rating: str | list[str]) -> None:
        if isinstance(rating, list):
            rating = rating[0] if rating else ""
        rating = "" if rating == self.item.rating else rating      # a second tap clears it
        self._do(lambda: self.state.record(self.item, self.item.status, rating=rating,
                                           reason=self.item.reason))

    def extra(self, **kw) -> None:
        """Level done or help needed: one tap each, kept with the item's record."""
        self._do(lambda: self.state.record(self.item, self.item.status, reason=self.item.reason, **kw))

    def choose(self, option: str) -> None:
        self._do(lambda: self.state.record(self.item, self.item.status, reason=self.item.reason,
                                           option=option, note=self._note()))

    def accept(self, level: str) -> None:
        def accepted(_got) -> None:
            self.declined = True
            self._refresh()
        self.nav.act(lambda: self.state.accept_level(self.item.key, level), then=accepted,
                     done=f"From tomorrow: the {level} version of {self.item.title}")

    def not_yet(self) -> None:
        self.declined = True
        self.build()
        self.sheet.update()

    def save_note(self) -> None:
        # A note alone does not tick the item: an untouched item keeps its planned status.
        self._do(lambda: self.state.record(self.item, self.item.status, note=self.note.value or "",
                                           reason=self.item.reason), done="Note saved")

    async def pick_photo(self, e) -> None:
        files = await self.nav.pick_files(
            dialog_title="Choose a photo", file_type=ft.FilePickerFileType.IMAGE, with_data=True,
            cancel_upload_on_window_blur=False)
        if not files:
            return
        f = files[0]
        self.nav.act(lambda: self.state.set_photo(self.item.key, f.bytes or b"", f.name),
                     then=lambda _: self._refresh(), done="Photo saved: it shows everywhere, kid mode too")

    def reset_photo(self) -> None:
        self.nav.act(lambda: self.state.reset_photo(self.item.key), then=lambda _: self._refresh())


class UseSheet:
    """An as-needed item: how to do it, and one tap to log a use with the "engine" before and after."""

    def __init__(self, state: "AppState", nav: "Navigator", entry, on_change: Callable[[], None]):
        self.state = state
        self.nav = nav
        self.entry = entry
        self.on_change = on_change
        self.before: str | None = None
        self.after: str | None = None
        self.option: str | None = None
        self.note = ft.TextField(label="Note (optional)", multiline=True, min_lines=1, max_lines=3,
                                 max_length=500, key="use-note")
        self.body = ft.Column(scroll=ft.ScrollMode.AUTO, spacing=10, tight=True)
        self.sheet = ft.BottomSheet(ft.Container(self.body, padding=ft.Padding.all(16), key="use-sheet"),
                                    scrollable=True, show_drag_handle=True)

    def open(self) -> None:
        self.build()
        self.nav.show_dialog(self.sheet)

    def build(self) -> None:
        a = self.entry
        st = self.state
        plan = st.plan
        lib = None
        from planner.library import load_library
        if not a.custom:
            lib = load_library().get(a.key)
        c: list[ft.Control] = [ft.Row([
            widgets.picture(st.picture(a.key, a.picture), 72, a.title, radius=14),
            ft.Column([ft.Text(a.title, size=20, weight=ft.FontWeight.BOLD, key="use-title"),
                       ft.Text("When needed · " + a.dose_text(), size=14)], spacing=2, expand=True),
        ], spacing=12)]
        if a.stop_if:
            c.append(_box(f"Stop if: {a.stop_if}", ft.Icons.BACK_HAND_OUTLINED, "#8C1D18", "#FCEEEE",
                          "use-stop-if"))
        safety = a.safety or (lib.safety if lib else "") or ""
        if safety:
            c.append(_box(safety, ft.Icons.WARNING_AMBER, "#B26A00", "#FFF4E5", "use-safety"))
        for text in (a.notes, a.coaching):
            if text:
                c.append(ft.Container(ft.Text(text, size=14), bgcolor="#EEF4FF", padding=10,
                                      border_radius=ft.BorderRadius.all(10)))
        if a.options:
            c.append(ft.Text("Which one?", size=14))
            c.append(option_tiles(st, a.options, self.option, plan, "use-option", self.pick_option))
        engine = list(rows.ENGINE_LABELS.items())
        c.append(ft.Text("Before: how was your child's engine?", size=14))
        c.append(_choice_buttons(engine, self.before, "use-before", lambda v: self.pick("before", v)))
        c.append(ft.Text("After?", size=14))
        c.append(_choice_buttons(engine, self.after, "use-after", lambda v: self.pick("after", v)))
        c.append(self.note)
        c.append(ft.Row([
            ft.FilledButton("Save this use", icon=ft.Icons.CHECK, key="use-save", height=widgets.TOUCH,
                            on_click=lambda e: self.save()),
            ft.TextButton("Close", key="use-close", height=widgets.TOUCH,
                          on_click=lambda e: self.nav.close_dialog(self.sheet)),
        ], spacing=8))
        today = st.today
        used = [u for u in quietly(lambda: st.uses(today, today), []) if u.activity == a.key]
        if used:
            c.append(ft.Text(f"Used {rows.plural(len(used), 'time')} today", size=14,
                             weight=ft.FontWeight.W_600, key="use-count"))
            for u in used:
                change = " → ".join(rows.ENGINE_LABELS.get(x, "?") for x in (u.before, u.after) if x)
                c.append(ft.Text(" · ".join(x for x in (u.at[11:16], change, u.note) if x), size=13))
        self.body.controls = c

    def _redraw(self) -> None:
        self.build()
        self.sheet.update()

    def pick(self, which: str, value: str) -> None:
        setattr(self, which, None if getattr(self, which) == value else value)
        self._redraw()

    def pick_option(self, option: str) -> None:
        self.option = None if self.option == option else option
        self._redraw()

    def save(self) -> None:
        self.nav.act(lambda: self.state.log_use(self.entry.key, before=self.before, after=self.after,
                                                note=self.note.value or "", option=self.option),
                     then=lambda _: self._logged(), done=f"Saved: {self.entry.title}")

    def _logged(self) -> None:
        self.before = self.after = self.option = None
        self.note.value = ""
        self._redraw()
        self.on_change()
