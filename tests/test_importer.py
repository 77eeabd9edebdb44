"""Importer: valid plans become Plan objects; every bad plan names the field."""
from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from planner.core import importer
from planner.core.importer import CsvOptions, PlanError, parse_plan_csv, parse_plan_json, plan_from_dict
from conftest import base_plan


def load(doc, lib):
    return parse_plan_json(json.dumps(doc).encode(), lib)


def error_of(doc, lib) -> PlanError:
    with pytest.raises(PlanError) as info:
        load(doc, lib) if not isinstance(doc, bytes) else parse_plan_json(doc, lib)
    return info.value


def test_example_plan_imports(mini_library):
    plan = load(base_plan(), mini_library)
    assert plan.plan_id == "maya-winter" and plan.version == 1 and plan.child == "Maya"
    assert plan.weekday_minutes == 25 and plan.weekend_minutes == 40
    assert plan.rest_days == ("sun",)
    tw, wp, oc, shoe = plan.activities
    assert tw.frequency.kind == "week" and tw.frequency.count == 3 and tw.when == ("afternoon",)
    assert wp.frequency.kind == "day" and wp.reps == 10 and wp.when == ("morning", "before-homework")
    assert oc.frequency.days == ("sat",)
    assert shoe.custom and shoe.areas == ("self-care",) and shoe.kid_title == "Tie my shoes"
    assert shoe.picture != "activities/custom.svg"            # chosen from its words and area


def test_defaults(mini_library):
    doc = {"format": "ot-home-plan/1", "child": {"name": "Léa Ø"}, "start": "2026-11-23",
           "activities": [{"activity": "bead-stringing", "times_per_week": 2}]}
    plan = load(doc, mini_library)
    assert plan.plan_id == "l-a-2026-11-23"
    assert plan.weekday_minutes == plan.weekend_minutes == 30
    assert plan.activities[0].minutes == 8          # the library's estimate
    assert plan.end is None and plan.version == 1


def test_frequencies_map_to_fhir_timing(mini_library):
    plan = load(base_plan(), mini_library)
    tw, wp, oc, _ = plan.activities
    assert tw.frequency.to_fhir(tw.when) == {"frequency": 3, "period": 1, "periodUnit": "wk",
                                             "when": ["AFT"]}
    assert wp.frequency.to_fhir() == {"frequency": 2, "period": 1, "periodUnit": "d"}
    assert oc.frequency.to_fhir() == {"frequency": 1, "period": 1, "periodUnit": "d", "dayOfWeek": ["sat"]}


def test_export_round_trip(mini_library):
    plan = load(base_plan(), mini_library)
    again = plan_from_dict(importer.plan_to_dict(plan), mini_library)
    assert again.activities == plan.activities and again.goals == plan.goals
    assert (again.start, again.end, again.rest_days) == (plan.start, plan.end, plan.rest_days)


def _set(doc, path, value):
    cur = doc
    keys = path.split(".")
    for k in keys[:-1]:
        cur = cur[int(k)] if isinstance(cur, list) else cur[k]
    last = keys[-1]
    if value is _DEL:
        del cur[last]
    elif isinstance(cur, list):
        cur[int(last)] = value
    else:
        cur[last] = value
    return doc


_DEL = object()

