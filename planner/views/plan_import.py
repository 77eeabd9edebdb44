"""Therapist import: pick a plan file (JSON or CSV), preview it, then apply it. Nothing is stored before Apply."""
from __future__ import annotations

import json
from typing import TYPE_CHECKING, Callable

import flet as ft

from planner.core import importer, scheduler
from planner.core.model import WEEKDAYS, ImportAction, Plan
from planner.views.state import ImportOutcome
from planner.core import draft as drafts
from planner.core.activity import PRECAUTION_LABELS
from planner.views import rows, widgets
from planner.views.modes import PlanMode

if TYPE_CHECKING:
    from planner.views.plan import PlanView

ERROR_COLOR = "#B3261E"


def activity_details(a, plan: Plan) -> str:
    """The plan format 2 parts of an entry in a few words (choice, level, phases, stop if...)."""
    parts = []
    if a.options:
        parts.append("Choose one: " + ", ".join(rows.option_title(o, plan) for o in a.options))
    extra = rows.dose_extra(a)
    if extra:
        parts.append(", ".join(extra))
    for ph in a.phases:
        bits = [rows.LEVEL_LABELS.get(ph.level, ph.level).lower() + " version" if ph.level else "",
                f"{ph.minutes} min" if ph.minutes else "", f"{ph.reps} reps" if ph.reps else ""]
        parts.append(f"From {ph.first.day} {ph.first:%b}: " + ", ".join(b for b in bits if b))
    if a.progress_after_easy:
        parts.append(f"Harder after {a.progress_after_easy} easy days in a row")
    if a.valid_from or a.valid_until:
        parts.append(" ".join(x for x in (f"from {a.valid_from:%d %b}" if a.valid_from else "",
                                          f"until {a.valid_until:%d %b}" if a.valid_until else "") if x))
    if a.stop_if:
        parts.append(f"Stop if: {a.stop_if}")
    if a.coaching:
        parts.append(f"How to help: {a.coaching}")
    if a.precaution_checked:
        parts.append("Checked by the therapist: " + ", ".join(PRECAUTION_LABELS.get(p, p)
                                                             for p in a.precaution_checked))
    return "\n".join(parts)


def child_lines(plan: Plan) -> list[str]:
    """Handedness, precautions and school days (plan format 2)."""
    out = []
    if plan.handedness:
        out.append("Handedness: " + {"left": "left", "right": "right", "not-yet": "not settled yet"}
                   .get(plan.handedness, plan.handedness))
    if plan.precautions:
        texts = dict(plan.precaution_texts)
        out.append("Precautions: " + ", ".join(
            (PRECAUTION_LABELS.get(p, p).split(" (")[0] + f": {texts[p]}") if texts.get(p)
            else PRECAUTION_LABELS.get(p, p) for p in plan.precautions))
    if plan.precaution_notes:
        out.append(plan.precaution_notes)
    if tuple(plan.school_days) != tuple(WEEKDAYS):
        out.append("School days: " + ", ".join(d.capitalize() for d in plan.school_days))
    return out


def goal_block(g, prefix: str, ratings=(), on_rate=None) -> list[ft.Control]:
    out: list[ft.Control] = [ft.Text(g.text, size=16, weight=ft.FontWeight.W_600, key=f"{prefix}-goal-{g.id}")]
    lines = [ft.Text(f"{label}: {text}", size=13) for label, text in rows.goal_lines(g)]
    gas = rows.gas_rows(g)
    if gas:
        lines.append(ft.Text("Goal levels:", size=13, weight=ft.FontWeight.W_500))
        lines.extend(ft.Text(f"{rows.GAS_NAMES[lv]}  {text}", size=13) for lv, text in gas)
    if ratings:
        lines.append(ft.Text("Ratings: " + "; ".join(rows.rating_text(r) for r in ratings), size=13,
                             key=f"{prefix}-goal-{g.id}-ratings"))
    if on_rate is not None:
        lines.append(ft.OutlinedButton("Rate goal", icon=ft.Icons.FLAG_OUTLINED, key=f"{prefix}-rate-{g.id}",
                                       height=widgets.TOUCH, on_click=lambda e: on_rate(g)))
    if lines:
        out.append(ft.Container(ft.Column(lines, spacing=2), padding=ft.Padding.only(left=4, bottom=4),
                                key=f"{prefix}-goal-{g.id}-details"))
    return out


