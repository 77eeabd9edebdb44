"""Plan format 2: what therapists prescribe (school days, as-needed items, choice menus, phases and
level changes, precautions, dose fields, measurable goals), rule by rule, plus the worked example:
"wall push-ups or heavy carrying twice on school days, calm-down corner when needed, tweezers on the
easier version for two weeks then standard, no balloons (latex)"."""
from __future__ import annotations

import json
from datetime import date, datetime, timedelta

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from planner.core import scheduler
from planner.core.importer import PlanError, plan_from_dict, plan_to_dict
from planner.core.model import LevelChange, WEEKDAYS
from planner.library import load_library, picture_names
from conftest import v2_plan as v2

MON = date(2026, 11, 23)


def load(doc):
    return plan_from_dict(json.loads(json.dumps(doc)), load_library(), picture_names())


def week(plan, first=MON, days=14, **kw):
    return scheduler.schedule(scheduler.timeline([(plan.start, plan)]), first,
                              first + timedelta(days=days - 1), **kw)


def test_worked_example_week():
    plan = load(v2())
    got = week(plan, days=7)
    for d in got:
        heavy = [it for it in d.items if it.key == "heavy-work"]
        if d.date.weekday() < 5:
            assert [it.slot for it in heavy] == ["morning", "after-school"], d.date
            assert heavy[0].options == ("wall-pushups", "heavy-carry")
        else:
            assert heavy == []
    assert not any(it.key == "calm-down-corner" for d in got for it in d.items)
    tweezers = [it for d in got for it in d.items if it.key == "tweezers-pickup"]
    assert len(tweezers) == 3 and {it.level for it in tweezers} == {"easier"}
    assert {it.minutes for it in tweezers} == {5} and tweezers[0].stop_if == "Her hand cramps"
    later = [it for d in week(plan, MON + timedelta(days=14), 7) for it in d.items
             if it.key == "tweezers-pickup"]
    assert {it.level for it in later} == {"standard"} and {it.minutes for it in later} == {8}


def test_as_needed_never_scheduled_nor_in_the_budget():
    plan = load(v2())
    entry = plan.activity("calm-down-corner")
    assert entry.as_needed and entry.frequency.describe() == "when needed"
    for d in week(plan, days=28):
        assert all(it.key != "calm-down-corner" for it in d.items)


def test_school_day_slots_only_on_school_days():
    doc = v2(school_days=["mon", "tue", "wed", "thu"])
    doc["activities"][0] = {"activity": "wall-pushups", "times_per_day": 2,
                            "when": ["morning", "before-homework"], "minutes": 2}
    plan = load(doc)
    for d in week(plan, days=7):
        slots = [it.slot for it in d.items if it.key == "wall-pushups"]
        if d.date.weekday() == 6:
            assert slots == []                       # rest day
        elif d.date.weekday() < 4:
            assert slots == ["morning", "before-homework"]
        else:
            assert slots == ["morning"], d.date      # Friday and Saturday: no homework slot


def test_format_1_keeps_before_homework_on_every_day():
    from conftest import base_plan
    plan = plan_from_dict(base_plan(), load_library(), picture_names())
    sat = [d for d in week(plan, days=7) if d.date.weekday() == 5][0]
    assert [it.slot for it in sat.items if it.key == "wall-pushups"] == ["morning", "before-homework"]


def test_weekly_item_in_a_school_slot_lands_on_school_days():
    doc = v2()
    doc["activities"][2] = {"activity": "tweezers-pickup", "times_per_week": 3, "when": ["after-school"]}
    plan = load(doc)
    days = [d.date.weekday() for d in week(plan, days=7) for it in d.items if it.key == "tweezers-pickup"]
    assert len(days) == 3 and all(wd < 5 for wd in days)


def test_precaution_conflict_refused_naming_the_precaution_and_overridable():
    doc = v2()
    doc["activities"].append({"activity": "balloon-tap", "times_per_week": 2})
    with pytest.raises(PlanError) as exc:
        load(doc)
    assert "latex-allergy" in str(exc.value) and exc.value.where == "activities[3].activity"
    doc["activities"][3]["precaution_checked"] = ["latex-allergy"]
    assert load(doc).activity("balloon-tap").precaution_checked == ("latex-allergy",)


