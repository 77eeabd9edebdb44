"""Typed records of the data folder: what the store hands upward instead of raw documents.

Each record maps to and from its stored JSON document here and nowhere else.
"""
from __future__ import annotations

from datetime import date
from typing import Any, Mapping

from planner.core.model import Plan
from planner.core.value import field, frozen, replace


class BadRecord(ValueError):
    """A stored document that does not have the shape of its record."""


def _date(value: Any, what: str) -> date:
    try:
        return date.fromisoformat(value)
    except (TypeError, ValueError):
        raise BadRecord(f"{what}: not a date ({str(value)[:40]!r})") from None


def _str(value: Any, what: str, optional: bool = False) -> str | None:
    if value is None and optional:
        return None
    if not isinstance(value, str):
        raise BadRecord(f"{what}: not text")
    return value


def _int(value: Any, what: str, lo: int = 0, hi: int = 10**9) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not lo <= value <= hi:
        raise BadRecord(f"{what}: not a whole number from {lo} to {hi}")
    return value


@frozen
class PlanRecord:
    """One imported plan version of one child, and the day it takes effect."""
    child_key: str
    plan_id: str
    version: int
    effective_from: date
    imported_at: str
    hash: str
    plan: Plan

    def to_doc(self) -> dict[str, Any]:
        from planner.storage import mapping
        return {"child_key": self.child_key, "plan_id": self.plan_id, "version": self.version,
                "effective_from": self.effective_from.isoformat(), "imported_at": self.imported_at,
                "hash": self.hash, "plan": mapping.plan_to_doc(self.plan)}

    @classmethod
    def from_doc(cls, d: Mapping[str, Any]) -> "PlanRecord":
        from planner.storage import mapping
        if not isinstance(d, Mapping):
            raise BadRecord("plan record: not an object")
        try:
            plan = mapping.plan_from_doc(d["plan"])
        except BadRecord:
            raise
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise BadRecord(f"plan record: the plan is not readable ({exc.__class__.__name__})") from None
        return cls(child_key=_str(d.get("child_key"), "plan record child_key"),
                   plan_id=_str(d.get("plan_id"), "plan record plan_id"),
                   version=_int(d.get("version"), "plan record version", 1),
                   effective_from=_date(d.get("effective_from"), "plan record effective_from"),
                   imported_at=_str(d.get("imported_at", ""), "plan record imported_at"),
                   hash=_str(d.get("hash", ""), "plan record hash"), plan=plan)


@frozen
class ChildSettings:
    """What belongs to one child: holidays, the kid-mode reward, the family's own photos."""
    pauses: frozenset[date] = frozenset()
    reward_name: str = ""
    reward_goal: int = 20
    reward_since: date | None = None
    photos: Mapping[str, str] = field(default_factory=dict)
    fhir_patient: str | None = None          # the clinic's Patient/<id> of this child (after a pull)

    def to_doc(self) -> dict[str, Any]:
        return {"pauses": sorted(d.isoformat() for d in self.pauses), "reward_name": self.reward_name,
                "reward_goal": self.reward_goal,
                "reward_since": self.reward_since.isoformat() if self.reward_since else None,
                "photos": dict(self.photos), "fhir_patient": self.fhir_patient}

    @classmethod
    def from_doc(cls, d: Mapping[str, Any] | None) -> "ChildSettings":
        if not d:
            return cls()
        if not isinstance(d, Mapping):
            raise BadRecord("child settings: not an object")
        pauses = d.get("pauses") or []
        photos = d.get("photos") or {}
        if not isinstance(pauses, list) or not isinstance(photos, Mapping):
            raise BadRecord("child settings: pauses or photos of the wrong shape")
        return cls(
            pauses=frozenset(_date(p, "child settings pause") for p in pauses),
            reward_name=_str(d.get("reward_name") or "", "child settings reward_name"),
            reward_goal=_int(d.get("reward_goal") or 20, "child settings reward_goal", 1, 500),
            reward_since=_date(d["reward_since"], "reward_since") if d.get("reward_since") else None,
            photos={_str(k, "photo key"): _str(v, "photo file") for k, v in photos.items()},
            fhir_patient=_str(d.get("fhir_patient"), "child settings fhir_patient", optional=True),
        )

    def changed(self, **changes: Any) -> "ChildSettings":
        return replace(self, **changes)


@frozen
class HouseholdSettings:
    """What belongs to the family, not to one child: the parent PIN (one for every child) and its
    lock-out, reminder times, whether a device is in kid mode and which child it shows."""
    pin_hash: str | None = None
    pin_salt: str | None = None
    pin_kdf: str | None = None               # "scrypt:16384:8:1" or the old "pbkdf2:50000"
    pin_failures: int = 0                    # wrong tries since the last right one
    pin_locked_until: str | None = None      # ISO time; no try is checked before it
    slot_times: Mapping[str, str] = field(default_factory=dict)
    kid_mode: bool = False
    kid_sound: bool = True                   # kid mode's chime and spoken prompts
    pin_offered: bool = False                # kid mode has asked once for a PIN (skippable)
    child: str | None = None                 # the child the app shows
    paper: str | None = None                 # report paper size chosen in the app
    fhir_server: str | None = None
    fhir_token: str | None = None

    def to_doc(self) -> dict[str, Any]:
        return {"pin_hash": self.pin_hash, "pin_salt": self.pin_salt, "pin_kdf": self.pin_kdf,
                "pin_failures": self.pin_failures, "pin_locked_until": self.pin_locked_until,
                "slot_times": dict(self.slot_times), "kid_mode": self.kid_mode, "child": self.child,
                "kid_sound": self.kid_sound, "pin_offered": self.pin_offered,
                "paper": self.paper, "fhir_server": self.fhir_server, "fhir_token": self.fhir_token}

    @classmethod
    def from_doc(cls, d: Mapping[str, Any] | None) -> "HouseholdSettings":
        if not d:
            return cls()
        if not isinstance(d, Mapping):
            raise BadRecord("household settings: not an object")
        times = d.get("slot_times") or {}
        if not isinstance(times, Mapping):
            raise BadRecord("household settings: slot_times of the wrong shape")
        opt = lambda k: _str(d.get(k), f"household settings {k}", optional=True)  # noqa: E731
        return cls(pin_hash=opt("pin_hash"), pin_salt=opt("pin_salt"), pin_kdf=opt("pin_kdf"),
                   pin_failures=_int(d.get("pin_failures") or 0, "pin_failures"),
                   pin_locked_until=opt("pin_locked_until"),
                   slot_times={_str(k, "slot"): _str(v, "slot time") for k, v in times.items()},
                   kid_mode=bool(d.get("kid_mode")), child=opt("child"), paper=opt("paper"),
                   kid_sound=d.get("kid_sound", True) is not False,
                   pin_offered=bool(d.get("pin_offered")),
                   fhir_server=opt("fhir_server"), fhir_token=opt("fhir_token"))

    def changed(self, **changes: Any) -> "HouseholdSettings":
        return replace(self, **changes)
