"""`planner calendar`: .ics reminders parsed back with icalendar."""
from __future__ import annotations

import json
from datetime import date, datetime, time, timedelta

import pytest
from icalendar import Calendar

from planner.core.value import replace
from planner.services import household, plans, practice
from planner.reports.ical import DEFAULT_SLOT_TIMES, build_ics, event_uid, slot_times
from planner.storage.store import Store
from conftest import base_plan, folder_snapshot



PLAN = base_plan(activities=[
    {"activity": "wall-pushups", "times_per_day": 2, "reps": 10, "minutes": 2,
     "when": ["morning", "before-homework"]},
    {"activity": "tweezers-pickup", "days": ["mon", "wed", "fri"], "minutes": 5, "when": ["afternoon"]},
    {"activity": "bead-stringing", "days": ["mon"], "minutes": 8, "when": ["afternoon"]},
    {"activity": "obstacle-course", "days": ["sat"], "minutes": 15, "when": ["midday"]},
])


@pytest.fixture
def planned(cli, tmp_path):
    p = tmp_path / "plan.json"
    p.write_text(json.dumps(PLAN), encoding="utf-8")
    assert cli("import", str(p))[0] == 0
    return cli


def events(path) -> list:
    cal = Calendar.from_ical(path.read_bytes())
    return [c for c in cal.walk() if c.name == "VEVENT"]


def test_one_event_per_day_and_slot(planned, tmp_path):
    out = tmp_path / "maya.ics"
    code, _, err = planned("calendar", "--from", "2026-11-23", "--days", "7", "-o", str(out))
    assert code == 0, err
    evs = events(out)
    # Mon-Fri: morning, afternoon? (Mon/Wed/Fri), before-homework; Sat: morning, midday, b-h; Sun rest.
    per_day = {}
    for ev in evs:
        start = ev["dtstart"].dt
        per_day.setdefault(start.date(), []).append(start.time())
    assert sorted(per_day) == [date(2026, 11, 23) + timedelta(days=i) for i in range(6)]
    assert len(per_day[date(2026, 11, 23)]) == 3 and len(per_day[date(2026, 11, 24)]) == 2
    assert sorted(per_day[date(2026, 11, 28)]) == [time(7, 30), time(12, 0), time(16, 45)]
    assert len(evs) == 3 + 2 + 3 + 2 + 3 + 3
    monday_pm = next(ev for ev in evs if ev["dtstart"].dt == datetime(2026, 11, 23, 16, 0))
    assert "Tweezer pick-up" in str(monday_pm["summary"]) and "Bead stringing" in str(monday_pm["summary"])
    assert "5 min" in str(monday_pm["description"]) and "8 min" in str(monday_pm["description"])
    assert monday_pm.decoded("duration") == timedelta(minutes=13)
    wall = next(ev for ev in evs if ev["dtstart"].dt == datetime(2026, 11, 23, 7, 30))
    assert "10 reps" in str(wall["description"])
    assert str(wall["uid"]) == "maya-winter-20261123-morning@ot-home-planner"
    alarms = [c for c in wall.walk() if c.name == "VALARM"]
    assert len(alarms) == 1 and alarms[0].decoded("trigger") == timedelta(minutes=-10)


def test_floating_times_no_timezone(planned, tmp_path):
    out = tmp_path / "maya.ics"
    planned("calendar", "-o", str(out))
    raw = out.read_text(encoding="utf-8")
    assert "TZID" not in raw and "VTIMEZONE" not in raw
    evs = events(out)
    assert evs and all(ev["dtstart"].dt.tzinfo is None for ev in evs)
    # default: today and 28 days
    days = {ev["dtstart"].dt.date() for ev in evs}
    assert min(days) == date(2026, 11, 27) and max(days) <= date(2026, 11, 27) + timedelta(days=27)


