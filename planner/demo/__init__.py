"""The bundled demo plan, moved to the current week so a first start shows a real day."""
from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

from planner.services import plans
from planner.services.plans import ImportOutcome
from planner.core import importer
from planner.library import load_library, picture_names
from planner.storage.store import Store

DEMO_FILE = Path(__file__).resolve().parent / "demo-plan.json"


def demo_plan(today: date):
    doc = json.loads(DEMO_FILE.read_text(encoding="utf-8"))
    start = date.fromisoformat(doc["start"])
    end = date.fromisoformat(doc["end"])
    monday = today - timedelta(days=today.weekday())
    doc["start"] = monday.isoformat()
    doc["end"] = (monday + (end - start)).isoformat()
    return importer.plan_from_dict(doc, load_library(), picture_names())


def import_demo(store: Store, today: date) -> ImportOutcome | None:
    """Import the demo plan when the folder has no plan; otherwise do nothing."""
    if store.exists():
        return None
    return plans.import_plan(store, demo_plan(today), today)
