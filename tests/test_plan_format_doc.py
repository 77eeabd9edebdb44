"""docs/plan-format.md stays true: every JSON example in it imports (whole plans as they are, pieces
of a plan inside a small format-2 plan), every field of plan format 2 is documented, the precaution
table names activities that really conflict, the quoted error and warning lines are the importer's
own, and the worked example's week is what `planner schedule` prints."""
from __future__ import annotations

import copy
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from planner.core import importer
from planner.core.activity import PRECAUTIONS
from planner.core.importer import PlanError, plan_from_dict
from planner.core.model import ASSISTS, ENGINE_STATES, HANDEDNESS, LEVELS, SLOTS
from planner.library import load_library, picture_names

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "plan-format.md"
TEXT = DOC.read_text(encoding="utf-8")
FENCE = re.compile(r"^```([a-z]*)\n(.*?)^```", re.M | re.S)
ENTRY_KINDS = {"activity", "custom", "choice"}
# A piece of a plan goes into this plan: a `child`, `goals` or `school_days` replaces the plan's
# own, an entry becomes its only activity.
BASE = {"format": "ot-home-plan/2", "child": {"name": "Sam", "birth_date": "2020-01-15"},
        "start": "2026-11-23", "end": "2027-06-30",
        "activities": [{"activity": "wall-pushups", "times_per_week": 2}]}


def blocks(lang: str) -> list[tuple[int, str]]:
    """(line number, body) of every fenced block of that language."""
    return [(TEXT.count("\n", 0, m.start()) + 1, m.group(2)) for m in FENCE.finditer(TEXT)
            if m.group(1) == lang]


def json_examples() -> list[tuple[str, int, dict]]:
    """("plan" | "top" | "entry" | "other", line, document) for every ```json block."""
    out = []
    for line, body in blocks("json"):
        doc = importer.load_json(body)          # strict: a duplicate key in an example is an error
        assert isinstance(doc, dict), f"line {line}: an example is a JSON object"
        if "format" in doc:
            kind = "plan"
        elif set(doc) <= importer.TOP_KEYS_2:
            kind = "top"
        elif ENTRY_KINDS & set(doc):
            kind = "entry"
        else:
            kind = "other"
        out.append((kind, line, doc))
    return out


EXAMPLES = json_examples()


def load(doc: dict):
    return plan_from_dict(json.loads(json.dumps(doc)), load_library(), picture_names())


def as_plan(kind: str, doc: dict) -> dict:
    if kind == "plan":
        return doc
    plan = copy.deepcopy(BASE)
    if kind == "top":
        plan.update(copy.deepcopy(doc))
    else:
        plan["activities"] = [copy.deepcopy(doc)]
    return plan


def test_the_doc_has_its_examples():
    kinds = [k for k, _, _ in EXAMPLES]
    assert kinds.count("plan") >= 2            # the format-1 example and the worked example
    assert kinds.count("entry") >= 12 and kinds.count("top") >= 4
    assert {"ot-home-plan/1", "ot-home-plan/2"} <= {d["format"] for k, _, d in EXAMPLES if k == "plan"}


@pytest.mark.parametrize("kind,line,doc", [e for e in EXAMPLES if e[0] != "other"],
                         ids=[f"{e[0]}-line{e[1]}" for e in EXAMPLES if e[0] != "other"])
def test_every_example_imports(kind, line, doc):
    plan = load(as_plan(kind, doc))
    assert plan.activities
    if kind == "entry":
        key = (doc.get("custom") or doc.get("choice") or {}).get("id") or doc["activity"]
        assert plan.activities[0].key == key


@pytest.mark.parametrize("name", sorted(importer.TOP_KEYS_2 | importer.CHILD_KEYS_2 | importer.GOAL_KEYS_2
                                        | importer.ENTRY_KEYS_2 | importer.CUSTOM_KEYS_2
                                        | importer.CHOICE_KEYS | importer.PHASE_KEYS))
def test_every_field_is_documented(name):
    assert f"`{name}`" in TEXT or f'"{name}"' in TEXT, f"{name} is not in docs/plan-format.md"


def test_every_new_field_has_its_own_example():
    """Each format-2 field (beyond format 1) is used by at least one JSON example."""
    used: set[str] = set()

    def walk(value):
        if isinstance(value, dict):
            used.update(value)
            for v in value.values():
                walk(v)
        elif isinstance(value, list):
            for v in value:
                walk(v)
    for _, _, doc in EXAMPLES:
        walk(doc)
    new = ((importer.TOP_KEYS_2 - importer.TOP_KEYS) | (importer.ENTRY_KEYS_2 - importer.ENTRY_KEYS)
           | (importer.CUSTOM_KEYS_2 - importer.CUSTOM_KEYS) | importer.CHILD_KEYS_2 | importer.GOAL_KEYS_2
           | importer.CHOICE_KEYS | importer.PHASE_KEYS) - {"picture"}    # choice.picture: not used
    assert sorted(new - used) == []