BAD = [
    ("format", "ot-home-plan/3", "format"),
    ("format", _DEL, "format"),
    ("child.name", "", "child.name"),
    ("child.name", "x" * 61, "child.name"),
    ("child", _DEL, "child"),
    ("start", "2026-02-30", "start"),
    ("start", "27/11/2026", "start"),
    ("start", 20261127, "start"),
    ("end", "2026-11-01", "end"),
    ("daily_minutes", 0, "daily_minutes"),
    ("daily_minutes", 241, "daily_minutes"),
    ("daily_minutes", {"weekday": "25"}, "daily_minutes.weekday"),
    ("rest_days", ["sunday"], "rest_days[0]"),
    ("rest_days", ["mon", "tue", "wed", "thu", "fri", "sat", "sun"], "rest_days"),
    ("activities", [], "activities"),
    ("activities", "tweezers", "activities"),
    ("activities.0.activity", "tweezer-pickup", "activities[0].activity"),
    ("activities.0.times_per_week", 8, "activities[0].times_per_week"),
    ("activities.0.times_per_week", 0, "activities[0].times_per_week"),
    ("activities.0.times_per_week", "3", "activities[0].times_per_week"),
    ("activities.0.times_per_week", 2.5, "activities[0].times_per_week"),
    ("activities.0.times_per_week", True, "activities[0].times_per_week"),
    ("activities.0.days", ["sat"], "activities[0].days"),
    ("activities.0.when", ["night"], "activities[0].when[0]"),
    ("activities.0.minutes", 121, "activities[0].minutes"),
    ("activities.0.reps", 201, "activities[0].reps"),
    ("activities.0.goal", "handwriting", "activities[0].goal"),
    ("activities.0.notes", "n" * 501, "activities[0].notes"),
    ("activities.0.time_per_week", 3, "activities[0].time_per_week"),
    ("activities.1.when", ["morning"], "activities[1].when"),
    ("activities.2.days", ["sun"], "activities[2].days[0]"),
    ("activities.3.custom.area", "fine motor", "activities[3].custom.area"),
    ("activities.3.custom.title", "t" * 81, "activities[3].custom.title"),
    ("activities.3.custom.kid_title", "k" * 25, "activities[3].custom.kid_title"),
    ("activities.3.custom.picture", "assets/activities/bead-stringing.svg", "activities[3].custom.picture"),
    ("activities.3.custom.picture", "../../etc/passwd", "activities[3].custom.picture"),
    ("activities.3.custom.picture", "unicorn", "activities[3].custom.picture"),
    ("activities.3.custom.id", "tweezers-pickup", "activities[3]"),
    ("goals.0.area", "fine motor", "goals[0].area"),
    ("plan_id", "Maya Winter!", "plan_id"),
    ("version", 0, "version"),
]


@pytest.mark.parametrize("path,value,where", BAD, ids=[f"{b[0]}={str(b[1])[:20]}" for b in BAD])
def test_bad_field_is_named(mini_library, path, value, where):
    doc = _set(base_plan(), path, value)
    err = error_of(doc, mini_library)
    assert err.where == where, str(err)
    assert err.message


def test_two_frequencies_in_one_entry(mini_library):
    doc = base_plan()
    doc["activities"][0]["days"] = ["mon"]
    err = error_of(doc, mini_library)
    assert err.where == "activities[0].days" and "only one frequency" in err.message


def test_no_frequency(mini_library):
    doc = base_plan()
    del doc["activities"][0]["times_per_week"]
    assert error_of(doc, mini_library).where == "activities[0]"


def test_activity_listed_twice(mini_library):
    doc = base_plan()
    doc["activities"].append(dict(doc["activities"][0]))
    assert "already in the plan" in error_of(doc, mini_library).message


def test_unknown_activity_suggests_a_close_id(mini_library):
    doc = _set(base_plan(), "activities.0.activity", "tweezer-pickup")
    assert "tweezers-pickup" in error_of(doc, mini_library).message


@pytest.mark.parametrize("data,words", [
    (b"", "empty"),
    (b"   \n", "empty"),
    (b"{not json", "not valid JSON"),
    (b"\x89PNG\r\n\x1a\n\x00\x00garbage\xff\xfe", "not a text file"),
    (b"[1, 2, 3]", "expected a JSON object"),
    (b"[" * 50_000 + b"]" * 50_000, "nested"),
    (b'{"a":' * 5000 + b"1" + b"}" * 5000, ""),
])
def test_bad_bytes(mini_library, data, words):
    err = error_of(data, mini_library)
    assert words in str(err)


def test_huge_file_refused_by_size(mini_library):
    with pytest.raises(PlanError, match="too large"):
        parse_plan_json(b" " * (importer.MAX_PLAN_BYTES + 1), mini_library)


def test_utf8_bom_json(mini_library):
    plan = parse_plan_json(b"\xef\xbb\xbf" + json.dumps(base_plan()).encode(), mini_library)
    assert plan.child == "Maya"


# ---------------------------------------------------------------- hypothesis

json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-10**6, 10**6) | st.floats(allow_nan=False) | st.text(max_size=30),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=4),
    max_leaves=20,
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.binary(max_size=400))
def test_any_bytes_give_a_plan_or_a_plan_error(mini_library, data):
    try:
        parse_plan_json(data, mini_library)
    except PlanError:
        pass


FIELDS = ["format", "child", "start", "end", "daily_minutes", "rest_days", "goals", "activities",
          "plan_id", "version", "therapist"]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.sampled_from(FIELDS), json_values)
def test_any_top_level_value_gives_a_plan_or_a_plan_error(mini_library, key, value):
    doc = base_plan()
    doc[key] = value
    try:
        plan = load(doc, mini_library)
    except PlanError as exc:
        assert exc.where.split(".")[0].split("[")[0] in (key, "activities", "child", "end", "")
    else:
        assert plan.activities


