"""Plan + records -> FHIR R4 Bundle: model validation, code values, stable ids, counts, round trip."""
from __future__ import annotations

import json
from datetime import date, datetime, timezone

import pytest

from conftest import ROOT, base_plan
from planner.core.importer import plan_from_dict
from planner.core.model import GoalRating, Status
from planner.core.scheduler import schedule, timeline
from planner.core.value import replace
from planner.interop.fhir import (
    ACTIVITY_SYSTEM, CODES, OBSERVATION_SYSTEM, PLAN_SYSTEM, FhirError, careplan_to_plan, export_bundle,
    goal_resource_id, to_transaction,
)
from planner.interop.fhir.common import (
    ACTIVITY_STATUSES, CAREPLAN_INTENTS, CAREPLAN_STATUSES, DAYS_OF_WEEK, EVENT_TIMINGS, GOAL_ACHIEVEMENTS,
    GOAL_LIFECYCLE, OBSERVATION_STATUSES, PERIOD_UNITS,
)
from planner.library import load_library, picture_names

R4B = pytest.importorskip("fhir.resources.R4B.bundle", reason="fhir.resources (test extra) validates the export")

NOW = datetime(2026, 12, 20, 18, 30, tzinfo=timezone.utc)
FIRST, LAST = date(2026, 11, 23), date(2026, 12, 20)


def load(doc: dict):
    return plan_from_dict(doc, load_library(), picture_names())


def demo_doc() -> dict:
    return json.loads((ROOT / "planner" / "demo" / "demo-plan.json").read_text(encoding="utf-8"))


def days_for(plan, first=FIRST, last=LAST):
    return schedule(timeline([(plan.start, plan)]), first, last)


def mark(days, key: str, statuses: list[Status], note: str = ""):
    """Give the first items of `key` the statuses in order (what the family tapped)."""
    out, todo = [], list(statuses)
    for d in days:
        items = []
        for it in d.items:
            if it.key == key and todo:
                it = replace(it, status=todo.pop(0), note=note if todo == [] and note else it.note)
            items.append(it)
        out.append(replace(d, items=tuple(items)))
    return out


def resources(bundle: dict, rtype: str) -> list[dict]:
    return [e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == rtype]


def check_codes(bundle: dict) -> None:
    """Code values the model library does not check."""
    for cp in resources(bundle, "CarePlan"):
        assert cp["status"] in CAREPLAN_STATUSES and cp["intent"] in CAREPLAN_INTENTS
        for a in cp["activity"]:
            d = a["detail"]
            assert d["status"] in ACTIVITY_STATUSES
            rep = d.get("scheduledTiming", {}).get("repeat", {})
            assert rep.get("periodUnit", "d") in PERIOD_UNITS
            assert set(rep.get("dayOfWeek", [])) <= set(DAYS_OF_WEEK)
            assert set(rep.get("when", [])) <= set(EVENT_TIMINGS)
            assert rep.get("durationUnit", "min") in PERIOD_UNITS
    for g in resources(bundle, "Goal"):
        assert g["lifecycleStatus"] in GOAL_LIFECYCLE
        for c in g.get("achievementStatus", {}).get("coding", []):
            assert c["code"] in GOAL_ACHIEVEMENTS
    for o in resources(bundle, "Observation"):
        assert o["status"] in OBSERVATION_STATUSES


