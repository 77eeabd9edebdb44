"""The household: its children, their settings, the family's settings, the parent PIN, rewards
and pauses. One PIN gates kid mode for every child."""
from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any, Callable

from planner.core.family import Family, child_key, family_from_versions
from planner.core.model import Status
from planner.core.value import frozen, replace
from planner.services.errors import ServiceError
from planner.storage.records import ChildSettings, HouseholdSettings
from planner.storage.store import Store, StoreError

PIN_TRIES = 5                      # wrong tries before the first wait
PIN_FIRST_WAIT = 30                # seconds; doubles with each further wrong try
PIN_MAX_WAIT = 3600
SCRYPT = (2**14, 8, 1)             # n, r, p: about 16 MB and 50 ms


def _guard(fn: Callable[[], Any]) -> Any:
    try:
        return fn()
    except StoreError as exc:
        raise ServiceError(str(exc)) from None


# ------------------------------------------------------------------ children

@frozen
class Child:
    key: str
    name: str
    plan_id: str                   # the plan in effect (latest version)
    plan_version: int
    last_activity: date | None = None


def children(store: Store) -> list[tuple[str, str]]:
    """(key, latest name) of every child with a plan, in order of first import."""
    seen: dict[str, str] = {}
    for rec in _guard(store.plan_records):          # import order: the first child comes first
        seen[rec.child_key] = rec.plan.child
    return list(seen.items())


def child_list(store: Store, today: date) -> list[Child]:
    """Every child with the plan in effect today and the last day something was recorded."""
    out = []
    for key, name in children(store):
        fam = load_family(store, key=key)
        plan = fam.plan_on(today)
        last = None
        for week in reversed(store.history_weeks(key)):
            monday = datetime.fromisocalendar(int(week[:4]), int(week[6:8]), 1).date()
            got = _guard(lambda: store.completions(key, monday, monday + timedelta(days=6)))
            if got:
                last = max(c.date for c in got.values())
                break
        out.append(Child(key, name, plan.plan_id, plan.version, last))
    return out


def load_family(store: Store, child: str | None = None, *, key: str | None = None) -> Family:
    """One child's plans and settings. `child` is a name or a key; without it the folder must
    hold one child only."""
    records = _guard(store.plan_records)
    if not records:
        raise ServiceError("no plan yet: import one with `planner import FILE`")
    kids = children(store)
    if key is not None:
        match = [k for k in kids if k[0] == key]
        if not match:
            raise ServiceError(f"no child with the key {key!r}")
        key, name = match[0]
    elif child:
        wanted = child_key(child)
        match = [k for k in kids if k[0] == child or k[0] == wanted or k[1].casefold() == child.casefold()]
        if not match:
            raise ServiceError(f"no child named {child!r} (children: {', '.join(n for _, n in kids)})")
        key, name = match[0]
    elif len(kids) > 1:
        raise ServiceError("this data folder has plans for several children ("
                           + ", ".join(n for _, n in kids) + "); add --child NAME")
    else:
        key, name = kids[0]
    versions = [(r.effective_from, r.plan) for r in records if r.child_key == key]
    settings = _guard(lambda: store.child_settings(key))
    levels = tuple(_guard(lambda: store.level_changes(key)))
    return family_from_versions(key, name, versions, frozenset(settings.pauses), settings, levels)


def update_child(store: Store, family: Family, **changes: Any) -> ChildSettings:
    """Change some of one child's settings (read, change and save under the lock)."""
    new = _guard(lambda: store.update_child_settings(family.key, lambda s: replace(s, **changes)))
    family.settings = new
    family.paused = frozenset(new.pauses)
    return new


def household(store: Store) -> HouseholdSettings:
    return _guard(store.household)


def update_household(store: Store, **changes: Any) -> HouseholdSettings:
    return _guard(lambda: store.update_household(lambda s: replace(s, **changes)))


# ------------------------------------------------------------------ parent PIN (one per family)

def _digest(pin: str, salt: str, kdf: str) -> str:
    import hashlib
    if kdf.startswith("scrypt:"):
        n, r, p = (int(x) for x in kdf.split(":")[1:])
        return hashlib.scrypt(pin.encode(), salt=bytes.fromhex(salt), n=n, r=r, p=p,
                              maxmem=64 * 2**20, dklen=32).hex()
    if kdf.startswith("pbkdf2:"):                   # written by schema 1; upgraded at the next right try
        return hashlib.pbkdf2_hmac("sha256", pin.encode(), salt.encode(), int(kdf.split(":")[1])).hex()
    raise ServiceError("the stored PIN uses an unknown method; reset it with `planner pin --clear`")