def plan_body(plan: Plan, picture: Callable[[str, str], object], prefix: str, ratings: dict | None = None,
              on_rate: Callable | None = None) -> list[ft.Control]:
    """The plan's goals, each with its activities (frequency, dose, slots); shared by the Plan tab and the preview."""
    out: list[ft.Control] = []
    child = child_lines(plan)
    if child:
        out.append(ft.Container(ft.Column([ft.Text(x, size=13) for x in child], spacing=2),
                                key=f"{prefix}-child", padding=10, bgcolor="#FFF8EC",
                                border_radius=ft.BorderRadius.all(12)))
    by_goal: dict[str | None, list] = {}
    for a in plan.activities:
        by_goal.setdefault(a.goal, []).append(a)
    for g in list(plan.goals) + [None]:
        acts = by_goal.get(g.id if g else None, [])
        if not acts and g is None:
            continue
        if g is None:
            out.append(ft.Text("Other activities", size=16, weight=ft.FontWeight.W_600, key=f"{prefix}-goal-none"))
        else:
            out.extend(goal_block(g, prefix, (ratings or {}).get(g.id, ()), on_rate))
        if not acts:
            out.append(ft.Text("No activity for this goal yet.", size=13, italic=True,
                               key=f"{prefix}-goal-{g.id}-empty"))
        for a in acts:
            more = activity_details(a, plan)
            sub = drafts.activity_line(a) + (f"\n{more}" if more else "") \
                + (f"\n{a.notes}" if a.notes and prefix == "preview" else "")
            out.append(ft.ListTile(
                leading=widgets.picture(picture(a.key, a.picture), 44, a.title, radius=8),
                title=ft.Text(a.title),
                subtitle=ft.Text(sub),
                content_padding=ft.Padding.symmetric(horizontal=4), key=f"{prefix}-activity-{a.key}"))
    return out


