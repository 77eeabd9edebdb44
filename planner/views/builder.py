"""Plan builder: a therapist makes or edits a complete plan from the activity library, without JSON.

The draft and every rule live in planner.core.draft; this file only shows them.
Every change updates the draft, checks it, and rebuilds the parts it touches (Flet matches
keyed controls to the ones on screen, so only what changed is sent and focus stays put).
"""
from __future__ import annotations

import json
from typing import TYPE_CHECKING, Callable

import flet as ft

from planner.core import importer
from planner.core.activity import PRECAUTION_LABELS, PRECAUTIONS
from planner.core.model import AREAS, HANDEDNESS, LEVELS, SCHOOL_DAYS, SLOTS, WEEKDAYS
from planner.library import filter_library, load_library, picture_names
from planner.core import draft as drafts
from planner.views import rows, widgets
from planner.views.modes import PlanMode
from planner.core.draft import Draft, DraftActivity

if TYPE_CHECKING:
    from planner.views.plan import PlanView

ERROR_COLOR = "#B3261E"
ANY = "any"
HAND_LABELS = {"left": "Left-handed", "right": "Right-handed", "not-yet": "Not settled yet"}
TEXT_PRECAUTIONS = ("food-allergy",)       # precautions that say which (the allergen)
GAS_HINTS = {"-2": "much less than expected", "-1": "less than expected", "0": "the expected outcome",
             "+1": "more than expected", "+2": "much more than expected"}


def short_label(precaution: str) -> str:
    """"Latex allergy" from "Latex allergy (balloons, some gloves...)": chips stay one short line."""
    return PRECAUTION_LABELS.get(precaution, precaution).split(" (")[0]


def _dropdown(**kw) -> ft.Control:
    """A dropdown in its own screen-reader node (else its "button, collapsed" swallows the whole section)."""
    return ft.Semantics(content=ft.Dropdown(**kw), container=True, expand=kw.get("expand"), label=kw.get("label"))


def _chip(label: str, selected: bool, key: str, tooltip: str, on: Callable[[bool], None]) -> ft.Chip:
    return ft.Chip(label=label, selected=selected, key=key, tooltip=tooltip,
                   on_select=lambda e: on(bool(e.control.selected)))


