"""push / pull against a real FHIR R4 server (sekmet-fhir on 127.0.0.1), and every way a server can fail."""
from __future__ import annotations

import json
import threading
import time
from datetime import date, datetime, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import quote

import pytest

from conftest import base_plan
from fhir_server import fhir_server, fhir_server_with_token, free_port  # noqa: F401  (fixtures)
from planner.core.importer import plan_from_dict
from planner.core.model import GoalRating, Status
from planner.core.scheduler import schedule, timeline
from planner.core.value import replace
from planner.interop.fhir import (
    OBSERVATION_SYSTEM, PLAN_SYSTEM, FhirError, careplan_to_plan, export_bundle, patient_reference, pull, push,
    push_summary,
)
from planner.library import load_library, picture_names

FIXTURES = Path(__file__).parent / "fixtures" / "fhir"
NOW = datetime(2026, 12, 20, 18, 0, tzinfo=timezone.utc)
FIRST, LAST = date(2026, 11, 23), date(2026, 12, 20)


def load(doc):
    return plan_from_dict(doc, load_library(), picture_names())


def export(doc=None, ratings=(), family=None):
    plan = load(doc or base_plan())
    days = schedule(timeline([(plan.start, plan)]), FIRST, LAST)
    days = [replace(d, items=tuple(replace(i, status=Status.DONE) if i.date.day % 2 else i for i in d.items))
            for d in days]
    return plan, export_bundle(plan, days, list(ratings), FIRST, LAST, NOW, family=family)


def search_total(server, query: str) -> int:
    return server.get(f"/{query}&_summary=count" if "?" in query else f"/{query}?_summary=count")["total"]


def test_push_then_search_then_push_again_updates(fhir_server):
    plan, bundle = export(ratings=[GoalRating("maya-winter", "pincer", date(2026, 12, 10), 0)])
    n_obs = sum(1 for e in bundle["entry"] if e["resource"]["resourceType"] == "Observation")
    answer = push(bundle, fhir_server.base_url)
    assert answer["type"] == "transaction-response"
    assert push_summary(answer) == f"{len(bundle['entry'])} created, 0 updated"
    # Readable there by search.
    plans = fhir_server.get("/CarePlan?identifier=" + quote(f"{PLAN_SYSTEM}|maya-winter"))
    assert plans["total"] == 1
    cp = plans["entry"][0]["resource"]
    assert cp["subject"]["reference"].startswith("Patient/") and cp["goal"] == [{"reference": "Goal/maya-winter-pincer"}]
    assert fhir_server.get("/Goal/maya-winter-pincer")["achievementStatus"]["coding"][0]["code"] == "achieved"
    patient_id = cp["subject"]["reference"].split("/")[1]
    assert search_total(fhir_server, f"Observation?subject=Patient/{patient_id}") == n_obs
    week = fhir_server.get("/Observation?identifier=" + quote(f"{OBSERVATION_SYSTEM}|maya-winter.20261123.tweezers-pickup"))
    assert week["total"] == 1
    # Again: everything updated, nothing duplicated.
    again = push(bundle, fhir_server.base_url)
    assert push_summary(again) == f"0 created, {len(bundle['entry'])} updated"
    assert fhir_server.get("/CarePlan?identifier=" + quote(f"{PLAN_SYSTEM}|maya-winter"))["total"] == 1
    assert search_total(fhir_server, f"Observation?subject=Patient/{patient_id}") == n_obs
    assert search_total(fhir_server, "Patient?identifier=" + quote("urn:ot-home-planner:child|maya-2022-06-14")) == 1


def test_pull_what_was_pushed_gives_the_same_schedule(fhir_server):
    plan, bundle = export(family="fam9")
    push(bundle, fhir_server.base_url)
    found = fhir_server.get("/CarePlan?identifier=" + quote(f"{PLAN_SYSTEM}|fam9:maya-winter"))
    server_id = found["entry"][0]["resource"]["id"]
    for pulled in (pull(fhir_server.base_url, careplan=server_id),
                   pull(fhir_server.base_url, careplan=f"{PLAN_SYSTEM}|fam9:maya-winter"),
                   pull(fhir_server.base_url, patient=found["entry"][0]["resource"]["subject"]["reference"])):
        kinds = sorted(e["resource"]["resourceType"] for e in pulled["entry"])
        assert kinds == ["CarePlan", "Goal", "Patient"]
        doc, warnings = careplan_to_plan(pulled)
        back = load(doc)
        assert back == plan
        first, last = plan.start, plan.end
        assert [(d.date, [i.id for i in d.items]) for d in schedule(timeline([(back.start, back)]), first, last)] == \
               [(d.date, [i.id for i in d.items]) for d in schedule(timeline([(plan.start, plan)]), first, last)]
        assert all("achievementStatus" in w or "progress" in w for w in warnings), warnings


def test_pull_a_clinic_careplan_with_its_requests(fhir_server):
    local = json.loads((FIXTURES / "ot-leo-bundle.json").read_text())
    for e in local["entry"]:
        fhir_server.put(e["resource"])
    pulled = pull(fhir_server.base_url, careplan="leo-ot")
    kinds = sorted(e["resource"]["resourceType"] for e in pulled["entry"])
    assert kinds == ["CarePlan", "Goal", "Goal", "Patient", "Practitioner", "ServiceRequest", "ServiceRequest"]
    assert patient_reference(pulled) == "Patient/leo"
    assert patient_reference(json.dumps(local).encode()) == "Patient/leo"
    from_server, _ = careplan_to_plan(pulled)
    from_file, _ = careplan_to_plan(local)
    assert from_server["activities"] == from_file["activities"] and from_server["goals"] == from_file["goals"]
    assert from_server["version"] == 1 and from_file["version"] == 3        # the server keeps its own versions
    assert from_server["plan_id"] == "ot-2291"


