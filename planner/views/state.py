"""The app's state and its only door to the services: one method per user action. No Flet
here and no rules: each method loads, calls a service and returns what the view needs, or raises
ServiceError with a line for the user."""
from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Callable

from planner.core.family import Family
from planner.core.model import Day, Plan, ScheduledItem, Status
from planner.services import household, photos, plans, practice, sharing
from planner.services.errors import ServiceError
from planner.services.household import PinCheck, Reward
from planner.services.plans import ImportOutcome
from planner.storage.records import ChildSettings, HouseholdSettings
from planner.storage.store import Store, StoreError

__all__ = ["AppState", "ServiceError"]


class AppState:
    def __init__(self, data_dir: str | Path, today: Callable[[], date],
                 now: Callable[[], datetime] = datetime.now):
        self.store = Store(data_dir)
        self._today = today
        self._now = now
        self.family: Family | None = None
        self.problem: str = ""
        self.viewing: date = today()
        # Called after every change of the family's data (whichever screen made it: Today, the
        # sheet, Kid mode, Settings, an import), so other open devices can show it.
        self.on_change: Callable[[str], None] | None = None
        self.reload()

    def _changed(self, what: str) -> None:
        if self.on_change is not None:
            try:
                self.on_change(what)
            except Exception:       # telling other devices must never undo what was saved
                pass

    # ------------------------------------------------------------ loading
    @property
    def today(self) -> date:
        return self._today()

    def now(self) -> datetime:
        """The clock's time on the app's today (PLANNER_TODAY pins the date, not the time)."""
        got = self._now()
        today = self.today
        return got if got.date() == today else datetime.combine(today, got.time())

    def reload(self, child: str | None = None) -> None:
        try:
            wanted = child or self.store.household().child
            kids = household.children(self.store)
            if wanted and wanted not in {k for k, _ in kids}:
                wanted = None
            if not wanted and kids:
                wanted = kids[0][0]
            self.family = household.load_family(self.store, key=wanted) if kids else None
            self.problem = "" if kids else "no plan yet"
        except (ServiceError, StoreError) as exc:
            self.family, self.problem = None, str(exc)

    def children(self) -> list[tuple[str, str]]:
        return household.children(self.store)

    def switch_child(self, key: str) -> None:
        household.update_household(self.store, child=key)
        self.reload(key)

    @property
    def has_plan(self) -> bool:
        return self.family is not None

    @property
    def plan(self) -> Plan | None:
        return self.family.plan_on(self.today) if self.family else None

    @property
    def notices(self) -> list[str]:
        out, self.store.notices[:] = list(self.store.notices), []
        return out

    # ------------------------------------------------------------ reading
    def day(self, when: date | None = None) -> Day:
        return practice.day(self.store, self.family, when or self.viewing)

    def days(self, first: date, count: int) -> list[Day]:
        return practice.days(self.store, self.family, first, count)

    def remaining_today(self) -> list[ScheduledItem]:
        return [it for it in self.day(self.today).items if it.status is Status.PLANNED]

    def editable(self, when: date) -> bool:
        return when <= self.today

    def child_settings(self) -> ChildSettings:
        return (self.family.settings if self.family else None) or ChildSettings()

    def household(self) -> HouseholdSettings:
        return household.household(self.store)

    # ------------------------------------------------------------ check-offs
    def tick(self, item: ScheduledItem, checked: bool) -> ScheduledItem:
        if checked:
            return self.record(item, Status.DONE)
        return self.undo(item)

    def record(self, item: ScheduledItem, status: Status, **kw) -> ScheduledItem:
        got = practice.record(self.store, self.family, item, self.today, status, now=self.now(), **kw)
        self._changed("record")
        return got

    def undo(self, item: ScheduledItem) -> ScheduledItem:
        got = practice.undo(self.store, self.family, item, self.today)
        self._changed("undo")
        return got

    # ------------------------------------------------------------ kid mode and the parent PIN
    @property
    def kid_mode(self) -> bool:
        try:
            return self.household().kid_mode
        except ServiceError:
            return False

    def set_kid_mode(self, on: bool) -> None:
        household.update_household(self.store, kid_mode=on)

    def has_pin(self) -> bool:
        return household.has_pin(self.store)

    def set_pin(self, pin: str | None, confirm: str | None = None) -> None:
        household.set_pin(self.store, pin, confirm)
        self._changed("pin")

    def check_pin(self, pin: str) -> PinCheck:
        return household.check_pin(self.store, pin, self.now())

    def reward(self) -> Reward:
        return household.reward(self.store, self.family, self.today)

    def set_reward(self, name: str, goal: int) -> None:
        household.set_reward(self.store, self.family, name, goal, self.today)
        self._changed("reward")

    def set_pauses(self, first: date, last: date, add: bool = True) -> None:
        household.set_pauses(self.store, self.family, first, last, add=add)
        self._changed("pauses")

    def revise(self, **changes) -> ImportOutcome:
        """A settings change that becomes a new plan version from today (budget, rest days)."""
        got = plans.revise_plan(self.store, self.family, self.today, **changes)
        self._changed("plan")
        return got

    # ------------------------------------------------------------ plans
    @staticmethod
    def looks_like_csv(name: str, data: bytes) -> bool:
        return plans.looks_like_csv(name, data)

    def parse_plan(self, data: bytes, name: str, options=None) -> Plan:
        """Our JSON, a spreadsheet CSV or an HL7 FHIR CarePlan/Bundle (detected from the bytes)."""
        return plans.parse_plan(data, name, options, today=self.today)

    def preview_import(self, plan: Plan) -> ImportOutcome:
        return plans.import_plan(self.store, plan, self.today, dry_run=True)

    def apply_import(self, plan: Plan) -> ImportOutcome:
        """Store the plan and show its child."""
        outcome = plans.import_plan(self.store, plan, self.today, now=self.now())
        key = plans.child_of_plan(self.store, plan.plan_id)
        if key and (self.family is None or self.family.key != key) and len(self.children()) > 1:
            self.switch_child(key)
        else:
            self.reload()
        self._changed("import")
        return outcome

    def known_versions(self) -> dict[str, int]:
        return plans.known_versions(self.store)

    # ------------------------------------------------------------ pictures
    def picture(self, item_key: str, default: str) -> str | bytes:
        """The family's own photo when there is one, else the bundled picture path."""
        if self.family:
            data = photos.photo_bytes(self.store, self.family, item_key)
            if data:
                return data
        return default

    def has_photo(self, item_key: str) -> bool:
        return bool(self.family) and photos.has_photo(self.family, item_key)

    def set_photo(self, item_key: str, data: bytes, name: str) -> None:
        photos.set_photo(self.store, self.family, item_key, data, name)
        self._changed("photo")

    def reset_photo(self, item_key: str) -> None:
        photos.reset_photo(self.store, self.family, item_key)
        self._changed("photo")

    # ------------------------------------------------------------ sharing
    def report(self, first: date | None, fmt: str) -> tuple[str, bytes]:
        """(file name, bytes) of the report from `first` to today."""
        paper = self.household().paper
        data = sharing.report_bytes(self.store, self.family, first, self.today, self.today, fmt, paper)
        real_first, last = sharing.report_period(self.family, first, self.today, self.today)
        return sharing.report_filename(self.family, real_first, last, fmt), data

    def slot_times(self) -> dict[str, str]:
        """The reminder time of each slot: the family's choice, else the library's."""
        return dict(sharing.library_slot_times(), **dict(self.household().slot_times))

    def set_slot_times(self, times: dict[str, str]) -> None:
        household.update_household(self.store, slot_times=times)
        self._changed("settings")

    def calendar(self, days: int = 28) -> tuple[str, bytes]:
        data = sharing.calendar_ics_bytes(self.store, self.family, self.today, days, self.now())
        return f"{self.family.key}-reminders.ics", data

    def backup(self) -> tuple[str, bytes]:
        now = self.now()
        return sharing.backup_name(now), sharing.backup_bytes(self.store, now)

    @staticmethod
    def inspect_backup(data: bytes) -> sharing.BackupInfo:
        return sharing.inspect_backup(data)

    def restore(self, data: bytes) -> sharing.RestoreOutcome:
        outcome = sharing.restore_bytes(self.store, data, self.now())
        self.reload()
        self._changed("restore")
        return outcome

    # ------------------------------------------------------------ plan format 2
    def as_needed(self, when: date | None = None) -> list:
        """The plan's as-needed items on a day ("When needed": never scheduled, never counted)."""
        if not self.family:
            return []
        return practice.as_needed(self.family, when or self.viewing)

    def log_use(self, key: str, before: str | None = None, after: str | None = None, note: str = "",
                option: str | None = None):
        got = practice.log_use(self.store, self.family, key, self.now(), before=before, after=after,
                               note=note, option=option)
        self._changed("use")
        return got

    def uses(self, first: date, last: date) -> list:
        return practice.uses(self.store, self.family, first, last) if self.family else []

    def ready_to_progress(self, key: str) -> str | None:
        if not self.family:
            return None
        return practice.ready_to_progress(self.store, self.family, key, self.today)

    def accept_level(self, key: str, level: str):
        got = practice.accept_level(self.store, self.family, key, level, self.today)
        self._changed("level")
        return got

    def goal_ratings(self, goal_id: str | None = None) -> list:
        if not self.family:
            return []
        got = plans.goal_ratings(self.store, self.family)
        return [r for r in got if goal_id is None or r.goal == goal_id]

    def rate_goal(self, goal_id: str, level: int, note: str = ""):
        got = plans.rate_goal(self.store, self.family, goal_id, level, self.today, self.now(), note)
        self._changed("goal-rating")
        return got

    # ------------------------------------------------------------ settings added with plan format 2
    def set_paper(self, paper: str) -> None:
        if paper not in ("a4", "letter"):
            raise ServiceError(f"paper must be a4 or letter (got {paper!r})")
        household.update_household(self.store, paper=paper)
        self._changed("settings")

    def paper(self) -> str:
        return self.household().paper or sharing.default_paper()

    def clinic_settings(self) -> tuple[str, str]:
        home = self.household()
        return home.fhir_server or "", home.fhir_token or ""

    def send_to_clinic(self, server: str | None, token: str | None) -> str:
        """Push this child's progress to the clinic's FHIR server; the address is remembered."""
        from planner.services import clinic
        return clinic.push(self.store, self.family, self.today, self.now(), server=server or None,
                           token=token or None)

    def report_period(self, first: date | None) -> tuple[date, date]:
        return sharing.report_period(self.family, first, self.today, self.today)

    # ------------------------------------------------------------ home server (planner --lan)
    @staticmethod
    def server_lan() -> bool:
        """True when this app runs on the home server in LAN mode (devices pair with a QR code)."""
        from planner import web
        info = web.server_info()
        return bool(info and info.lan)

    def devices(self) -> list:
        from planner import web
        return web.list_devices(self.store.dir)

    def remove_device(self, device_id: str) -> bool:
        from planner import web
        got = web.remove_device(self.store.dir, device_id)
        self._changed("devices")
        return got

    def pairing(self, module_px: int = 5) -> tuple[str, bytes, int]:
        """(url, PNG of its QR code, the PNG's width in px) of a new one-time pairing link. The PNG
        is drawn at whole pixels per module, so it shows sharp at its own size."""
        from planner import web
        from planner.web.qr import qr_matrix
        code = web.new_pairing_code(self.store.dir)
        info = web.server_info()
        url = web.pairing_url(code, info.base_url if info else None)
        return url, web.qr_png(url, scale=module_px), len(qr_matrix(url)) * module_px

    # ------------------------------------------------------------ kid mode: time, voice, sound
    # Kept in memory until HouseholdSettings has fields for them (kid_sound, pin_offered).
    def kid_sound(self) -> bool:
        try:
            return self.household().kid_sound
        except ServiceError:
            return True

    def set_kid_sound(self, on: bool) -> None:
        household.update_household(self.store, kid_sound=bool(on))

    def pin_offered(self) -> bool:
        try:
            return self.household().pin_offered
        except ServiceError:
            return False

    def set_pin_offered(self) -> None:
        household.update_household(self.store, pin_offered=True)

    def kid_queue(self):
        """What Kid mode shows now: the next item of the current or an earlier slot, by the
        slot times and this state's clock; later slots wait."""
        from planner.views.kid_plan import kid_queue
        return kid_queue(self.day(self.today).items, self.slot_times(), self.now())

    def kid_voice(self, item: ScheduledItem, steps: tuple[str, ...] = ()):
        """The card's voice (a parent's recording, else one made on this device) or None."""
        from planner import speech
        from planner.services import audio
        if not self.family:
            return None
        return audio.voice(self.store, self.family.key, item.key, speech.spoken_text(item.kid_title, steps))

    def has_voice_recording(self, activity: str) -> bool:
        from planner.services import audio
        return bool(self.family) and audio.has_recording(self.store, self.family.key, activity)

    def save_voice_recording(self, activity: str, data: bytes, kind: str = "wav") -> str:
        from planner.services import audio
        if not self.family:
            raise ServiceError("no child to record for yet")
        return audio.save_recording(self.store, self.family.key, activity, data, kind)

    def remove_voice_recording(self, activity: str) -> None:
        from planner.services import audio
        if self.family:
            audio.remove_recording(self.store, self.family.key, activity)

    def own_voice(self, activity: str | None) -> bytes | None:
        """The parent's recording for a card of the child shown, or None."""
        from planner.services import audio
        if not activity or not self.family:
            return None
        rec = audio.recording(self.store, self.family.key, activity)
        return rec.data if rec else None

    @staticmethod
    def csv_problem(data: bytes, name: str) -> str:
        """A spreadsheet's own problem (encoding, header) before asking for the plan's fields."""
        return plans.csv_problem(data, name)
