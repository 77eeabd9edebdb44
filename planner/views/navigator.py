"""The views' only way to act on the app around them: show a tab, a message, a dialog or a sheet,
pick or save a file, run a task, enter or leave kid mode. The Shell (app.py) owns the page and
makes one Navigator; every view gets it with the AppState and never sees the Shell or the page.

`act` is the one place where a user action's ServiceError becomes a red message; `quietly` is the
one place a read for part of a screen falls back to nothing."""
from __future__ import annotations

import asyncio
import inspect
from typing import TYPE_CHECKING, Any, Awaitable, Callable, TypeVar

import flet as ft

from planner.services.errors import ServiceError
from planner.views import rows, widgets

if TYPE_CHECKING:
    from planner.views.app import Shell

T = TypeVar("T")


class Navigator:
    def __init__(self, shell: "Shell"):
        self._shell = shell
        self._page = shell.page

    # ------------------------------------------------------------ the frame
    def show_tab(self, name: str) -> None:
        """Open a tab ("today", "week", "progress", "plan", "settings"), rebuilt."""
        self._shell.show_tab(name)

    def titles_changed(self) -> None:
        """The child or the plan changed: the app bar's title follows."""
        self._shell.refresh_all()

    def update(self) -> None:
        """Send every change made to the controls on screen."""
        self._page.update()

    def showing(self, view: Any) -> bool:
        """Whether `view` (a tab or kid mode) is the one on screen now."""
        shell = self._shell
        return shell.kid_view is view or (shell.kid_view is None and shell.views.get(shell.current) is view)

    def enter_kid_mode(self) -> None:
        self._shell.enter_kid_mode()

    def leave_kid_mode(self) -> None:
        self._shell.leave_kid_mode()

    @property
    def kid_players(self):
        """Kid mode's audio players when the app keeps one set for the page, else None."""
        return getattr(self._shell, "kid_players", None)

    # ------------------------------------------------------------ messages, dialogs, sheets
    def snack(self, text: str, error: bool = False) -> None:
        """A short message at the bottom; an error is red and in the app's words."""
        if error:
            text = rows.app_words(text)
        self._page.show_dialog(ft.SnackBar(ft.Text(text, key="snack-text"), bgcolor="#B3261E" if error else None,
                                           duration=ft.Duration(seconds=4)))

    def show_dialog(self, dialog: ft.DialogControl) -> None:
        self._page.show_dialog(dialog)

    def close_dialog(self, dialog: ft.DialogControl) -> None:
        widgets.close(dialog)

    def open_sheet(self, sheet) -> None:
        """Open an item's sheet and keep it as the open sheet (live updates from other devices
        refresh it in place)."""
        self._shell.sheet = sheet
        sheet.open()

    @property
    def sheet(self):
        return self._shell.sheet

    def sheet_closed(self, sheet) -> None:
        if self._shell.sheet is sheet:
            self._shell.sheet = None

    # ------------------------------------------------------------ files and tasks
    def run_task(self, fn: Callable[..., Awaitable], *args) -> None:
        self._page.run_task(fn, *args)

    async def pick_files(self, **kw) -> list:
        return await self._shell.file_picker.pick_files(**kw) or []

    async def save_file(self, **kw) -> None:
        await self._shell.file_picker.save_file(**kw)

    async def download(self, name: str, data: bytes) -> None:
        """Hand a file to the browser (or the phone's share sheet) and say so."""
        await self.save_file(file_name=name, src_bytes=data)
        self.snack(f"Saved {name}")

    # ------------------------------------------------------------ user actions
    def act(self, action: Callable[[], T], *, done: str | Callable[[Any], str] | None = None, then: Callable[[T], Any] | None = None,
            error: Callable[[str], Any] | None = None) -> bool:
        """Run one user action. When it fails with a ServiceError its line goes to `error` (by
        default a red message) and the answer is False. Else `then(result)` runs (redraw what
        changed), `done` is shown (a text, or made from the result) and the answer is True."""
        try:
            result = action()
        except ServiceError as exc:
            (error or self._error)(str(exc))
            return False
        if then is not None:
            then(result)
        self._done(done, result)
        return True

    async def act_async(self, action: Callable[[], T], *, done: str | Callable[[Any], str] | None = None,
                        then: Callable[[T], Any] | None = None, error: Callable[[str], Any] | None = None,
                        in_thread: bool = False) -> bool:
        """`act` for a handler that awaits: `then` and `error` may be coroutines, and with
        `in_thread` the action runs off the event loop (the app stays live meanwhile)."""
        try:
            result = await asyncio.to_thread(action) if in_thread else action()
        except ServiceError as exc:
            await _settle((error or self._error)(str(exc)))
            return False
        if then is not None:
            await _settle(then(result))
        self._done(done, result)
        return True

    def _error(self, text: str) -> None:
        self.snack(text, error=True)

    def _done(self, done, result) -> None:
        text = done(result) if callable(done) else done
        if text:
            self.snack(text)


async def _settle(got) -> None:
    if inspect.isawaitable(got):
        await got


def quietly(read: Callable[[], T], default: T) -> T:
    """A read for one part of a screen: when the data cannot be read, that part shows `default`
    (nothing) and the rest of the screen still draws; no message."""
    try:
        return read()
    except ServiceError:
        return default