def test_uids_stable_across_exports_and_ticks(planned, tmp_path):
    a, b = tmp_path / "a.ics", tmp_path / "b.ics"
    planned("calendar", "--from", "2026-11-23", "--days", "14", "-o", str(a))
    # whatever their status, items still have their events
    assert planned("done", "maya-winter.20261127.wall-pushups.morning")[0] == 0
    assert planned("skip", "maya-winter.20261125.tweezers-pickup.afternoon")[0] == 0
    planned("calendar", "--from", "2026-11-23", "--days", "14", "-o", str(b))
    uids_a = [str(ev["uid"]) for ev in events(a)]
    uids_b = [str(ev["uid"]) for ev in events(b)]
    assert uids_a == uids_b and len(set(uids_a)) == len(uids_a)
    assert all(u.endswith("@ot-home-planner") and u.startswith("maya-winter-") for u in uids_a)


def test_slot_times_from_settings(planned, tmp_path):
    store = Store(planned.data)
    store.update_household(lambda s: replace(s, slot_times={"morning": "07:00", "afternoon": "25:99",
                                                           "bedtime": "7"}))
    out = tmp_path / "maya.ics"
    assert planned("calendar", "--from", "2026-11-23", "--days", "1", "-o", str(out))[0] == 0
    starts = sorted(ev["dtstart"].dt.time() for ev in events(out))
    assert starts == [time(7, 0), time(16, 0), time(16, 45)]     # a bad entry keeps the default


def test_slot_times_defaults():
    assert slot_times(None) == {"morning": (7, 30), "midday": (12, 0), "after-school": (15, 30),
                                "afternoon": (16, 0), "before-homework": (16, 45), "evening": (18, 0),
                                "bedtime": (19, 30)}
    assert slot_times({"slot_times": "nonsense"})["morning"] == (7, 30)
    assert set(DEFAULT_SLOT_TIMES) == {"morning", "midday", "after-school", "afternoon",
                                       "before-homework", "evening", "bedtime"}
    from planner.services.sharing import library_slot_times
    assert library_slot_times() == DEFAULT_SLOT_TIMES          # the app shows the same times
    assert slot_times(None, {"evening": "17:30"})["evening"] == (17, 30)
    assert event_uid("p", date(2026, 1, 2), "bedtime") == "p-20260102-bedtime@ot-home-planner"


def test_service_for_the_app(planned):
    store = Store(planned.data)
    fam = household.load_family(store)
    from planner.services.sharing import calendar_ics_bytes
    one = calendar_ics_bytes(store, fam, date(2026, 11, 23), 7, datetime(2026, 11, 27, 9, 0))
    two = calendar_ics_bytes(store, fam, date(2026, 11, 23), 7, datetime(2026, 11, 28, 9, 0))
    strip = lambda b: [l for l in b.decode().splitlines() if not l.startswith("DTSTAMP")]
    assert strip(one) == strip(two)
    assert Calendar.from_ical(one)["version"] == "2.0"


def test_empty_days_give_a_valid_calendar():
    data = build_ics([], "Maya", lambda d: "p", None, datetime(2026, 11, 27, 9))
    cal = Calendar.from_ical(data)
    assert [c for c in cal.walk() if c.name == "VEVENT"] == []


@pytest.mark.parametrize("args", [
    ["--days", "7"],                                        # no -o
    ["--days", "0", "-o", "{out}"],
    ["--days", "401", "-o", "{out}"],
    ["--from", "someday", "-o", "{out}"],
    ["-o", "{missing}"],
    ["--child", "Leo", "-o", "{out}"],
])
def test_bad_arguments(planned, tmp_path, args):
    outdir = tmp_path / "o"
    outdir.mkdir()
    args = [a.format(out=str(outdir / "x.ics"), missing=str(tmp_path / "no" / "x.ics")) for a in args]
    before = folder_snapshot(planned.data)
    code, out, err = planned("calendar", *args)
    assert code == 2 and err.startswith("error:") and err.count("\n") == 1, err
    assert list(outdir.iterdir()) == []
    assert folder_snapshot(planned.data) == before
