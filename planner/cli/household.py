"""`planner children`, `planner pin --clear`."""
from __future__ import annotations

import argparse
import json
from datetime import date

from planner.services import household
from planner.storage.store import Store


def cmd_children(args: argparse.Namespace, store: Store, today: date) -> int:
    kids = household.child_list(store, today) if store.exists() else []
    if args.json:
        print(json.dumps({"children": [
            {"name": c.name, "key": c.key, "plan_id": c.plan_id, "plan_version": c.plan_version,
             "last_activity": c.last_activity.isoformat() if c.last_activity else None}
            for c in kids]}, ensure_ascii=False))
        return 0
    if not kids:
        print("no children yet: import a plan with `planner import FILE`")
        return 0
    for c in kids:
        last = c.last_activity.isoformat() if c.last_activity else "nothing recorded yet"
        print(f"{c.name}  (key {c.key})  plan {c.plan_id} version {c.plan_version}  last activity: {last}")
    return 0


def cmd_pin(args: argparse.Namespace, store: Store, today: date) -> int:
    had = store.exists() and household.has_pin(store)
    household.set_pin(store, None)
    print("the parent PIN is cleared" if had else "there was no parent PIN; nothing to clear")
    return 0
