"""Talk to a FHIR R4 server with the standard library: push a transaction, pull a CarePlan.

Every failure (timeout, refused connection, TLS, HTTP error, OperationOutcome, an answer that
is not FHIR JSON or is too large) becomes one FhirError line.
"""
from __future__ import annotations

import json
import socket
import ssl
import urllib.error
import urllib.request
from typing import Any
from urllib.parse import urlencode, urljoin, urlsplit

from planner.interop.fhir.common import FhirError
from planner.interop.fhir.writer import to_transaction

MAX_ANSWER_BYTES = 10_000_000
MAX_PAGES = 10
MAX_FOLLOW_UPS = 100
JSON_TYPES = ("application/fhir+json", "application/json", "application/json+fhir")
LOCAL_HOSTS = ("127.0.0.1", "localhost", "::1")


def _check_base(base_url: str, token: str | None) -> str:
    if not isinstance(base_url, str) or not base_url.strip():
        raise FhirError("server URL is empty")
    base = base_url.strip().rstrip("/")
    parts = urlsplit(base)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise FhirError(f"server URL must start with https:// (got {base_url!r})")
    if token and parts.scheme == "http" and parts.hostname not in LOCAL_HOSTS:
        raise FhirError(f"refusing to send the token over plain http to {parts.hostname}; use https://")
    return base


def _outcome_text(doc: Any) -> str:
    if not isinstance(doc, dict) or doc.get("resourceType") != "OperationOutcome":
        return ""
    for iss in doc.get("issue") or []:
        if isinstance(iss, dict) and iss.get("severity") in ("fatal", "error"):
            text = iss.get("diagnostics") or (iss.get("details") or {}).get("text") or iss.get("code")
            if text:
                return str(text)
    return ""


