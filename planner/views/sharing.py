"""Getting things out and back in: the therapist's report, calendar reminders, backups."""
from __future__ import annotations

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

    async def share(fmt: str) -> None:
        st = shell.state
        try:
            first = first_day()
            name, data = st.report(first, fmt)
        except ServiceError as exc:
            widgets.snack(shell.page, str(exc), error=True)
            return
        await _download(shell, name, data)

    return [widgets.section("Report for the therapist",
                  ft.Text("A one- or two-page PDF with adherence per goal and activity, ratings, "
                          "skip reasons and your notes.", size=13),
                  ft.Semantics(content=period, container=True),
                  ft.Row([ft.FilledButton("Share report (PDF)", icon=ft.Icons.PICTURE_AS_PDF,
                                          key="share-report", height=widgets.TOUCH,
                                          on_click=share_pdf),
                          ft.OutlinedButton("Spreadsheet (CSV)", key="share-csv", height=widgets.TOUCH,
                                            on_click=share_csv)], wrap=True),
                  key="report-card")]


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
            key="restore-dialog", title=ft.Text("Restore this backup?"),
            content=ft.Text(f"Backup made {found.created_text} with {found.files} files. What is on this "
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
            widgets.snack(shell.page, outcome.summary())

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
