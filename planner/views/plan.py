"""Therapist and parent: the current plan, readable; import and build plans."""
from __future__ import annotations

from typing import TYPE_CHECKING

import flet as ft

from planner.core import scheduler
from planner.views import rows, widgets

if TYPE_CHECKING:
    from planner.views.app import Shell


class PlanView:
    def __init__(self, shell: "Shell"):
        self.shell = shell
        self.state = shell.state
        self.control = ft.ListView(expand=True, spacing=8, padding=ft.Padding.symmetric(horizontal=12, vertical=8),
                                   key="plan-view")

    def refresh(self) -> None:
        st = self.state
        c = self.control.controls
        c.clear()
        if not st.has_plan:
            c.append(widgets.message_card("No plan yet. Import the plan file from your therapist, "
                                          "or build one from the activity library.", key="no-plan",
                                          icon=ft.Icons.ASSIGNMENT_OUTLINED))
            return
        plan = st.plan
        load = scheduler.plan_load(plan)
        lines = [ft.Text(f"{plan.child}'s plan", size=20, weight=ft.FontWeight.BOLD, key="plan-title"),
                 ft.Text(f"{plan.start:%d %b %Y} – {plan.end:%d %b %Y}" if plan.end
                         else f"From {plan.start:%d %b %Y}", size=14),
                 ft.Text(f"Version {plan.version} · {load.week_minutes} of {load.week_budget} minutes a week",
                         size=14, key="plan-load")]
        if plan.therapist_name:
            lines.append(ft.Text(f"Therapist: {plan.therapist_name}"
                                 + (f" ({plan.therapist_contact})" if plan.therapist_contact else ""), size=14))
        c.append(ft.Container(ft.Column(lines, spacing=4), padding=12, bgcolor="#F1F7F5",
                              border_radius=ft.BorderRadius.all(16)))
        by_goal: dict[str | None, list] = {}
        for a in plan.activities:
            by_goal.setdefault(a.goal, []).append(a)
        for g in list(plan.goals) + [None]:
            acts = by_goal.get(g.id if g else None, [])
            if not acts and g is None:
                continue
            title = g.text if g else "Other activities"
            c.append(ft.Text(title, size=16, weight=ft.FontWeight.W_600, key=f"plan-goal-{g.id if g else 'none'}"))
            for a in acts:
                c.append(ft.ListTile(
                    leading=widgets.picture(st.picture(a.key, a.picture), 44, a.title, radius=8),
                    title=ft.Text(a.title),
                    subtitle=ft.Text(f"{a.frequency.describe()} · {a.dose_text()} · "
                                     + ", ".join(rows.slot_label(s) for s in a.when)),
                    key=f"plan-activity-{a.key}"))