@pytest.mark.parametrize("bundle_type", ["collection", "transaction"])
@pytest.mark.parametrize("which", ["base", "demo"])
def test_export_validates_as_fhir_r4(which, bundle_type):
    plan = load(base_plan() if which == "base" else demo_doc())
    days = mark(days_for(plan), plan.activities[0].key, [Status.DONE, Status.PARTIAL, Status.SKIPPED], "tired")
    goal = plan.goals[0].id
    ratings = [GoalRating(plan.plan_id, goal, date(2026, 12, 1), -1), GoalRating(plan.plan_id, goal, date(2026, 12, 15), 0)]
    bundle = export_bundle(plan, days, ratings, FIRST, LAST, NOW, bundle_type)
    R4B.Bundle.model_validate(bundle)          # every resource, element and datatype
    check_codes(bundle)
    assert bundle["type"] == bundle_type
    kinds = [e["resource"]["resourceType"] for e in bundle["entry"]]
    assert kinds.count("Patient") == 1 and kinds.count("CarePlan") == 1
    assert kinds.count("Goal") == len(plan.goals)
    if bundle_type == "transaction":
        for e in bundle["entry"]:
            req = e["request"]
            assert req["method"] == "PUT"
            if e["resource"]["resourceType"] == "Goal":
                assert req["url"] == f"Goal/{e['resource']['id']}"
            else:
                assert "?identifier=urn:ot-home-planner:" in req["url"] and "id" not in e["resource"]


def test_export_is_stable():
    plan = load(base_plan())
    days = days_for(plan)
    a = export_bundle(plan, days, [], FIRST, LAST, NOW)
    b = export_bundle(load(base_plan()), days_for(load(base_plan())), [], FIRST, LAST, NOW)
    assert json.dumps(a, sort_keys=True) == json.dumps(b, sort_keys=True)
    other = export_bundle(load(base_plan(plan_id="maya-spring")), days, [], FIRST, LAST, NOW)
    assert {e["fullUrl"] for e in other["entry"]}.isdisjoint(e["fullUrl"] for e in a["entry"] if "Patient" not in
                                                             e["resource"]["resourceType"])


def test_careplan_content():
    plan = load(base_plan())
    bundle = export_bundle(plan, days_for(plan), [], FIRST, LAST, NOW)
    cp = resources(bundle, "CarePlan")[0]
    assert cp["identifier"] == [{"system": PLAN_SYSTEM, "value": "maya-winter"}]
    assert cp["period"] == {"start": "2026-11-23", "end": "2027-01-31"} and cp["status"] == "active"
    patient = resources(bundle, "Patient")[0]
    assert patient["birthDate"] == "2022-06-14" and patient["name"][0]["text"] == "Maya"
    assert cp["subject"]["reference"] == next(e["fullUrl"] for e in bundle["entry"] if e["resource"] is patient)
    tweezers = cp["activity"][0]["detail"]
    assert tweezers["code"]["coding"][0] == {"system": ACTIVITY_SYSTEM, "code": "tweezers-pickup",
                                             "display": "Tweezer pick-up"}
    assert tweezers["scheduledTiming"]["repeat"] == {"frequency": 3, "period": 1, "periodUnit": "wk",
                                                     "when": ["AFT"], "duration": 5, "durationUnit": "min"}
    assert tweezers["description"] == "Large pom-poms first" and tweezers["status"] == "in-progress"
    goal = resources(bundle, "Goal")[0]
    assert tweezers["goal"] == [{"reference": next(e["fullUrl"] for e in bundle["entry"] if e["resource"] is goal)}]
    assert goal["id"] == goal_resource_id("maya-winter", "pincer") == "maya-winter-pincer"
    push_ups = cp["activity"][1]["detail"]["scheduledTiming"]["repeat"]
    assert (push_ups["frequency"], push_ups["periodUnit"], push_ups["when"]) == (2, "d", ["MORN", "AFT.late"])
    course = cp["activity"][2]["detail"]["scheduledTiming"]["repeat"]
    assert course["dayOfWeek"] == ["sat"]
    # A finished plan is completed; one not started yet has activities not started.
    late = export_bundle(plan, [], [], FIRST, LAST, datetime(2027, 3, 1, tzinfo=timezone.utc))
    assert resources(late, "CarePlan")[0]["status"] == "completed"
    early = export_bundle(plan, [], [], FIRST, LAST, datetime(2026, 11, 1, tzinfo=timezone.utc))
    assert {a["detail"]["status"] for a in resources(early, "CarePlan")[0]["activity"]} == {"not-started"}


