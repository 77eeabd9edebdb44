"""Getting things out and back in: the therapist's report, calendar reminders, backups."""
from __future__ import annotations

import asyncio

from datetime import datetime, timedelta
from typing import TYPE_CHECKING

import flet as ft

from planner.core.model import SLOTS
from planner.services.errors import ServiceError
from planner.views import rows, widgets

if TYPE_CHECKING:
    from planner.views.app import Shell


async def _download(shell: "Shell", name: str, data: bytes) -> None:
    await shell.file_picker.save_file(file_name=name, src_bytes=data)
    widgets.snack(shell.page, f"Saved {name}")


def restored_text(outcome) -> str:
    """"Restored the backup of 2 December; your earlier data is kept" (no folder paths in the app)."""
    from datetime import datetime
    try:
        made = datetime.fromisoformat(outcome.created)
        when = f"{made.day} {made:%B}"
    except (TypeError, ValueError):
        when = "that day"
    kept = "; your earlier data is kept" if outcome.copy is not None else ""
    return f"Restored the backup of {when}{kept}"


# ------------------------------------------------------------------ Progress: report

def progress_sections(shell: "Shell") -> list[ft.Control]:
    period = ft.Dropdown(key="report-period", label="Period", value="plan", width=220,
                         options=[ft.DropdownOption(key="plan", text="Whole plan so far"),
                                  ft.DropdownOption(key="4weeks", text="Last 4 weeks"),
                                  ft.DropdownOption(key="week", text="This week")])

    def first_day():
        today = shell.state.today
        if period.value == "4weeks":
            return today - timedelta(days=27)
        if period.value == "week":
            return today - timedelta(days=today.weekday())
        return None

    async def share_pdf(e) -> None:
        await share("pdf")

    async def share_csv(e) -> None:
        await share("csv")

    busy = ft.Row([ft.ProgressRing(width=24, height=24, stroke_width=3, semantics_label="Making the report"),
                   ft.Text("Making the report...", size=14)], visible=False, key="report-busy", spacing=8)
    buttons: list[ft.Control] = []

    async def share(fmt: str) -> None:
        st = shell.state
        # The report is built in a worker thread: the app stays responsive, a ring shows meanwhile.
        busy.visible = True
        for b in buttons:
            b.disabled = True
        shell.page.update()
        try:
            first = first_day()
            name, data = await asyncio.to_thread(st.report, first, fmt)
        except ServiceError as exc:
            widgets.snack(shell.page, str(exc), error=True)
            return
        finally:
            busy.visible = False
            for b in buttons:
                b.disabled = False
            shell.page.update()
        await _download(shell, name, data)

    buttons.extend([ft.FilledButton("Share report (PDF)", icon=ft.Icons.PICTURE_AS_PDF, key="share-report",
                                    height=widgets.TOUCH, on_click=share_pdf),
                    ft.OutlinedButton("Spreadsheet (CSV)", key="share-csv", height=widgets.TOUCH,
                                      on_click=share_csv)])
    return [widgets.section("Report for the therapist",
                  ft.Text("A one- or two-page PDF with adherence per goal and activity, ratings, "
                          "skip reasons and your notes.", size=13),
                  ft.Semantics(content=period, container=True, label="Report period"),
                  ft.Row(buttons, wrap=True),
                  busy)]      # no key here: a rebuilt keyed card freezes its controls (Flet 1.0 diff)


# ------------------------------------------------------------------ Settings: calendar and backup

def settings_sections(shell: "Shell") -> list[ft.Control]:
    st = shell.state
    out: list[ft.Control] = []
    if st.has_plan:
        chosen = st.slot_times()
        fields = {s: ft.TextField(label=rows.slot_label(s), value=chosen.get(s, ""), width=110,
                                  key=f"slot-time-{s}") for s in SLOTS}

        def save_times(e) -> None:
            times = {}
            for s, f in fields.items():
                v = (f.value or "").strip()
                try:
                    datetime.strptime(v, "%H:%M")
                except ValueError:
                    widgets.snack(shell.page, f"{rows.slot_label(s)}: write the time as HH:MM, e.g. 07:30",
                                  error=True)
                    return
                times[s] = v
            try:
                st.set_slot_times(times)
            except ServiceError as exc:
                widgets.snack(shell.page, str(exc), error=True)
                return
            widgets.snack(shell.page, "Reminder times saved")

        async def export(e) -> None:
            try:
                name, data = st.calendar(28)
            except ServiceError as exc:
                widgets.snack(shell.page, str(exc), error=True)
                return
            await _download(shell, name, data)

        out.append(widgets.section("Calendar reminders",
                         ft.Text("Adds the next 4 weeks of practice to your phone's calendar, with a "
                                 "reminder. Export again after a change: events update, no duplicates.",
                                 size=13),
                         ft.Row(list(fields.values()), wrap=True, spacing=6),
                         ft.Row([ft.OutlinedButton("Save times", key="slot-times-save", height=widgets.TOUCH,
                                                   on_click=save_times),
                                 ft.FilledButton("Export calendar (.ics)", icon=ft.Icons.EVENT,
                                                 key="export-calendar", height=widgets.TOUCH,
                                                 on_click=export)], wrap=True),
                         key="calendar-card"))

    async def backup(e) -> None:
        try:
            name, data = st.backup()
        except ServiceError as exc:
            widgets.snack(shell.page, str(exc), error=True)
            return
        await _download(shell, name, data)

    async def restore(e) -> None:
        files = await shell.file_picker.pick_files(dialog_title="Choose a backup file", with_data=True,
                                                   cancel_upload_on_window_blur=False)
        if not files:
            return
        data = files[0].bytes or b""
        try:
            found = st.inspect_backup(data)
        except ServiceError as exc:
            widgets.snack(shell.page, f"{files[0].name}: {exc}", error=True)
            return

        dialog = ft.AlertDialog(
            title=ft.Text("Restore this backup?"),
            content=ft.Text(key="restore-dialog", value=f"Backup made {found.created_text} with {found.files} files. What is on this "
                            "device now is kept in a copy inside the data folder."))

        def confirm(_e) -> None:
            widgets.close(dialog)
            try:
                outcome = st.restore(data)
            except ServiceError as exc:
                widgets.snack(shell.page, str(exc), error=True)
                return
            st.reload()
            shell.refresh_all()
            shell.show_tab("today")
            widgets.snack(shell.page, restored_text(outcome))

        dialog.actions = [ft.TextButton("Cancel", key="restore-cancel", on_click=lambda _e: widgets.close(dialog)),
                          ft.FilledButton("Restore", key="restore-confirm", on_click=confirm)]
        shell.page.show_dialog(dialog)

    out.append(widgets.section("Backup and moving to a new phone",
                     ft.Text("One file with everything: plans, ticks, notes, settings and your photos.",
                             size=13),
                     ft.Row([ft.FilledButton("Save a backup", icon=ft.Icons.DOWNLOAD, key="backup-save",
                                             height=widgets.TOUCH, on_click=backup),
                             ft.OutlinedButton("Restore a backup", icon=ft.Icons.UPLOAD, key="backup-restore",
                                               height=widgets.TOUCH, on_click=restore)], wrap=True),
                     key="backup-card"))
    return out
