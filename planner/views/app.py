"""The app shell: owns the page, the navigation between Today, Week, Progress, Plan and Settings,
the frame, live updates and kid mode. Views reach it only through the Navigator it makes."""
from __future__ import annotations

import os
import sys
from datetime import date
from pathlib import Path
from typing import Callable

import flet as ft

from planner.library import ASSETS_DIR
from planner.views import widgets
from planner.views.kid import KidView
from planner.views.navigator import Navigator
from planner.views.plan import PlanView
from planner.views.progress import ProgressView
from planner.views.settings import SettingsView
from planner.views.state import AppState
from planner.views.today import TodayView
from planner.views.week import WeekView

TABS = ("today", "week", "progress", "plan", "settings")
LIVE_TOPIC = "planner-data"
MAX_WIDTH = 760


class Shell:
    def __init__(self, page: ft.Page, state: AppState):
        self.page = page
        self.state = state
        page.title = "Home practice"
        page.theme = widgets.theme()
        page.theme_mode = ft.ThemeMode.LIGHT
        page.padding = 0
        page.bgcolor = "#FAFCFB"
        self.file_picker = ft.FilePicker()
        self.navigator = Navigator(self)    # what the views may do to the app around them
        nav = self.navigator
        self.views = {"today": TodayView(state, nav), "week": WeekView(state, nav),
                      "progress": ProgressView(state, nav), "plan": PlanView(state, nav),
                      "settings": SettingsView(state, nav)}
        self.kid_view: KidView | None = None
        self.current = "today"
        self.sheet = None                   # the item sheet on screen, if any (live updates keep it)
        self.live_version = 0
        state.on_change = self.changed      # every saved change is announced to the other sessions
        try:
            page.pubsub.subscribe_topic(LIVE_TOPIC, self._on_live)
        except Exception:                   # no pubsub (never in a served app)
            pass
        self.nav_bar = ft.NavigationBar(
            key="nav", selected_index=0, on_change=lambda e: self.show_tab(TABS[e.control.selected_index]),
            destinations=[
                ft.NavigationBarDestination(icon=ft.Icons.TODAY_OUTLINED, selected_icon=ft.Icons.TODAY, label="Today"),
                ft.NavigationBarDestination(icon=ft.Icons.DATE_RANGE_OUTLINED, selected_icon=ft.Icons.DATE_RANGE,
                                            label="Week"),
                ft.NavigationBarDestination(icon=ft.Icons.INSIGHTS_OUTLINED, selected_icon=ft.Icons.INSIGHTS,
                                            label="Progress"),
                ft.NavigationBarDestination(icon=ft.Icons.ASSIGNMENT_OUTLINED, selected_icon=ft.Icons.ASSIGNMENT,
                                            label="Plan"),
                ft.NavigationBarDestination(icon=ft.Icons.SETTINGS_OUTLINED, selected_icon=ft.Icons.SETTINGS,
                                            label="Settings"),
            ])
        self.title = ft.Text("Home practice", size=20, weight=ft.FontWeight.BOLD, key="app-title")
        self.appbar = ft.AppBar(
            title=self.title, bgcolor="#E8F3EF",
            actions=[
                ft.Container(ft.TextButton("Kid mode", icon=ft.Icons.CHILD_CARE, key="kid-mode", tooltip="Kid mode",
                                           height=widgets.TOUCH, on_click=lambda e: self.enter_kid_mode()),
                             padding=ft.Padding.only(right=8)),
            ])
        self.frame = ft.Container(expand=True)
        page.appbar = self.appbar
        page.navigation_bar = self.nav_bar
        page.on_resize = lambda e: self._fit(getattr(e, "width", None))
        page.add(ft.SafeArea(ft.Row([self.frame], alignment=ft.MainAxisAlignment.CENTER, expand=True,
                                    vertical_alignment=ft.CrossAxisAlignment.STRETCH), expand=True))
        self._fit(page.width)
        for notice in state.notices:
            nav.snack(notice, error=True)
        if state.kid_mode and state.has_plan:
            self.enter_kid_mode()
        else:
            self.show_tab("today" if state.has_plan else "plan")

    def _fit(self, width) -> None:
        wide = bool(width and width > MAX_WIDTH)
        self.frame.width = MAX_WIDTH if wide else None
        self.frame.expand = not wide
        if self.frame.page:
            self.frame.update()

    # ------------------------------------------------------------ navigation
    def show_tab(self, name: str) -> None:
        self.current = name
        view = self.views[name]
        if name in TABS:
            self.nav_bar.selected_index = TABS.index(name)
        self._set_title()
        self._show(view.control, view.refresh)

    def _show(self, control: ft.Control, rebuild: Callable[[], None]) -> None:
        """The one way a screen goes into the frame. Put it back on screen as it was last sent, then
        rebuild it in place: a control changed while off screen and re-attached in the same update
        reaches the browser twice (whole, then as edits), which breaks the page when the rebuilt
        list has fewer rows (Today after an import, for one)."""
        if self.frame.content is not control:
            self.frame.content = control
            self.page.update()
        rebuild()
        self.page.update()

    def _set_title(self) -> None:
        fam = self.state.family
        self.title.value = f"{fam.name}'s practice" if fam else "Home practice"

    def refresh_all(self) -> None:
        self._set_title()

    # ------------------------------------------------------------ live updates between devices
    def changed(self, what: str) -> None:
        """Tell every other open session (other phones, the kid's tablet) that the data changed."""
        try:
            self.page.pubsub.send_others_on_topic(LIVE_TOPIC, {"what": what})
        except Exception:
            pass

    async def _on_live(self, topic: str, message) -> None:
        """Another device changed the data: show it without closing an open sheet or stopping a timer."""
        try:
            self._apply_live()
        except Exception:                   # a failed refresh must not break the other sessions
            import traceback
            traceback.print_exc()

    def _apply_live(self) -> None:
        self.live_version += 1
        child = self.state.family.key if self.state.family else None
        viewing = self.state.viewing
        self.state.reload(child)
        self.state.viewing = viewing
        self._set_title()
        if self.kid_view is not None:
            live = getattr(self.kid_view, "on_live_update", None)
            if live:
                live()
            elif not (self.kid_view.timer and self.kid_view.timer.running):
                self.kid_view.refresh()
            self.page.update()
            return
        view = self.views.get(self.current)
        if hasattr(view, "live_refresh"):
            view.live_refresh()
        elif self.current in ("today", "week", "progress"):
            view.refresh()
        sheet = self.sheet
        if sheet is not None and sheet.is_open and self.state.family:
            fresh = next((it for it in self.state.day(sheet.item.date).items if it.id == sheet.item.id), None)
            if fresh is not None and fresh != sheet.item:
                sheet.take_update(fresh)
        self.page.update()

    # ------------------------------------------------------------ kid mode
    def enter_kid_mode(self) -> None:
        if not self.state.has_plan:
            self.navigator.snack("Import a plan first", error=True)
            return
        self.state.set_kid_mode(True)
        self.kid_view = KidView(self.state, self.navigator)
        self.page.appbar = None
        self.page.navigation_bar = None
        self._show(self.kid_view.control, self.kid_view.refresh)

    def leave_kid_mode(self) -> None:
        self.state.set_kid_mode(False)
        if self.kid_view and self.kid_view.timer:
            self.kid_view.timer.stop()
        self.kid_view = None
        self.page.appbar = self.appbar
        self.page.navigation_bar = self.nav_bar
        self.state.viewing = self.state.today
        self.show_tab("today")


def build(page: ft.Page, data_dir: Path, today: Callable[[], date]) -> Shell:
    return Shell(page, AppState(data_dir, today))


def serve(data_dir: Path, host: str = "127.0.0.1", port: int = 8550, open_browser: bool = True,
          lan: bool = False) -> None:
    """Serve the app in web mode, fully offline: on 127.0.0.1 only, or with `lan` on the home
    network where only paired devices get in (planner.web)."""
    from planner import web
    from planner.clock import today

    def main(page: ft.Page) -> None:
        build(page, data_dir, today)

    web.run(main, data_dir, ASSETS_DIR, host=host, port=port, open_browser=open_browser, lan=lan)