def test_weekly_adherence_counts():
    plan = load(base_plan())
    days = mark(days_for(plan), "tweezers-pickup", [Status.DONE, Status.DONE, Status.SKIPPED, Status.PARTIAL])
    bundle = export_bundle(plan, days, [], FIRST, LAST, NOW)
    obs = {o["identifier"][0]["value"]: o for o in resources(bundle, "Observation")}
    week1 = obs["maya-winter.20261123.tweezers-pickup"]
    comp = {c["code"]["coding"][0]["code"]: c.get("valueInteger", c.get("valueCodeableConcept")) for c in week1["component"]}
    assert (comp["scheduled"], comp["done"], comp["partial"], comp["skipped"]) == (3, 2, 0, 1)
    assert comp["activity"]["coding"][0]["code"] == "tweezers-pickup"
    assert week1["valueQuantity"]["value"] == 66.7 and week1["valueQuantity"]["code"] == "%"
    assert week1["effectivePeriod"] == {"start": "2026-11-23", "end": "2026-11-29"} and week1["status"] == "final"
    week2 = obs["maya-winter.20261130.tweezers-pickup"]
    comp2 = {c["code"]["coding"][0]["code"]: c.get("valueInteger") for c in week2["component"]}
    assert (comp2["scheduled"], comp2["partial"]) == (3, 1) and week2["valueQuantity"]["value"] == 16.7
    assert week1["code"]["coding"][0] == {"system": CODES, "code": "home-practice-adherence",
                                          "display": "Home practice adherence"}
    # Wall push-ups: twice a day on 6 practice days = 12 a week, none done.
    pushups = obs["maya-winter.20261123.wall-pushups"]
    assert next(c["valueInteger"] for c in pushups["component"] if c["code"]["coding"][0]["code"] == "scheduled") == 12
    # Weeks after `now` are not counted; the week holding `now` is preliminary.
    cut = export_bundle(plan, days, [], FIRST, date(2027, 1, 31), datetime(2026, 12, 2, tzinfo=timezone.utc))
    values = {o["identifier"][0]["value"]: o for o in resources(cut, "Observation")}
    assert "maya-winter.20261207.tweezers-pickup" not in values
    assert values["maya-winter.20261130.wall-pushups"]["status"] == "preliminary"
    assert values["maya-winter.20261130.wall-pushups"]["effectivePeriod"]["end"] == "2026-12-02"


def test_goal_ratings_and_achievement():
    plan = load(base_plan())
    ratings = [GoalRating("maya-winter", "pincer", date(2026, 12, 1), -1, "needs help"),
               GoalRating("maya-winter", "pincer", date(2026, 12, 15), 1),
               GoalRating("other-plan", "pincer", date(2026, 12, 16), -2)]
    bundle = export_bundle(plan, [], ratings, FIRST, LAST, NOW)
    gas = [o for o in resources(bundle, "Observation") if o["code"]["coding"][0]["code"] == "goal-attainment"]
    assert [(o["effectiveDateTime"], o["valueInteger"]) for o in gas] == [("2026-12-01", -1), ("2026-12-15", 1)]
    assert gas[0]["note"] == [{"text": "needs help"}]
    goal = resources(bundle, "Goal")[0]
    assert goal["achievementStatus"]["coding"][0]["code"] == "achieved"
    assert gas[0]["focus"][0]["reference"] == next(e["fullUrl"] for e in bundle["entry"] if e["resource"] is goal)
    assert all(o["identifier"][0]["system"] == OBSERVATION_SYSTEM for o in gas)


def test_progress_notes_become_annotations():
    plan = load(base_plan())
    days = mark(days_for(plan), "tweezers-pickup", [Status.DONE], "used the big tongs")
    noted = [i.date for d in days for i in d.items if i.note]
    assert len(noted) == 1
    cp = resources(export_bundle(plan, days, [], FIRST, LAST, NOW), "CarePlan")[0]
    assert cp["activity"][0]["progress"] == [{"time": noted[0].isoformat(), "text": "used the big tongs"}]
    assert all("progress" not in a for a in cp["activity"][1:])


