"""The clinic's FHIR server: export progress as an HL7 FHIR R4 Bundle, push it, pull a CarePlan.

FHIR lives at the edge (planner.interop.fhir); this module loads what it needs from the store,
calls it and saves, like every service. The server URL and token are family settings.
"""
from __future__ import annotations

import hashlib
from datetime import date, datetime, timedelta

from planner.core.family import Family
from planner.services import household, plans, practice
from planner.services.errors import ServiceError
from planner.storage.store import Store, StoreError

MAX_EXPORT_DAYS = 3700


def _period(family: Family, first: date | None, last: date | None, today: date) -> tuple[date, date]:
    first = first or family.plan_on(today).start
    last = min(last or today, today)
    if first > last:
        raise ServiceError(f"the export would start on {first.isoformat()}, after its last day {last.isoformat()}")
    if (last - first).days >= MAX_EXPORT_DAYS:
        raise ServiceError(f"the period is too long ({(last - first).days + 1} days, at most {MAX_EXPORT_DAYS})")
    return first, last


def family_id(store: Store) -> str:
    """A short key of this household in front of every identifier we send, so two families with
    the same plan id never meet on one server: a digest of the household's first import (its plan
    id and the second it was imported), stable without storing anything."""
    try:
        first = store.plan_records()[0]
    except (IndexError, StoreError):
        raise ServiceError("no plan yet: import one with `planner import FILE`") from None
    return hashlib.sha256(f"{first.plan_id}|{first.imported_at}".encode()).hexdigest()[:8]


def export_bundle(store: Store, family: Family, first: date | None, last: date | None, today: date,
                  now: datetime, bundle_type: str = "collection") -> dict:
    from planner.interop.fhir import FhirError, export_bundle as build
    first, last = _period(family, first, last, today)
    got = practice.days(store, family, first, (last - first).days + 1)
    ratings = [r for r in plans.goal_ratings(store, family) if first <= r.date <= last]
    patient = getattr(family.settings, "fhir_patient", None)
    try:
        return build(family.plan_on(last), got, ratings, first, last, now.astimezone(), bundle_type,
                     family=family_id(store), patient=patient or None)
    except FhirError as exc:
        raise ServiceError(str(exc)) from None


def export_bytes(store: Store, family: Family, first: date | None, last: date | None, today: date,
                 now: datetime) -> bytes:
    import json
    doc = export_bundle(store, family, first, last, today, now)
    return (json.dumps(doc, ensure_ascii=False, indent=1) + "\n").encode("utf-8")


def _server(store: Store, server: str | None, token: str | None) -> tuple[str, str | None]:
    home = household.household(store)
    url = server or home.fhir_server
    if not url:
        raise ServiceError("no clinic server: give --server URL (it is remembered)")
    if not url.startswith(("https://", "http://")) or len(url) > 500 or any(c.isspace() for c in url):
        raise ServiceError(f"the server must be an https:// address (got {url[:60]!r})")
    return url.rstrip("/"), token if token is not None else home.fhir_token


def push(store: Store, family: Family, today: date, now: datetime, *, server: str | None = None,
         token: str | None = None, first: date | None = None, last: date | None = None) -> str:
    """Send the progress of the period to the clinic's server as one transaction; pushing again
    updates the same resources instead of adding copies."""
    from planner.interop.fhir import FhirError, push as send, push_summary
    url, tok = _server(store, server, token)
    bundle = export_bundle(store, family, first, last, today, now, "transaction")
    try:
        answer = send(bundle, url, tok)
    except FhirError as exc:
        raise ServiceError(str(exc)) from None
    household.update_household(store, fhir_server=url, fhir_token=tok)
    return push_summary(answer)


def pull(store: Store, today: date, *, server: str | None = None, token: str | None = None,
         careplan: str | None = None, patient: str | None = None, dry_run: bool = False,
         now: datetime | None = None) -> plans.ImportOutcome:
    """Fetch a CarePlan (with its Goals and ServiceRequests) and import it like a plan file."""
    import json

    from planner.interop.fhir import FhirError, patient_reference, pull as fetch
    if bool(careplan) == bool(patient):
        raise ServiceError("give either --careplan ID or --patient ID")
    url, tok = _server(store, server, token)
    try:
        bundle = fetch(url, careplan=careplan, patient=patient, token=tok)
    except FhirError as exc:
        raise ServiceError(str(exc)) from None
    data = json.dumps(bundle).encode("utf-8")
    plan = plans.parse_plan(data, f"{url} CarePlan", today=today)
    outcome = plans.import_plan(store, plan, today, dry_run=dry_run, now=now)
    if not dry_run:
        household.update_household(store, fhir_server=url, fhir_token=tok)
        ref = patient_reference(bundle)
        if ref:
            fam = household.load_family(store, key=plans.child_of_plan(store, plan.plan_id))
            household.update_child(store, fam, fhir_patient=ref)
    return outcome
