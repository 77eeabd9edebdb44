"""FHIR R4 CarePlan -> plan document: one test per mapping rule, HL7's examples, refusals, fuzzing."""
from __future__ import annotations

import copy
import json
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from planner.core.importer import plan_from_dict
from planner.core.scheduler import schedule, timeline
from planner.interop.fhir import FhirError, careplan_to_plan, looks_like_fhir
from planner.interop.fhir.common import ACTIVITY_SYSTEM, PLAN_SYSTEM
from planner.interop.fhir.timing import read_text, read_timing, slot_for_time
from planner.library import load_library, picture_names

FIXTURES = Path(__file__).parent / "fixtures" / "fhir"
SCT = "http://snomed.info/sct"


def fixture(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def careplan(*activities, **over) -> dict:
    cp = {"resourceType": "CarePlan", "id": "cp1", "status": "active", "intent": "plan",
          "subject": {"display": "Ava"}, "period": {"start": "2026-11-23", "end": "2027-01-31"},
          "activity": list(activities)}
    cp.update(over)
    return cp


def timed(repeat: dict | None, text: str = "Tweezer pick-up", **detail) -> dict:
    d = {"code": {"text": text}, "status": "in-progress"}
    if repeat is not None:
        d["scheduledTiming"] = {"repeat": repeat}
    d.update(detail)
    return {"detail": d}


def one(repeat: dict | None, text: str = "Tweezer pick-up", **detail) -> tuple[dict, list[str], dict]:
    doc, warnings = careplan_to_plan(careplan(timed(repeat, text, **detail)))
    return doc["activities"][0], warnings, doc


def validate(doc: dict):
    return plan_from_dict(doc, load_library(), picture_names())


# ---------------------------------------------------------------- Timing.repeat: how often

@pytest.mark.parametrize("repeat, expected", [
    ({"frequency": 3, "period": 1, "periodUnit": "wk"}, {"times_per_week": 3}),
    ({"frequency": 1, "period": 1, "periodUnit": "wk"}, {"times_per_week": 1}),
    ({"frequency": 1, "period": 1, "periodUnit": "d"}, {"times_per_day": 1}),
    ({"frequency": 2, "period": 1, "periodUnit": "d"}, {"times_per_day": 2}),
    ({"frequency": 14, "period": 1, "periodUnit": "wk"}, {"times_per_day": 2}),
    ({"frequency": 1, "period": 7, "periodUnit": "d"}, {"times_per_week": 1}),
    ({"frequency": 1, "period": 1, "periodUnit": "d", "dayOfWeek": ["mon", "wed", "fri"]},
     {"days": ["mon", "wed", "fri"]}),
    ({"dayOfWeek": ["sat"]}, {"days": ["sat"]}),
    ({"frequency": 2, "period": 1, "periodUnit": "wk", "dayOfWeek": ["fri", "tue"]}, {"days": ["tue", "fri"]}),
])
def test_frequency_exact(repeat, expected):
    entry, warnings, doc = one(repeat)
    got = {k: entry[k] for k in ("times_per_week", "days", "times_per_day") if k in entry}
    assert got == expected
    assert not [w for w in warnings if "repeat" in w], warnings
    assert doc["format"] == "ot-home-plan/1"
    validate(doc)


@pytest.mark.parametrize("repeat, expected, words", [
    ({"frequency": 1, "period": 2, "periodUnit": "d"}, {"times_per_week": 4}, "every 2 days"),
    ({"frequency": 1, "period": 2, "periodUnit": "wk"}, {"times_per_week": 1}, "every 2 weeks"),
    ({"frequency": 4, "period": 1, "periodUnit": "mo"}, {"times_per_week": 1}, "every 1 mo"),
    ({"frequency": 1, "period": 4, "periodUnit": "h"}, {"times_per_day": 6}, "every 4 h"),
    ({"frequency": 9, "period": 1, "periodUnit": "d"}, {"times_per_day": 6}, "9 times a day"),
    ({"frequency": 1, "frequencyMax": 4, "period": 1, "periodUnit": "d"}, {"times_per_day": 1}, "frequencyMax"),
])
def test_frequency_approximated_with_a_warning(repeat, expected, words):
    entry, warnings, doc = one(repeat)
    got = {k: entry[k] for k in ("times_per_week", "days", "times_per_day") if k in entry}
    assert got == expected
    assert any(words in w and w.startswith("activity[0].detail.scheduledTiming.repeat") for w in warnings), warnings
    validate(doc)


def test_days_with_times_per_day_need_format_2():
    entry, _, doc = one({"frequency": 2, "period": 1, "periodUnit": "d", "dayOfWeek": ["mon", "thu"],
                         "when": ["MORN", "EVE"]})
    assert entry["days"] == ["mon", "thu"] and entry["times_per_day"] == 2
    assert entry["when"] == ["morning", "evening"]
    assert doc["format"] == "ot-home-plan/2"


@pytest.mark.parametrize("repeat, element", [
    ({"frequency": 3, "period": 1, "periodUnit": "day"}, "periodUnit"),
    ({"frequency": 0, "period": 1, "periodUnit": "wk"}, "frequency"),
    ({"frequency": "3", "period": 1, "periodUnit": "wk"}, "frequency"),
    ({"dayOfWeek": ["monday"]}, "dayOfWeek[0]"),
])
def test_bad_code_values_warn_and_fall_back(repeat, element):
    entry, warnings, doc = one(repeat)
    assert any(f"scheduledTiming.repeat.{element}" in w for w in warnings), warnings
    assert entry["times_per_week"] == 3                       # no usable frequency: 3 a week ...
    assert any("gives no frequency: scheduled 3 times a week; check it" in w for w in warnings)  # ... said so
    validate(doc)


def test_times_per_week_capped_by_practice_days_with_rest_days():
    cp = careplan(timed({"frequency": 7, "period": 1, "periodUnit": "wk"}),
                  extension=[{"url": "urn:ot-home-planner:extension:rest-day", "valueCode": "sun"}])
    doc, warnings = careplan_to_plan(cp)
    assert doc["rest_days"] == ["sun"] and doc["activities"][0]["times_per_week"] == 6
    assert any("6 practice days" in w for w in warnings)
    validate(doc)


# ---------------------------------------------------------------- when, timeOfDay

@pytest.mark.parametrize("code, slot", [
    ("MORN", "morning"), ("WAKE", "morning"), ("MORN.early", "morning"), ("CM", "morning"),
    ("NOON", "midday"), ("CD", "midday"), ("AFT", "afternoon"), ("AFT.early", "after-school"),
    ("AFT.late", "before-homework"), ("EVE", "evening"), ("PCV", "evening"), ("NIGHT", "bedtime"),
    ("HS", "bedtime"),
])
def test_when_codes_to_slots(code, slot):
    entry, warnings, doc = one({"frequency": 3, "period": 1, "periodUnit": "wk", "when": [code]})
    assert entry["when"] == [slot]
    assert not [w for w in warnings if ".when" in w]
    validate(doc)


def test_when_without_a_slot_warns():
    entry, warnings, _ = one({"frequency": 3, "period": 1, "periodUnit": "wk", "when": ["C", "MORN"]})
    assert entry["when"] == ["morning"]
    assert any(w.startswith('activity[0].detail.scheduledTiming.repeat.when[0]: "C"') for w in warnings)


def test_when_alone_means_that_many_times_a_day():
    entry, _, doc = one({"when": ["MORN", "HS"]})
    assert entry["times_per_day"] == 2 and entry["when"] == ["morning", "bedtime"]
    validate(doc)


def test_times_per_day_gets_slots_for_every_time():
    entry, warnings, doc = one({"frequency": 3, "period": 1, "periodUnit": "d", "when": ["EVE"]}, text="Sort the spoons")
    assert entry["times_per_day"] == 3 and len(entry["when"]) == 3 and "evening" in entry["when"]
    assert any("1 time(s) of day for 3 times a day" in w for w in warnings)
    validate(doc)


@pytest.mark.parametrize("time, slot", [
    ("07:10:00", "morning"), ("05:00", "morning"), ("10:00:00", "midday"), ("12:30:00", "midday"),
    ("15:50:00", "afternoon"), ("16:40:00", "before-homework"), ("18:20:00", "evening"),
    ("19:45:00", "bedtime"), ("22:00:00", "bedtime"),
])
def test_time_of_day_to_nearest_slot(time, slot):
    assert slot_for_time(time) == slot
    entry, warnings, _ = one({"frequency": 1, "period": 1, "periodUnit": "d", "timeOfDay": [time]})
    assert entry["when"] == [slot]
    assert any("timeOfDay[0]" in w and slot in w for w in warnings)


def test_time_of_day_not_a_time():
    assert slot_for_time("25:00") is None and slot_for_time("noon") is None
    _, warnings, _ = one({"frequency": 1, "period": 1, "periodUnit": "d", "timeOfDay": ["noon"]})
    assert any('timeOfDay[0]: "noon" is not a time' in w for w in warnings)


def test_hl7_medication_timings_read_by_the_same_rules():
    for name, slot in (("hl7-MedicationRequest-medrx0333.json", "morning"),
                       ("hl7-MedicationRequest-medrx0335.json", "morning")):
        timing = json.loads(fixture(name))["dosageInstruction"][0]["timing"]
        seen: list[str] = []
        w = read_timing(timing, "timing", lambda p, m: seen.append(p))
        assert (w.kind, w.count, w.slots) == ("day", 1, [slot])


# ---------------------------------------------------------------- duration, bounds, count

@pytest.mark.parametrize("duration, unit, minutes, warned", [
    (5, "min", 5, False), (90, "s", 2, True), (1.5, "h", 90, False), (3, "h", 120, True), (2.5, "min", 3, True),
])
def test_duration_to_minutes(duration, unit, minutes, warned):
    entry, warnings, doc = one({"frequency": 3, "period": 1, "periodUnit": "wk", "duration": duration,
                                "durationUnit": unit})
    assert entry["minutes"] == minutes
    assert any("durationUnit" in w for w in warnings) == warned
    validate(doc)


def test_duration_in_days_is_not_a_session_length():
    entry, warnings, _ = one({"frequency": 3, "period": 1, "periodUnit": "wk", "duration": 1, "durationUnit": "d"})
    assert "minutes" not in entry
    assert any("durationUnit" in w and "not carried" in w for w in warnings)


def test_duration_max_uses_the_lower_length():
    entry, warnings, _ = one({"frequency": 3, "period": 1, "periodUnit": "wk", "duration": 15, "durationMax": 25,
                              "durationUnit": "min"})
    assert entry["minutes"] == 15 and any("durationMax" in w for w in warnings)


def test_bounds_period_inside_the_plan_gives_from_and_until():
    entry, _, doc = one({"frequency": 3, "period": 1, "periodUnit": "wk",
                         "boundsPeriod": {"start": "2026-12-07", "end": "2026-12-20"}})
    assert entry["from"] == "2026-12-07" and entry["until"] == "2026-12-20"
    assert doc["format"] == "ot-home-plan/2"


def test_bounds_period_covering_the_plan_adds_nothing():
    entry, _, doc = one({"frequency": 3, "period": 1, "periodUnit": "wk",
                         "boundsPeriod": {"start": "2026-01-01", "end": "2027-06-30"}})
    assert "from" not in entry and "until" not in entry and doc["format"] == "ot-home-plan/1"


def test_bounds_period_before_the_plan_leaves_the_activity_out():
    cp = careplan(timed({"frequency": 3, "period": 1, "periodUnit": "wk", "boundsPeriod": {"end": "2026-01-01"}}),
                  timed({"frequency": 2, "period": 1, "periodUnit": "wk"}, text="Bead stringing"))
    doc, warnings = careplan_to_plan(cp)
    assert [a["activity"] for a in doc["activities"]] == ["bead-stringing"]
    assert any(w.startswith("activity[0].detail: ended 2026-01-01") for w in warnings)


def test_weighted_activity_without_weight_left_out():
    cp = careplan(timed({"frequency": 3, "period": 1, "periodUnit": "wk"}, text="Weighted lap pad at homework"),
                  timed({"frequency": 3, "period": 1, "periodUnit": "wk"}))
    doc, warnings = careplan_to_plan(cp)
    assert [a["activity"] for a in doc["activities"]] == ["tweezers-pickup"]
    assert any(w.startswith("activity[0].detail: Weighted lap pad") and "no weight" in w for w in warnings)
    cp["activity"][0]["detail"]["extension"] = [{"url": "urn:ot-home-planner:extension:dose", "extension": [
        {"url": "weight-kg", "valueDecimal": 1.5}]}]
    doc, _ = careplan_to_plan(cp)
    assert doc["activities"][0]["weight_kg"] == 1.5 and doc["format"] == "ot-home-plan/2"
    validate(doc)


def test_bounds_backwards_left_out():
    cp = careplan(timed({"frequency": 3, "period": 1, "periodUnit": "wk",
                         "boundsPeriod": {"start": "2026-12-20", "end": "2026-12-01"}}),
                  timed({"frequency": 2, "period": 1, "periodUnit": "wk"}, text="Bead stringing"))
    doc, warnings = careplan_to_plan(cp)
    assert len(doc["activities"]) == 1 and any("before it starts" in w for w in warnings)


def test_count_becomes_an_end_date_with_a_warning():
    entry, warnings, doc = one({"frequency": 3, "period": 1, "periodUnit": "wk", "count": 6})
    assert entry["until"] == "2026-12-06"          # 6 sessions at 3 a week: two weeks from 23 Nov
    assert any("count 6" in w for w in warnings) and doc["format"] == "ot-home-plan/2"


def test_bounds_duration():
    entry, _, _ = one({"frequency": 3, "period": 1, "periodUnit": "wk", "boundsDuration": {"value": 2, "code": "wk"}})
    assert entry["until"] == "2026-12-06"


# ---------------------------------------------------------------- scheduledString, scheduledPeriod

def test_scheduled_string_guessed_with_a_warning_naming_it():
    cp = careplan(*[timed(None, "Bead stringing")] * 0,
                  {"detail": {"code": {"text": "Bead stringing"}, "status": "in-progress",
                              "scheduledString": "MWF after her shower"}})
    doc, warnings = careplan_to_plan(cp)
    entry = doc["activities"][0]
    assert entry["days"] == ["mon", "wed", "fri"]
    assert 'activity[0].detail.scheduledString "MWF after her shower": scheduled 3 times a week ' \
           '(Mon, Wed, Fri); check it' in warnings
    validate(doc)


@pytest.mark.parametrize("text, kind, value", [
    ("twice a day", "day", 2), ("3x per week", "week", 3), ("daily", "day", 1), ("once a week", "week", 1),
    ("Mon/Wed 6-7am", "days", ["mon", "wed"]), ("every other day", "week", 4),
    ("2 days a week Mon/Wed/Fri", "week", 2), ("sit in the sun", None, None),
])
def test_text_schedules(text, kind, value):
    w = read_text(text)
    assert w.kind == kind
    if kind == "days":
        assert w.days == value
    elif kind:
        assert w.count == value


def test_text_minutes_and_slots():
    w = read_text("walk the dog 15-30 minutes after school")
    assert w.minutes == 15 and w.slots == ["afternoon"]


def test_scheduled_period_without_frequency():
    entry, warnings, doc = one(None, scheduledPeriod={"start": "2026-12-01"})
    assert entry["times_per_week"] == 3 and entry["from"] == "2026-12-01"
    assert any("gives no frequency" in w for w in warnings)


def test_description_read_when_no_timing():
    entry, warnings, _ = one(None, text="Putty", description="Squeeze the putty 5 minutes twice a week")
    assert entry["times_per_week"] == 2 and entry["minutes"] == 5
    assert any(w.startswith("activity[0].detail.description") for w in warnings)


# ---------------------------------------------------------------- ServiceRequest

def _with_request(sr: dict) -> dict:
    sr = {"resourceType": "ServiceRequest", "id": "sr1", "status": "active", "intent": "order",
          "subject": {"reference": "Patient/x"}, **sr}
    cp = careplan({"reference": {"reference": "ServiceRequest/sr1"}})
    return {"resourceType": "Bundle", "type": "collection",
            "entry": [{"fullUrl": "http://x/fhir/CarePlan/cp1", "resource": cp},
                      {"fullUrl": "http://x/fhir/ServiceRequest/sr1", "resource": sr}]}


def test_service_request_as_needed_and_instruction():
    doc, warnings = careplan_to_plan(_with_request({
        "code": {"text": "Calm-down corner"}, "asNeededBoolean": True,
        "patientInstruction": "Offer it when she is upset", "note": [{"text": "Dim the light"}]}))
    e = doc["activities"][0]
    assert e == {"activity": "calm-down-corner", "as_needed": True, "coaching": "Offer it when she is upset",
                 "notes": "Dim the light"}
    assert doc["format"] == "ot-home-plan/2"


def test_service_request_occurrence_timing():
    doc, _ = careplan_to_plan(_with_request({
        "code": {"coding": [{"system": SCT, "code": "229065009", "display": "Exercise therapy"}], "text": "Wall push-ups"},
        "occurrenceTiming": {"repeat": {"frequency": 2, "period": 1, "periodUnit": "d", "when": ["MORN", "EVE"]}},
        "quantityQuantity": {"value": 10, "unit": "reps"}}))
    assert doc["activities"][0] == {"activity": "wall-pushups", "reps": 10, "times_per_day": 2,
                                    "when": ["morning", "evening"]}
    validate(doc)


def test_service_request_single_date_and_stopped():
    with pytest.raises(FhirError) as exc:
        careplan_to_plan(_with_request({"code": {"text": "Putty"}, "occurrenceDateTime": "2026-12-01"}))
    assert "occurrenceDateTime" in str(exc.value)
    with pytest.raises(FhirError, match="revoked: left out"):
        careplan_to_plan(_with_request({"code": {"text": "Putty"}, "status": "revoked"}))


def test_service_request_missing_or_other_type():
    cp = careplan({"reference": {"reference": "ServiceRequest/gone"}},
                  {"reference": {"display": "Prenatal vitamin MedicationRequest"}},
                  timed({"frequency": 3, "period": 1, "periodUnit": "wk"}))
    doc, warnings = careplan_to_plan(cp)
    assert len(doc["activities"]) == 1
    assert any(w.startswith('activity[0].reference "ServiceRequest/gone": not in the file') for w in warnings)
    assert any(w.startswith('activity[1].reference "Prenatal vitamin') for w in warnings)


def test_hl7_physiotherapy_request_in_a_careplan():
    sr = json.loads(fixture("hl7-ServiceRequest-physiotherapy.json"))
    bundle = {"resourceType": "Bundle", "type": "collection", "entry": [
        {"resource": careplan({"reference": {"reference": "ServiceRequest/physiotherapy"}})}, {"resource": sr}]}
    with pytest.raises(FhirError, match="ServiceRequest/physiotherapy.status: completed: left out"):
        careplan_to_plan(bundle)                       # HL7's example request is already completed
    sr["status"] = "active"
    doc, warnings = careplan_to_plan(bundle)
    e = doc["activities"][0]
    assert e["as_needed"] is True and "as needed to clear mucus" in e["notes"]
    assert e["custom"]["title"].startswith("Physiotherapy of chest")
    assert any("occurrenceTiming.repeat.frequencyMax" in w for w in warnings)
    assert any("ServiceRequest/physiotherapy.reasonReference" in w for w in warnings)


# ---------------------------------------------------------------- codes, goals, the plan

def test_codes_and_text_to_library():
    cp = careplan(
        timed({"frequency": 3, "period": 1, "periodUnit": "wk"}, text="Pick up pom-poms with tongs"),
        {"detail": {"code": {"coding": [{"system": ACTIVITY_SYSTEM, "code": "bead-stringing"}]}, "status": "scheduled",
                    "scheduledTiming": {"repeat": {"frequency": 2, "period": 1, "periodUnit": "wk"}}}},
        timed({"frequency": 1, "period": 1, "periodUnit": "wk"}, text="Feed the goldfish"),
        {"detail": {"code": {"coding": [{"system": SCT, "code": "410155007"}]}, "status": "scheduled"}})
    doc, warnings = careplan_to_plan(cp)
    acts = doc["activities"]
    assert acts[0]["activity"] == "tweezers-pickup" and acts[1]["activity"] == "bead-stringing"
    assert acts[2]["custom"] == {"id": "feed-the-goldfish", "title": "Feed the goldfish", "areas": ["self-care"]}
    assert len(acts) == 3
    assert any(w.startswith('activity[2].detail: "Feed the goldfish" is not in the activity library') for w in warnings)
    assert any(w.startswith("activity[3].detail.code") and "not home practice" in w for w in warnings)
    validate(doc)


def test_the_same_library_activity_twice():
    cp = careplan(timed({"frequency": 1, "period": 1, "periodUnit": "d", "when": ["MORN"]}, text="Wall push-ups"),
                  timed({"frequency": 1, "period": 1, "periodUnit": "d", "when": ["EVE"]}, text="Wall push-ups"))
    doc, warnings = careplan_to_plan(cp)
    second = doc["activities"][1]["custom"]
    assert second["id"] == "wall-pushups-2" and second["picture"] == "wall-pushups"
    assert any("in the plan twice" in w for w in warnings)
    plan = validate(doc)
    assert [a.when for a in plan.activities] == [("morning",), ("evening",)]


def test_goals_target_and_status():
    goals = [
        {"resourceType": "Goal", "id": "g1", "lifecycleStatus": "active", "description": {"text": "Buttons a coat"},
         "subject": {"display": "Ava"}, "target": [{"detailString": "3 buttons alone", "dueDate": "2027-01-15"}]},
        {"resourceType": "Goal", "id": "g2", "lifecycleStatus": "cancelled", "description": {"text": "Old goal"},
         "subject": {"display": "Ava"}},
        {"resourceType": "Goal", "id": "g3", "lifecycleStatus": "active", "description": {"text": "Ties shoes"},
         "subject": {"display": "Ava"}},
    ]
    cp = careplan(timed({"frequency": 3, "period": 1, "periodUnit": "wk"}, text="Buttoning",
                        goal=[{"reference": "#g1"}, {"reference": "#g2"}]),
                  contained=goals, goal=[{"reference": "#g1"}, {"reference": "#g2"}, {"reference": "#g3"},
                                         {"reference": "Goal/elsewhere"}])
    doc, warnings = careplan_to_plan(cp)
    assert doc["goals"] == [{"id": "buttons-a-coat", "text": "Buttons a coat", "target": "3 buttons alone",
                             "target_date": "2027-01-15"}, {"id": "ties-shoes", "text": "Ties shoes"}]
    assert doc["activities"][0]["goal"] == "buttons-a-coat"
    assert doc["format"] == "ot-home-plan/2"
    assert any(w.startswith("Goal/g2.lifecycleStatus: cancelled") for w in warnings)
    assert any(w.startswith('goal[3] "Goal/elsewhere"') for w in warnings)
    assert any(w.startswith('activity[0].detail.goal[1] "#g2"') for w in warnings)


def test_plan_fields_patient_author_identifier_version():
    doc, warnings = careplan_to_plan(fixture("ot-leo-bundle.json"))
    assert doc["plan_id"] == "ot-2291" and doc["version"] == 3
    assert doc["child"] == {"name": "Leo", "birth_date": "2020-04-02"}
    assert doc["therapist"] == {"name": "Ms Rita Okafor OTR/L", "contact": "+1 555 0100"}
    assert (doc["start"], doc["end"]) == ("2026-11-30", "2027-02-28")
    by = {a.get("activity"): a for a in doc["activities"]}
    assert by["tweezers-pickup"]["times_per_week"] == 3 and by["tweezers-pickup"]["minutes"] == 10
    assert by["calm-down-corner"]["as_needed"] is True
    assert by["playdough-squeeze"]["days"] == ["mon", "wed", "fri"] and by["playdough-squeeze"]["from"] == "2026-12-07"
    assert by["wall-pushups"]["reps"] == 10 and by["wall-pushups"]["when"] == ["morning", "before-homework"]
    assert doc["goals"][0]["target"] == "Raisins picked up in one minute: 10 raisins"
    assert any(w.startswith('CarePlan.title "Home program"') for w in warnings)


def test_revision_follows_version_id_and_our_identifier():
    cp = json.loads(fixture("ot-mia-careplan.json"))
    cp["meta"] = {"versionId": "4"}
    cp["identifier"] = [{"system": "https://other.example/ids", "value": "X 1"},
                        {"system": PLAN_SYSTEM, "value": "fam1:mia-plan"}]
    doc, _ = careplan_to_plan(cp)
    assert (doc["plan_id"], doc["version"]) == ("mia-plan", 4)
    cp["meta"] = {"versionId": "abc"}
    doc, warnings = careplan_to_plan(cp)
    assert doc["version"] == 1 and any(w.startswith('meta.versionId: "abc" is not a number') for w in warnings)


def test_v1_careplan_goes_through_the_importer_and_schedules():
    doc, warnings = careplan_to_plan(fixture("ot-mia-careplan.json"))
    assert doc["format"] == "ot-home-plan/1"
    plan = validate(doc)
    days = schedule(timeline([(plan.start, plan)]), date(2026, 11, 23), date(2026, 11, 29))
    buttons = [(d.date.weekday(), i.slot) for d in days for i in d.items if i.key == "buttoning-practice"]
    assert buttons == [(0, "morning"), (2, "morning"), (4, "morning")]
    assert sum(1 for d in days for i in d.items if i.key == "tweezers-pickup") == 3
    assert sum(1 for d in days for i in d.items if i.key == "wall-pushups") == 14
    assert any("stopped" in w and "Trampoline" in w for w in warnings)


def test_period_start_missing():
    cp = careplan(timed({"frequency": 3, "period": 1, "periodUnit": "wk"}), period={"end": "2027-01-31"})
    with pytest.raises(FhirError, match="period.start: missing"):
        careplan_to_plan(cp)
    doc, warnings = careplan_to_plan(cp, today=date(2026, 12, 1))
    assert doc["start"] == "2026-12-01" and any("starts today" in w for w in warnings)
    cp["created"] = "2026-11-02T10:00:00Z"
    assert careplan_to_plan(cp)[0]["start"] == "2026-11-02"


def test_period_too_long_and_backwards():
    doc, warnings = careplan_to_plan(careplan(timed({"frequency": 3, "period": 1, "periodUnit": "wk"}),
                                              period={"start": "2026-11-23", "end": "2035-01-01"}))
    assert any("longer than three years" in w for w in warnings)
    validate(doc)
    with pytest.raises(FhirError, match="period.end"):
        careplan_to_plan(careplan(timed({"frequency": 3, "period": 1, "periodUnit": "wk"}),
                                  period={"start": "2026-11-23", "end": "2026-01-01"}))


# ---------------------------------------------------------------- refusals

@pytest.mark.parametrize("data, words", [
    (b"", "empty"), (b"\xff\xfe", "UTF-8"), (b"[1, 2]", "expected an object"), (b"{nope", "not valid JSON"),
    (b"[" * 100000 + b"]" * 100000, "JSON"),
    (json.dumps({"resourceType": "Patient"}).encode(), 'got "Patient"'),
    (json.dumps({"format": "ot-home-plan/1"}).encode(), "resourceType: missing"),
    (json.dumps({"resourceType": "Bundle", "type": "history", "entry": []}).encode(), "Bundle.type"),
    (json.dumps({"resourceType": "Bundle", "type": "collection", "entry": [
        {"resource": {"resourceType": "Patient"}}]}).encode(), "no CarePlan in this Bundle (it holds Patient x1)"),
    (json.dumps(careplan(status="revoked")).encode(), "status: the CarePlan is revoked"),
    (json.dumps(careplan(status="entered-in-error")).encode(), "entered-in-error"),
    (json.dumps(careplan()).encode(), "activity: nothing to import: it has no activities"),
    (json.dumps(careplan(timed({"frequency": 1, "period": 1, "periodUnit": "d"}, status="stopped"))).encode(),
     "activity[0].detail.status: stopped"),
    (json.dumps(careplan(timed({"frequency": 1, "period": 1, "periodUnit": "d"}),
                         modifierExtension=[{"url": "http://x/m", "valueBoolean": True}])).encode(),
     "CarePlan.modifierExtension[0]"),
])
def test_refused_with_one_line(data, words):
    with pytest.raises(FhirError) as exc:
        careplan_to_plan(data)
    msg = str(exc.value)
    assert words in msg and "\n" not in msg and len(msg) <= 300


def test_r5_shapes_refused():
    with pytest.raises(FhirError, match="FHIR R5"):
        careplan_to_plan(fixture("r5-careplan.json"))
    with pytest.raises(FhirError, match="code.concept"):
        careplan_to_plan(_with_request({"code": {"concept": {"text": "Walk"}}}))


def test_several_careplans_in_a_bundle():
    a, b = careplan(timed({"frequency": 3, "period": 1, "periodUnit": "wk"})), \
        careplan(timed({"frequency": 2, "period": 1, "periodUnit": "wk"}, text="Bead stringing"), id="cp2")
    two = {"resourceType": "Bundle", "type": "searchset", "entry": [{"resource": a}, {"resource": b}]}
    with pytest.raises(FhirError, match="2 CarePlans"):
        careplan_to_plan(two)
    b["status"] = "completed"
    doc, warnings = careplan_to_plan(two)
    assert doc["activities"][0]["activity"] == "tweezers-pickup"
    assert any("CarePlan/cp2" in w for w in warnings)


def test_file_too_large():
    with pytest.raises(FhirError, match="too large"):
        careplan_to_plan(b"{" + b" " * 6_000_000 + b"}")


# ---------------------------------------------------------------- HL7's examples

@pytest.mark.parametrize("name", sorted(p.name for p in FIXTURES.glob("hl7-*.json")))
def test_hl7_examples_import_with_warnings_or_are_refused(name):
    data = fixture(name)
    assert looks_like_fhir(data)
    try:
        doc, warnings = careplan_to_plan(data, today=date(2026, 11, 23))
    except FhirError as exc:
        assert "\n" not in str(exc) and not str(exc).startswith("cannot read this CarePlan (")
        return
    assert warnings, "a non-OT CarePlan never imports silently"
    if doc["format"] == "ot-home-plan/1":
        validate(doc)
    else:
        assert doc["format"] == "ot-home-plan/2" and doc["activities"]


def test_hl7_integrate_reads_free_text_schedules():
    doc, warnings = careplan_to_plan(fixture("hl7-CarePlan-integrate.json"))
    lights = next(a for a in doc["activities"] if "lights" in a["custom"]["title"])
    assert lights["days"] == ["mon", "wed", "fri"] and lights["minutes"] == 3
    assert sum("status: on-hold" in w or "status: completed" in w for w in warnings) == 4
    assert len(doc["activities"]) == 8


def test_hl7_non_ot_careplans_refused_with_the_reason():
    with pytest.raises(FhirError, match="none of its 4 activities can be practised at home"):
        careplan_to_plan(fixture("hl7-CarePlan-preg.json"))
    with pytest.raises(FhirError) as exc:
        careplan_to_plan(fixture("hl7-CarePlan-preg.json"))
    assert any('detail.kind: "Appointment": not a home activity' in w for w in exc.value.warnings)
    with pytest.raises(FhirError, match="status: completed"):
        careplan_to_plan(fixture("hl7-CarePlan-example.json"))
    with pytest.raises(FhirError, match="expected a CarePlan"):
        careplan_to_plan(fixture("hl7-ServiceRequest-benchpress.json"))


# ---------------------------------------------------------------- looks_like_fhir, fuzzing

def test_looks_like_fhir():
    from conftest import base_plan
    assert looks_like_fhir(fixture("ot-mia-careplan.json"))
    assert looks_like_fhir(b"\xef\xbb\xbf" + fixture("ot-leo-bundle.json"))
    assert not looks_like_fhir(json.dumps(base_plan()).encode())
    assert not looks_like_fhir(b"activity,minutes\ntweezers-pickup,5\n")
    assert not looks_like_fhir(b"{broken")
    assert not looks_like_fhir(b'{"resourceType": 5}')


json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-10**6, 10**6) | st.floats(allow_nan=True) | st.text(max_size=12)
    | st.sampled_from(["CarePlan", "Bundle", "active", "wk", "d", "MORN", "#g1", "Goal/g1", "2026-11-23", "mon"]),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(
        st.sampled_from(["resourceType", "status", "activity", "detail", "scheduledTiming", "repeat", "frequency",
                         "period", "periodUnit", "when", "dayOfWeek", "goal", "reference", "entry", "resource",
                         "code", "text", "coding", "contained", "id", "subject", "type", "extension", "url",
                         "timeOfDay", "duration", "boundsPeriod", "start", "end", "identifier", "value"]),
        children, max_size=5),
    max_leaves=30)