def test_choice_option_conflict_is_refused_too():
    doc = v2()
    doc["child"]["precautions"] = ["no-trampoline"]
    doc["activities"][0]["choice"]["options"] = ["wall-pushups", "trampoline-jumps"]
    with pytest.raises(PlanError, match="no-trampoline"):
        load(doc)


def test_age_outside_the_library_range_is_a_warning():
    doc = v2()
    doc["child"]["birth_date"] = "2026-01-10"       # 10 months at the start
    doc["child"]["precautions"] = []
    doc["activities"] = [{"activity": "scissor-cutting", "times_per_week": 2}]
    plan = load(doc)
    assert any("scissor-cutting" in w and "10 months" in w for w in plan.warnings)


def test_weighted_activity_needs_its_weight():
    lib = load_library()
    weighted = next(a.id for a in lib.values() if a.weighted)
    doc = v2()
    doc["activities"].append({"activity": weighted, "times_per_week": 2})
    with pytest.raises(PlanError, match="weight_kg"):
        load(doc)
    doc["activities"][3]["weight_kg"] = 25
    with pytest.raises(PlanError, match="0.1 to 10"):
        load(doc)
    doc["activities"][3]["weight_kg"] = 1.5
    assert load(doc).activity(weighted).weight_kg == 1.5


def test_routines_do_not_count_toward_the_budget():
    lib = load_library()
    routine = next(a for a in lib.values() if not a.counts_toward_budget and not a.conflicts)
    doc = v2()
    doc["activities"].append({"activity": routine.id, "times_per_day": 1})
    assert load(doc).activity(routine.id).counts_toward_budget is False


def test_dose_fields_and_text():
    doc = v2()
    doc["activities"][2].update(hold_seconds=10, per_side=True, rest_seconds=30, resistance="soft putty")
    entry = load(doc).activity("tweezers-pickup")
    assert entry.dose_text() == "5 min, hold 10 s, each side"
    assert (entry.rest_seconds, entry.resistance) == (30, "soft putty")


def test_entry_from_and_until():
    doc = v2()
    doc["activities"][2].update({"from": "2026-11-30", "until": "2026-12-13"})
    doc["activities"][2].pop("phases")
    plan = load(doc)
    got = week(plan, days=28)
    dates = [d.date for d in got for it in d.items if it.key == "tweezers-pickup"]
    assert dates and min(dates) >= date(2026, 11, 30) and max(dates) <= date(2026, 12, 13)
    assert len(dates) == 6


def test_level_change_applies_from_its_date_only():
    plan = load(v2())
    before = week(plan, days=14)
    change = LevelChange("maya-v2", "tweezers-pickup", date(2026, 11, 30), "standard")
    after = week(plan, days=14, level_changes=[change])
    cut = 7
    assert before[:cut] == after[:cut]
    assert {it.level for d in after[cut:] for it in d.items if it.key == "tweezers-pickup"} == {"standard"}


def test_format_1_fields_named_in_a_format_1_file():
    from conftest import base_plan
    doc = base_plan()
    doc["activities"][0]["as_needed"] = True
    with pytest.raises(PlanError, match="format 2"):
        plan_from_dict(doc, load_library(), picture_names())


@pytest.mark.parametrize("path,value,where", [
    (("child", "handedness"), "both", "child.handedness"),
    (("child", "precautions"), ["latex"], "child.precautions[0]"),
    (("child", "precautions"), ["food-allergy"], "child.precautions"),
    (("goals", 0, "gas"), {"-2": "a", "0": "b"}, "goals[0].gas"),
    (("goals", 0, "target_date"), "2020-01-01", "goals[0].target_date"),
    (("activities", 1, "times_per_week"), 2, "activities[1].times_per_week"),
    (("activities", 2, "level"), "hardest", "activities[2].level"),
    (("activities", 2, "phases"), [{"week": 0}], "activities[2].phases[0].week"),
    (("activities", 2, "phases"), [{"from": "2026-11-23"}], "activities[2].phases[0]"),
    (("activities", 2, "hold_seconds"), 0, "activities[2].hold_seconds"),
    (("activities", 2, "until"), "2026-11-01", "activities[2].until"),
    (("activities", 0, "choice"), {"id": "x", "title": "X", "options": ["wall-pushups"]},
     "activities[0].choice.options"),
    (("school_days",), ["moon"], "school_days[0]"),
])
def test_bad_v2_fields_are_named(path, value, where):
    doc = v2()
    target = doc
    for p in path[:-1]:
        target = target[p]
    target[path[-1]] = value
    with pytest.raises(PlanError) as exc:
        load(doc)
    assert exc.value.where.startswith(where), (exc.value.where, str(exc.value))