class _SameHostRedirects(urllib.request.HTTPRedirectHandler):
    """Follow a redirect only on the same scheme and host, so a token never travels elsewhere."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        old, new = urlsplit(req.full_url), urlsplit(urljoin(req.full_url, newurl))
        if (old.scheme, old.netloc) != (new.scheme, new.netloc):
            return None                  # urllib then raises the 3xx as an HTTPError
        return super().redirect_request(req, fp, code, msg, headers, newurl)


_OPENER = urllib.request.build_opener(_SameHostRedirects())


def _request(method: str, url: str, token: str | None, timeout: float, body: dict | None = None) -> dict:
    data = json.dumps(body, ensure_ascii=False).encode("utf-8") if body is not None else None
    headers = {"Accept": "application/fhir+json", "User-Agent": "ot-home-planner"}
    if data is not None:
        headers["Content-Type"] = "application/fhir+json; charset=utf-8"
        headers["Prefer"] = "return=minimal"
    if token:
        headers["Authorization"] = f"Bearer {token}"
    req = urllib.request.Request(url, data=data, method=method, headers=headers)
    host = urlsplit(url).netloc
    try:
        with _OPENER.open(req, timeout=timeout) as resp:
            raw = resp.read(MAX_ANSWER_BYTES + 1)
            ctype = resp.headers.get("Content-Type", "")
            status = resp.status
    except urllib.error.HTTPError as exc:
        try:
            raw = exc.read(MAX_ANSWER_BYTES + 1)
        except Exception:      # the error body is a courtesy; the status line is the message
            raw = b""
        detail = ""
        try:
            detail = _outcome_text(json.loads(raw.decode("utf-8-sig"))) if raw else ""
        except (ValueError, RecursionError):
            detail = ""
        hint = {401: " (check the token)", 403: " (the token may not allow this)",
                404: " (check the server URL and the id)"}.get(exc.code, "")
        if 300 <= exc.code < 400:
            hint = f" (it sends to {exc.headers.get('Location', 'another address')}; use that address)"
        raise FhirError(f"the server {host} answered {exc.code} {exc.reason}"
                        + (f": {detail}" if detail else hint)) from None
    except urllib.error.URLError as exc:
        reason = exc.reason
        if isinstance(reason, ssl.SSLError):
            raise FhirError(f"TLS error talking to {host}: {getattr(reason, 'reason', None) or reason}") from None
        if isinstance(reason, (socket.timeout, TimeoutError)):
            raise FhirError(f"no answer from {host} within {timeout:g} seconds") from None
        raise FhirError(f"cannot reach {host}: {getattr(reason, 'strerror', None) or reason}") from None
    except ssl.SSLError as exc:
        raise FhirError(f"TLS error talking to {host}: {exc.reason or exc}") from None
    except (socket.timeout, TimeoutError):
        raise FhirError(f"no answer from {host} within {timeout:g} seconds") from None
    except (ConnectionError, OSError) as exc:
        raise FhirError(f"cannot reach {host}: {exc.strerror or exc}") from None
    except ValueError as exc:            # a malformed URL
        raise FhirError(f"bad server URL: {exc}") from None
    if len(raw) > MAX_ANSWER_BYTES:
        raise FhirError(f"the answer from {host} is larger than {MAX_ANSWER_BYTES // 1_000_000} MB; stopped reading")
    if not raw.strip():
        if status in (200, 201) and method != "GET":
            return {}
        raise FhirError(f"the server {host} sent an empty answer")
    if ctype and not any(t in ctype.lower() for t in JSON_TYPES):
        raise FhirError(f"the server {host} did not answer with FHIR JSON (Content-Type {ctype.split(';')[0]}); "
                        "check the server URL")
    try:
        doc = json.loads(raw.decode("utf-8-sig"))
    except (ValueError, RecursionError):
        raise FhirError(f"the server {host} did not answer with JSON; check the server URL") from None
    if not isinstance(doc, dict) or not isinstance(doc.get("resourceType"), str):
        raise FhirError(f"the server {host} did not answer with a FHIR resource")
    problem = _outcome_text(doc)
    if problem:
        raise FhirError(f"the server {host} reported: {problem}")
    return doc


def push(bundle: dict, base_url: str, token: str | None = None, timeout: float = 15) -> dict:
    """Send the export to a FHIR server as one transaction; returns the transaction-response Bundle.

    A collection Bundle from `export_bundle` is turned into a transaction first (conditional
    updates by identifier, Goals by id), so pushing twice updates instead of duplicating.
    """
    base = _check_base(base_url, token)
    tx = to_transaction(bundle)
    answer = _request("POST", base, token, timeout, tx)
    if answer and answer.get("resourceType") != "Bundle":
        raise FhirError(f"the server answered a {answer.get('resourceType')} instead of a transaction-response")
    for i, e in enumerate(answer.get("entry") or []):
        status = str(((e or {}).get("response") or {}).get("status", ""))
        if status[:1] in ("4", "5"):
            detail = _outcome_text(((e or {}).get("response") or {}).get("outcome"))
            raise FhirError(f"the server refused entry {i}: {status}" + (f": {detail}" if detail else ""))
    return answer


def push_summary(answer: dict) -> str:
    """'3 created, 5 updated' from a transaction-response Bundle."""
    created = updated = other = 0
    for e in answer.get("entry") or []:
        status = str(((e or {}).get("response") or {}).get("status", ""))
        if status.startswith("201"):
            created += 1
        elif status.startswith("200"):
            updated += 1
        else:
            other += 1
    parts = [f"{created} created", f"{updated} updated"] + ([f"{other} other"] if other else [])
    return ", ".join(parts)


def pull(base_url: str, *, careplan: str | None = None, patient: str | None = None,
         token: str | None = None, timeout: float = 15) -> dict:
    """Fetch a CarePlan with its Patient, Goals and ServiceRequests; returns a collection Bundle.

    `careplan` is the CarePlan's id on the server (or `system|value` of an identifier);
    `patient` is a Patient id: its CarePlans are fetched and the import picks the active one.
    References the server did not `_include` are read one by one.
    """
    base = _check_base(base_url, token)
    if (careplan is None) == (patient is None):
        raise FhirError("give either a CarePlan id or a Patient id")
    includes = [("_include", "CarePlan:subject"), ("_include", "CarePlan:goal"),
                ("_include", "CarePlan:activity-reference"), ("_count", "50")]
    if careplan is not None:
        cp = str(careplan).strip()
        if not cp:
            raise FhirError("CarePlan id is empty")
        params = [("identifier", cp)] if "|" in cp else [("_id", cp)]
        what = f"CarePlan {cp}"
    else:
        pt = str(patient).strip().removeprefix("Patient/")
        if not pt:
            raise FhirError("Patient id is empty")
        params = [("subject", f"Patient/{pt}")]
        what = f"a CarePlan for Patient/{pt}"
    url = f"{base}/CarePlan?{urlencode(params + includes)}"
    resources: list[dict] = []
    seen: set[str] = set()
    matches = 0
    for _ in range(MAX_PAGES):
        page = _request("GET", url, token, timeout)
        if page.get("resourceType") != "Bundle":
            raise FhirError(f"the server answered a {page.get('resourceType')} to a search")
        for e in page.get("entry") or []:
            res = (e or {}).get("resource")
            if not isinstance(res, dict) or not isinstance(res.get("resourceType"), str):
                continue
            if res["resourceType"] == "OperationOutcome":
                continue            # e.g. "unknown _include": the references are read one by one below
            key = f"{res['resourceType']}/{res.get('id')}"
            if key in seen:
                continue
            seen.add(key)
            mode = ((e or {}).get("search") or {}).get("mode")
            if res["resourceType"] == "CarePlan" and mode != "include":
                matches += 1
            resources.append({"res": res, "mode": mode})
        nxt = next((l.get("url") for l in page.get("link") or [] if isinstance(l, dict)
                    and l.get("relation") == "next"), None)
        if not nxt:
            break
        url = urljoin(base + "/", nxt)
        if urlsplit(url).netloc != urlsplit(base).netloc:
            raise FhirError("the server's next page points to another host; stopped")
    if not matches:
        raise FhirError(f"the server has no {what}" if careplan else f"the server has no CarePlan for Patient/{pt}")
    # Read references the server did not include.
    wanted: list[str] = []
    for item in resources:
        res = item["res"]
        if res["resourceType"] != "CarePlan" or item["mode"] == "include":
            continue
        refs = [res.get("subject")] + list(res.get("goal") or []) + \
            [(a or {}).get("reference") for a in res.get("activity") or [] if isinstance(a, dict)] + \
            [res.get("author")]
        for r in refs:
            value = (r or {}).get("reference") if isinstance(r, dict) else None
            if isinstance(value, str) and not value.startswith("#"):
                key = "/".join(value.split("/_history/")[0].split("/")[-2:])
                if key not in seen and key not in wanted and key.split("/")[0] in (
                        "Patient", "Goal", "ServiceRequest", "Practitioner", "PractitionerRole", "Organization"):
                    wanted.append(key)
    for key in wanted[:MAX_FOLLOW_UPS]:
        try:
            res = _request("GET", f"{base}/{key}", token, timeout)
        except FhirError as exc:
            if " 404 " in str(exc) or " 410 " in str(exc):
                continue        # the import warns that the reference is missing
            raise
        if res.get("resourceType") == key.split("/")[0]:
            seen.add(key)
            resources.append({"res": res, "mode": "include"})
    entries = []
    for item in resources:
        res = item["res"]
        e: dict[str, Any] = {"fullUrl": f"{base}/{res['resourceType']}/{res.get('id')}", "resource": res}
        if item["mode"]:
            e["search"] = {"mode": item["mode"]}
        entries.append(e)
    return {"resourceType": "Bundle", "type": "searchset", "total": matches, "entry": entries}


__all__ = ["push", "pull", "push_summary"]
