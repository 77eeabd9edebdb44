"""The CLI contract: output formats, exit codes, one-line errors, untouched data on error."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT, base_plan, folder_snapshot



def write(tmp_path: Path, name: str, content) -> str:
    p = tmp_path / name
    if isinstance(content, (dict, list)):
        p.write_text(json.dumps(content), encoding="utf-8")
    elif isinstance(content, bytes):
        p.write_bytes(content)
    else:
        p.write_text(content, encoding="utf-8")
    return str(p)


REAL_PLAN = base_plan()
REAL_PLAN["activities"][3]["custom"]["picture"] = "bead-stringing"


def test_import_then_schedule_json(cli, tmp_path):
    code, out, err = cli("import", write(tmp_path, "maya.json", REAL_PLAN))
    assert code == 0 and "maya-winter version 1" in out, err
    code, out, _ = cli("schedule", "--from", "2026-11-22", "--days", "8", "--json")
    doc = json.loads(out)
    assert set(doc) == {"child", "plan_id", "days"} and doc["child"] == "Maya"
    assert [d["date"] for d in doc["days"]][0] == "2026-11-22" and len(doc["days"]) == 8
    sunday = doc["days"][0]
    assert sunday == {"date": "2026-11-22", "weekday": "sun", "budget_minutes": 0,
                      "planned_minutes": 0, "items": []}
    monday = doc["days"][1]
    assert monday["budget_minutes"] == 25
    assert monday["planned_minutes"] == sum(i["minutes"] for i in monday["items"])
    item = monday["items"][0]
    assert set(item) == {"id", "activity", "title", "kid_title", "slot", "minutes", "reps", "sets",
                         "goal", "areas", "setting", "sensory_diet", "picture", "status"}
    assert item["status"] == "planned" and not item["picture"].startswith("assets/")
    assert (ROOT / "assets" / item["picture"]).parent.name == "activities"
    tweezers = [i for d in doc["days"] for i in d["items"] if i["activity"] == "tweezers-pickup"]
    assert tweezers[0]["goal"] == "pincer" and tweezers[0]["slot"] == "afternoon"
    shoe = [i for d in doc["days"] for i in d["items"] if i["activity"] == "shoe-tying"]
    assert shoe[0]["picture"] == "activities/bead-stringing.svg" and shoe[0]["goal"] is None


def test_done_partial_skip_undo(cli, tmp_path):
    cli("import", write(tmp_path, "maya.json", REAL_PLAN))
    iid = "maya-winter.20261127.wall-pushups.morning"
    assert cli("done", iid, "--rating", "hard", "--note", "grumpy")[0] == 0
    other = "maya-winter.20261127.wall-pushups.before-homework"
    assert cli("done", other, "--partial")[0] == 0
    day = json.loads(cli("schedule", "--days", "1", "--json")[1])["days"][0]
    status = {i["id"]: i["status"] for i in day["items"]}
    assert status[iid] == "done" and status[other] == "partial"
    assert list(status.values()).count("planned") == len(status) - 2
    assert cli("skip", iid, "--reason", "sick")[0] == 0
    assert cli("undo", other)[0] == 0
    day = json.loads(cli("schedule", "--days", "1", "--json")[1])["days"][0]
    status = {i["id"]: i["status"] for i in day["items"]}
    assert status[iid] == "skipped" and status[other] == "planned"


def test_reimport_same_file_changes_nothing(cli, tmp_path):
    f = write(tmp_path, "maya.json", REAL_PLAN)
    cli("import", f)
    cli("done", "maya-winter.20261127.wall-pushups.morning")
    before = folder_snapshot(cli.data)
    code, out, _ = cli("import", f)
    assert code == 0 and "nothing changed" in out
    assert folder_snapshot(cli.data) == before


def test_same_version_different_content_is_refused(cli, tmp_path):
    cli("import", write(tmp_path, "maya.json", REAL_PLAN))
    changed = json.loads(json.dumps(REAL_PLAN))
    changed["activities"][0]["minutes"] = 7
    before = folder_snapshot(cli.data)
    code, _, err = cli("import", write(tmp_path, "maya2.json", changed))
    assert code == 2 and err.startswith("error:") and "raise \"version\" to 2" in err
    assert err.count("\n") == 1
    assert folder_snapshot(cli.data) == before


def test_revision_takes_effect_from_today(cli, tmp_path, monkeypatch):
    cli("import", write(tmp_path, "maya.json", REAL_PLAN))
    cli("done", "maya-winter.20261125.wall-pushups.morning")
    old = json.loads(cli("schedule", "--from", "2026-11-23", "--days", "4", "--json")[1])
    v2 = json.loads(json.dumps(REAL_PLAN))
    v2["version"] = 2
    v2["activities"][0]["times_per_week"] = 5
    code, out, _ = cli("import", write(tmp_path, "v2.json", v2))
    assert code == 0 and "from 2026-11-27" in out
    new = json.loads(cli("schedule", "--from", "2026-11-23", "--days", "4", "--json")[1])
    assert new == old                                    # Mon-Thu untouched, tick kept
    later = json.loads(cli("schedule", "--from", "2026-11-30", "--days", "7", "--json")[1])
    assert sum(1 for d in later["days"] for i in d["items"] if i["activity"] == "tweezers-pickup") == 5


def test_csv_import_with_options(cli, tmp_path):
    csv = ("activity;title;area;goal;times_per_week;days;times_per_day;minutes;reps;sets;when;notes\r\n"
           "tweezers-pickup;;;Pincer grasp;3;;;5;;;afternoon;\r\n"
           ";Tie shoelaces;self-care;;2;;;5;;;;\r\n")
    code, out, err = cli("import", write(tmp_path, "plan.csv", b"\xef\xbb\xbf" + csv.encode()),
                         "--child", "Noor", "--start", "2026-11-23", "--weekday-minutes", "20",
                         "--weekend-minutes", "30", "--rest-days", "sun,sat")
    assert code == 0, err
    doc = json.loads(cli("schedule", "--from", "2026-11-23", "--days", "7", "--json")[1])
    assert doc["child"] == "Noor"
    assert [d["budget_minutes"] for d in doc["days"]] == [20, 20, 20, 20, 20, 0, 0]


def test_two_children_need_child(cli, tmp_path):
    cli("import", write(tmp_path, "maya.json", REAL_PLAN))
    other = base_plan(plan_id="leo-plan", child={"name": "Leo"})
    cli("import", write(tmp_path, "leo.json", other))
    code, _, err = cli("schedule")
    assert code == 2 and "--child" in err and "Maya" in err and "Leo" in err
    code, out, _ = cli("schedule", "--child", "leo", "--json")
    assert code == 0 and json.loads(out)["child"] == "Leo"


def test_library_json_has_every_field(cli):
    code, out, _ = cli("library", "--json")
    acts = json.loads(out)["activities"]
    assert len(acts) >= 60
    assert set(acts[0]) >= {"id", "title", "kid_title", "areas", "ages", "dose", "materials", "steps",
                            "easier", "harder", "safety", "setting", "sensory", "picture"}
    code, out, _ = cli("library", "--area", "oral-motor", "--age", "4", "--json")
    sub = json.loads(out)["activities"]
    assert sub and all("oral-motor" in a["areas"] and a["ages"]["min"] <= 4 <= a["ages"]["max"] for a in sub)


BAD_FILES = {
    "not-json.json": b"this is not json",
    "empty.json": b"",
    "garbage.json": bytes(range(256)) * 4,
    "format.json": json.dumps(base_plan(format="ot-home-plan/9")).encode(),
    "unknown-activity.json": json.dumps(base_plan(activities=[{"activity": "juggling", "times_per_week": 2}])).encode(),
    "deep.json": b"[" * 100_000 + b"]" * 100_000,
    "end.json": json.dumps(base_plan(end="2026-01-01")).encode(),
}


@pytest.mark.parametrize("name", sorted(BAD_FILES))
def test_bad_plan_exit_2_one_line_nothing_stored(cli, tmp_path, name):
    f = write(tmp_path, name, BAD_FILES[name])
    code, out, err = cli("import", f)
    assert code == 2 and out == ""
    assert err.startswith(f"error: {name}:") and err.count("\n") == 1, err
    assert not cli.data.exists()                       # an empty folder stays empty


def test_bad_input_leaves_existing_data_byte_for_byte(cli, tmp_path):
    cli("import", write(tmp_path, "maya.json", REAL_PLAN))
    cli("done", "maya-winter.20261127.wall-pushups.morning")
    before = folder_snapshot(cli.data)
    for name, content in BAD_FILES.items():
        assert cli("import", write(tmp_path, name, content))[0] == 2
    for args in (["done", "nope"], ["done", "maya-winter.20261201.wall-pushups.morning"],
                 ["skip", "maya-winter.20261127.wall-pushups.morning", "--reason", "bored"],
                 ["undo", "maya-winter.20261127.unknown.morning"], ["schedule", "--days", "0"],
                 ["schedule", "--from", "2026-13-01"], ["import", str(tmp_path / "missing.json")],
                 ["import", str(tmp_path)], ["frobnicate"]):
        code, _, err = cli(*args)
        assert code == 2 and err.startswith("error:") and err.count("\n") == 1, (args, err)
    assert folder_snapshot(cli.data) == before


def test_huge_file_refused_quickly(cli, tmp_path):
    big = tmp_path / "big.json"
    with open(big, "wb") as fh:
        fh.truncate(40 * 1024 * 1024)
    code, _, err = cli("import", str(big))
    assert code == 2 and "too large" in err


def test_bad_today_is_an_error(cli, monkeypatch, tmp_path):
    monkeypatch.setenv("PLANNER_TODAY", "tomorrow")
    code, _, err = cli("schedule")
    assert code == 2 and "PLANNER_TODAY" in err


def test_dry_run_stores_nothing(cli, tmp_path):
    code, out, _ = cli("import", write(tmp_path, "maya.json", REAL_PLAN), "--dry-run")
    assert code == 0 and "would be imported" in out and "goal pincer" in out
    assert not cli.data.exists()


def test_overloaded_plan_imports_with_a_warning(cli, tmp_path):
    plan = base_plan(daily_minutes=10)
    plan["activities"][3]["custom"]["picture"] = "bead-stringing"
    code, out, err = cli("import", write(tmp_path, "heavy.json", plan))
    assert code == 0 and "warning:" in err and "minutes a week" in err


def run_cli(*args, env_extra=None, cwd=None):
    env = dict(os.environ, PLANNER_TODAY="2026-11-27", **(env_extra or {}))
    return subprocess.run([sys.executable, "-m", "planner", *args], capture_output=True, text=True,
                          env=env, cwd=cwd, timeout=60)


def test_real_process_no_traceback_and_no_flet(tmp_path):
    data = tmp_path / "d"
    bad = write(tmp_path, "bad.json", b"\xff\xfe garbage")
    r = run_cli("--data-dir", str(data), "import", bad)
    assert r.returncode == 2 and "Traceback" not in r.stderr and r.stderr.startswith("error: bad.json:")
    good = write(tmp_path, "maya.json", REAL_PLAN)
    assert run_cli("--data-dir", str(data), "import", good).returncode == 0
    probe = ("import os, sys, runpy; sys.argv=['planner','--data-dir',%r,'schedule','--json'];"
             "\nos._exit = sys.exit  # the program ends with os._exit; here it must come back"
             "\ntry:\n    runpy.run_module('planner', run_name='__main__')\nexcept SystemExit:\n    pass\n"
             "assert 'flet' not in sys.modules, 'flet imported'\nprint('NOFLET')") % str(data)
    r = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                       env=dict(os.environ, PLANNER_TODAY="2026-11-27"), timeout=60)
    assert "NOFLET" in r.stdout, r.stderr


def test_env_data_dir(tmp_path):
    data = tmp_path / "env-data"
    r = run_cli("demo", env_extra={"PLANNER_DATA_DIR": str(data)})
    assert r.returncode == 0 and (data / "plans.json").exists()
    r = run_cli("schedule", "--json", env_extra={"PLANNER_DATA_DIR": str(data)})
    doc = json.loads(r.stdout)
    assert doc["child"] == "Sam" and doc["days"][0]["date"] == "2026-11-27" and doc["days"][0]["items"]


def test_a_later_import_wins_over_a_plan_waiting_to_start(cli, tmp_path):
    cli("import", write(tmp_path, "maya.json", REAL_PLAN))
    future = json.loads(json.dumps(REAL_PLAN))
    future.update(version=2, start="2026-12-07")
    future["activities"][0]["times_per_week"] = 5
    assert cli("import", write(tmp_path, "v2.json", future))[0] == 0      # waits for 7 December
    now = json.loads(json.dumps(REAL_PLAN))
    now.update(version=3)
    now["activities"][0]["times_per_week"] = 1
    code, out, _ = cli("import", write(tmp_path, "v3.json", now))
    assert code == 0 and "from 2026-11-27" in out
    doc = json.loads(cli("schedule", "--from", "2026-12-07", "--days", "7", "--json")[1])
    assert sum(1 for d in doc["days"] for i in d["items"] if i["activity"] == "tweezers-pickup") == 1


def test_output_into_a_closed_pipe_ends_quietly(tmp_path):
    """`planner schedule | head -1`: the reader leaves early; no traceback, nothing stored."""
    import os
    import subprocess
    import sys
    env = dict(os.environ, PLANNER_TODAY="2026-11-27")
    data = tmp_path / "data"
    subprocess.run([sys.executable, "-m", "planner", "--data-dir", str(data), "demo"], env=env,
                   check=True, capture_output=True)
    proc = subprocess.Popen([sys.executable, "-m", "planner", "--data-dir", str(data), "schedule",
                             "--days", "400"], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    proc.stdout.readline()
    proc.stdout.close()
    err = proc.stderr.read().decode()
    proc.wait(timeout=60)
    assert "Traceback" not in err and proc.returncode == 0, err