class ImportFlow:
    """One file on its way in: (CSV fields) -> preview -> apply or cancel."""

    def __init__(self, view: "PlanView"):
        self.view = view
        self.nav = view.nav
        self.state = view.state
        self.reset()

    def reset(self) -> None:
        self.name = ""
        self.data = b""
        self.stage = ""                 # "csv" (asking for plan fields), "preview" or "error"
        self.origin = "view"            # where Cancel goes back to: "view" or "builder"
        self.plan: Plan | None = None
        self.outcome: ImportOutcome | None = None
        self.error = ""
        self.form_error = ""
        self.csv: dict = {}

    # ------------------------------------------------------------ entering
    async def pick(self, e=None) -> None:
        files = await self.nav.pick_files(
            dialog_title="Choose the plan file (JSON, CSV or a clinic's FHIR file)", allowed_extensions=["json", "csv"],
            file_type=ft.FilePickerFileType.CUSTOM, with_data=True, cancel_upload_on_window_blur=False)
        if not files:
            return
        f = files[0]
        self.begin(f.name or "plan", f.bytes, origin="view")

    def begin(self, name: str, data: bytes | None, origin: str = "view") -> None:
        self.reset()
        self.name, self.origin = name, origin
        if data is None:
            self._fail(f"{name}: the browser did not send the file's content; please choose it again")
        elif len(data) > importer.MAX_PLAN_BYTES:
            self._fail(f"{name}: file is too large ({len(data) // 1024} KB, a plan is at most "
                       f"{importer.MAX_PLAN_BYTES // 1000} KB)")
        else:
            self.data = data
            if self.state.looks_like_csv(name, data):
                problem = self.state.csv_problem(data, name)
                if problem:
                    self._fail(problem)
                else:
                    self._csv_defaults()
                    self.stage = "csv"
            else:
                self._preview()
        self.view.show(PlanMode.IMPORT)

    def begin_plan(self, plan: Plan) -> None:
        """A plan made in the builder goes through the same preview."""
        data = json.dumps(importer.plan_to_dict(plan), ensure_ascii=False, indent=2).encode("utf-8")
        self.begin(f"{plan.plan_id}.json", data, origin="builder")

    def _fail(self, text: str) -> None:
        self.stage, self.error, self.plan, self.outcome = "error", rows.app_words(text), None, None

    def _csv_defaults(self) -> None:
        st = self.state
        plan = st.plan
        self.csv = {"child": st.family.name if st.family else "",
                    "start": drafts.default_start(st.today).isoformat(), "end": "",
                    "weekday": str(plan.weekday_minutes if plan else drafts.DEFAULT_MINUTES),
                    "weekend": str(plan.weekend_minutes if plan else drafts.DEFAULT_MINUTES),
                    "rest": list(plan.rest_days) if plan else []}

    def _preview(self, options: importer.CsvOptions | None = None) -> None:
        def parse() -> tuple[Plan, ImportOutcome]:
            plan = self.state.parse_plan(self.data, self.name, options)
            return plan, self.state.preview_import(plan)

        def shown(got: tuple[Plan, ImportOutcome]) -> None:
            self.stage, (self.plan, self.outcome), self.error = "preview", got, ""
        self.nav.act(parse, then=shown, error=self._fail)

    # ------------------------------------------------------------ CSV fields
    def csv_preview(self) -> None:
        v = self.csv
        problems = []
        if not v["child"].strip():
            problems.append("give the child's name")
        if not v["start"].strip():
            problems.append("give the start date (YYYY-MM-DD)")
        mins = {}
        for k, label in (("weekday", "weekday minutes"), ("weekend", "weekend minutes")):
            s = v[k].strip()
            if s and not s.isdigit():
                problems.append(f"{label} must be a whole number (got {s!r})")
            mins[k] = int(s) if s.isdigit() else None
        if problems:
            self.form_error = "Please " + "; ".join(problems) + "."
            self.view.show(PlanMode.IMPORT)
            return
        self.form_error = ""
        opts = importer.CsvOptions(child=v["child"].strip(), start=v["start"].strip(),
                                   end=v["end"].strip() or None, weekday_minutes=mins["weekday"],
                                   weekend_minutes=mins["weekend"], rest_days=list(v["rest"]))
        self._preview(opts)
        self.view.show(PlanMode.IMPORT)

    # ------------------------------------------------------------ leaving
    def cancel(self) -> None:
        origin = self.origin
        self.reset()
        self.view.show(origin if origin == "builder" and self.view.builder else "view")

    def apply(self) -> None:
        if self.plan is None or self.outcome is None:
            return
        st = self.state
        if self.outcome.action is ImportAction.UNCHANGED:
            self.nav.snack("This plan is already imported; nothing changed")
            self.reset()
            self.view.builder = None
            self.view.show(PlanMode.VIEW)
            return
        def refused(text: str) -> None:
            self._fail(text)
            self.view.show(PlanMode.IMPORT)

        def applied(_done) -> None:
            self.reset()
            self.view.builder = None
            st.viewing = st.today
            self.view.mode = PlanMode.VIEW
            self.nav.titles_changed()

        if self.nav.act(lambda: st.apply_import(self.plan), then=applied, error=refused,
                        done=lambda done: f"Plan saved. {rows.starts_text(done.effective_from, st.today)}."):
            self.nav.show_tab("today")

    # ------------------------------------------------------------ showing
    def controls(self) -> list[ft.Control]:
        head = ft.Row([
            ft.Semantics(content=ft.IconButton(ft.Icons.ARROW_BACK, key="plan-import-back",
                                               on_click=lambda e: self.cancel()),
                         label="Back to the plan", button=True, container=True),
            ft.Text("Check the plan", size=20, weight=ft.FontWeight.BOLD, expand=True),
        ], key="import-head")
        if self.stage == "csv":
            return [head, self._csv_form()]
        return [head, self._preview_box()]

    def _csv_form(self) -> ft.Control:
        v = self.csv

        def setter(name: str) -> Callable:
            return lambda e: v.__setitem__(name, e.control.value or "")

        def rest(day: str, on: bool | None) -> None:
            drafts.toggle_day_list(v["rest"], day, bool(on))

        parts: list[ft.Control] = [
            ft.Text(f"{self.name} is a spreadsheet: it lists the activities. Give the plan's details.", size=14),
            ft.TextField(label="Child's name", value=v["child"], max_length=60, key="csv-child",
                         on_change=setter("child")),
            ft.Row([
                ft.TextField(label="Start (YYYY-MM-DD)", value=v["start"], width=155, key="csv-start",
                             on_change=setter("start")),
                ft.TextField(label="End (optional)", value=v["end"], width=155, key="csv-end",
                             hint_text="YYYY-MM-DD", on_change=setter("end")),
            ], wrap=True),
            ft.Row([
                ft.TextField(label="Weekday minutes", value=v["weekday"], width=150, key="csv-weekday",
                             keyboard_type=ft.KeyboardType.NUMBER, on_change=setter("weekday")),
                ft.TextField(label="Weekend minutes", value=v["weekend"], width=150, key="csv-weekend",
                             keyboard_type=ft.KeyboardType.NUMBER, on_change=setter("weekend")),
            ], wrap=True),
            ft.Text("Rest days", size=14),
            ft.Row([ft.Chip(label=d.capitalize(), selected=d in v["rest"], key=f"csv-rest-{d}",
                            tooltip=f"Rest day: {d.capitalize()}",
                            on_select=lambda e, d=d: rest(d, e.control.selected)) for d in WEEKDAYS],
                   wrap=True, spacing=4),
        ]
        if self.form_error:
            parts.append(ft.Text(self.form_error, color=ERROR_COLOR, key="csv-error"))
        parts.append(ft.Row([
            ft.FilledButton("Preview", icon=ft.Icons.VISIBILITY_OUTLINED, key="csv-preview",
                            height=widgets.TOUCH, on_click=lambda e: self.csv_preview()),
            ft.OutlinedButton("Cancel", key="plan-cancel", height=widgets.TOUCH, on_click=lambda e: self.cancel()),
        ], wrap=True, spacing=8))
        return ft.Container(ft.Column(parts, spacing=10, horizontal_alignment=ft.CrossAxisAlignment.STRETCH),
                            key="csv-form", padding=12,
                            border_radius=ft.BorderRadius.all(16), bgcolor="#F6F8F7")

    def _preview_box(self) -> ft.Control:
        st = self.state
        parts: list[ft.Control] = []
        if self.stage == "error" or self.plan is None:
            parts.append(ft.Row([ft.Icon(ft.Icons.ERROR_OUTLINE, color=ERROR_COLOR),
                                 ft.Text("This plan cannot be used. Nothing was saved.", size=16,
                                         weight=ft.FontWeight.W_600, expand=True)]))
            parts.append(ft.Text(self.error, color=ERROR_COLOR, size=14, key="plan-error", selectable=True))
            buttons = [ft.FilledButton("Choose another file", icon=ft.Icons.UPLOAD_FILE, key="plan-import-again",
                                       height=widgets.TOUCH, on_click=self.pick)] if self.origin == "view" else []
            buttons.append(ft.OutlinedButton("Cancel", key="plan-cancel", height=widgets.TOUCH,
                                             on_click=lambda e: self.cancel()))
            parts.append(ft.Row(buttons, wrap=True, spacing=8))
            return ft.Container(ft.Column(parts, spacing=10), key="plan-preview", padding=12,
                                border_radius=ft.BorderRadius.all(16), bgcolor="#FDECEA")
        plan, outcome = self.plan, self.outcome
        load = scheduler.plan_load(plan)
        over = load.week_minutes > load.week_budget
        head = [ft.Text(f"{plan.child}'s plan", size=20, weight=ft.FontWeight.BOLD, key="preview-child"),
                ft.Text(drafts.dates_text(plan), size=14, key="preview-dates"),
                ft.Text(f"Version {plan.version} · {drafts.budget_text(plan)}", size=14),
                ft.Text(drafts.load_text(load), size=14, weight=ft.FontWeight.W_600, key="preview-load",
                        color=ERROR_COLOR if over else None),
                ft.ProgressBar(value=min(1.0, load.week_minutes / load.week_budget) if load.week_budget else 0,
                               height=8, border_radius=ft.BorderRadius.all(4),
                               color=ERROR_COLOR if over else None, semantics_label=drafts.load_text(load))]
        if plan.therapist_name:
            head.append(ft.Text(f"Therapist: {plan.therapist_name}", size=14))
        parts.append(ft.Container(ft.Column(head, spacing=4), padding=12, bgcolor="#F1F7F5",
                                  border_radius=ft.BorderRadius.all(16)))
        parts.append(ft.Container(
            ft.Row([ft.Icon(ft.Icons.INFO_OUTLINE, color=widgets.SEED),
                    ft.Text(drafts.outcome_text(outcome.action, plan, outcome.effective_from, st.today),
                            size=14, expand=True, key="preview-action")], spacing=8),
            padding=12, bgcolor="#E8F3EF", border_radius=ft.BorderRadius.all(12)))
        if outcome.warnings:
            parts.append(ft.Container(
                ft.Column([ft.Row([ft.Icon(ft.Icons.WARNING_AMBER, color="#B26A00"),
                                   ft.Text(drafts._sentence(w), size=14, expand=True)], spacing=8)
                           for w in outcome.warnings], spacing=6),
                key="plan-warnings", padding=12, bgcolor="#FFF4E5", border_radius=ft.BorderRadius.all(12)))
        parts.append(ft.Text(f"{drafts.count_text(len(plan.goals), 'goal')} · "
                             f"{drafts.count_text(len(plan.activities), 'activity', 'activities')}", size=14,
                             key="preview-counts"))
        parts.extend(plan_body(plan, lambda key, default: default, "preview"))
        parts.append(ft.Row([
            ft.FilledButton("Apply plan", icon=ft.Icons.CHECK, key="plan-apply", height=widgets.TOUCH,
                            disabled=outcome.action is ImportAction.UNCHANGED, on_click=lambda e: self.apply()),
            ft.OutlinedButton("Cancel", key="plan-cancel", height=widgets.TOUCH, on_click=lambda e: self.cancel()),
        ], wrap=True, spacing=8))
        return ft.Container(ft.Column(parts, spacing=8), key="plan-preview")