ENTRY_FIELDS = ["activity", "times_per_week", "days", "times_per_day", "minutes", "reps", "sets",
                "when", "goal", "notes", "sensory_diet", "custom"]


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.integers(0, 3), st.sampled_from(ENTRY_FIELDS), json_values)
def test_any_entry_value_is_accepted_or_named(mini_library, index, key, value):
    doc = base_plan()
    doc["activities"][index][key] = value
    try:
        load(doc, mini_library)
    except PlanError as exc:
        assert exc.where.startswith(f"activities[{index}]"), exc.where


# ---------------------------------------------------------------- CSV

CSV_OPTS = CsvOptions(child="Maya", start="2026-11-23", end="2027-01-31", weekday_minutes=25,
                      weekend_minutes=40, rest_days=["sun"])

CSV_TEXT = (
    "Activity,Title,Area,Goal,Times_per_week,Days,Times_per_day,Minutes,Reps,Sets,When,Notes\n"
    "tweezers-pickup,,,Picks up small objects,3,,,5,,,afternoon,\"Large pom-poms, then beads\"\n"
    "wall-pushups,,,,,,2,2,10,2,morning/before-homework,\n"
    "obstacle-course,,,,,sat,,15,,,,\n"
    ",Tie shoelaces,self-care,Dresses alone,3,,,5,,,,\n"
    "bead-stringing,,,Picks up small objects,2,,,8,,,,\n"
)


def test_csv_matches_json(mini_library):
    plan = parse_plan_csv(CSV_TEXT.encode(), CSV_OPTS, mini_library)
    assert [a.key for a in plan.activities] == ["tweezers-pickup", "wall-pushups", "obstacle-course",
                                                "tie-shoelaces", "bead-stringing"]
    assert plan.activities[1].when == ("morning", "before-homework") and plan.activities[1].sets == 2
    assert plan.activities[0].notes == "Large pom-poms, then beads"
    assert [g.text for g in plan.goals] == ["Picks up small objects", "Dresses alone"]
    assert plan.activities[0].goal == plan.activities[4].goal == plan.goals[0].id
    assert plan.rest_days == ("sun",) and plan.weekend_minutes == 40


def test_csv_spreadsheet_dialects(mini_library):
    semi = CSV_TEXT.replace(",", ";").replace("\"Large pom-poms; then beads\"", "\"Large pom-poms, then beads\"")
    for data in (b"\xef\xbb\xbf" + CSV_TEXT.encode(), CSV_TEXT.replace("\n", "\r\n").encode(), semi.encode()):
        plan = parse_plan_csv(data, CSV_OPTS, mini_library)
        assert len(plan.activities) == 5 and plan.activities[1].when == ("morning", "before-homework")


@pytest.mark.parametrize("row,where", [
    ("tweezer-pickup,,,,3,,,5,,,,", "line 3, column 1 (activity)"),
    ("bead-stringing,,,,3,,,five,,,,", "line 3, column 8 (minutes)"),
    ("bead-stringing,,,,9,,,5,,,,", "line 3, column 5 (times_per_week)"),
    ("bead-stringing,,,,,sun,,5,,,,", "line 3, column 6 (days)"),
    (",My game,,,3,,,5,,,,", "line 3, column 3 (area)"),
    ("bead-stringing,,,,3,,,5,,,noon,", "line 3, column 11 (when)"),
])
def test_csv_errors_name_line_and_column(mini_library, row, where):
    text = CSV_TEXT.splitlines()[0] + "\n" + CSV_TEXT.splitlines()[1] + "\n" + row + "\n"
    with pytest.raises(PlanError) as info:
        parse_plan_csv(text.encode(), CSV_OPTS, mini_library)
    assert info.value.where == where, str(info.value)


def test_csv_needs_child_and_start(mini_library):
    with pytest.raises(PlanError, match="--child"):
        parse_plan_csv(CSV_TEXT.encode(), CsvOptions(start="2026-11-23"), mini_library)


def test_csv_unknown_column(mini_library):
    with pytest.raises(PlanError) as info:
        parse_plan_csv(b"activity,minuts\nbead-stringing,5\n", CSV_OPTS, mini_library)
    assert info.value.where == "line 1, column 2" and "minutes" in info.value.message


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(max_size=300))
def test_any_csv_text_gives_a_plan_or_a_plan_error(mini_library, text):
    try:
        parse_plan_csv(text.encode("utf-8", "surrogatepass"), CSV_OPTS, mini_library)
    except (PlanError, UnicodeEncodeError):
        pass