def test_export_round_trip_keeps_every_v2_field():
    plan = load(v2())
    doc = plan_to_dict(plan)
    assert doc["format"] == "ot-home-plan/2"
    again = load(doc)
    assert again == plan
    assert week(again, days=28) == week(plan, days=28)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    per_day=st.integers(1, 3),
    days=st.sets(st.sampled_from(WEEKDAYS[:6]), min_size=1, max_size=6),
    k=st.integers(1, 5),
    school=st.sets(st.sampled_from(WEEKDAYS), min_size=1, max_size=7),
    offset=st.integers(0, 6),
)
def test_random_v2_plans_keep_the_rules(per_day, days, k, school, offset):
    slots = ("morning", "after-school", "evening")[:per_day]
    doc = v2(school_days=sorted(school, key=WEEKDAYS.index),
             start=(MON + timedelta(days=offset)).isoformat())
    doc["goals"][0].pop("target_date")
    doc["activities"][0] = {"choice": doc["activities"][0]["choice"], "days": sorted(days, key=WEEKDAYS.index),
                            "times_per_day": per_day, "when": list(slots), "minutes": 2}
    doc["activities"][2].pop("phases")
    doc["activities"][2]["times_per_week"] = k
    plan = load(doc)
    got = week(plan, MON, 21)
    for d in got:
        wd = WEEKDAYS[d.date.weekday()]
        assert d.date >= plan.start or not d.items                    # nothing before the start
        assert not any(it.key == "calm-down-corner" for it in d.items)
        heavy = [it.slot for it in d.items if it.key == "heavy-work"]
        if d.date >= plan.start and wd in days:
            assert heavy == [s for s in slots if s != "after-school" or wd in school]
        else:
            assert heavy == []
        assert all(it.slot != "after-school" or wd in school for it in d.items)
    full = [d for d in got if d.date - timedelta(days=d.date.weekday()) >= plan.start][:7]
    if len(full) == 7:
        assert sum(1 for d in full for it in d.items if it.key == "tweezers-pickup") == k


# ------------------------------------------------------------------ the family's side (CLI)

@pytest.fixture
def planned(cli, tmp_path):
    p = tmp_path / "v2.json"
    p.write_text(json.dumps(v2()), encoding="utf-8")
    code, out, err = cli("import", str(p))
    assert code == 0, err
    return cli


def test_schedule_json_has_v2_fields_and_the_as_needed_list(planned):
    code, out, err = planned("schedule", "--from", "2026-11-23", "--days", "1", "--json")
    doc = json.loads(out)
    assert [a["activity"] for a in doc["as_needed"]] == ["calm-down-corner"]
    items = {it["activity"]: it for it in doc["days"][0]["items"]}
    assert items["heavy-work"]["options"] == ["wall-pushups", "heavy-carry"]


def test_done_records_option_level_and_help(planned):
    iid = "maya-v2.20261127.heavy-work.morning"
    code, _, err = planned("done", iid, "--option", "heavy-carry", "--assist", "reminder", "--level", "easier")
    assert code == 0, err
    code, out, _ = planned("schedule", "--from", "2026-11-27", "--days", "1", "--json")
    it = {i["id"]: i for i in json.loads(out)["days"][0]["items"]}[iid]
    assert (it["option"], it["assist"], it["level_done"]) == ("heavy-carry", "reminder", "easier")
    code, _, err = planned("done", iid, "--option", "trampoline-jumps")
    assert code == 2 and "not an option" in err