class BuilderView:
    def __init__(self, view: "PlanView", draft: Draft):
        self.view = view
        self.nav = view.nav
        self.state = view.state
        self.draft = draft
        self.library = load_library()
        self.pictures = picture_names()
        self.known = self.state.known_versions()
        self.area: str | None = None
        self.age: int | None = drafts.child_age(draft, self.state.today)
        self.goal_text = ""
        self.goal_area: str | None = None
        self.own = {"title": "", "area": None, "steps": "", "setting": "table-top"}
        self.open_keys: set[str] = set()      # activities shown with all their fields
        self.open_goals: set[str] = set()     # goals shown with their measures
        self.phase_inputs: dict[str, dict] = {}
        self.choice: dict = {"title": "", "options": []}
        self.check = drafts.check(draft, self.library, self.pictures, self.known)

    # ------------------------------------------------------------ building
    def controls(self) -> list[ft.Control]:
        d = self.draft
        title = "Edit this plan" if d.editing else "Build a plan"
        out: list[ft.Control] = [ft.Row([
            widgets.icon_button(ft.Icons.ARROW_BACK, "Close the builder", "draft-cancel",
                                on_click=lambda e: self.view.close_builder()),
            ft.Text(title, size=20, weight=ft.FontWeight.BOLD, expand=True, key="draft-title"),
        ], key="draft-head")]
        if d.editing:
            out.append(ft.Text(f"Saving makes version {d.version} of this plan; it takes over from today.",
                               size=13, italic=True, key="draft-edit-note"))
        out.append(self._details())
        out.append(self._child())
        out.append(self._goals())
        out.append(self._activities())
        out.append(self._status())
        out.append(self._own())
        out.append(self._choice_section())
        out.append(self._library())
        return out

    def _details(self) -> ft.Control:
        d = self.draft

        def setter(attr: str) -> Callable:
            def on(e) -> None:
                setattr(d, attr, e.control.value or "")
                self.revalidate()
            return on

        return widgets.section(
            "The plan",
            ft.TextField(label="Child's name", value=d.child, max_length=60, key="draft-child",
                         on_change=setter("child")),
            ft.Row([
                ft.TextField(label="Start (YYYY-MM-DD)", value=d.start, width=155, key="draft-start",
                             on_change=setter("start")),
                ft.TextField(label="End (optional)", value=d.end, width=155, key="draft-end", hint_text="YYYY-MM-DD",
                             on_change=setter("end")),
            ], wrap=True, spacing=8, run_spacing=8),
            ft.Row([
                ft.TextField(label="Weekday minutes", value=d.weekday_minutes, width=150, key="draft-weekday",
                             keyboard_type=ft.KeyboardType.NUMBER, on_change=setter("weekday_minutes")),
                ft.TextField(label="Weekend minutes", value=d.weekend_minutes, width=150, key="draft-weekend",
                             keyboard_type=ft.KeyboardType.NUMBER, on_change=setter("weekend_minutes")),
            ], wrap=True),
            ft.Text("Rest days", size=14),
            ft.Row([_chip(x.capitalize(), x in d.rest_days, f"draft-rest-{x}", f"Rest day: {x.capitalize()}",
                          lambda on, x=x: self._rest(x, on)) for x in WEEKDAYS], wrap=True, spacing=4),
            key="draft-details")

    def _child(self) -> ft.Control:
        """Who the plan is for: asked for every new plan, never copied from the child on screen."""
        d = self.draft

        def setter(attr: str) -> Callable:
            def on(e) -> None:
                setattr(d, attr, e.control.value or "")
                self.revalidate()
            return on

        def therapist(part: str) -> Callable:
            def on(e) -> None:
                value = (e.control.value or "").strip()
                if value:
                    d.therapist[part] = value
                else:
                    d.therapist.pop(part, None)
                self.revalidate()
            return on

        school = d.school_days if d.school_days is not None else list(SCHOOL_DAYS)
        parts: list[ft.Control] = [
            ft.TextField(label="Birth date (YYYY-MM-DD)", value=d.birth_date, width=220, key="draft-birth",
                         hint_text="for age checks", on_change=setter("birth_date")),
            ft.TextField(label="Therapist's name", value=d.therapist.get("name", ""), max_length=80,
                         key="draft-therapist", on_change=therapist("name")),
            ft.TextField(label="Therapist's contact (optional)", value=d.therapist.get("contact", ""),
                         max_length=120, key="draft-therapist-contact", on_change=therapist("contact")),
            _dropdown(label="Handedness", value=d.handedness or ANY, width=220, key="draft-handedness",
                      options=[ft.DropdownOption(key=ANY, text="Not given")]
                      + [ft.DropdownOption(key=h, text=HAND_LABELS[h]) for h in HANDEDNESS],
                      on_select=lambda e: self._hand(e.control.value)),
            ft.Text("School days (after-school and homework slots fall on these)", size=14),
            ft.Row([_chip(x.capitalize(), x in school, f"draft-school-{x}", f"School day: {x.capitalize()}",
                          lambda on, x=x: self._school(x, on)) for x in WEEKDAYS], wrap=True, spacing=4),
            ft.Text("Precautions", size=14),
            ft.Row([_chip(short_label(p), p in d.precautions, f"draft-precaution-{p}",
                          f"Precaution: {PRECAUTION_LABELS[p]}", lambda on, p=p: self._precaution(p, on))
                    for p in PRECAUTIONS], wrap=True, spacing=4, run_spacing=4),
        ]
        for p in d.precautions:
            if p in TEXT_PRECAUTIONS:
                parts.append(ft.TextField(label=f"{short_label(p)}: which?", max_length=120,
                                          value=d.precaution_texts.get(p, ""), key=f"draft-precaution-{p}-text",
                                          on_change=lambda e, p=p: self._precaution_text(p, e.control.value)))
        parts.append(ft.TextField(label="Other precautions (optional)", value=d.precaution_notes, max_length=500,
                                  multiline=True, key="draft-precaution-notes",
                                  on_change=setter("precaution_notes")))
        return widgets.section("The child", *parts, key="draft-child-section")

    def _goals(self) -> ft.Control:
        d = self.draft
        lines: list[ft.Control] = []
        for g in d.goals:
            lines.append(ft.Row([
                ft.Container(width=6, height=36, bgcolor=rows.area_color(g.area), border_radius=ft.BorderRadius.all(3)),
                ft.Column([ft.Text(g.text, size=14),
                           ft.Text(rows.area_label(g.area) if g.area else "No area", size=12, color="#49454F")],
                          spacing=0, expand=True, tight=True),
                widgets.icon_button(ft.Icons.EXPAND_LESS if g.id in self.open_goals else ft.Icons.EDIT_OUTLINED,
                                    f"Measures of goal: {g.text}", f"draft-goal-{g.id}-open",
                                    on_click=lambda e, gid=g.id: self._open_goal(gid)),
                widgets.icon_button(ft.Icons.DELETE_OUTLINE, f"Remove goal: {g.text}", f"draft-goal-{g.id}-remove",
                                    on_click=lambda e, gid=g.id: self._remove_goal(gid)),
            ], spacing=8, key=f"draft-goal-{g.id}"))
            if g.id in self.open_goals:
                lines.append(self._goal_fields(g))
        if not d.goals:
            lines.append(ft.Text("No goals yet. Goals are optional; activities can be linked to one.", size=13,
                                 italic=True))

        def on_text(e) -> None:
            self.goal_text = e.control.value or ""

        def on_area(e) -> None:
            self.goal_area = None if e.control.value in (None, ANY) else e.control.value

        lines.append(ft.TextField(label="New goal (what the child will do)", value=self.goal_text, max_length=200,
                                  key="draft-goal-text", on_change=on_text, on_submit=lambda e: self._add_goal()))
        lines.append(ft.Row([
            _dropdown(label="Area", value=self.goal_area or ANY, width=200, key="draft-goal-area",
                        options=[ft.DropdownOption(key=ANY, text="No area")]
                        + [ft.DropdownOption(key=a, text=rows.area_label(a)) for a in AREAS],
                        on_select=on_area),
            ft.FilledTonalButton("Add goal", icon=ft.Icons.ADD, key="draft-goal-add", height=widgets.TOUCH,
                                 on_click=lambda e: self._add_goal()),
        ], wrap=True, spacing=8, vertical_alignment=ft.CrossAxisAlignment.CENTER))
        return widgets.section("Goals", *lines, key="draft-goals")

    def _goal_fields(self, g) -> ft.Control:
        def setter(attr: str) -> Callable:
            def on(e) -> None:
                setattr(g, attr, e.control.value or "")
                self.revalidate()
            return on

        def gas(i: int) -> Callable:
            def on(e) -> None:
                g.gas[i] = e.control.value or ""
                self.revalidate()
            return on

        fields: list[ft.Control] = [
            ft.TextField(label="Now (baseline)", value=g.baseline, max_length=300, key=f"draft-goal-{g.id}-baseline",
                         on_change=setter("baseline")),
            ft.TextField(label="Target (the criterion)", value=g.target, max_length=300,
                         key=f"draft-goal-{g.id}-target", on_change=setter("target")),
            ft.TextField(label="Target date (YYYY-MM-DD)", value=g.target_date, width=220,
                         key=f"draft-goal-{g.id}-date", on_change=setter("target_date")),
            ft.Text("Goal levels (optional, Goal Attainment Scaling)", size=13),
        ]
        for i, level in enumerate(drafts.GAS_KEYS):
            fields.append(ft.TextField(label=f"{level}: {GAS_HINTS[level]}", value=g.gas[i], max_length=300,
                                       key=f"draft-goal-{g.id}-gas{level}", on_change=gas(i)))
        return ft.Container(ft.Column(fields, spacing=6), padding=ft.Padding.only(left=14, bottom=6),
                            key=f"draft-goal-{g.id}-fields")

    def _activities(self) -> ft.Control:
        d = self.draft
        cards: list[ft.Control] = [self._activity_card(a) for a in d.activities]
        if not cards:
            cards.append(ft.Text("No activities yet: add them from the library below.", size=13, italic=True,
                                 key="draft-no-activities"))
        return widgets.section(f"Activities ({len(d.activities)})", *cards, key="draft-activities")

    def _activity_card(self, a: DraftActivity) -> ft.Control:
        d = self.draft
        k = a.key
        title = drafts.activity_title(a, self.library)
        is_open = k in self.open_keys
        head = ft.Row([
            widgets.picture(drafts.activity_picture(a, self.library), 44, title, radius=8),
            ft.Column([ft.Text(title, size=15, weight=ft.FontWeight.W_600),
                       ft.Text(drafts.draft_line(a, d), size=13, color="#49454F", key=f"draft-{k}-summary")],
                      spacing=0, expand=True, tight=True),
            widgets.icon_button(ft.Icons.EXPAND_LESS if is_open else ft.Icons.EDIT_OUTLINED,
                                f"Close {title}" if is_open else f"Change {title}", f"draft-{k}-open",
                                on_click=lambda e: self._open(k, not is_open)),
            widgets.icon_button(ft.Icons.DELETE_OUTLINE, f"Remove {title}", f"draft-{k}-remove",
                                on_click=lambda e: self._remove(k)),
        ], spacing=4, vertical_alignment=ft.CrossAxisAlignment.CENTER)
        parts: list[ft.Control] = [head]
        if self.check.activity == k:
            parts.append(ft.Text(self.check.error, color=ERROR_COLOR, size=13, key=f"draft-{k}-error"))
        if is_open:
            parts.extend(self._activity_fields(a, title))
        return ft.Container(
            ft.Column(parts, spacing=8, horizontal_alignment=ft.CrossAxisAlignment.STRETCH), key=f"draft-{k}",
            padding=ft.Padding.only(left=8, right=4, top=6, bottom=8 if is_open else 6), bgcolor="#FFFFFF",
            border_radius=ft.BorderRadius.all(14),
            border=ft.Border.only(left=ft.BorderSide(6, rows.area_color(self._area_of(a)))))

    def _activity_fields(self, a: DraftActivity, title: str) -> list[ft.Control]:
        d = self.draft
        k = a.key

        def text_setter(attr: str) -> Callable:
            def on(e) -> None:
                setattr(a, attr, e.control.value or "")
                self.revalidate(*(["activities"] if attr != "notes" else []))     # the summary line follows
            return on

        def on_count(e) -> None:
            drafts.set_count(a, e.control.value or "")
            self.revalidate("activities")

        freq = _dropdown(label="How often", value=a.kind, width=185, key=f"draft-{k}-freq",
                           options=[ft.DropdownOption(key=v, text=t) for v, t in drafts.FREQ_KINDS.items()],
                           on_select=lambda e: self._kind(a, e.control.value))
        top: list[ft.Control] = [freq]
        if a.kind == "days":
            top.append(ft.TextField(label="Times on each day", value=a.per_day or "1", width=140,
                                    key=f"draft-{k}-per-day", keyboard_type=ft.KeyboardType.NUMBER,
                                    on_change=lambda e: self._per_day(a, e.control.value)))
        elif a.kind != "needed":
            top.append(ft.TextField(label=drafts.FREQ_KINDS[a.kind], value=a.count, width=115,
                                    key=f"draft-{k}-count", keyboard_type=ft.KeyboardType.NUMBER,
                                    on_change=on_count))
        parts: list[ft.Control] = [ft.Row(top, wrap=True, spacing=8, run_spacing=8,
                                          vertical_alignment=ft.CrossAxisAlignment.CENTER)]
        if a.kind == "days":
            parts.append(ft.Row([_chip(x.capitalize(), x in a.days, f"draft-{k}-day-{x}",
                                       f"{title} on {x.capitalize()}", lambda on, x=x: self._day(a, x, on))
                                 for x in WEEKDAYS], wrap=True, spacing=4))
        parts.append(ft.Row([
            ft.TextField(label="Minutes", value=a.minutes, width=110, key=f"draft-{k}-minutes",
                         keyboard_type=ft.KeyboardType.NUMBER, on_change=text_setter("minutes")),
            ft.TextField(label="Reps", value=a.reps, width=110, key=f"draft-{k}-reps", hint_text="optional",
                         keyboard_type=ft.KeyboardType.NUMBER, on_change=text_setter("reps")),
        ], wrap=True, spacing=8, run_spacing=8))
        parts.append(ft.Text("When in the day", size=13))
        parts.append(ft.Row([_chip(rows.slot_label(s), s in a.slots, f"draft-{k}-slot-{s}",
                                   f"{title}: {rows.slot_label(s)}", lambda on, s=s: self._slot(a, s, on))
                             for s in SLOTS], wrap=True, spacing=4))
        parts.append(ft.Row([_dropdown(
            label="Goal", value=a.goal or ANY, key=f"draft-{k}-goal", expand=True,
            options=[ft.DropdownOption(key=ANY, text="No goal")]
            + [ft.DropdownOption(key=g.id, text=g.text if len(g.text) <= 40 else g.text[:38] + "…") for g in d.goals],
            on_select=lambda e: self._goal(a, e.control.value))]))
        parts.append(ft.TextField(label="Notes for the family (optional)", value=a.notes, multiline=True,
                                  min_lines=1, max_lines=4, max_length=500, key=f"draft-{k}-notes",
                                  on_change=text_setter("notes")))
        parts.extend(self._v2_fields(a, title))
        return parts

    def _v2_fields(self, a: DraftActivity, title: str) -> list[ft.Control]:
        """Dose details, safety and progression (plan format 2); all optional."""
        k = a.key

        def field_setter(name: str) -> Callable:
            def on(e) -> None:
                drafts.set_field(a, name, e.control.value or "")
                self.revalidate()
            return on

        out: list[ft.Control] = [ft.Text("Dose details (optional)", size=13)]
        out.append(ft.Row([
            ft.TextField(label=label, value=str(a.v2.get(name, "")), width=150 if name != "resistance" else 200,
                         key=f"draft-{k}-{name}", on_change=field_setter(name),
                         keyboard_type=None if name == "resistance" else ft.KeyboardType.NUMBER)
            for name, label in drafts.DOSE_FIELDS.items()], wrap=True, spacing=8, run_spacing=8))
        out.append(ft.Row([
            _chip("Each side", bool(a.v2.get("per_side")), f"draft-{k}-per_side", f"{title}: each side",
                  lambda on: self._set(a, "per_side", on)),
            _dropdown(label="Version", value=a.v2.get("level") or ANY, width=170, key=f"draft-{k}-level",
                      options=[ft.DropdownOption(key=ANY, text="As the library")]
                      + [ft.DropdownOption(key=lv, text=rows.LEVEL_LABELS[lv]) for lv in LEVELS],
                      on_select=lambda e: self._set(a, "level", None if e.control.value == ANY else e.control.value)),
        ], wrap=True, spacing=8, vertical_alignment=ft.CrossAxisAlignment.CENTER))
        out.append(ft.Row([
            ft.TextField(label="From (YYYY-MM-DD)", value=str(a.v2.get("from", "")), width=170,
                         key=f"draft-{k}-from", hint_text="optional", on_change=field_setter("from")),
            ft.TextField(label="Until (YYYY-MM-DD)", value=str(a.v2.get("until", "")), width=170,
                         key=f"draft-{k}-until", hint_text="optional", on_change=field_setter("until")),
        ], wrap=True, spacing=8, run_spacing=8))
        out.append(_chip("Uses the daily practice time", a.v2.get("counts_toward_budget") is not False,
                         f"draft-{k}-budget", f"{title} uses the daily practice time",
                         lambda on: self._budget(a, on)))
        for name, label in drafts.TEXT_FIELDS.items():
            out.append(ft.TextField(label=f"{label} (optional)", value=str(a.v2.get(name, "")), max_length=500,
                                    multiline=True, key=f"draft-{k}-{name}", on_change=field_setter(name)))
        phases = a.v2.get("phases") or []
        for i, ph in enumerate(phases):
            bits = [rows.LEVEL_LABELS.get(ph.get("level"), "") if ph.get("level") else "",
                    f"{ph['minutes']} min" if ph.get("minutes") else ""]
            out.append(ft.Row([
                ft.Text(f"From week {ph.get('week')}: " + ", ".join(b for b in bits if b), size=13, expand=True,
                        key=f"draft-{k}-phase-{i}"),
                widgets.icon_button(ft.Icons.DELETE_OUTLINE, f"Remove step {i + 1} of {title}",
                                    f"draft-{k}-phase-{i}-remove", on_click=lambda e, i=i: self._remove_phase(a, i)),
            ]))
        pending = self.phase_inputs.setdefault(k, {"week": "", "level": None, "minutes": ""})
        out.append(ft.Row([
            ft.TextField(label="From week", value=pending["week"], width=110, key=f"draft-{k}-phase-week",
                         keyboard_type=ft.KeyboardType.NUMBER,
                         on_change=lambda e: pending.__setitem__("week", e.control.value or "")),
            _dropdown(label="Then version", value=pending["level"] or ANY, width=160, key=f"draft-{k}-phase-level",
                      options=[ft.DropdownOption(key=ANY, text="Same")]
                      + [ft.DropdownOption(key=lv, text=rows.LEVEL_LABELS[lv]) for lv in LEVELS],
                      on_select=lambda e: pending.__setitem__("level", None if e.control.value == ANY
                                                              else e.control.value)),
            ft.TextField(label="Then minutes", value=pending["minutes"], width=120, key=f"draft-{k}-phase-minutes",
                         keyboard_type=ft.KeyboardType.NUMBER,
                         on_change=lambda e: pending.__setitem__("minutes", e.control.value or "")),
            ft.OutlinedButton("Add step", key=f"draft-{k}-phase-add", height=widgets.TOUCH,
                              on_click=lambda e: self._add_phase(a)),
        ], wrap=True, spacing=8, run_spacing=8, vertical_alignment=ft.CrossAxisAlignment.CENTER))
        clash = self._conflicts(a)
        if clash:
            checked = list(a.v2.get("precaution_checked") or [])
            out.append(ft.Text("This activity needs care with the child's precautions. Tick what you checked:",
                               size=13, color="#8C1D18"))
            out.append(ft.Row([_chip(short_label(p), p in checked, f"draft-{k}-checked-{p}",
                                     f"Checked: {PRECAUTION_LABELS.get(p, p)}",
                                     lambda on, p=p: self._checked(a, p, on)) for p in clash], wrap=True, spacing=4))
        return out

    def _conflicts(self, a: DraftActivity) -> list[str]:
        keys = a.choice["options"] if a.choice else [a.key]
        found = [p for key in keys if (lib := self.library.get(key)) and not a.custom
                 for p in lib.conflicts if p in self.draft.precautions]
        return list(dict.fromkeys(found))

    def _choice_section(self) -> ft.Control:
        """A choice menu: the parent or child picks one of 2-8 library activities each time."""
        picked = self.choice["options"]
        found = filter_library(self.area, self.age, self.library)

        def on_title(e) -> None:
            self.choice["title"] = e.control.value or ""

        chips = [_chip(self.library[o].title, True, f"choice-picked-{o}", f"Remove {self.library[o].title}",
                       lambda on, o=o: self._choice_pick(o, on)) for o in picked if o in self.library]
        return widgets.section(
            "A choice menu",
            ft.Text("For example heavy work: wall push-ups or carrying, whichever the child picks.", size=13),
            ft.TextField(label="Title of the choice", value=self.choice["title"], max_length=80,
                         key="choice-title", on_change=on_title),
            _dropdown(label="Add an activity to choose from", value=ANY, key="choice-add", expand=True,
                      options=[ft.DropdownOption(key=ANY, text="Choose an activity")]
                      + [ft.DropdownOption(key=lib.id, text=lib.title) for lib in found if lib.id not in picked],
                      on_select=lambda e: self._choice_pick(e.control.value, True)),
            ft.Row(chips, wrap=True, spacing=4, key="choice-picked") if chips else
            ft.Text("Pick at least two.", size=13, italic=True),
            ft.FilledTonalButton("Add the choice", icon=ft.Icons.ADD, key="choice-save", height=widgets.TOUCH,
                                 on_click=lambda e: self._add_choice()),
            key="draft-choice")

    def _area_of(self, a: DraftActivity) -> str | None:
        if a.custom:
            areas = a.custom.get("areas") or [a.custom.get("area")]
            return areas[0] if areas else None
        lib = self.library.get(a.key)
        return lib.areas[0] if lib and lib.areas else None

    def _status(self) -> ft.Control:
        c = self.check
        parts: list[ft.Control] = [ft.Text("Check", size=16, weight=ft.FontWeight.W_600)]
        if c.load:
            over = c.load.week_minutes > c.load.week_budget
            parts.append(ft.Text(c.load_text, size=15, weight=ft.FontWeight.W_600, key="draft-load",
                                 color=ERROR_COLOR if over else None))
            parts.append(ft.ProgressBar(value=min(1.0, c.load.week_minutes / c.load.week_budget)
                                        if c.load.week_budget else 0, height=8,
                                        border_radius=ft.BorderRadius.all(4), color=ERROR_COLOR if over else None,
                                        semantics_label=c.load_text))
        if c.error:
            empty = not self.draft.activities          # just started: a hint, not a mistake
            parts.append(ft.Row([ft.Icon(ft.Icons.INFO_OUTLINE if empty else ft.Icons.ERROR_OUTLINE,
                                         color=widgets.SEED if empty else ERROR_COLOR),
                                 ft.Text(c.error, color=None if empty else ERROR_COLOR, size=14, expand=True,
                                         key="draft-error")],
                                spacing=8, vertical_alignment=ft.CrossAxisAlignment.START))
        elif not c.warnings:
            parts.append(ft.Text("The plan is complete.", size=14, key="draft-ok"))
        if c.warnings:
            parts.append(ft.Column([ft.Row([ft.Icon(ft.Icons.WARNING_AMBER, color="#B26A00"),
                                            ft.Text(drafts._sentence(w), size=14, expand=True)], spacing=8)
                                    for w in c.warnings], key="draft-warnings", spacing=4))
        parts.append(ft.Row([
            ft.FilledButton("Use this plan", icon=ft.Icons.CHECK, key="plan-use", height=widgets.TOUCH,
                            disabled=not c.ok, on_click=lambda e: self.use()),
            ft.OutlinedButton("Export plan file", icon=ft.Icons.DOWNLOAD, key="plan-export", height=widgets.TOUCH,
                              disabled=not c.ok, on_click=self.export),
        ], wrap=True, spacing=8))
        return ft.Container(ft.Column(parts, spacing=8), key="draft-status", padding=12,
                            border_radius=ft.BorderRadius.all(16),
                            bgcolor="#FDECEA" if c.error and self.draft.activities else "#E8F3EF")

    def _library(self) -> ft.Control:
        return widgets.section(
            "Add from the library",
            ft.Row([
                _dropdown(label="Area", value=self.area or ANY, width=200, key="lib-area",
                            options=[ft.DropdownOption(key=ANY, text="All areas")]
                            + [ft.DropdownOption(key=a, text=rows.area_label(a)) for a in AREAS],
                            on_select=lambda e: self._filter(area=e.control.value)),
                _dropdown(label="Age", value=ANY if self.age is None else str(self.age), width=130, key="lib-age",
                            options=[ft.DropdownOption(key=ANY, text="Any age")]
                            + [ft.DropdownOption(key=str(n), text=f"{n} years" if n != 1 else "1 year")
                               for n in drafts.AGES],
                            on_select=lambda e: self._filter(age=e.control.value)),
            ], wrap=True, spacing=8),
            ft.Column(self._library_rows(), spacing=4), key="draft-library")

    def _own(self) -> ft.Control:
        """A therapist's own activity, for what the library does not have."""
        def setter(name: str) -> Callable:
            def on(e) -> None:
                value = e.control.value
                self.own[name] = None if value == ANY else value
            return on

        return widgets.section(
            "Your own activity",
            ft.Text("For something the library does not have. It gets a plain picture; the family can "
                    "use their own photo.", size=13),
            ft.TextField(label="Title", value=self.own["title"], max_length=80, key="own-title",
                         on_change=setter("title")),
            ft.Row([
                _dropdown(label="Area", value=self.own["area"] or ANY, width=200, key="own-area",
                          options=[ft.DropdownOption(key=ANY, text="Choose an area")]
                          + [ft.DropdownOption(key=a, text=rows.area_label(a)) for a in AREAS],
                          on_select=setter("area")),
                _dropdown(label="Kind", value=self.own["setting"], width=160, key="own-setting",
                          options=[ft.DropdownOption(key="table-top", text="At the table"),
                                   ft.DropdownOption(key="movement", text="Moving"),
                                   ft.DropdownOption(key="routine", text="Daily routine")],
                          on_select=setter("setting")),
            ], wrap=True, spacing=8),
            ft.TextField(label="Steps, one per line (optional)", value=self.own["steps"], multiline=True,
                         min_lines=2, max_lines=6, key="own-steps", on_change=setter("steps")),
            ft.TextField(label="Safety (optional; shown before the steps)", value=self.own.get("safety", ""),
                         multiline=True, max_length=300, key="own-safety", on_change=setter("safety")),
            ft.FilledTonalButton("Add my activity", icon=ft.Icons.ADD, key="own-add", height=widgets.TOUCH,
                                 on_click=lambda e: self._add_own()),
            key="draft-own")

    def _add_own(self) -> None:
        got = drafts.add_custom_activity(self.draft, self.own["title"], self.own["area"], self.own["steps"],
                                         self.own["setting"] or "table-top", self.own.get("safety") or "")
        if isinstance(got, str):
            self.nav.snack(got, error=True)
            return
        self.open_keys.add(got.key)
        self.nav.snack(f"Added {got.custom['title']}")
        self.own = {"title": "", "area": None, "steps": "", "setting": "table-top"}
        self.revalidate("activities", "own")

    def _library_rows(self) -> list[ft.Control]:
        found = filter_library(self.area, self.age, self.library)
        items: list[ft.Control] = [ft.Text(rows.plural(len(found), "activity", "activities"), size=13, key="lib-count")]
        for lib in found:
            added = self.draft.activity(lib.id) is not None
            items.append(ft.Container(ft.Row([
                widgets.picture(lib.picture, 48, lib.title, radius=8),
                ft.Column([ft.Text(lib.title, size=14, weight=ft.FontWeight.W_500),
                           ft.Row([widgets.area_chip(a) for a in lib.areas], wrap=True, spacing=4, run_spacing=2),
                           ft.Text(f"{lib.age_text()} · {drafts.activity_dose(lib)}", size=12,
                                   color="#49454F")],
                          spacing=2, expand=True, tight=True),
                ft.Semantics(content=ft.OutlinedButton("Added" if added else "Add", key=f"lib-add-{lib.id}",
                                                       height=widgets.TOUCH, disabled=added,
                                                       on_click=lambda e, lib=lib: self._add(lib)),
                             label=f"{'Added' if added else 'Add'} {lib.title}", button=True, container=True),
            ], spacing=8, vertical_alignment=ft.CrossAxisAlignment.CENTER),
                key=f"lib-{lib.id}", padding=ft.Padding.symmetric(vertical=4)))
        if not found:
            items.append(ft.Text("Nothing for this area and age.", size=13, italic=True))
        return items

    # ------------------------------------------------------------ updating
    def rerender(self) -> None:
        """Check the draft and show the whole builder again (keyed controls are matched to the ones
        on screen, so a field being typed in keeps its focus)."""
        self.check = drafts.check(self.draft, self.library, self.pictures, self.known)
        self.view.show(PlanMode.BUILDER)

    def revalidate(self, *parts: str) -> None:
        """Check the draft and rebuild only the status and the named parts ("activities", "library")."""
        before = self.check
        self.check = drafts.check(self.draft, self.library, self.pictures, self.known)
        if (before.activity, before.error) != (self.check.activity, self.check.error) and \
                (before.activity or self.check.activity) and "activities" not in parts:
            parts = parts + ("activities",)           # an activity's own error line comes or goes
        lv = self.view.list
        if self.view.mode is not PlanMode.BUILDER or not lv.page:
            return
        makers = {"draft-status": self._status, "draft-activities": self._activities,
                  "draft-library": self._library, "draft-goals": self._goals, "draft-own": self._own,
                  "draft-child-section": self._child, "draft-choice": self._choice_section}
        wanted = ["draft-status"] + [f"draft-{p}" for p in parts]
        at = {getattr(c, "key", None): i for i, c in enumerate(lv.controls)}
        if any(w not in at for w in wanted):
            self.rerender()
            return
        for w in wanted:
            lv.controls[at[w]] = makers[w]()
        lv.update()

    # ------------------------------------------------------------ actions
    def _rest(self, day: str, on: bool) -> None:
        drafts.toggle_rest_day(self.draft, day, on)
        self.revalidate()

    def _add_goal(self) -> None:
        if drafts.add_goal(self.draft, self.goal_text, self.goal_area) is None:
            self.nav.snack("Write the goal first", error=True)
            return
        self.goal_text, self.goal_area = "", None
        self.revalidate("goals", "activities")

    def _remove_goal(self, gid: str) -> None:
        drafts.remove_goal(self.draft, gid)
        self.revalidate("goals", "activities")

    def _add(self, lib) -> None:
        if drafts.add_library_activity(self.draft, lib) is None:
            return
        self.open_keys.add(lib.id)
        self.nav.snack(f"Added {lib.title}")
        self.revalidate("activities", "library")

    def _remove(self, key: str) -> None:
        drafts.remove_activity(self.draft, key)
        self.revalidate("activities", "library")

    def _open(self, key: str, on: bool) -> None:
        (self.open_keys.add if on else self.open_keys.discard)(key)
        self.revalidate("activities")

    def _hand(self, value: str | None) -> None:
        self.draft.handedness = None if value in (None, ANY) else value
        self.revalidate()

    def _school(self, day: str, on: bool) -> None:
        drafts.toggle_school_day(self.draft, day, on)
        self.revalidate()

    def _precaution(self, p: str, on: bool) -> None:
        drafts.toggle_precaution(self.draft, p, on)
        self.revalidate("child-section", "activities")

    def _precaution_text(self, p: str, text: str | None) -> None:
        self.draft.precaution_texts[p] = text or ""
        self.revalidate()

    def _open_goal(self, gid: str) -> None:
        (self.open_goals.discard if gid in self.open_goals else self.open_goals.add)(gid)
        self.revalidate("goals")

    def _per_day(self, a: DraftActivity, text: str | None) -> None:
        a.per_day = (text or "").strip()
        self.revalidate("activities")

    def _set(self, a: DraftActivity, name: str, value) -> None:
        drafts.set_field(a, name, value)
        self.revalidate("activities")

    def _budget(self, a: DraftActivity, on: bool) -> None:
        drafts.set_budget_counted(a, on)
        self.revalidate("activities")

    def _checked(self, a: DraftActivity, p: str, on: bool) -> None:
        checked = [x for x in (a.v2.get("precaution_checked") or []) if x != p] + ([p] if on else [])
        drafts.set_field(a, "precaution_checked", checked)
        self.revalidate("activities")

    def _add_phase(self, a: DraftActivity) -> None:
        pending = self.phase_inputs.get(a.key) or {}
        if not (pending.get("week") or "").strip():
            self.nav.snack("Give the week the step starts, for example 3", error=True)
            return
        drafts.add_phase(a, pending["week"], pending.get("level"), pending.get("minutes") or "")
        self.phase_inputs[a.key] = {"week": "", "level": None, "minutes": ""}
        self.revalidate("activities")

    def _remove_phase(self, a: DraftActivity, i: int) -> None:
        drafts.remove_phase(a, i)
        self.revalidate("activities")

    def _choice_pick(self, key: str | None, on: bool) -> None:
        opts = self.choice["options"]
        if key in (None, ANY):
            return
        if on and key not in opts:
            opts.append(key)
        elif not on and key in opts:
            opts.remove(key)
        self.revalidate("choice")

    def _add_choice(self) -> None:
        got = drafts.add_choice(self.draft, self.choice["title"], self.choice["options"], self.library)
        if isinstance(got, str):
            self.nav.snack(got, error=True)
            return
        self.open_keys.add(got.key)
        self.nav.snack(f"Added the choice {got.choice['title']}")
        self.choice = {"title": "", "options": []}
        self.revalidate("activities", "choice")

    def _kind(self, a: DraftActivity, kind: str | None) -> None:
        drafts.set_kind(self.draft, a, kind or "week")
        self.revalidate("activities")

    def _day(self, a: DraftActivity, day: str, on: bool) -> None:
        drafts.toggle_day(a, day, on)
        self.revalidate("activities")

    def _slot(self, a: DraftActivity, slot: str, on: bool) -> None:
        drafts.toggle_slot(a, slot, on)
        self.revalidate("activities")

    def _goal(self, a: DraftActivity, gid: str | None) -> None:
        a.goal = None if gid in (None, ANY) else gid
        self.revalidate("activities")

    def _filter(self, area: str | None = None, age: str | None = None) -> None:
        if area is not None:
            self.area = None if area == ANY else area
        if age is not None:
            self.age = None if age == ANY else int(age)
        self.revalidate("library")

    # ------------------------------------------------------------ leaving
    def plan_bytes(self) -> bytes | None:
        self.check = drafts.check(self.draft, self.library, self.pictures, self.known)
        if not self.check.ok:
            return None
        return json.dumps(importer.plan_to_dict(self.check.plan), ensure_ascii=False, indent=2).encode("utf-8")

    async def export(self, e=None) -> None:
        data = self.plan_bytes()
        if data is None:
            self.revalidate()
            self.nav.snack(self.check.error or "The plan is not complete yet", error=True)
            return
        name = f"{self.check.plan.plan_id}.json"
        await self.nav.save_file(dialog_title="Save the plan file", file_name=name, src_bytes=data,
                                 file_type=ft.FilePickerFileType.CUSTOM, allowed_extensions=["json"])
        self.nav.snack(f"Plan file {name} saved")

    def use(self) -> None:
        if self.plan_bytes() is None:
            self.revalidate()
            self.nav.snack(self.check.error or "The plan is not complete yet", error=True)
            return
        self.view.importer.begin_plan(self.check.plan)
