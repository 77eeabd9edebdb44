"""Parent: one day's practice, grouped by slot, one tap per activity."""
from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

import flet as ft

from planner.core.daystate import Tense
from planner.core.model import ScheduledItem, Status
from planner.views import rows, widgets
from planner.views.item_sheet import ItemSheet, UseSheet
from planner.views.navigator import quietly

if TYPE_CHECKING:
    from planner.views.navigator import Navigator
    from planner.views.state import AppState


class TodayView:
    def __init__(self, state: "AppState", nav: "Navigator"):
        self.state = state
        self.nav = nav
        self.control = ft.ListView(expand=True, spacing=6, padding=ft.Padding.symmetric(horizontal=12, vertical=8),
                                   key="today-view")

    # ------------------------------------------------------------ building
    def refresh(self) -> None:
        st = self.state
        self.control.controls.clear()
        if not st.has_plan:
            self.control.controls.append(widgets.message_card(
                "No plan yet. Open Plan to import your therapist's plan file or build one.",
                key="no-plan", icon=ft.Icons.ASSIGNMENT_OUTLINED))
            return
        day = st.day(st.viewing)
        plan = st.family.plan_on(day.date)
        head = rows.day_header(day, st.today, plan.in_plan(day.date))
        self.control.controls.append(self._header(head))
        if head.message and not day.items:
            self.control.controls.append(widgets.message_card(head.message, key="day-message"))
            return
        if head.message:
            self.control.controls.append(widgets.message_card(head.message, key="day-message",
                                                              icon=ft.Icons.CELEBRATION_OUTLINED))
        editable = st.editable(day.date)
        for slot, items in rows.slot_groups(day):
            self.control.controls.append(widgets.section_title(rows.slot_label(slot), f"slots/{slot}.svg"))
            for it in items:
                self.control.controls.append(self._item_card(it, plan, editable))
        self._when_needed(day.date, editable)

    def _when_needed(self, when, editable: bool) -> None:
        """As-needed items: never scheduled and never counted; a parent logs a use when it happens
        (so only on today's page: a use is logged at the time it is saved)."""
        if when != self.state.today:
            return
        entries = quietly(lambda: self.state.as_needed(when), [])
        if not entries:
            return
        self.control.controls.append(widgets.section_title("When needed"))
        self.control.controls.append(ft.Text("Use these when your child needs them; they are not counted "
                                             "as missed.", size=13, italic=True, color="#49454F"))
        for a in entries:
            sub = " · ".join(x for x in (a.dose_text(), a.notes) if x)
            card = ft.Container(
                ft.Row([
                    widgets.picture(self.state.picture(a.key, a.picture), 48, a.title),
                    ft.Column([ft.Text(a.title, size=16, weight=ft.FontWeight.W_600),
                               ft.Text(sub, size=13, color="#49454F", max_lines=2,
                                       overflow=ft.TextOverflow.ELLIPSIS)], spacing=0, expand=True, tight=True),
                    ft.Icon(ft.Icons.ADD_CIRCLE_OUTLINE, color=widgets.SEED, size=28),
                ], spacing=8, vertical_alignment=ft.CrossAxisAlignment.CENTER),
                key=f"use-{a.key}", padding=ft.Padding.symmetric(horizontal=10, vertical=8),
                border_radius=ft.BorderRadius.all(14), bgcolor="#FFFFFF", ink=True,
                border=ft.Border.all(1, "#D7E3DE"),
                on_click=lambda e, entry=a: self.open_use(entry),
            )
            self.control.controls.append(ft.Semantics(content=card, container=True, button=True,
                                                      label=f"Log a use: {a.title}"))

    def _header(self, head: rows.DayHeader) -> ft.Control:
        nav = ft.Row([
            widgets.icon_button(ft.Icons.CHEVRON_LEFT, "Previous day", "day-prev", on_click=lambda e: self.go(-1)),
            ft.Text(head.title, size=18, weight=ft.FontWeight.BOLD, expand=True,
                    text_align=ft.TextAlign.CENTER, key="day-title"),
            widgets.icon_button(ft.Icons.CHEVRON_RIGHT, "Next day", "day-next", on_click=lambda e: self.go(1)),
        ], spacing=0)
        parts: list[ft.Control] = [nav]
        if head.mode is not Tense.TODAY:
            note = ("A past day: you can still tick what you forgot." if head.mode is Tense.PAST
                    else "Coming up: you can look, and tick it on the day.")
            parts.append(ft.Row([
                ft.Text(note, size=13, italic=True, expand=True, key="day-mode"),
                ft.TextButton("Back to today", key="back-today", on_click=lambda e: self.go_today()),
            ]))
        parts.append(ft.Row([
            ft.Text(head.counts, size=15, weight=ft.FontWeight.W_600, key="day-counts"),
            ft.Text(head.minutes, size=15, key="day-minutes"),
        ], alignment=ft.MainAxisAlignment.SPACE_BETWEEN))
        parts.append(ft.ProgressBar(value=head.fraction, height=8, border_radius=ft.BorderRadius.all(4),
                                    semantics_label=f"{head.counts}, {head.minutes}"))
        return ft.Container(ft.Column(parts, spacing=6), padding=12, border_radius=ft.BorderRadius.all(16),
                            bgcolor="#F1F7F5")

    def _item_card(self, it: ScheduledItem, plan, editable: bool) -> ft.Control:
        row = rows.item_row(it, plan)
        name = rows.item_name(it)
        sub = " · ".join(x for x in (row.dose, row.goal) if x)
        info: list[ft.Control] = [
            ft.Text(row.title, size=16, weight=ft.FontWeight.W_600, key=f"title-{it.id}",
                    style=ft.TextStyle(decoration=ft.TextDecoration.LINE_THROUGH)
                    if it.status is Status.SKIPPED else None),
            ft.Text(sub, size=13, color="#49454F", max_lines=2, overflow=ft.TextOverflow.ELLIPSIS),
        ]
        partial = it.status is Status.PARTIAL
        # Partly done is its own state: the half-filled (mixed) box; a tap on it makes it done.
        check = ft.Checkbox(value=None if partial else row.checked, tristate=partial, key=f"check-{it.id}",
                            semantics_label=name + (", partly done" if partial else ""),
                            disabled=not editable, scale=1.2,
                            on_change=lambda e, item=it: self.on_check(item, e.control.value))
        badges = [x for x in (row.status if it.status is not Status.DONE else "", row.rating) if x]
        if it.option:
            badges.append(rows.option_title(it.option))
        if badges or row.note:
            info.append(ft.Text(" · ".join(badges + ([f"“{row.note}”"] if row.note else [])), size=12,
                                italic=True, color="#6750A4", key=f"status-{it.id}"))
        card = ft.Container(
            ft.Row([
                ft.Container(widgets.picture(self.state.picture(it.key, it.picture), 56, it.title),
                             key=f"pic-{it.id}"),
                ft.Column(info, spacing=0, expand=True, tight=True),
                ft.Container(check if editable else ft.Icon(
                    ft.Icons.RADIO_BUTTON_UNCHECKED, color="#9AA5A1", semantics_label=f"{name}: planned"),
                    width=widgets.TOUCH, height=widgets.TOUCH, alignment=ft.Alignment.CENTER,
                    key=None if editable else f"planned-{it.id}"),
                widgets.icon_button(ft.Icons.MORE_VERT, f"More for {name}", f"more-{it.id}",
                                    on_click=lambda e, item=it: self.open_item(item)),
            ], spacing=8, vertical_alignment=ft.CrossAxisAlignment.CENTER),
            key=f"item-{it.id}", padding=ft.Padding.only(left=8, right=0, top=6, bottom=6),
            border_radius=ft.BorderRadius.all(14), bgcolor="#FFFFFF", ink=True,
            border=ft.Border.only(left=ft.BorderSide(6, rows.area_color(row.area))),
            shadow=ft.BoxShadow(blur_radius=3, color="#22000000", offset=ft.Offset(0, 1)),
            on_click=lambda e, item=it: self.open_item(item),
        )
        return ft.Semantics(content=card, container=True)

    # ------------------------------------------------------------ actions
    def go(self, delta: int) -> None:
        self.state.viewing += timedelta(days=delta)
        self.refresh()
        self.control.update()

    def go_today(self) -> None:
        self.state.viewing = self.state.today
        self.refresh()
        self.control.update()

    def on_check(self, item: ScheduledItem, checked: bool | None) -> None:
        if item.status is Status.PARTIAL:
            self.nav.act(lambda: self.state.record(item, Status.DONE, reason=None))   # partly done, tapped: now done
        else:
            self.nav.act(lambda: self.state.tick(item, bool(checked)))
        self.refresh()
        self.control.update()

    def open_item(self, item: ScheduledItem) -> None:
        self.nav.open_sheet(ItemSheet(self.state, self.nav, item, on_change=self.after_sheet))

    def open_use(self, entry) -> None:
        UseSheet(self.state, self.nav, entry, on_change=self.after_sheet).open()

    def after_sheet(self) -> None:
        self.refresh()
        self.control.update()
