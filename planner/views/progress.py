"""Parent: how practice went, per goal and per activity, this week and over four weeks."""
from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

import flet as ft
import flet_charts as fch

from planner.core import progress, report
from planner.reports.formats import percent
from planner.views import rows, widgets

if TYPE_CHECKING:
    from planner.views.navigator import Navigator
    from planner.views.state import AppState

WEEKS_IN_CHART = 8


def _bar(label: str, c: report.Counts, key: str) -> ft.Control:
    text = rows.counts_adherence_text(c)
    return ft.Column([
        ft.Row([ft.Text(label, size=14, expand=True, max_lines=2, overflow=ft.TextOverflow.ELLIPSIS),
                ft.Text(text, size=13, weight=ft.FontWeight.W_600)]),
        ft.ProgressBar(value=c.adherence or 0, height=6, border_radius=ft.BorderRadius.all(3),
                       semantics_label=f"{label}: {text}"),
    ], spacing=2, key=key)


def _group(items, key) -> dict:
    groups: dict = {}
    for it in items:
        groups.setdefault(key(it), []).append(it)
    return {k: report.count(v) for k, v in groups.items()}


def weekly_counts(days, today) -> list[tuple]:
    """(Monday, report.Counts) per week, counted as the report counts (sick days excused)."""
    weeks: dict = {}
    for d in days:
        monday = d.date - timedelta(days=d.date.weekday())
        weeks.setdefault(monday, []).extend(it for it in d.items if report.counts_on(it, today, today))
    return [(m, report.count(items)) for m, items in sorted(weeks.items())]


class ProgressView:
    def __init__(self, state: "AppState", nav: "Navigator"):
        self.state = state
        self.nav = nav
        self.period = progress.Period.WEEK
        self.control = ft.ListView(expand=True, spacing=8, padding=ft.Padding.symmetric(horizontal=12, vertical=8),
                                   key="progress-view")

    def refresh(self) -> None:
        st = self.state
        c = self.control.controls
        c.clear()
        if not st.has_plan:
            c.append(widgets.message_card("No plan yet.", key="no-plan"))
            return
        today = st.today
        monday = today - timedelta(days=today.weekday())
        first_chart = monday - timedelta(weeks=WEEKS_IN_CHART - 1)
        all_days = st.days(first_chart, (today - first_chart).days + 1)
        first = self.period.first_day(today)
        # The same figures as the therapist's report: today's items count once recorded or once the
        # day is over, and an item skipped because the child was sick is excused (named apart).
        items = [it for d in all_days if first <= d.date <= today for it in d.items
                 if report.counts_on(it, today, today)]
        plan = st.plan

        streak = progress.streak(all_days, today) if (today - first_chart).days >= 0 else 0
        total = report.count(items)
        sick_days = sorted({it.date for it in items if report.is_sick(it)})
        c.append(ft.Container(ft.Row([
            ft.Column([ft.Text(str(streak), size=36, weight=ft.FontWeight.BOLD, key="progress-streak"),
                       ft.Text("day in a row" if streak == 1 else "days in a row", size=13,
                               key="progress-streak-label")], tight=True, spacing=0,
                      horizontal_alignment=ft.CrossAxisAlignment.CENTER),
            ft.Column([ft.Text(percent(total.adherence), size=36,
                               weight=ft.FontWeight.BOLD, key="progress-adherence"),
                       ft.Text("done as planned", size=13)], tight=True, spacing=0,
                      horizontal_alignment=ft.CrossAxisAlignment.CENTER),
            ft.Column([ft.Text(str(total.minutes_done), size=36, weight=ft.FontWeight.BOLD,
                               key="progress-minutes"),
                       ft.Text(f"of {total.minutes_planned} min", size=13)], tight=True, spacing=0,
                      horizontal_alignment=ft.CrossAxisAlignment.CENTER),
        ], alignment=ft.MainAxisAlignment.SPACE_AROUND), padding=12, bgcolor="#F1F7F5",
            border_radius=ft.BorderRadius.all(16)))
        note = f"{report.ADHERENCE_NAME}: {rows.counts_adherence_text(total)}"
        if sick_days:
            note += f". {rows.plural(len(sick_days), 'sick day')} not counted"
        c.append(ft.Text(note, size=13, key="progress-note"))
        c.append(ft.SegmentedButton(
            key="progress-period", selected=[self.period.value],
            segments=[ft.Segment(value=progress.Period.WEEK.value, label="This week"),
                      ft.Segment(value=progress.Period.FOUR_WEEKS.value, label="4 weeks")],
            on_change=lambda e: self.set_period(e.control.selected[0])))

        goals = _group(items, lambda it: it.goal)
        c.append(ft.Text("Goals", size=16, weight=ft.FontWeight.W_600))
        shown = False
        for g in plan.goals:
            if g.id in goals:
                c.append(_bar(g.text, goals[g.id], f"goal-{g.id}"))
                shown = True
        if None in goals:
            c.append(_bar("Other activities", goals[None], "goal-none"))
            shown = True
        if not shown:
            c.append(ft.Text("Nothing was planned in this period yet.", size=13))

        c.append(ft.Text("Activities", size=16, weight=ft.FontWeight.W_600))
        acts = _group(items, lambda it: (it.key, it.title))
        for (key, title), t in sorted(acts.items(), key=lambda kv: kv[0][1].lower()):
            c.append(_bar(title, t, f"activity-{key}"))

        c.append(ft.Text("Weekly adherence (done as planned)", size=16, weight=ft.FontWeight.W_600))
        started = st.family.segments[0].first - timedelta(days=st.family.segments[0].first.weekday())
        c.append(self._chart([p for p in weekly_counts(all_days, today) if p[0] >= started]))
        c.extend(self.extra_sections())

    def _chart(self, series: list[tuple]) -> ft.Control:
        groups = []
        labels = []
        for i, (monday, counts) in enumerate(series):
            pct = round((counts.adherence or 0) * 100)
            groups.append(fch.BarChartGroup(x=i, rods=[fch.BarChartRod(
                from_y=0, to_y=pct, width=18, color=widgets.SEED, border_radius=4,
                tooltip=f"Week of {monday.day} {monday:%b}: {percent(counts.adherence)}")]))
            labels.append(fch.ChartAxisLabel(value=i, label=ft.Text(f"{monday.day}/{monday.month}", size=10)))
        return ft.Container(fch.BarChart(
            groups=groups, max_y=100, interactive=True, key="progress-chart",
            left_axis=fch.ChartAxis(label_size=32, labels=[fch.ChartAxisLabel(value=v, label=ft.Text(f"{v}%", size=10))
                                                           for v in (0, 50, 100)]),
            bottom_axis=fch.ChartAxis(label_size=24, labels=labels),
            horizontal_grid_lines=fch.ChartGridLines(interval=25, color="#E0E0E0", width=1),
        ), height=200, padding=ft.Padding.only(right=8, top=8))

    def extra_sections(self) -> list[ft.Control]:
        from planner.views import sharing      # its report and sharing code loads when first shown
        return sharing.progress_sections(self.state, self.nav)

    def set_period(self, period: str) -> None:
        self.period = progress.Period(period)
        self.refresh()
        self.control.update()