def set_pin(store: Store, pin: str | None, confirm: str | None = None) -> None:
    """A 4-8 digit parent PIN, typed twice; None or "" removes it."""
    if pin is None or pin == "":
        update_household(store, pin_hash=None, pin_salt=None, pin_kdf=None, pin_failures=0,
                         pin_locked_until=None)
        return
    if not pin.isascii() or not pin.isdigit() or not 4 <= len(pin) <= 8:
        raise ServiceError("the PIN must be 4 to 8 digits")
    if confirm is not None and confirm != pin:
        raise ServiceError("the two PINs are not the same; type it again")
    import secrets
    salt = secrets.token_bytes(16).hex()
    kdf = "scrypt:{}:{}:{}".format(*SCRYPT)
    update_household(store, pin_hash=_digest(pin, salt, kdf), pin_salt=salt, pin_kdf=kdf,
                     pin_failures=0, pin_locked_until=None)


def has_pin(store: Store) -> bool:
    return bool(household(store).pin_hash)


@frozen
class PinCheck:
    ok: bool
    wait_seconds: int = 0          # > 0: locked; try again after this long

    def message(self) -> str:
        if self.ok:
            return ""
        if self.wait_seconds:
            return f"Too many wrong tries: wait {wait_text(self.wait_seconds)}"
        return "Wrong PIN"


def wait_text(seconds: int) -> str:
    if seconds < 60:
        return f"{seconds} seconds"
    minutes = -(-seconds // 60)
    return "1 minute" if minutes == 1 else f"{minutes} minutes"


def check_pin(store: Store, pin: str, now: datetime) -> PinCheck:
    """Check the household PIN against the stored one (read fresh each time, so a PIN changed on
    another device counts at once). After PIN_TRIES wrong tries, each wrong try makes the next wait
    longer (30 s, 1 min, 2 min, ...), kept in the data folder so a reload does not reset it."""
    import hmac
    import secrets
    s = household(store)
    if not s.pin_hash:
        return PinCheck(True)
    if s.pin_locked_until:
        until = datetime.fromisoformat(s.pin_locked_until)
        if now < until:
            return PinCheck(False, max(1, int((until - now).total_seconds() + 0.999)))
    ok = isinstance(pin, str) and pin.isascii() and pin.isdigit() and len(pin) <= 8 and hmac.compare_digest(
        _digest(pin, s.pin_salt or "", s.pin_kdf or "pbkdf2:50000"), s.pin_hash)
    if ok:
        changes: dict[str, Any] = {"pin_failures": 0, "pin_locked_until": None}
        if not (s.pin_kdf or "").startswith("scrypt:"):
            salt = secrets.token_bytes(16).hex()
            kdf = "scrypt:{}:{}:{}".format(*SCRYPT)
            changes.update(pin_hash=_digest(pin, salt, kdf), pin_salt=salt, pin_kdf=kdf)
        if s.pin_failures or s.pin_locked_until or "pin_kdf" in changes:
            update_household(store, **changes)
        return PinCheck(True)
    failures = s.pin_failures + 1
    wait = 0
    if failures >= PIN_TRIES:
        wait = min(PIN_MAX_WAIT, PIN_FIRST_WAIT * 2 ** (failures - PIN_TRIES))
    update_household(store, pin_failures=failures,
                     pin_locked_until=(now + timedelta(seconds=wait)).isoformat(timespec="seconds")
                     if wait else None)
    return PinCheck(False, wait)


# ------------------------------------------------------------------ rewards and pauses

@frozen
class Reward:
    name: str
    goal: int
    stars: int
    since: date

    @property
    def reached(self) -> bool:
        return self.stars >= self.goal


def reward(store: Store, family: Family, today: date) -> Reward:
    """Stars = activities done (fully or partly) since the parent named the reward."""
    from planner.services import practice
    s: ChildSettings = family.settings or ChildSettings()
    since = min(s.reward_since or today, today)
    got = practice.days(store, family, since, (today - since).days + 1)
    stars = sum(1 for d in got for it in d.items if it.status in (Status.DONE, Status.PARTIAL))
    return Reward(s.reward_name, s.reward_goal, stars, since)


def set_reward(store: Store, family: Family, name: str, goal: int, today: date) -> None:
    name = " ".join(name.split())
    if len(name) > 60:
        raise ServiceError("the reward's name is too long (at most 60 characters)")
    if any(ord(c) < 32 or 0x7f <= ord(c) < 0xa0 for c in name):
        raise ServiceError("the reward's name has a control character")
    if not 1 <= goal <= 500:
        raise ServiceError("the number of stars must be from 1 to 500")
    update_child(store, family, reward_name=name, reward_goal=goal, reward_since=today)


def set_pauses(store: Store, family: Family, first: date, last: date, *, add: bool = True) -> None:
    """Pause (holiday) or resume every day from first to last."""
    if last < first:
        raise ServiceError("the pause ends before it starts")
    if (last - first).days > 120:
        raise ServiceError("a pause can be at most 120 days")
    days = {first + timedelta(days=i) for i in range((last - first).days + 1)}

    def change(s: ChildSettings) -> ChildSettings:
        return replace(s, pauses=frozenset(s.pauses | days if add else s.pauses - days))
    new = _guard(lambda: store.update_child_settings(family.key, change))
    family.settings, family.paused = new, frozenset(new.pauses)