def test_use_logs_as_needed_items(planned):
    code, out, err = planned("use", "calm-down-corner", "--before", "high", "--after", "just-right",
                             "--note", "after the bus")
    assert code == 0 and "high -> just-right" in out, err
    code, _, err = planned("use", "tweezers-pickup")
    assert code == 2 and "not an as-needed item" in err
    code, out, _ = planned("report", "--format", "json")
    assert code == 0 and "calm-down-corner" in out


def test_goal_rate_keeps_history(planned):
    assert planned("goal-rate", "calm", "-1", "--date", "2026-11-25")[0] == 0
    code, out, err = planned("goal-rate", "calm", "1", "--note", "on her own on Thursday")
    assert code == 0 and "On her own 4 days" in out, err
    from planner.storage.store import Store
    from planner.services import household, plans
    fam = household.load_family(Store(planned.data))
    levels = [(r.date, r.level) for r in plans.goal_ratings(Store(planned.data), fam)]
    assert levels == [(date(2026, 11, 25), -1), (date(2026, 11, 27), 1)]
    for bad in (("goal-rate", "nope", "1"), ("goal-rate", "calm", "3"),
                ("goal-rate", "calm", "1", "--date", "2026-12-25")):
        code, _, err = planned(*bad)
        assert code == 2 and err.startswith("error:") and err.count("\n") == 1, (bad, err)


def test_ready_to_progress_after_easy_ratings_and_the_level_change(planned):
    from planner.services import household, practice
    from planner.storage.store import Store
    store = Store(planned.data)
    fam = household.load_family(store)
    today = date(2026, 12, 3)                                 # a Thursday of the plan's second week
    tw = [it for d in practice.days(store, fam, MON, 11) for it in d.items if it.key == "tweezers-pickup"]
    assert len(tw) >= 3
    for it in tw[:2]:
        practice.record(store, fam, it, today, it.status.DONE, rating="easy")
    assert practice.ready_to_progress(store, fam, "tweezers-pickup", today) is None
    practice.record(store, fam, tw[2], today, tw[2].status.DONE, rating="easy")
    assert practice.ready_to_progress(store, fam, "tweezers-pickup", today) == "standard"
    practice.accept_level(store, fam, "tweezers-pickup", "standard", today)
    fam = household.load_family(Store(planned.data))
    got = practice.days(Store(planned.data), fam, MON, 14)
    levels = {d.date: it.level for d in got for it in d.items if it.key == "tweezers-pickup"}
    assert {lv for day, lv in levels.items() if day <= today} == {"easier"}
    assert {lv for day, lv in levels.items() if day > today} == {"standard"}
    assert practice.ready_to_progress(Store(planned.data), fam, "tweezers-pickup", today) is None


def test_custom_activity_keeps_its_conflicts_and_weight_through_export():
    doc = v2()
    doc["activities"].append({"custom": {"id": "rice-bin", "title": "Rice sensory bin", "area": "sensory",
                                         "conflicts": ["choking-risk"], "weighted": True},
                              "times_per_week": 2, "weight_kg": 0.5, "precaution_checked": []})
    plan = load(doc)
    entry = plan.activity("rice-bin")
    assert entry.conflicts == ("choking-risk",) and entry.weighted
    again = plan_to_dict(plan)
    again["child"]["precautions"] = ["choking-risk"]
    with pytest.raises(PlanError, match="choking-risk"):
        load(again)                                  # still checked when the plan is saved again
    from planner.storage import mapping
    assert mapping.plan_from_doc(mapping.plan_to_doc(plan)) == plan


def test_routines_are_left_out_of_the_weekly_load_warning():
    lib = load_library()
    routine = next(a for a in lib.values() if not a.counts_toward_budget and not a.conflicts)
    doc = v2(daily_minutes=10)
    doc["activities"] = [{"activity": "tweezers-pickup", "times_per_day": 1, "minutes": 10},
                         {"activity": routine.id, "times_per_day": 2, "minutes": 5}]
    load_ = scheduler.plan_load(load(doc))
    assert load_.week_minutes == 60                  # six practice days of 10 minutes, routines aside
