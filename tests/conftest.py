"""Shared fixtures. Tests never read the real clock: dates are arguments or PLANNER_TODAY."""
from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from planner.core.model import LibraryActivity

ROOT = Path(__file__).resolve().parent.parent
TODAY = date(2026, 11, 27)          # a Friday


def lib_activity(aid: str, *, minutes: int = 5, setting: str = "table-top", areas=("fine-motor",),
                 when=(), reps=None, sensory=None, ages_months=(24, 131), conflicts=(),
                 weighted: bool = False, counts_toward_budget: bool = True,
                 safety: str | None = None) -> LibraryActivity:
    return LibraryActivity(
        id=aid, title=aid.replace("-", " ").capitalize(), kid_title=aid[:24], areas=tuple(areas),
        age_min_months=ages_months[0], age_max_months=ages_months[1], minutes=minutes, reps=reps,
        sets=None, when=tuple(when), materials=(), steps=("One", "Two", "Three"), easier="",
        harder="", safety=safety, setting=setting, sensory_kind=sensory,
        sensory_systems=("proprioceptive",) if sensory else (), picture=f"activities/{aid}.svg",
        conflicts=tuple(conflicts), weighted=weighted, counts_toward_budget=counts_toward_budget,
    )


@pytest.fixture
def mini_library() -> dict[str, LibraryActivity]:
    acts = [
        lib_activity("tweezers-pickup"),
        lib_activity("wall-pushups", minutes=2, setting="movement", areas=("sensory",), reps=10,
                     sensory="organizing"),
        lib_activity("obstacle-course", minutes=15, setting="movement", areas=("gross-motor",)),
        lib_activity("bead-stringing", minutes=8),
        lib_activity("brushing-teeth", minutes=3, setting="routine", areas=("self-care",),
                     when=("morning", "bedtime")),
        lib_activity("ball-catching", minutes=8, setting="movement", areas=("gross-motor",)),
        lib_activity("heavy-carry", minutes=5, setting="movement", areas=("sensory",)),
    ] + [lib_activity(f"act-{i:02d}", minutes=3 + i % 5, setting=("movement", "table-top")[i % 2])
         for i in range(40)]
    return {a.id: a for a in acts}


def base_plan(**over) -> dict:
    doc = {
        "format": "ot-home-plan/1",
        "plan_id": "maya-winter",
        "version": 1,
        "child": {"name": "Maya", "birth_date": "2022-06-14"},
        "therapist": {"name": "R. Okafor, OTR/L", "contact": "clinic front desk"},
        "start": "2026-11-23",
        "end": "2027-01-31",
        "daily_minutes": {"weekday": 25, "weekend": 40},
        "rest_days": ["sun"],
        "goals": [{"id": "pincer", "text": "Picks up small objects with thumb and index finger",
                   "area": "fine-motor"}],
        "activities": [
            {"activity": "tweezers-pickup", "goal": "pincer", "times_per_week": 3, "minutes": 5,
             "when": ["afternoon"], "notes": "Large pom-poms first"},
            {"activity": "wall-pushups", "sensory_diet": True, "times_per_day": 2, "reps": 10,
             "minutes": 2, "when": ["morning", "before-homework"]},
            {"activity": "obstacle-course", "days": ["sat"], "minutes": 15},
            {"custom": {"id": "shoe-tying", "title": "Tie shoelaces", "kid_title": "Tie my shoes",
                        "area": "self-care", "steps": ["Cross the laces", "Make two loops",
                                                       "Pull them tight"]},
             "times_per_week": 3, "minutes": 5},
        ],
    }
    doc.update(over)
    return doc


@pytest.fixture
def plan_doc() -> dict:
    return base_plan()


@pytest.fixture
def plan_file(tmp_path) -> Path:
    p = tmp_path / "maya.json"
    p.write_text(json.dumps(base_plan()), encoding="utf-8")
    return p


def folder_snapshot(folder: Path) -> dict[str, bytes]:
    """Every file under a folder with its bytes (to prove nothing changed)."""
    if not folder.exists():
        return {}
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture
def cli(tmp_path, monkeypatch, capsys):
    """Run `planner` in-process on a temp data folder with today pinned to 2026-11-27."""
    from planner.cli import main
    data = tmp_path / "data"
    monkeypatch.setenv("PLANNER_TODAY", "2026-11-27")
    monkeypatch.delenv("PLANNER_DATA_DIR", raising=False)

    def run(*args: str, data_dir=None):
        code = main(["--data-dir", str(data_dir or data), *args])
        out, err = capsys.readouterr()
        return code, out, err
    run.data = data
    return run


def v2_plan(**over) -> dict:
    """A complete plan of format 2: a choice twice on school days, an as-needed item, tweezers in
    phases, precautions and a goal with GAS levels."""
    doc = {
        "format": "ot-home-plan/2", "plan_id": "maya-v2", "version": 1,
        "child": {"name": "Maya", "birth_date": "2020-06-14", "handedness": "left",
                  "precautions": ["latex-allergy", {"id": "food-allergy", "text": "peanuts"}],
                  "precaution_notes": "Carries an epinephrine pen"},
        "start": "2026-11-23", "end": "2027-02-28",
        "daily_minutes": {"weekday": 30, "weekend": 40}, "rest_days": ["sun"],
        "goals": [{"id": "calm", "text": "Settles after school with a movement break",
                   "baseline": "Needs an adult every day", "target": "4 of 5 school days on her own",
                   "target_date": "2027-02-28",
                   "gas": {"-2": "Needs help every day", "-1": "On her own 1-2 days",
                           "0": "On her own 3 days", "+1": "On her own 4 days", "+2": "Every day"}},
                  {"id": "pincer", "text": "Picks up small objects with thumb and finger"}],
        "activities": [
            {"choice": {"id": "heavy-work", "title": "Heavy work", "kid_title": "Push or carry",
                        "options": ["wall-pushups", "heavy-carry"]},
             "days": ["mon", "tue", "wed", "thu", "fri"], "times_per_day": 2,
             "when": ["morning", "after-school"], "goal": "calm", "minutes": 3},
            {"activity": "calm-down-corner", "as_needed": True, "goal": "calm",
             "coaching": "Offer it early, before the meltdown"},
            {"activity": "tweezers-pickup", "times_per_week": 3, "minutes": 5, "goal": "pincer",
             "level": "easier", "phases": [{"week": 3, "level": "standard", "minutes": 8}],
             "progress_after_easy": 3, "stop_if": "Her hand cramps"},
        ],
    }
    doc.update(over)
    return doc
