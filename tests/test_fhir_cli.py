"""The FHIR commands end to end: `planner import` of a CarePlan, `planner fhir export | push | pull`
against a real FHIR R4 server, with two children in one data folder."""
from __future__ import annotations

import json
from pathlib import Path

from fhir_server import fhir_server  # noqa: F401  (fixture)
from conftest import base_plan, folder_snapshot

FIXTURES = Path(__file__).parent / "fixtures" / "fhir"


def two_children(cli, tmp_path):
    for name, pid in (("Maya", "maya-winter"), ("Leo", "leo-winter")):
        doc = base_plan(plan_id=pid, child={"name": name})
        doc["activities"][3]["custom"]["picture"] = "bead-stringing"
        p = tmp_path / f"{pid}.json"
        p.write_text(json.dumps(doc), encoding="utf-8")
        assert cli("import", str(p))[0] == 0
    assert cli("done", "maya-winter.20261127.wall-pushups.morning", "--rating", "easy")[0] == 0


def test_import_detects_a_fhir_careplan_with_warnings(cli):
    code, out, err = cli("import", str(FIXTURES / "ot-mia-careplan.json"), "--dry-run")
    assert code == 0, err
    assert "would be imported" in out
    code, out, err = cli("import", str(FIXTURES / "ot-mia-careplan.json"))
    assert code == 0, err
    code, out, err = cli("schedule", "--days", "7", "--json")
    assert code == 0 and json.loads(out)["days"], err


def test_non_ot_careplans_refused_or_warned_never_a_traceback(cli):
    before = folder_snapshot(cli.data)
    for name in ("hl7-CarePlan-preg.json", "r5-careplan.json", "hl7-MedicationRequest-medrx0333.json"):
        code, out, err = cli("import", str(FIXTURES / name), "--dry-run")
        assert "Traceback" not in err
        if code:
            assert code == 2 and err.startswith("error:") and err.count("\n") == 1, (name, err)
    assert folder_snapshot(cli.data) == before


def test_export_writes_a_bundle_for_one_child_only(cli, tmp_path):
    two_children(cli, tmp_path)
    out_file = tmp_path / "maya.json"
    code, _, err = cli("fhir", "export", "--child", "Maya", "-o", str(out_file))
    assert code == 0, err
    bundle = json.loads(out_file.read_text())
    assert bundle["resourceType"] == "Bundle"
    text = json.dumps(bundle)
    assert "maya-winter" in text and "leo-winter" not in text
    code, _, err = cli("fhir", "export", "--child", "Maya", "-o", str(cli.data / "plans.json"))
    assert code == 2 and "inside the data folder" in err


def test_push_twice_then_pull_into_a_new_folder(cli, tmp_path, fhir_server):  # noqa: F811
    two_children(cli, tmp_path)
    code, out, err = cli("fhir", "push", "--child", "Maya", "--server", fhir_server.base_url)
    assert code == 0 and "created" in out, err
    code, out, err = cli("fhir", "push", "--child", "Maya")           # the server is remembered
    assert code == 0 and "updated" in out and "created" not in out.replace("0 created", ""), out
    found = fhir_server.get("/CarePlan?_count=50")
    plans = [e["resource"] for e in found.get("entry", [])]
    assert len(plans) == 1
    fresh = tmp_path / "fresh"
    careplan = plans[0]["id"]
    code, out, err = cli("fhir", "pull", "--server", fhir_server.base_url, "--careplan", careplan,
                         data_dir=fresh)
    assert code == 0, err
    a = json.loads(cli("schedule", "--child", "Maya", "--from", "2026-11-23", "--days", "14", "--json")[1])
    b = json.loads(cli("schedule", "--from", "2026-11-23", "--days", "14", "--json", data_dir=fresh)[1])
    assert [[i["activity"], i["slot"]] for d in a["days"] for i in d["items"]] == \
        [[i["activity"], i["slot"]] for d in b["days"] for i in d["items"]]


def test_server_down_is_one_line_and_nothing_changes(cli, tmp_path):
    two_children(cli, tmp_path)
    before = folder_snapshot(cli.data)
    for args in (("fhir", "push", "--child", "Leo", "--server", "http://127.0.0.1:9/fhir"),
                 ("fhir", "pull", "--server", "http://127.0.0.1:9/fhir", "--patient", "x"),
                 ("fhir", "push", "--child", "Leo", "--server", "ftp://example"),
                 ("fhir", "push", "--child", "Leo"),
                 ("fhir", "pull", "--server", "http://127.0.0.1:9/fhir")):
        code, out, err = cli(*args)
        assert code == 2 and err.startswith("error:") and err.count("\n") == 1, (args, err)
    assert folder_snapshot(cli.data) == before