def test_family_key_and_clinic_patient():
    plan = load(base_plan())
    b = export_bundle(plan, days_for(plan), [], FIRST, LAST, NOW, family="f7k2", patient="Patient/123")
    assert not resources(b, "Patient")
    cp = resources(b, "CarePlan")[0]
    assert cp["identifier"][0]["value"] == "f7k2:maya-winter" and cp["subject"]["reference"] == "Patient/123"
    assert resources(b, "Goal")[0]["id"] == "f7k2-maya-winter-pincer"
    assert all(o["identifier"][0]["value"].startswith("f7k2:") for o in resources(b, "Observation"))
    R4B.Bundle.model_validate(b)
    doc, _ = careplan_to_plan(b)
    assert doc["plan_id"] == "maya-winter"
    with pytest.raises(FhirError):
        export_bundle(plan, [], [], FIRST, LAST, NOW, family="no spaces")
    with pytest.raises(FhirError):
        export_bundle(plan, [], [], FIRST, LAST, NOW, patient="http://elsewhere/x")
    with pytest.raises(FhirError):
        export_bundle(plan, [], [], FIRST, LAST, NOW, bundle_type="batch")


def test_long_goal_ids_are_hashed_but_stable():
    long_id = "a" * 40
    gid = goal_resource_id("b" * 40, long_id)
    assert gid.startswith("otg-") and len(gid) <= 64 and gid == goal_resource_id("b" * 40, long_id)


def test_to_transaction_needs_our_identifiers():
    with pytest.raises(FhirError, match="no identifier"):
        to_transaction({"resourceType": "Bundle", "type": "collection", "entry": [
            {"fullUrl": "urn:uuid:1", "resource": {"resourceType": "Patient"}}]})


# ---------------------------------------------------------------- round trip

def several_slots() -> dict:
    """Entries whose `when` lists the slots they may go in, not how many times."""
    doc = base_plan()
    doc["activities"][0]["when"] = ["morning", "afternoon", "evening"]
    doc["activities"][2]["when"] = ["morning", "afternoon"]
    doc["activities"][2]["days"] = ["mon", "sat"]
    return doc


@pytest.mark.parametrize("which", ["base", "demo", "slots"])
def test_round_trip_gives_the_same_schedule(which):
    doc = {"base": base_plan, "demo": demo_doc, "slots": several_slots}[which]()
    plan = load(doc)
    first, last = plan.start, plan.end
    days = days_for(plan, first, last)
    bundle = export_bundle(plan, days, [], first, last, NOW)
    back, warnings = careplan_to_plan(json.dumps(bundle).encode("utf-8"))
    assert warnings == [] and back["format"] == "ot-home-plan/1"
    plan2 = load(back)
    assert plan2 == plan                                   # every field the model compares
    days2 = days_for(plan2, first, last)

    def view(ds):
        return [(d.date, d.budget_minutes, d.rest, [(i.id, i.slot, i.title, i.kid_title, i.minutes, i.reps, i.sets,
                                                     i.goal, i.areas, i.setting, i.sensory_diet, i.picture)
                                                    for i in d.items]) for d in ds]
    assert view(days2) == view(days)
    # Through the transaction form too (what a server stores).
    tx = export_bundle(plan, days, [], first, last, NOW, "transaction")
    assert load(careplan_to_plan(tx)[0]) == plan


def test_round_trip_with_progress_warns_only_about_records():
    plan = load(base_plan())
    days = mark(days_for(plan), "tweezers-pickup", [Status.DONE], "fine")
    ratings = [GoalRating("maya-winter", "pincer", date(2026, 12, 1), 0)]
    back, warnings = careplan_to_plan(export_bundle(plan, days, ratings, FIRST, LAST, NOW))
    assert load(back) == plan
    assert warnings and all("progress" in w or "achievementStatus" in w for w in warnings), warnings


