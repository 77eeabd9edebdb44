"""Migrations of a data folder, each run under the write lock by the store (or on a restore's
staging folder before it is switched in).

MIGRATIONS[n](folder) turns a schema-n folder into schema n+1. Each writes its new files first
(atomically), the store then writes the new schema number, and only after that `sweep_after`
removes what the old schema needed: a kill at any moment leaves a folder that the next run
migrates again (or finishes sweeping) without losing a record.
"""
from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Any, Callable

from planner.storage.atomic import CorruptFile, atomic_write_bytes, read_json_file

OLD_WEEK = re.compile(r"[0-9]{4}-W[0-9]{2}\.json")
UNASSIGNED = "unassigned"          # history records whose plan is unknown (kept, never read)


def _dump(doc: Any) -> bytes:
    return json.dumps(doc, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def _read(path: Path) -> dict[str, Any]:
    """A schema-1 file, or its .bak when it is damaged, or {} when neither can be read."""
    for p in (path, path.with_name(path.name + ".bak")):
        if p.exists():
            try:
                return read_json_file(p)
            except (CorruptFile, OSError):
                continue
    return {}


def _rows(doc: dict[str, Any], table: str) -> list[dict[str, Any]]:
    rows = doc.get(table) or {}
    if not isinstance(rows, dict):
        return []

    def order(k: str) -> int:
        return int(k) if k.isdigit() else 0
    return [rows[k] for k in sorted(rows, key=order) if isinstance(rows[k], dict)]


def _table(rows: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {str(i + 1): r for i, r in enumerate(rows)}


def migrate_1_to_2(folder: Path) -> None:
    """History per child (history/<child>/YYYY-Www.json) and settings split into the household's
    and each child's. Schema 1 kept every child's check-offs in one week file and the PIN, the
    reminder times and kid mode per child."""
    plans = _rows(_read(folder / "plans.json"), "plans")
    owner = {p.get("plan_id"): p.get("child_key") for p in plans if isinstance(p.get("child_key"), str)}
    order = list(dict.fromkeys(p.get("child_key") for p in plans if isinstance(p.get("child_key"), str)))

    history = folder / "history"
    if history.is_dir():
        for path in sorted(history.iterdir()):
            if not (path.is_file() and OLD_WEEK.fullmatch(path.name)):
                continue
            doc = _read(path)
            by_child: dict[str, list[dict[str, Any]]] = {}
            for rec in _rows(doc, "completions"):
                key = owner.get(rec.get("plan_id")) or UNASSIGNED
                by_child.setdefault(key, []).append(rec)
            for key, recs in by_child.items():
                target = history / key / path.name
                target.parent.mkdir(parents=True, exist_ok=True)
                atomic_write_bytes(target, _dump({"completions": _table(recs)}), keep_backup=False)

    settings = _read(folder / "settings.json")
    if "settings" not in settings and ("household" in settings or "children" in settings):
        return                                 # already split by an earlier, interrupted run
    old = _rows(settings, "settings")
    app = next((d for d in old if d.get("child_key") == "__app__"), {})
    kids = {d.get("child_key"): d for d in old if d.get("child_key") not in (None, "__app__")}
    household: dict[str, Any] = {"kid_mode": bool(app.get("kid_mode")), "child": app.get("child")}
    for key in order + [k for k in kids if k not in order]:
        d = kids.get(key) or {}
        if d.get("pin_hash") and "pin_hash" not in household:
            household.update(pin_hash=d["pin_hash"], pin_salt=d.get("pin_salt"), pin_kdf="pbkdf2:50000")
        if d.get("slot_times") and "slot_times" not in household:
            household["slot_times"] = d["slot_times"]
    children = []
    for key, d in kids.items():
        children.append({"child_key": key, "pauses": d.get("pauses") or [],
                         "reward_name": d.get("reward_name") or "",
                         "reward_goal": d.get("reward_goal") or 20,
                         "reward_since": d.get("reward_since"), "photos": d.get("photos") or {}})
    if settings or kids or app:
        atomic_write_bytes(folder / "settings.json",
                           _dump({"household": _table([household]), "children": _table(children)}))


def _sweep_2(folder: Path) -> None:
    """After schema 2 is written: the schema-1 week files (already copied per child) go."""
    history = folder / "history"
    if not history.is_dir():
        return
    for path in history.iterdir():
        if path.is_file() and (OLD_WEEK.fullmatch(path.name)
                               or (path.name.endswith(".bak") and OLD_WEEK.fullmatch(path.name[:-4]))):
            try:
                os.unlink(path)
            except OSError:
                pass


MIGRATIONS: dict[int, Callable[[Path], None]] = {1: migrate_1_to_2}
SWEEPS: dict[int, Callable[[Path], None]] = {2: _sweep_2}


def sweep_after(folder: Path, version: int) -> None:
    sweep = SWEEPS.get(version)
    if sweep:
        sweep(folder)