def _shake(doc, paths, values):
    """Replace a few subtrees of `doc` by random JSON."""
    doc = copy.deepcopy(doc)
    for path, value in zip(paths, values):
        node = doc
        for step in path[:-1]:
            if isinstance(node, dict) and node:
                node = node[sorted(node)[step % len(node)]]
            elif isinstance(node, list) and node:
                node = node[step % len(node)]
        if isinstance(node, dict) and node:
            node[sorted(node)[path[-1] % len(node)]] = value
        elif isinstance(node, list) and node:
            node[path[-1] % len(node)] = value
    return doc


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(json_values)
def test_fuzz_random_json(value):
    _only_fhir_error_or_result(value)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(["ot-leo-bundle.json", "ot-mia-careplan.json", "hl7-CarePlan-integrate.json"]),
       st.lists(st.lists(st.integers(0, 50), min_size=1, max_size=7), min_size=1, max_size=4),
       st.lists(json_values, min_size=4, max_size=4))
def test_fuzz_shaken_careplans(name, paths, values):
    _only_fhir_error_or_result(_shake(json.loads(fixture(name)), paths, values))


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=300))
def test_fuzz_random_bytes(data):
    _only_fhir_error_or_result(data, raw=True)


def test_activity_without_any_text_left_out():
    cp = careplan({"detail": {"status": "in-progress", "scheduledTiming": {"repeat": {"frequency": 1, "period": 1,
                                                                                      "periodUnit": "d"}}}},
                  timed({"frequency": 2, "period": 1, "periodUnit": "wk"}, text="Play the flute"))
    doc, warnings = careplan_to_plan(cp)
    assert [a["custom"]["id"] for a in doc["activities"]] == ["play-the-flute"]
    assert any(w.startswith("activity[0].detail: has no code text") for w in warnings)


def _only_fhir_error_or_result(value, raw=False):
    for data in ((value,) if raw else (value, json.dumps(value).encode())):
        try:
            doc, warnings = careplan_to_plan(data)
        except FhirError as exc:
            msg = str(exc)
            assert "\n" not in msg and msg
            assert not msg.startswith("cannot read this CarePlan ("), msg     # no rule missed the shape
            continue
        assert isinstance(doc, dict) and doc["activities"] and all(isinstance(w, str) for w in warnings)


def test_patient_reference():
    from planner.interop.fhir import patient_reference
    assert patient_reference(fixture("ot-leo-bundle.json")) == "Patient/leo"
    assert patient_reference(fixture("ot-mia-careplan.json")) is None          # contained patient
    assert patient_reference(careplan(subject={"reference": "https://x.org/fhir/Patient/p9/_history/2"})) == "Patient/p9"
    assert patient_reference(b"not json") is None
