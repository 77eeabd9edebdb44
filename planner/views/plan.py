"""Therapist and parent: the current plan, readable; import and build plans."""
from __future__ import annotations

from typing import TYPE_CHECKING

import flet as ft

from planner.core import scheduler
from planner.core import draft as drafts
from planner.views import rows, widgets
from planner.views.builder import BuilderView
from planner.views.modes import PlanMode
from planner.views.navigator import quietly
from planner.views.plan_import import ImportFlow, plan_body

if TYPE_CHECKING:
    from planner.views.navigator import Navigator
    from planner.views.state import AppState


class PlanView:
    def __init__(self, state: "AppState", nav: "Navigator"):
        self.state = state
        self.nav = nav
        # A fresh list on every refresh, inside a stable box: the screen may be rebuilt while it is off
        # screen, and a new list always reaches the browser whole (never as edits to one it replaced).
        self.list = self._new_list([])
        self.control = ft.Container(self.list, expand=True, key="plan-view")
        self.mode = PlanMode.VIEW
        self.importer = ImportFlow(self)
        self.builder: BuilderView | None = None

    # ------------------------------------------------------------ modes
    def show(self, mode: PlanMode) -> None:
        self.mode = PlanMode(mode)
        self.refresh()
        if self.control.page:
            self.control.update()

    @staticmethod
    def _new_list(controls: list[ft.Control]) -> ft.ListView:
        return ft.ListView(controls, expand=True, spacing=8, padding=ft.Padding.symmetric(horizontal=12, vertical=8))

    def refresh(self) -> None:
        self.list = self._new_list(self._controls())
        self.control.content = self.list

    def _controls(self) -> list[ft.Control]:
        # Every top-level control has a key, so the builder can swap one part at a time.
        if self.mode is PlanMode.IMPORT and self.importer.stage:
            return self.importer.controls()
        if self.mode is PlanMode.BUILDER and self.builder is not None:
            return self.builder.controls()
        self.mode = PlanMode.VIEW
        c: list[ft.Control] = []
        c.append(self._actions())
        st = self.state
        if not st.has_plan:
            c.append(widgets.message_card("No plan yet. Import the plan file from your therapist, "
                                          "or build one from the activity library.", key="no-plan",
                                          icon=ft.Icons.ASSIGNMENT_OUTLINED))
            return c
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
                              border_radius=ft.BorderRadius.all(16), key="plan-header"))
        got = quietly(st.goal_ratings, [])
        ratings: dict[str, list] = {}
        for r in got:
            if r.plan_id == plan.plan_id:
                ratings.setdefault(r.goal, []).append(r)
        c.extend(plan_body(plan, st.picture, "plan", ratings=ratings, on_rate=self.rate_goal))
        return c

    def live_refresh(self) -> None:
        """Another device changed the data: redraw the plan, never a builder or preview in progress."""
        if self.mode is PlanMode.VIEW:
            self.refresh()

    # ------------------------------------------------------------ goal ratings
    def rate_goal(self, goal) -> None:
        widgets.with_pin(self.state, self.nav, "Parent PIN to rate a goal", lambda: self._rate_dialog(goal))

    def _rate_dialog(self, goal) -> None:
        chosen: dict[str, int | None] = {"level": None}
        note = ft.TextField(label="Note (optional)", max_length=500, multiline=True, key="rate-note")
        error = ft.Text("", color="#B3261E", key="rate-error")
        levels = ft.Column(spacing=6, tight=True)

        def draw() -> None:
            levels.controls = []
            for lv in (-2, -1, 0, 1, 2):
                text = goal.gas_text(lv)
                label = rows.GAS_NAMES[lv] + (f"  {text}" if text else "")
                on = chosen["level"] == lv
                cls = ft.FilledButton if on else ft.OutlinedButton
                levels.controls.append(cls(label, key=f"rate-level-{lv}", height=widgets.TOUCH,
                                           icon=ft.Icons.CHECK if on else None,
                                           on_click=lambda e, v=lv: pick(v)))

        def pick(level: int) -> None:
            chosen["level"] = level
            draw()
            dialog.update()

        def save(e) -> None:
            if chosen["level"] is None:
                error.value = "Choose a level first"
                dialog.update()
                return
            self.nav.act(lambda: self.state.rate_goal(goal.id, chosen["level"], note.value or ""),
                         then=lambda _: rated(), error=refused)

        def refused(text: str) -> None:
            error.value = rows.app_words(text)
            dialog.update()

        def rated() -> None:
            self.nav.close_dialog(dialog)
            self.nav.snack(f"Goal rated {rows.GAS_NAMES[chosen['level']]} today")
            self.show(PlanMode.VIEW)

        draw()
        dialog = ft.AlertDialog(
            title=ft.Text(f"Rate: {goal.text}", size=18),
            content=ft.Column(key="rate-dialog", controls=[ft.Text("Where is the child today? (Goal Attainment Scaling, -2 to +2)", size=13),
                               levels, note, error], tight=True, spacing=8),
            scrollable=True,
            actions=[ft.TextButton("Cancel", key="rate-cancel", on_click=lambda e: self.nav.close_dialog(dialog)),
                     ft.FilledButton("Save rating", key="rate-save", on_click=save)])
        self.nav.show_dialog(dialog)

    def _actions(self) -> ft.Control:
        buttons: list[ft.Control] = [
            ft.FilledButton("Import plan file", icon=ft.Icons.UPLOAD_FILE, key="plan-import", height=widgets.TOUCH,
                            tooltip="Import a plan file (JSON or CSV) from your therapist",
                            on_click=self.importer.pick),
            ft.OutlinedButton("Build a plan", icon=ft.Icons.ADD, key="plan-build", height=widgets.TOUCH,
                              tooltip="Build a new plan from the activity library",
                              on_click=lambda e: self.open_builder(edit=False)),
        ]
        if self.state.has_plan:
            buttons.append(ft.OutlinedButton("Edit this plan", icon=ft.Icons.EDIT_OUTLINED, key="plan-edit",
                                             height=widgets.TOUCH, tooltip="Change this plan in the builder",
                                             on_click=lambda e: self.open_builder(edit=True)))
        return ft.Row(buttons, wrap=True, spacing=8, run_spacing=8, key="plan-actions")

    # ------------------------------------------------------------ builder
    def open_builder(self, edit: bool) -> None:
        st = self.state
        plan = st.plan
        if edit and plan is not None:
            known = st.known_versions()
            draft = drafts.draft_from_plan(plan, known.get(plan.plan_id, plan.version) + 1)
        else:
            # A new plan may be for another child: name, birth date and therapist are asked, never copied.
            draft = drafts.new_draft(st.today, "", plan)
        self.builder = BuilderView(self, draft)
        self.show(PlanMode.BUILDER)

    def close_builder(self) -> None:
        self.builder = None
        self.show(PlanMode.VIEW)
