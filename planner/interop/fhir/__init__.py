"""HL7 FHIR R4 exchange: import a clinic's CarePlan, export progress, talk to a FHIR server.

Standard library only (json, urllib.request); docs/fhir.md has the mapping tables.

- `FhirError(ValueError)`: one user-facing line naming the element path (`.warnings` holds the
  warnings gathered before the refusal).
- `looks_like_fhir(data: bytes) -> bool`: a JSON object with a FHIR `resourceType`.
- `careplan_to_plan(data: bytes | dict, *, today=None, library=None) -> (plan_document, warnings)`:
  a CarePlan (bare with `contained`, or in a collection / transaction / searchset / document
  Bundle) -> a plan document for `planner.core.importer.plan_from_dict`, and one warning per
  element not carried. `today` is the start used when the CarePlan has none.
- `patient_reference(data) -> str | None`: `Patient/<id>` of that CarePlan's child (remember it
  after a pull, then pass it to `export_bundle(..., patient=...)` so progress lands in the chart).
- `export_bundle(plan, days, ratings, first, last, now, bundle_type="collection", *, family=None,
  patient=None) -> dict`: Patient, CarePlan, Goals and Observations (weekly adherence per
  activity, goal ratings) as a Bundle; the same input gives the same Bundle.
- `to_transaction(bundle) -> dict`: the transaction form of an export (conditional updates).
- `push(bundle, base_url, token=None, timeout=15) -> dict`: one transaction; the server's answer.
- `push_summary(answer) -> str`: "3 created, 5 updated".
- `pull(base_url, *, careplan=None, patient=None, token=None, timeout=15) -> dict`: a Bundle with
  the CarePlan and what it refers to, ready for `careplan_to_plan`.
"""
from planner.interop.fhir.client import pull, push, push_summary
from planner.interop.fhir.common import (
    ACTIVITY_SYSTEM, AREA_SYSTEM, CHILD_SYSTEM, CODES, GOAL_SYSTEM, NS, OBSERVATION_SYSTEM, PLAN_SYSTEM,
    FhirError,
)
from planner.interop.fhir.reader import careplan_to_plan, looks_like_fhir, patient_reference
from planner.interop.fhir.writer import export_bundle, goal_resource_id, to_transaction

__all__ = [
    "FhirError", "looks_like_fhir", "careplan_to_plan", "patient_reference", "export_bundle", "to_transaction", "push",
    "push_summary", "pull", "goal_resource_id", "NS", "CODES", "ACTIVITY_SYSTEM", "AREA_SYSTEM",
    "PLAN_SYSTEM", "CHILD_SYSTEM", "GOAL_SYSTEM", "OBSERVATION_SYSTEM",
]
