"""Parent: the week at a glance, a completion ring per day; tap a day to open it."""
from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

import flet as ft

from planner.core import report

from planner.core import progress
from planner.core.daystate import day_state
from planner.views import rows, widgets

if TYPE_CHECKING:
    from planner.views.navigator import Navigator
    from planner.views.state import AppState


class WeekView:
    def __init__(self, state: "AppState", nav: "Navigator"):
        self.state = state
        self.nav = nav
        self.monday = None
        self.control = ft.ListView(expand=True, spacing=6, padding=ft.Padding.symmetric(horizontal=12, vertical=8),
                                   key="week-view")

    def refresh(self) -> None:
        st = self.state
        self.control.controls.clear()
        if not st.has_plan:
            self.control.controls.append(widgets.message_card("No plan yet.", key="no-plan"))
            return
        if self.monday is None:
            self.monday = st.today - timedelta(days=st.today.weekday())
        days = st.days(self.monday, 7)
        sunday = self.monday + timedelta(days=6)
        span = (f"{self.monday.day} – {sunday.day} {sunday:%B}" if self.monday.month == sunday.month
                else f"{self.monday.day} {self.monday:%b} – {sunday.day} {sunday:%b}")
        self.control.controls.append(ft.Row([
            widgets.icon_button(ft.Icons.CHEVRON_LEFT, "Previous week", "week-prev", on_click=lambda e: self.shift(-7)),
            ft.Text(span, size=18, weight=ft.FontWeight.BOLD, expand=True, text_align=ft.TextAlign.CENTER,
                    key="week-title"),
            widgets.icon_button(ft.Icons.CHEVRON_RIGHT, "Next week", "week-next", on_click=lambda e: self.shift(7)),
        ], spacing=0))
        cells = rows.week_cells(days, st.today)
        self.control.controls.append(ft.Row([self._cell(c) for c in cells], spacing=2, key="week-strip"))
        # As the report counts it: today's items once recorded, sick days excused.
        week = report.count(it for d in days for it in d.items if report.counts_on(it, st.today, st.today))
        self.control.controls.append(ft.Text(f"This week so far: {rows.counts_adherence_text(week)}", size=14,
                                             key="week-summary"))
        for d, cell in zip(days, cells):
            s = progress.summarize_day(d)
            sub = (day_state(d, st.family.plan_on(d.date)).label if not d.items else
                   f"{s.done + s.partial} of {s.total} done · {s.minutes_done} of {s.minutes_planned} min")
            self.control.controls.append(ft.ListTile(
                title=ft.Text(rows.long_date(d.date) + (" (today)" if cell.is_today else ""),
                              weight=ft.FontWeight.W_600 if cell.is_today else None),
                subtitle=ft.Text(sub), trailing=ft.Icon(ft.Icons.CHEVRON_RIGHT),
                key=f"week-row-{d.date.isoformat()}", on_click=lambda e, day=d.date: self.open_day(day)))

    def _cell(self, c: rows.WeekCell) -> ft.Control:
        color = "#9E9E9E" if c.rest else widgets.SEED
        return ft.Container(
            ft.Column([
                ft.Text(c.letter, size=12, weight=ft.FontWeight.BOLD if c.is_today else None),
                ft.Stack([
                    ft.ProgressRing(value=c.fraction if not c.rest else 0, width=36, height=36, stroke_width=5,
                                    color=color, bgcolor="#E0E0E0", semantics_label=c.label),
                    ft.Container(ft.Text(str(c.date.day), size=12), width=36, height=36,
                                 alignment=ft.Alignment.CENTER),
                ]),
            ], horizontal_alignment=ft.CrossAxisAlignment.CENTER, spacing=2, tight=True),
            key=f"week-day-{c.date.isoformat()}", tooltip=c.label, expand=1,
            padding=ft.Padding.symmetric(vertical=4),
            border_radius=ft.BorderRadius.all(12), bgcolor="#E8F3EF" if c.is_today else None,
            on_click=lambda e, day=c.date: self.open_day(day), ink=True,
        )

    def shift(self, days: int) -> None:
        self.monday += timedelta(days=days)
        self.refresh()
        self.control.update()

    def open_day(self, day) -> None:
        self.state.viewing = day
        self.nav.show_tab("today")