def test_plan_format_2_fields_travel_through_fhir():
    """Plan format 2: every field FHIR carries comes back; the doc passes the importer."""
    doc = base_plan(format="ot-home-plan/2", school_days=["mon", "tue", "wed", "thu"])
    doc["child"].update({"handedness": "left", "precautions": ["latex-allergy", {"id": "food-allergy", "text": "peanuts"}],
                         "precaution_notes": "Carries an inhaler"})
    doc["goals"][0].update({"baseline": "4 pom-poms in a minute", "target": "10 pom-poms in a minute",
                            "target_date": "2027-01-29"})
    tweezers, pushups, course, own = doc["activities"]
    tweezers.update({"from": "2026-12-07", "until": "2027-01-10", "coaching": "Praise the pinch", "level": "easier",
                     "stop_if": "tired hands"})
    pushups.update({"hold_seconds": 5, "rest_seconds": 30, "per_side": True, "resistance": "light",
                    "times_per_day": None, "days": ["mon", "wed", "fri"], "when": ["morning", "after-school"]})
    pushups["times_per_day"] = 2
    pushups.pop("days")
    pushups["days"] = ["mon", "wed", "fri"]
    own.pop("times_per_week")
    own["as_needed"] = True
    own["custom"].update({"materials": ["Shoe with laces"], "easier": "Velcro first", "safety": "Sit down"})
    course["counts_toward_budget"] = False
    tweezers.update({"phases": [{"from": "2026-12-21", "level": "standard", "minutes": 8}], "progress_after_easy": 3})
    doc["goals"][0]["gas"] = {"-2": "none", "-1": "2", "0": "5", "+1": "8", "+2": "10 or more"}
    doc["activities"].append({"choice": {"id": "heavy-work", "title": "Heavy work", "kid_title": "Push or carry",
                                         "options": ["wall-pushups", "heavy-carry"]}, "times_per_week": 2,
                              "when": ["afternoon"]})
    plan = load(doc)
    days = days_for(plan, plan.start, plan.end)
    bundle = export_bundle(plan, days, [], plan.start, plan.end, NOW)
    R4B.Bundle.model_validate(bundle)
    check_codes(bundle)
    back, warnings = careplan_to_plan(json.dumps(bundle).encode())
    assert warnings == [] and back["format"] == "ot-home-plan/2"
    t, p, c, o, menu = back["activities"]
    assert menu["choice"] == {"id": "heavy-work", "title": "Heavy work", "options": ["wall-pushups", "heavy-carry"],
                              "kid_title": "Push or carry"}
    assert t["phases"] == [{"from": "2026-12-21", "level": "standard", "minutes": 8}] and t["progress_after_easy"] == 3
    assert o["custom"]["materials"] == ["Shoe with laces"] and o["custom"]["easier"] == "Velcro first"
    assert back["goals"][0]["gas"]["+2"] == "10 or more"
    assert (t["from"], t["until"], t["coaching"], t["level"], t["stop_if"]) == (
        "2026-12-07", "2027-01-10", "Praise the pinch", "easier", "tired hands")
    assert (p["hold_seconds"], p["rest_seconds"], p["per_side"], p["resistance"], p["days"], p["times_per_day"],
            p["when"]) == (5, 30, True, "light", ["mon", "wed", "fri"], 2, ["morning", "after-school"])
    assert c["counts_toward_budget"] is False
    assert o["as_needed"] is True and not {"times_per_week", "days", "times_per_day"} & set(o)
    assert back["school_days"] == ["mon", "tue", "wed", "thu"]
    assert back["child"]["handedness"] == "left" and back["child"]["precaution_notes"] == "Carries an inhaler"
    assert back["goals"][0]["target_date"] == "2027-01-29"
    plan2 = load(back)
    assert plan2 == plan
    assert [(d.date, [i.id for i in d.items]) for d in days_for(plan2, plan.start, plan.end)] == \
        [(d.date, [i.id for i in d.items]) for d in days]
