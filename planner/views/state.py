"""The app's state: domain values plus calls to services. No Flet here, no rules."""
from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Callable

from planner import photos, services
from planner.core.model import Day, Plan, ScheduledItem, Status
from planner.services import Family, ServiceError
from planner.storage.store import Store

APP_KEY = "__app__"      # settings document for app-wide choices (which child is shown)


class AppState:
    def __init__(self, data_dir: str | Path, today: Callable[[], date]):
        self.store = Store(data_dir)
        self._today = today
        self.family: Family | None = None
        self.problem: str = ""
        self.viewing: date = today()
        self.reload()

    # ------------------------------------------------------------ loading
    @property
    def today(self) -> date:
        return self._today()

    def reload(self, child: str | None = None) -> None:
        wanted = child or self.store.settings(APP_KEY).get("child")
        try:
            kids = services.children(self.store)
            if wanted and wanted not in {k for k, _ in kids}:
                wanted = None
            if not wanted and kids:
                wanted = kids[0][0]
            self.family = services.load_family(self.store, self._name_of(wanted, kids)) if kids else None
            self.problem = "" if kids else "no plan yet"
        except ServiceError as exc:
            self.family, self.problem = None, str(exc)

    @staticmethod
    def _name_of(key: str | None, kids: list[tuple[str, str]]) -> str | None:
        return next((n for k, n in kids if k == key), None)

    def children(self) -> list[tuple[str, str]]:
        return services.children(self.store)

    def switch_child(self, key: str) -> None:
        self.store.update_settings(APP_KEY, {"child": key})
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
        return services.day(self.store, self.family, when or self.viewing)

    def days(self, first: date, count: int) -> list[Day]:
        return services.days(self.store, self.family, first, count)

    def remaining_today(self) -> list[ScheduledItem]:
        return [it for it in self.day(self.today).items if it.status is Status.PLANNED]

    def editable(self, when: date) -> bool:
        return when <= self.today

    # ------------------------------------------------------------ acting
    def tick(self, item: ScheduledItem, checked: bool) -> ScheduledItem:
        if checked:
            return services.record(self.store, item, self.today, Status.DONE)
        return services.undo(self.store, item, self.today)

    def record(self, item: ScheduledItem, status: Status, **kw) -> ScheduledItem:
        return services.record(self.store, item, self.today, status, **kw)

    def undo(self, item: ScheduledItem) -> ScheduledItem:
        return services.undo(self.store, item, self.today)

    def settings(self) -> dict:
        return dict(self.family.settings) if self.family else {}

    # ------------------------------------------------------------ pictures
    def picture(self, item_key: str, default: str) -> str | bytes:
        """The family's own photo when there is one, else the bundled picture path."""
        if self.family:
            data = photos.photo_bytes(self.store, self.family, item_key)
            if data:
                return data
        return default