@pytest.mark.parametrize("words", [PRECAUTIONS, LEVELS, ASSISTS, ENGINE_STATES, HANDEDNESS, SLOTS])
def test_vocabularies_are_documented(words):
    assert [w for w in words if f"`{w}`" not in TEXT] == []


def precaution_rows() -> dict[str, list[str]]:
    rows = {}
    for line in TEXT.splitlines():
        m = re.match(r"\| `([a-z-]+)` \| [^|]+ \| (.+) \|$", line)
        if m and m.group(1) in PRECAUTIONS:
            rows[m.group(1)] = re.findall(r"`([a-z0-9-]+)`", m.group(2))
    return rows


def test_precaution_table_lists_every_precaution_with_activities_it_really_blocks():
    rows = precaution_rows()
    assert sorted(rows) == sorted(PRECAUTIONS)
    lib = load_library()
    for precaution, acts in rows.items():
        assert acts, precaution
        wrong = [a for a in acts if a not in lib or precaution not in lib[a].conflicts]
        assert wrong == [], (precaution, wrong)


def worked() -> dict:
    plans = [d for k, _, d in EXAMPLES if k == "plan" and d.get("plan_id") == "leo-term2"]
    assert len(plans) == 1
    return copy.deepcopy(plans[0])


def format_1() -> dict:
    return copy.deepcopy(next(d for k, _, d in EXAMPLES if k == "plan" and d["format"] == "ot-home-plan/1"))


def _with(doc: dict, *activities: dict) -> dict:
    doc["activities"] = list(activities)
    return doc


MISTAKES = {
    # the field an error line of the doc names -> a plan that makes that error
    "activities[0].as_needed": lambda: _with(format_1(), {"activity": "calm-down-corner", "as_needed": True}),
    "child.precautions": lambda: {**copy.deepcopy(BASE), "child": {"name": "Noor", "precautions": ["food-allergy"]}},
    "activities[3].activity": lambda: _with(worked(), *worked()["activities"],
                                            {"activity": "balloon-tap", "times_per_week": 2}),
    "activities[0].weight_kg": lambda: _with(copy.deepcopy(BASE), {"activity": "weighted-lap-pad",
                                                                   "times_per_week": 2}),
}


def test_quoted_errors_are_the_importers_own():
    lines = [ln for ln in TEXT.splitlines() if ln.startswith("error: plan.json: ")]
    assert len(lines) == len(MISTAKES)
    for ln in lines:
        quoted = ln.removeprefix("error: plan.json: ")
        where = quoted.split(": ", 1)[0]
        with pytest.raises(PlanError) as exc:
            load(MISTAKES[where]())
        assert str(exc.value) == quoted


def test_quoted_age_warning_is_the_importers_own():
    lines = [ln.removeprefix("warning: ") for ln in TEXT.splitlines() if ln.startswith("warning: activities")]
    assert len(lines) == 1
    doc = copy.deepcopy(BASE)
    doc["child"]["birth_date"] = "2025-01-20"                    # 22 months on 2026-11-23
    doc["activities"] = [{"activity": "scissor-cutting", "times_per_week": 2}]
    assert lines[0] in load(doc).warnings


def run(data: Path, *args: str) -> str:
    env = {**os.environ, "PLANNER_TODAY": "2026-11-23"}
    env.pop("PLANNER_DATA_DIR", None)
    done = subprocess.run([sys.executable, "-m", "planner", "--data-dir", str(data), *args], cwd=ROOT,
                          env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_worked_example_week_is_what_the_planner_prints(tmp_path):
    session = next(body for _, body in blocks("") if "planner schedule --days 7" in body)
    expected: dict[str, str] = {}
    command = None
    for ln in session.splitlines():
        if ln.startswith("$ "):
            command = ln.split(" planner ", 1)[1]
            expected[command] = ""
        else:
            expected[command] += ln + "\n"
    plan_file = tmp_path / "leo-term2.json"
    plan_file.write_text(json.dumps(worked()), encoding="utf-8")
    data = tmp_path / "data"
    assert list(expected) == ["import leo-term2.json", "schedule --days 7"]
    assert run(data, "import", str(plan_file)) == expected["import leo-term2.json"]
    assert run(data, "schedule", "--days", "7") == expected["schedule --days 7"]
    shown = next(d for k, _, d in EXAMPLES if k == "other" and d.get("plan_id") == "leo-term2")
    assert json.loads(run(data, "schedule", "--from", "2026-11-23", "--days", "1", "--json")) == shown
    week_3 = json.loads(run(data, "schedule", "--from", "2026-12-07", "--days", "7", "--json"))
    levels = [it.get("level") for d in week_3["days"] for it in d["items"] if it["activity"] == "tweezers-pickup"]
    assert len(levels) == 3 and set(levels) == {"standard"}            # "from week 3 ... standard"


def test_weighted_activities_named_in_the_doc_are_the_librarys():
    row = next(ln for ln in TEXT.splitlines() if ln.startswith("| `weight_kg` |"))
    named = set(re.findall(r"`([a-z0-9-]+)`", row.split("|")[2])) - {"weight_kg", "weighted", "true"}
    assert named == {a.id for a in load_library().values() if a.weighted}