def test_pull_nothing_there(fhir_server):
    with pytest.raises(FhirError, match="no CarePlan"):
        pull(fhir_server.base_url, careplan="does-not-exist")
    with pytest.raises(FhirError, match="no CarePlan for Patient/nobody"):
        pull(fhir_server.base_url, patient="nobody")
    with pytest.raises(FhirError, match="either"):
        pull(fhir_server.base_url)


def test_server_refuses_an_invalid_resource(fhir_server):
    _, bundle = export()
    bundle["entry"][1]["resource"]["status"] = 42
    with pytest.raises(FhirError) as exc:
        push(bundle, fhir_server.base_url)
    assert "answered 400" in str(exc.value) and "\n" not in str(exc.value)


def test_token(fhir_server_with_token):
    _, bundle = export()
    with pytest.raises(FhirError, match="401"):
        push(bundle, fhir_server_with_token.base_url)
    with pytest.raises(FhirError, match="401"):
        push(bundle, fhir_server_with_token.base_url, token="wrong")
    assert push_summary(push(bundle, fhir_server_with_token.base_url, token="s3cret-token")).endswith("0 updated")
    assert pull(fhir_server_with_token.base_url, careplan=f"{PLAN_SYSTEM}|maya-winter", token="s3cret-token")["total"] == 1


def test_server_down():
    port = free_port()
    _, bundle = export()
    with pytest.raises(FhirError, match=f"cannot reach 127.0.0.1:{port}"):
        push(bundle, f"http://127.0.0.1:{port}/fhir", timeout=3)
    with pytest.raises(FhirError, match="cannot reach"):
        pull(f"http://127.0.0.1:{port}/fhir", careplan="x", timeout=3)


def test_tls_error(fhir_server):
    https = fhir_server.base_url.replace("http://", "https://")
    with pytest.raises(FhirError, match="TLS error"):
        pull(https, careplan="x", timeout=5)


def test_bad_urls_and_plain_http_token():
    _, bundle = export()
    for url in ("", "ftp://x/fhir", "clinic.example.org/fhir"):
        with pytest.raises(FhirError):
            push(bundle, url)
    with pytest.raises(FhirError, match="plain http"):
        push(bundle, "http://clinic.example.org/fhir", token="t")


# ---------------------------------------------------------------- a server that misbehaves

class _Odd(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def do_GET(self):
        self._answer()

    def do_POST(self):
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        self._answer()

    def _answer(self):
        path = self.path.split("/")[1]
        if path == "moved":
            self.send_response(302)
            self.send_header("Location", f"http://localhost:{self.server.server_address[1]}/elsewhere/fhir")
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        if path == "slow":
            time.sleep(3)
        if path == "html":
            body, ctype, code = b"<html>login</html>", "text/html", 200
        elif path == "huge":
            self.send_response(200)
            self.send_header("Content-Type", "application/fhir+json")
            self.end_headers()
            try:
                chunk = b" " * 1_000_000
                for _ in range(12):
                    self.wfile.write(chunk)
            except OSError:
                pass
            return
        elif path == "outcome":
            body = json.dumps({"resourceType": "OperationOutcome", "issue": [
                {"severity": "error", "code": "processing", "diagnostics": "CarePlan store is read-only"}]}).encode()
            ctype, code = "application/fhir+json", 422
        elif path == "outcome200":
            body = json.dumps({"resourceType": "OperationOutcome", "issue": [
                {"severity": "fatal", "code": "exception", "diagnostics": "database offline"}]}).encode()
            ctype, code = "application/fhir+json", 200
        elif path == "notjson":
            body, ctype, code = b"{not json", "application/fhir+json", 200
        elif path == "error500":
            body, ctype, code = b"oops", "text/plain", 500
        else:
            body, ctype, code = b"{}", "application/json", 200
        try:
            self.send_response(code)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        except OSError:
            pass            # the client gave up first (the timeout case)


@pytest.fixture(scope="module")
def odd_server():
    srv = ThreadingHTTPServer(("127.0.0.1", 0), _Odd)
    t = threading.Thread(target=srv.serve_forever, daemon=True)
    t.start()
    yield f"http://127.0.0.1:{srv.server_address[1]}"
    srv.shutdown()
    srv.server_close()


@pytest.mark.parametrize("path, words", [
    ("html", "did not answer with FHIR JSON (Content-Type text/html)"),
    ("huge", "larger than 10 MB"),
    ("outcome", "answered 422 Unprocessable Entity: CarePlan store is read-only"),
    ("outcome200", "reported: database offline"),
    ("notjson", "did not answer with JSON"),
    ("error500", "answered 500"),
    ("slow", "no answer from 127.0.0.1"),
    ("empty", "did not answer with a FHIR resource"),
    ("moved", "answered 302 Found (it sends to http://localhost:"),
])
def test_misbehaving_server_gives_one_line(odd_server, path, words):
    _, bundle = export()
    for call in (lambda: pull(f"{odd_server}/{path}", careplan="x", timeout=1),
                 lambda: push(bundle, f"{odd_server}/{path}", timeout=1)):
        with pytest.raises(FhirError) as exc:
            call()
        assert words in str(exc.value) and "\n" not in str(exc.value)
