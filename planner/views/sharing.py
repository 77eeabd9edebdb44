"""Getting things out and back in: the therapist's report, calendar reminders, backups."""
from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

import flet as ft

from planner.core.model import SLOTS
from planner.core.progress import Period
from planner.views import rows, widgets

if TYPE_CHECKING:
    from planner.views.navigator import Navigator
    from planner.views.state import AppState


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

def progress_sections(st: "AppState", nav: "Navigator") -> list[ft.Control]:
    period = ft.Dropdown(key="report-period", label="Period", value=Period.PLAN.value, width=220,
                         options=[ft.DropdownOption(key=Period.PLAN.value, text="Whole plan so far"),
                                  ft.DropdownOption(key=Period.FOUR_WEEKS.value, text="Last 4 weeks"),
                                  ft.DropdownOption(key=Period.WEEK.value, text="This week")])

    def first_day():
        return Period(period.value).first_day(st.today)

    async def share_pdf(e) -> None:
        await share("pdf")

    async def share_csv(e) -> None:
        await share("csv")

    busy = ft.Row([ft.ProgressRing(width=24, height=24, stroke_width=3, semantics_label="Making the report"),
                   ft.Text("Making the report...", size=14)], visible=False, key="report-busy", spacing=8)
    buttons: list[ft.Control] = []

    def set_busy(on: bool) -> None:
        busy.visible = on
        for b in buttons:
            b.disabled = on
        nav.update()

    async def share(fmt: str) -> None:
        # The report is built in a worker thread: the app stays responsive, a ring shows meanwhile.
        set_busy(True)
        made: list[tuple[str, bytes]] = []
        try:
            first = first_day()
            await nav.act_async(lambda: st.report(first, fmt), in_thread=True, then=made.append)
        finally:
            set_busy(False)
        if made:
            await nav.download(*made[0])

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

def settings_sections(st: "AppState", nav: "Navigator") -> list[ft.Control]:
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
                    nav.snack(f"{rows.slot_label(s)}: write the time as HH:MM, e.g. 07:30", error=True)
                    return
                times[s] = v
            nav.act(lambda: st.set_slot_times(times), done="Reminder times saved")

        async def export(e) -> None:
            await nav.act_async(lambda: st.calendar(28), then=lambda got: nav.download(*got))

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
        await nav.act_async(st.backup, then=lambda got: nav.download(*got))

    async def restore(e) -> None:
        files = await nav.pick_files(dialog_title="Choose a backup file", with_data=True,
                                     cancel_upload_on_window_blur=False)
        if not files:
            return
        data = files[0].bytes or b""
        nav.act(lambda: st.inspect_backup(data), then=lambda found: ask(data, found),
                error=lambda text: nav.snack(f"{files[0].name}: {text}", error=True))

    def ask(data: bytes, found) -> None:
        dialog = ft.AlertDialog(
            title=ft.Text("Restore this backup?"),
            content=ft.Text(key="restore-dialog", value=f"Backup made {found.created_text} with {found.files} files. What is on this "
                            "device now is kept in a copy inside the data folder."))

        def restored(_outcome) -> None:
            st.reload()
            nav.titles_changed()
            nav.show_tab("today")

        def confirm(_e) -> None:
            nav.close_dialog(dialog)
            nav.act(lambda: st.restore(data), then=restored, done=restored_text)

        dialog.actions = [ft.TextButton("Cancel", key="restore-cancel", on_click=lambda _e: nav.close_dialog(dialog)),
                          ft.FilledButton("Restore", key="restore-confirm", on_click=confirm)]
        nav.show_dialog(dialog)

    out.append(widgets.section("Backup and moving to a new phone",
                     ft.Text("One file with everything: plans, ticks, notes, settings and your photos.",
                             size=13),
                     ft.Row([ft.FilledButton("Save a backup", icon=ft.Icons.DOWNLOAD, key="backup-save",
                                             height=widgets.TOUCH, on_click=backup),
                             ft.OutlinedButton("Restore a backup", icon=ft.Icons.UPLOAD, key="backup-restore",
                                               height=widgets.TOUCH, on_click=restore)], wrap=True),
                     key="backup-card"))
    return out
