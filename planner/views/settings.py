"""Parent settings: budget, rest days, holidays, child, PIN, reward."""
from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

import flet as ft

from planner.core.model import WEEKDAYS
from planner.views import widgets

if TYPE_CHECKING:
    from planner.views.navigator import Navigator
    from planner.views.state import AppState


class SettingsView:
    def __init__(self, state: "AppState", nav: "Navigator"):
        self.state = state
        self.nav = nav
        self.control = ft.ListView(expand=True, spacing=10, padding=ft.Padding.symmetric(horizontal=12, vertical=8),
                                   key="settings-view")

    def refresh(self) -> None:
        st = self.state
        c = self.control.controls
        c.clear()
        c.append(ft.Container(ft.Text("Settings", size=20, weight=ft.FontWeight.BOLD), padding=ft.Padding.only(top=4)))
        if not st.has_plan:
            c.append(widgets.message_card("Import a plan first (Plan tab).", key="no-plan"))
            c.extend(self.extra_sections())
            return
        kids = st.children()
        if len(kids) > 1:
            c.append(widgets.section("Child", ft.Semantics(content=ft.Dropdown(
                key="settings-child", label="Show the plan of", value=st.family.key,
                options=[ft.DropdownOption(key=k, text=n) for k, n in kids],
                on_select=lambda e: self.switch_child(e.control.value)), container=True, label="Show the plan of")))
        plan = st.plan
        self.weekday = ft.TextField(label="Weekday minutes", value=str(plan.weekday_minutes), width=150,
                                    keyboard_type=ft.KeyboardType.NUMBER, key="settings-weekday")
        self.weekend = ft.TextField(label="Weekend minutes", value=str(plan.weekend_minutes), width=150,
                                    keyboard_type=ft.KeyboardType.NUMBER, key="settings-weekend")
        c.append(widgets.section("Daily time budget",
                          ft.Row([self.weekday, self.weekend], wrap=True),
                          ft.FilledButton("Save budget", key="settings-save-budget", height=widgets.TOUCH,
                                          on_click=lambda e: self.save_budget()),
                          ft.Text("Changes apply from today; earlier days stay as they were.", size=12)))
        self.rest = {d: d in plan.rest_days for d in WEEKDAYS}
        self.rest_chips = [ft.Chip(label=d.capitalize(), selected=self.rest[d], key=f"settings-rest-{d}",
                                   on_select=lambda e, d=d: self.toggle_rest(d, e.control.selected))
                           for d in WEEKDAYS]
        c.append(widgets.section("Rest days", ft.Row(self.rest_chips, wrap=True, spacing=4),
                          ft.FilledButton("Save rest days", key="settings-save-rest", height=widgets.TOUCH,
                                          on_click=lambda e: self.save_rest())))
        self.pause_from = ft.TextField(label="First day", hint_text="YYYY-MM-DD", width=160, key="settings-pause-from")
        self.pause_to = ft.TextField(label="Last day", hint_text="YYYY-MM-DD", width=160, key="settings-pause-to")
        paused = sorted(d for d in st.family.paused if d >= st.today)
        c.append(widgets.section("Holidays and pauses",
                          ft.Row([self.pause_from, self.pause_to], wrap=True),
                          ft.Row([ft.FilledButton("Pause", key="settings-pause", height=widgets.TOUCH,
                                                  on_click=lambda e: self.pause(True)),
                                  ft.OutlinedButton("Resume", key="settings-resume", height=widgets.TOUCH,
                                                    on_click=lambda e: self.pause(False))], wrap=True),
                          ft.Text(self._paused_text(paused), size=13, key="settings-paused")))
        has_pin = st.has_pin()
        self.pin = ft.TextField(label="New PIN (4-8 digits)", password=True, width=200, max_length=8,
                                keyboard_type=ft.KeyboardType.NUMBER, key="settings-pin")
        self.pin_again = ft.TextField(label="The same PIN again", password=True, width=200, max_length=8,
                                      keyboard_type=ft.KeyboardType.NUMBER, key="settings-pin-again")
        c.append(widgets.section("Parent PIN for leaving kid mode",
                          ft.Text("A PIN is set." if has_pin else
                                  "No PIN: leaving kid mode needs a 3-second press and hold.", size=13,
                                  key="settings-pin-state"),
                          ft.Row([self.pin, self.pin_again], wrap=True),
                          ft.Row([ft.FilledButton("Save PIN", key="settings-save-pin", height=widgets.TOUCH,
                                                  on_click=lambda e: self.save_pin()),
                                  ft.OutlinedButton("Remove PIN", key="settings-remove-pin", height=widgets.TOUCH,
                                                    disabled=not has_pin, on_click=lambda e: self.remove_pin())],
                                 wrap=True)))
        s = st.child_settings()
        self.reward_name = ft.TextField(label="Reward (e.g. a trip to the park)", value=s.reward_name,
                                        max_length=60, key="settings-reward-name")
        self.reward_goal = ft.TextField(label="Stars needed", value=str(s.reward_goal), width=150,
                                        keyboard_type=ft.KeyboardType.NUMBER, key="settings-reward-goal")
        c.append(widgets.section("Reward in kid mode", self.reward_name, self.reward_goal,
                          ft.FilledButton("Save reward", key="settings-save-reward", height=widgets.TOUCH,
                                          on_click=lambda e: self.save_reward())))
        c.append(self.paper_section())
        c.append(self.clinic_section())
        if st.server_lan():
            c.append(self.devices_section())
        c.extend(self.extra_sections())

    # ------------------------------------------------------------ report paper, clinic, devices
    def paper_section(self) -> ft.Control:
        self.paper = ft.Dropdown(key="settings-paper", label="Report paper size", value=self.state.paper(),
                                 width=220, options=[ft.DropdownOption(key="a4", text="A4"),
                                                     ft.DropdownOption(key="letter", text="Letter (US, Canada)")],
                                 on_select=lambda e: self.save_paper(e.control.value))
        return widgets.section("Report", ft.Semantics(content=self.paper, label="Report paper size",
                                                      container=True), key="settings-report")

    def save_paper(self, paper: str | None) -> None:
        self._act(lambda: self.state.set_paper(paper or ""),
                  "Reports print on " + ("A4" if paper == "a4" else "Letter") + " paper")

    def clinic_section(self) -> ft.Control:
        server, token = self.state.clinic_settings()
        self.clinic_url = ft.TextField(label="Clinic server address", value=server, key="settings-clinic-url",
                                       hint_text="https://fhir.example-clinic.org/fhir",
                                       keyboard_type=ft.KeyboardType.URL)
        self.clinic_token = ft.TextField(label="Clinic access code (optional)", value=token,
                                         password=True, can_reveal_password=True, key="settings-clinic-token")
        self.clinic_result = ft.Text("", size=13, key="settings-clinic-result", visible=False)
        return widgets.section(
            "Send to clinic",
            ft.Text("Sends this child's practice and goal ratings to your clinic's record system.", size=13),
            self.clinic_url, self.clinic_token,
            ft.FilledButton("Send to clinic", icon=ft.Icons.SEND, key="settings-clinic-send", height=widgets.TOUCH,
                            on_click=lambda e: widgets.with_pin(self.state, self.nav, "Parent PIN to send to the clinic",
                                                                self.send_to_clinic)),
            self.clinic_result)        # no key: its result line changes in place

    def send_to_clinic(self) -> None:
        self.clinic_result.value = "Sending..."
        self.clinic_result.visible = True
        self.clinic_result.update()
        url, token = (self.clinic_url.value or "").strip(), (self.clinic_token.value or "").strip()

        def failed(text: str) -> None:
            self.clinic_result.value = ""
            self.clinic_result.visible = False
            self.clinic_result.update()
            self._fail(text)

        def sent(summary: str) -> None:
            self.clinic_result.value = f"Sent: {summary}"
            self.clinic_result.update()

        async def go() -> None:
            await self.nav.act_async(lambda: self.state.send_to_clinic(url, token), in_thread=True,
                                     then=sent, error=failed, done="Sent to the clinic")
        self.nav.run_task(go)

    def devices_section(self) -> ft.Control:
        rows_: list[ft.Control] = []
        try:
            devices = self.state.devices()
        except Exception:
            devices = []
        for d in devices:
            when = getattr(d, "last_seen", None)
            if when is not None and when.tzinfo is not None:
                when = when.astimezone()          # the home's local time
            seen = f", last seen {when.day} {when:%b %H:%M}" if when else ""
            rows_.append(ft.Row([
                ft.Icon(ft.Icons.PHONE_ANDROID),
                ft.Text(f"{d.name}{seen}", expand=True, size=14),
                ft.OutlinedButton("Remove", key=f"device-remove-{d.id}", height=widgets.TOUCH,
                                  on_click=lambda e, dev=d: self.remove_device(dev)),
            ]))
        if not devices:
            rows_.append(ft.Text("No other device is paired yet.", size=13))
        self.pair_box = ft.Column([], key="settings-pair")
        return widgets.section(
            "Phones and tablets", *rows_,
            ft.OutlinedButton("Add a phone or tablet", icon=ft.Icons.QR_CODE, key="settings-pair-new",
                              height=widgets.TOUCH, on_click=lambda e: self.show_pairing()),
            self.pair_box)

    def show_pairing(self) -> None:
        try:
            url, png, size = self.state.pairing()
        except Exception as exc:           # no home server in this process
            return self._fail(f"Pairing is not available here ({exc})")
        self.pair_box.controls = [
            ft.Text("Scan this code with the other device's camera (it works once, for 10 minutes):", size=13),
            ft.Image(src=png, width=size, height=size, filter_quality=ft.FilterQuality.NONE,
                     semantics_label="Pairing code", key="settings-pair-qr"),
            ft.Text(url, size=12, selectable=True, key="settings-pair-url"),
        ]
        self.pair_box.update()

    def remove_device(self, device) -> None:
        try:
            self.state.remove_device(device.id)
        except Exception as exc:
            return self._fail(str(exc))
        self._done(f"Removed {device.name}: it can no longer open the app")

    def extra_sections(self) -> list[ft.Control]:
        """Backup, restore and calendar (planner.views.sharing)."""
        from planner.views import sharing
        return sharing.settings_sections(self.state, self.nav)

    @staticmethod
    def _paused_text(paused: list[date]) -> str:
        if not paused:
            return "No pauses ahead."
        return "Paused: " + ", ".join(f"{d.day} {d:%b}" for d in paused[:14]) + (" ..." if len(paused) > 14 else "")

    # ------------------------------------------------------------ actions
    def _act(self, action, done: str) -> None:
        """Save one setting; on success reload the family and redraw, then say `done`."""
        self.nav.act(action, then=lambda _: self._saved(), done=done)

    def _saved(self) -> None:
        self.state.reload(self.state.family.key if self.state.family else None)
        self.refresh()
        self.control.update()

    def _done(self, text: str) -> None:
        self._saved()
        self.nav.snack(text)

    def _fail(self, text: str) -> None:
        self.nav.snack(text, error=True)

    def switch_child(self, key: str) -> None:
        self.state.switch_child(key)
        self.nav.titles_changed()
        self.refresh()
        self.control.update()

    def save_budget(self) -> None:
        try:
            wd, we = int(self.weekday.value), int(self.weekend.value)
        except (TypeError, ValueError):
            return self._fail("Minutes must be whole numbers")
        self._act(lambda: self.state.revise(daily_minutes={"weekday": wd, "weekend": we}),
                  "Budget saved from today")

    def toggle_rest(self, day: str, selected: bool) -> None:
        self.rest[day] = bool(selected)

    def save_rest(self) -> None:
        self._act(lambda: self.state.revise(rest_days=[d for d in WEEKDAYS if self.rest[d]]),
                  "Rest days saved from today")

    def pause(self, add: bool) -> None:
        try:
            first = date.fromisoformat((self.pause_from.value or "").strip())
            last = date.fromisoformat((self.pause_to.value or "").strip() or first.isoformat())
        except ValueError:
            return self._fail("Write the dates as YYYY-MM-DD, for example 2026-12-24")
        self._act(lambda: self.state.set_pauses(first, last, add=add), "Paused" if add else "Resumed")

    def save_pin(self) -> None:
        self._act(lambda: self.state.set_pin(self.pin.value or "", self.pin_again.value or ""),
                  "PIN saved" if self.pin.value else "PIN removed")

    def remove_pin(self) -> None:
        self._act(lambda: self.state.set_pin(None), "PIN removed")

    def save_reward(self) -> None:
        try:
            goal = int(self.reward_goal.value)
        except (TypeError, ValueError):
            return self._fail("Stars needed must be a whole number")
        self._act(lambda: self.state.set_reward(self.reward_name.value or "", goal),
                  "Reward saved: stars count from today")
