"""The therapist's report: every figure checked against hand-computed fixtures, every format.

The core tests build scheduled items by hand (so each date, status and rating
is known); the command-line tests go through import, check-offs and
`planner report` on a real data folder.
"""
from __future__ import annotations

import csv
import io
import json
import math
from datetime import date, timedelta

import pytest

from planner.core.importer import plan_from_dict
from planner.core.model import AsNeededUse, Day, GoalRating, ScheduledItem, Status
from planner.core.report import (ADHERENCE_NAME, FOOTER, age_text, build_report, count, gas_t_score)
from planner.core.value import frozen, replace
from planner.library import load_library, picture_names
from planner.reports import formats
from conftest import base_plan, folder_snapshot


# ------------------------------------------------------------------ fixtures by hand

@frozen
class Item(ScheduledItem):
    """A scheduled item as plan format 2 records it (level done, help needed, option)."""
    level: str | None = None
    assist: str | None = None
    option: str | None = None


TITLES = {"tweezers-pickup": "Tweezer pick-up", "wall-pushups": "Wall push-ups",
          "ball-catching": "Ball catching", "buttoning-practice": "Buttoning practice"}
GOALS = {"tweezers-pickup": "pincer", "buttoning-practice": "dressing", "ball-catching": "catch"}


def mk(day: date, key: str, slot: str = "afternoon", status: Status = Status.PLANNED, *,
       reason: str | None = None, rating: str | None = None, note: str = "", minutes: int = 5,
       level: str | None = None, assist: str | None = None, option: str | None = None) -> Item:
    return Item(id=f"maya-winter.{day:%Y%m%d}.{key}.{slot}", date=day, slot=slot, key=key,
                title=TITLES.get(key, key), kid_title=key, minutes=minutes, reps=None, sets=None,
                goal=GOALS.get(key), areas=("fine-motor",), setting="table-top", sensory_diet=False,
                picture="x", plan_id="maya-winter", plan_version=1, status=status, rating=rating,
                note=note, reason=reason, level=level, assist=assist, option=option)


def as_days(items) -> list[Day]:
    by: dict[date, list] = {}
    for it in items:
        by.setdefault(it.date, []).append(it)
    return [Day(d, 30, tuple(v)) for d, v in sorted(by.items())]


def plan_of(**over):
    doc = base_plan(
        goals=[{"id": "pincer", "text": "Picks up small objects with thumb and index finger"},
               {"id": "dressing", "text": "Does up the buttons of a coat"},
               {"id": "catch", "text": "Catches a large ball from 2 m"}],
        activities=[
            {"activity": "tweezers-pickup", "goal": "pincer", "days": ["mon", "wed", "fri"],
             "minutes": 5, "when": ["afternoon"]},
            {"activity": "wall-pushups", "times_per_day": 2, "reps": 10, "minutes": 2,
             "when": ["morning", "before-homework"]},
            {"activity": "buttoning-practice", "goal": "dressing", "days": ["tue", "thu"], "minutes": 6},
            {"activity": "ball-catching", "goal": "catch", "times_per_week": 3, "minutes": 8},
        ])
    doc.update(over)
    return plan_from_dict(doc, load_library(), picture_names())


D = date(2026, 11, 2)          # a Monday; the period below is Mon 2 - Sun 15 Nov 2026 (14 days)
DONE, PART, SKIP, OPEN = Status.DONE, Status.PARTIAL, Status.SKIPPED, Status.PLANNED


def day(n: int) -> date:
    return D + timedelta(days=n)


# ------------------------------------------------------------------ counts, sick days, today

def test_sick_items_are_excused_and_today_counts_only_when_recorded():
    today = day(4)                                    # Fri 6 Nov
    items = [
        mk(day(0), "tweezers-pickup", status=DONE),
        mk(day(0), "wall-pushups", "morning", SKIP, reason="sick"),
        mk(day(0), "wall-pushups", "before-homework", SKIP, reason="sick"),
        mk(day(1), "wall-pushups", "morning", SKIP, reason="sick"),
        mk(day(1), "buttoning-practice", status=PART),
        mk(day(2), "tweezers-pickup", status=SKIP, reason="no-time"),
        mk(day(3), "wall-pushups", "morning"),                       # over, nothing recorded
        mk(day(4), "wall-pushups", "morning", DONE),                 # today, recorded: counts
        mk(day(4), "tweezers-pickup"),                               # today, open: not yet
        mk(day(4), "wall-pushups", "before-homework"),               # today, open: not yet
        mk(day(5), "ball-catching", status=DONE),                    # after today: ignored
    ]
    rep = build_report(as_days(items), [plan_of()], D, day(13), today)
    t = rep.totals
    # 8 counted items: 3 sick (excused), 2 done, 1 partly, 1 skipped, 1 not recorded.
    assert (t.scheduled, t.sick, t.counted, t.done, t.partial, t.skipped, t.open) == (8, 3, 5, 2, 1, 1, 1)
    assert t.adherence == 0.5                        # (2 + 0.5) / 5
    assert rep.sick_days == (day(0), day(1))
    assert rep.pending_today == 2
    assert rep.last == today and len(rep.items) == 8
    # the next day, today's open items count as not recorded
    later = build_report(as_days(items), [plan_of()], D, day(4), day(5))
    assert later.pending_today == 0 and later.totals.open == 3 and later.totals.counted == 7
    assert later.totals.adherence == round(2.5 / 7, 3)
    # the first day of a plan, nothing recorded yet: nothing to report, and it says why
    open_today = [it for it in items if it.date == day(4) and it.status is OPEN]
    first_day = build_report(as_days(open_today), [plan_of()], day(4), day(4), day(4))
    assert first_day.empty and first_day.pending_today == 2
    assert "Nothing to report yet: 2 items of today not recorded yet" in formats.to_text(first_day)


def test_counts_of_nothing_has_no_adherence():
    c = count([mk(day(0), "wall-pushups", status=SKIP, reason="sick")])
    assert c.counted == 0 and c.adherence is None and c.sick == 1
    assert formats.percent(c.adherence) == "–"


# ------------------------------------------------------------------ per activity

def test_skip_reasons_and_often_refused_flag():
    # Ball catching, in date order: done, refused, refused, sick, no-time, refused, open, done.
    seq = [(DONE, None), (SKIP, "refused"), (SKIP, "refused"), (SKIP, "sick"), (SKIP, "no-time"),
           (SKIP, "refused"), (OPEN, None), (DONE, None)]
    items = [mk(day(i), "ball-catching", status=s, reason=r) for i, (s, r) in enumerate(seq)]
    rep = build_report(as_days(items), [plan_of()], D, day(13), day(13))
    a = rep.activities[0]
    assert a.activity == "ball-catching"
    assert a.skip_reasons == {"sick": 1, "no-time": 1, "refused": 3, "other": 0}
    # last 6 recorded, sick aside: refused, refused, no-time, refused, done (+ the first done) -> 3
    assert a.recorded_recent == 6 and a.refused_recent == 3 and a.often_refused
    assert "Often refused (3 of last 6)" in formats.flags(a)
    # one more done pushes only the first done out (still 3 of 6); a second one the first refusal
    items.append(mk(day(8), "ball-catching", status=DONE))
    a = build_report(as_days(items), [plan_of()], D, day(13), day(13)).activities[0]
    assert a.refused_recent == 3 and a.often_refused
    items.append(mk(day(9), "ball-catching", status=DONE))
    a = build_report(as_days(items), [plan_of()], D, day(13), day(13)).activities[0]
    assert a.refused_recent == 2 and not a.often_refused


def test_ready_to_progress_after_three_easy_in_a_row_by_default():
    ratings = ["hard", "right", "easy", "easy", None, "easy"]   # an unrated check-off does not break a run
    items = [mk(day(i), "tweezers-pickup", status=DONE, rating=r) for i, r in enumerate(ratings)]
    a = build_report(as_days(items), [plan_of()], D, day(13), day(13)).activities[0]
    assert a.easy_in_a_row == 3 and a.progress_after == 3 and a.ready_to_progress
    items.append(mk(day(6), "tweezers-pickup", status=DONE, rating="right"))
    a = build_report(as_days(items), [plan_of()], D, day(13), day(13)).activities[0]
    assert a.easy_in_a_row == 0 and not a.ready_to_progress


def test_ready_to_progress_uses_the_plan_entry_count():
    plan = plan_of()

    entries = tuple(replace(e, progress_after_easy=4) if e.key == "tweezers-pickup" else e
                    for e in plan.activities)
    plan = replace(plan, activities=entries)
    items = [mk(day(i), "tweezers-pickup", status=DONE, rating="easy") for i in range(3)]
    a = build_report(as_days(items), [plan], D, day(13), day(13)).activities[0]
    assert a.progress_after == 4 and a.easy_in_a_row == 3 and not a.ready_to_progress
    items.append(mk(day(3), "tweezers-pickup", status=DONE, rating="easy"))
    assert build_report(as_days(items), [plan], D, day(13), day(13)).activities[0].ready_to_progress


def test_rating_and_help_trends_by_half_of_the_period_and_level_done():
    # Period Mon 2 - Sun 15 Nov (14 days): first half Mon 2 - Sun 8, second half Mon 9 - Sun 15.
    items = [
        mk(day(0), "tweezers-pickup", status=DONE, rating="hard", assist="hands-on", level="easier"),
        mk(day(2), "tweezers-pickup", status=PART, rating="hard", assist="showed-how", level="easier"),
        mk(day(6), "tweezers-pickup", status=DONE, rating="right", assist="reminder", level="easier"),
        mk(day(7), "tweezers-pickup", status=DONE, rating="right", assist="reminder", level="standard"),
        mk(day(9), "tweezers-pickup", status=DONE, rating="easy", assist="independent", level="standard"),
        mk(day(11), "tweezers-pickup", status=SKIP, reason="other", rating=None),
    ]
    rep = build_report(as_days(items), [plan_of()], D, day(13), day(14))
    a = rep.activities[0]
    assert a.rating_trend.first == {"easy": 0, "right": 1, "hard": 2}
    assert a.rating_trend.second == {"easy": 1, "right": 1, "hard": 0}
    assert a.recent_ratings == ("hard", "hard", "right", "right", "easy")
    assert a.assist_trend.first == {"independent": 0, "reminder": 1, "showed-how": 1, "hands-on": 1}
    assert a.assist_trend.second == {"independent": 1, "reminder": 1, "showed-how": 0, "hands-on": 0}
    assert a.levels == {"easier": 3, "standard": 2}
    assert formats.rating_trend_text(a) == "E/R/H 0/1/2 -> 1/1/0"
    assert formats.assist_trend_text(a) == "own/reminder/shown/hands-on 0/1/1/1 -> 1/1/0/0"
    assert a.frequency == "Mon, Wed, Fri (afternoon)" and a.dose == "5 min"


def test_prescribed_dose_of_a_counted_item():
    items = [mk(day(0), "wall-pushups", "morning", DONE, minutes=2)]
    a = build_report(as_days(items), [plan_of()], D, day(13), day(13)).activities[0]
    assert a.frequency == "2x a day (morning, before-homework)"
    assert a.dose == "10 reps, about 2 min"


# ------------------------------------------------------------------ GAS

def test_gas_t_score_matches_the_published_formula():
    # Kiresuk & Sherman (1968), weights 1, rho 0.3: T = 50 + 10 * sum(x) / sqrt(0.7 n + 0.3 n^2).
    # Turner-Stokes (2009, Clin Rehabil 23:362) tabulates the factor 10 / sqrt(0.7 n + 0.3 n^2):
    # 6.2 for two goals, 4.56 for three, 3.63 for four.
    for n, factor in ((2, 6.2), (3, 4.56), (4, 3.63)):
        assert round(gas_t_score([1] + [0] * (n - 1)) - 50, 1) == round(factor, 1)
    assert gas_t_score([0, 0, 0]) == 50.0
    # Worked example: four goals at -1, 0, +1, +2 -> 50 + 10 * 2 / sqrt(2.8 + 4.8) = 57.25
    assert gas_t_score([-1, 0, 1, 2]) == 57.3
    # every goal at -2 with three goals: 50 - 60 / sqrt(4.8) = 22.6
    assert gas_t_score([-2, -2, -2]) == 22.6
    # weights other than 1: sum(w x) = 2*1 + 1*(-1) = 1; sqrt(0.7 * 5 + 0.3 * 9) = sqrt(6.2)
    assert gas_t_score([1, -1], weights=[2, 1]) == round(50 + 10 / math.sqrt(6.2), 1)
    with pytest.raises(ValueError):
        gas_t_score([])


def test_goal_ratings_by_date_and_t_score_only_when_every_goal_is_rated():
    items = [mk(day(0), "tweezers-pickup", status=DONE), mk(day(1), "buttoning-practice", status=DONE)]
    ratings = [GoalRating("maya-winter", "pincer", day(0), -1, "baseline: 2 of 10"),
               GoalRating("maya-winter", "pincer", day(10), 1, "8 of 10"),
               GoalRating("maya-winter", "dressing", date(2026, 10, 1), 0),   # before the period
               GoalRating("maya-winter", "pincer", day(20), 2)]              # after it
    rep = build_report(as_days(items), [plan_of()], D, day(13), day(13), ratings=ratings)
    pincer = next(g for g in rep.goals if g.goal == "pincer")
    assert [(r.date, r.level, r.note) for r in pincer.ratings] == [
        (day(0), -1, "baseline: 2 of 10"), (day(10), 1, "8 of 10")]
    assert rep.gas_t_score is None and (rep.gas_goals_rated, rep.gas_goals_total) == (1, 2)
    assert "1 of 2 goals rated" in formats.t_score_text(rep)
    ratings.append(GoalRating("maya-winter", "dressing", day(12), 0))
    rep = build_report(as_days(items), [plan_of()], D, day(13), day(13), ratings=ratings)
    # latest levels +1 and 0: 50 + 10 * 1 / sqrt(1.4 + 1.2) = 56.2
    assert rep.gas_t_score == 56.2
    doc = rep.as_dict()
    assert doc["gas_t_score"] == 56.2
    assert doc["goals"][0]["ratings"] == [{"date": "2026-11-02", "level": -1, "note": "baseline: 2 of 10"},
                                          {"date": "2026-11-12", "level": 1, "note": "8 of 10"}]


def test_a_goal_rated_without_practice_still_shows():
    rep = build_report([], [plan_of()], D, day(13), day(13),
                       ratings=[GoalRating("maya-winter", "catch", day(3), 0)])
    assert [g.goal for g in rep.goals] == ["catch"] and rep.goals[0].counts.scheduled == 0
    assert rep.gas_t_score == 50.0 and not rep.empty


# ------------------------------------------------------------------ as needed

def test_as_needed_uses_per_week_with_before_and_after():
    uses = [AsNeededUse("maya-winter", "calm-corner", "2026-11-02T16:10", "high", "just-right"),
            AsNeededUse("maya-winter", "calm-corner", "2026-11-04T17:00", "high", "high", "took long"),
            AsNeededUse("maya-winter", "calm-corner", "2026-11-11T08:30", "low", None),
            AsNeededUse("maya-winter", "calm-corner", "2026-10-30T08:30", "low", None)]   # before
    plan = plan_of(start="2026-11-02")
    rep = build_report([], [plan], D, day(13), day(13), uses=uses)
    (u,) = rep.as_needed
    assert u.uses == 3 and u.per_week == 1.5                   # 3 uses over 14 days
    assert u.weeks == ((day(0), 2), (day(7), 1))
    assert u.before == {"high": 2, "just-right": 0, "low": 1}
    assert u.after == {"high": 1, "just-right": 1, "low": 0}
    assert [n.text for n in rep.notes] == ["took long"]
    assert formats.uses_text(u) == "3 uses (1.5 a week); before: high 2, low 1; after: high 1, just right 1"


# ------------------------------------------------------------------ header

def test_header_age_report_date_and_plan_versions():
    assert age_text(date(2022, 6, 14), date(2026, 11, 13)) == "4 years 4 months"
    assert age_text(date(2022, 6, 14), date(2026, 6, 14)) == "4 years"
    assert age_text(date(2025, 5, 20), date(2026, 11, 19)) == "17 months"
    assert age_text(date(2026, 10, 20), date(2026, 11, 19)) == "0 months"
    v1, v2 = plan_of(start="2026-10-01"), plan_of(version=2, start="2026-11-09")
    rep = build_report([], [v1, v2], D, day(13), day(13), made_on=day(14))
    assert rep.report_date == day(14) and rep.birth_date == date(2022, 6, 14)
    assert [(v.version, v.start) for v in rep.plan_versions] == [(1, date(2026, 10, 1)), (2, day(7))]
    assert rep.as_dict()["age"] == "4 years 5 months"
    rep = build_report([], [v1, v2], D, day(5), day(13), plan_versions=[(1, day(-30)), (2, day(6))])
    assert [v.version for v in rep.plan_versions] == [1]       # v2 starts after the period


# ------------------------------------------------------------------ formats agree

def month_items():
    items = []
    for i in range(14):
        d = day(i)
        items.append(mk(d, "wall-pushups", "morning", [DONE, PART, SKIP, DONE][i % 4],
                        reason="refused" if i % 4 == 2 else None, rating=("easy", "right")[i % 2],
                        note="Łucja – “fine”" if i == 3 else ""))
    items[5] = replace(items[5], status=SKIP, reason="sick", rating=None)
    return items


def test_text_csv_and_json_say_the_same():
    rep = build_report(as_days(month_items()), [plan_of()], D, day(13), day(14),
                       uses=[AsNeededUse("maya-winter", "calm-corner", "2026-11-03T16:00", "high",
                                         "low", "=cmd")])
    doc = json.loads(formats.render(rep, "json"))
    text = formats.render(rep, "text").decode()
    rows = list(csv.DictReader(io.StringIO(formats.render(rep, "csv").decode())))
    t = doc["totals"]
    assert t == {"scheduled": 14, "counted": 13, "done": 7, "partial": 3, "skipped": 3, "sick": 1,
                 "not_recorded": 0, "adherence": 0.654, "minutes_planned": 70, "minutes_done": 44}
    assert f"{ADHERENCE_NAME} 65%" in text and "1 sick day not counted (1 item)" in text
    assert sum(r["status"] == "done" for r in rows) == t["done"]
    assert sum(r["status"] == "skipped" and r["skip_reason"] == "sick" for r in rows) == t["sick"]
    used = [r for r in rows if r["status"] == "used"]
    assert len(used) == 1 and used[0]["before"] == "high" and used[0]["note"] == "'=cmd"
    assert used[0]["time"] == "16:00" and used[0]["date"] == "2026-11-03"
    assert doc["recorded_by"] == FOOTER and text.rstrip().endswith(FOOTER)
    act = doc["activities"][0]
    assert act["skip_reasons"]["refused"] == 3 and act["frequency"].startswith("2x a day")
    assert "Prescribed: 2x a day (morning, before-homework), 10 reps" in text


# ------------------------------------------------------------------ the command line

def fixed_plan(**over) -> dict:
    """Only fixed-day and daily activities, so every date of every item is known by hand.

    Mon 23 - Sat 28 Nov 2026 (Sunday is a rest day):
      wall-pushups   every day, morning and before-homework, 2 min (10 reps), no goal
      tweezers-pickup Mon, Wed, Fri afternoon, 5 min, goal pincer
      buttoning-practice Tue, Thu, 6 min, goal dressing
      obstacle-course Sat, 15 min, no goal
    """
    doc = base_plan(
        goals=[{"id": "pincer", "text": "Picks up small objects with thumb and index finger"},
               {"id": "dressing", "text": "Does up the buttons of a coat"}],
        activities=[
            {"activity": "wall-pushups", "times_per_day": 2, "reps": 10, "minutes": 2,
             "when": ["morning", "before-homework"]},
            {"activity": "tweezers-pickup", "goal": "pincer", "days": ["mon", "wed", "fri"],
             "minutes": 5, "when": ["afternoon"]},
            {"activity": "buttoning-practice", "goal": "dressing", "days": ["tue", "thu"],
             "minutes": 6, "when": ["afternoon"]},
            {"activity": "obstacle-course", "days": ["sat"], "minutes": 15},
        ],
    )
    doc.update(over)
    return doc


def iid(d: int, key: str, slot: str) -> str:
    return f"maya-winter.202611{d:02d}.{key}.{slot}"


WALL, TWEEZERS, BUTTONS = "wall-pushups", "tweezers-pickup", "buttoning-practice"

# What the family recorded, Mon 23 to Fri 27 (today). Items without a line stay open.
RECORDS = [
    ("done", iid(23, WALL, "morning"), ["--rating", "easy"]),
    ("done", iid(23, WALL, "before-homework"), ["--partial"]),
    ("done", iid(23, TWEEZERS, "afternoon"), ["--rating", "hard", "--note", "Zoë helped – fun"]),
    ("skip", iid(24, WALL, "morning"), ["--reason", "sick"]),
    ("skip", iid(24, WALL, "before-homework"), ["--reason", "sick"]),
    ("done", iid(24, BUTTONS, "afternoon"), ["--rating", "right"]),
    ("done", iid(25, WALL, "morning"), ["--rating", "easy"]),
    ("done", iid(25, TWEEZERS, "afternoon"), ["--partial", "--note", "=1+1 tired"]),
    ("skip", iid(26, WALL, "morning"), ["--reason", "no-time"]),
    ("skip", iid(26, BUTTONS, "afternoon"), ["--reason", "refused"]),
    ("done", iid(27, WALL, "morning"), []),
]

# Hand-computed from RECORDS. Today (Fri 27): wall morning is recorded and counts; wall
# before-homework and tweezers are still open and wait for the day to end. Tue's two sick
# skips are excused: 13 counted items, 11 in the fraction, (5 done + 2 partly / 2) / 11.
EXPECTED_TOTALS = {"scheduled": 13, "counted": 11, "done": 5, "partial": 2, "skipped": 2, "sick": 2,
                   "not_recorded": 2, "adherence": 0.545, "minutes_planned": 40, "minutes_done": 21}
EXPECTED_GOALS = [
    ("pincer", 2, 1, 1, 0, 0, 0.75),      # id, scheduled, done, partly, skipped, sick, adherence
    ("dressing", 2, 1, 0, 1, 0, 0.5),
    (None, 9, 3, 1, 1, 2, 0.5),           # (3 + 0.5) / 7
]


@pytest.fixture
def recorded(cli, tmp_path):
    plan = tmp_path / "plan.json"
    plan.write_text(json.dumps(fixed_plan()), encoding="utf-8")
    code, _, err = cli("import", str(plan))
    assert code == 0, err
    for verb, item, extra in RECORDS:
        code, _, err = cli(verb, item, *extra)
        assert code == 0, (item, err)
    return cli


def report_json(cli, *args) -> dict:
    code, out, err = cli("report", "--format", "json", *args)
    assert code == 0, err
    return json.loads(out)


def test_json_matches_hand_computed_figures(recorded):
    doc = report_json(recorded)
    assert doc["child"] == "Maya" and doc["from"] == "2026-11-23" and doc["to"] == "2026-11-27"
    assert doc["totals"] == EXPECTED_TOTALS
    assert doc["sick_days"] == ["2026-11-24"] and doc["not_yet_recorded_today"] == 2
    assert [(g["goal"], g["scheduled"], g["done"], g["partial"], g["skipped"], g["sick"], g["adherence"])
            for g in doc["goals"]] == EXPECTED_GOALS
    acts = {a["activity"]: a for a in doc["activities"]}
    assert list(acts) == [WALL, TWEEZERS, BUTTONS]
    assert acts[WALL]["skip_reasons"] == {"sick": 2, "no-time": 1, "refused": 0, "other": 0}
    assert acts[WALL]["dose"] == "10 reps, about 2 min"
    assert acts[TWEEZERS]["frequency"] == "Mon, Wed, Fri (afternoon)"
    assert acts[BUTTONS]["refused_of_last_6"] == 1 and not acts[BUTTONS]["often_refused"]
    assert doc["skip_reasons"] == {"sick": 2, "no-time": 1, "refused": 1, "other": 0}
    assert doc["ratings"] == {"easy": 2, "right": 1, "hard": 1}
    assert doc["birth_date"] == "2022-06-14" and doc["age"] == "4 years 5 months"
    assert doc["report_date"] == "2026-11-27" and doc["recorded_by"] == FOOTER


def test_to_in_the_future_is_clipped_to_today(recorded):
    doc = report_json(recorded, "--to", "2026-12-31")
    assert doc["to"] == "2026-11-27" and doc["totals"] == EXPECTED_TOTALS
    assert all(a["activity"] != "obstacle-course" for a in doc["activities"])


def test_explicit_period_in_the_past(recorded):
    doc = report_json(recorded, "--from", "2026-11-24", "--to", "2026-11-25")
    # Tue: wall m+bh sick, buttons done; Wed: wall m done, wall bh open, tweezers partly.
    assert doc["totals"] == {"scheduled": 6, "counted": 4, "done": 2, "partial": 1, "skipped": 0,
                             "sick": 2, "not_recorded": 1, "adherence": 0.625,
                             "minutes_planned": 19, "minutes_done": 11}
    assert doc["not_yet_recorded_today"] == 0


def test_csv_one_row_per_item(recorded):
    code, out, _ = recorded("report", "--format", "csv")
    assert code == 0
    rows = list(csv.reader(io.StringIO(out)))
    assert tuple(rows[0]) == formats.CSV_COLUMNS
    body = rows[1:]
    assert len(body) == 13
    assert body[0][:10] == ["2026-11-23", "morning", WALL, "Wall push-ups", "", "2", "done", "easy", "", ""]
    assert any(r[8] == "'=1+1 tired" for r in body)
    assert ["2026-11-24", "morning", WALL, "Wall push-ups", "", "2", "skipped", "", "", "sick"] in \
        [r[:10] for r in body]


def test_text_summary(recorded):
    code, out, _ = recorded("report")
    assert code == 0
    assert "Maya" in out and f"{ADHERENCE_NAME} 55%" in out
    assert "1 sick day not counted (2 items)" in out
    assert "2 items of today not recorded yet" in out
    assert "Zoë helped – fun" in out and out.rstrip().endswith(FOOTER)


def test_reading_leaves_the_data_folder_alone(recorded, tmp_path):
    before = folder_snapshot(recorded.data)
    for fmt in ("text", "csv", "json"):
        assert recorded("report", "--format", fmt)[0] == 0
    assert recorded("report", "--format", "pdf", "-o", str(tmp_path / "r.pdf"))[0] == 0
    assert (tmp_path / "r.pdf").read_bytes().startswith(b"%PDF-")
    assert folder_snapshot(recorded.data) == before


def test_revised_plan_with_changed_goals(recorded, tmp_path):
    v2 = fixed_plan(version=2, goals=[
        {"id": "grasp", "text": "Holds small tools with a mature grasp"},
        {"id": "dressing", "text": "Buttons a coat alone (revised)"}])
    v2["activities"][1]["goal"] = "grasp"
    path = tmp_path / "v2.json"
    path.write_text(json.dumps(v2), encoding="utf-8")
    code, out, err = recorded("import", str(path))
    assert code == 0 and "from 2026-11-27" in out, err
    doc = report_json(recorded)
    # Mon and Wed tweezers belong to v1's "pincer"; Friday's (v2's "grasp") is today's and open,
    # so it waits for the day to end and "grasp" has nothing to show yet.
    assert [(g["goal"], g["text"], g["scheduled"], g["adherence"]) for g in doc["goals"]] == [
        ("dressing", "Buttons a coat alone (revised)", 2, 0.5),
        ("pincer", "Picks up small objects with thumb and index finger", 2, 0.75),
        (None, "Without a goal", 9, 0.5)]
    assert doc["totals"] == EXPECTED_TOTALS
    # Friday's wall push-ups (recorded, so counted) are the first item of v2
    assert doc["plan_versions"] == [
        {"plan_id": "maya-winter", "version": 1, "from": "2026-11-23"},
        {"plan_id": "maya-winter", "version": 2, "from": "2026-11-27"}]


@pytest.mark.parametrize("args, words", [
    (["--format", "pdf"], "-o"),
    (["--format", "xml", "-o", "{out}"], "format"),
    (["--from", "2026-11-26", "--to", "2026-11-24", "-o", "{out}"], "after"),
    (["--from", "2026-02-30", "-o", "{out}"], "date"),
    (["-o", "{missing}"], "does not exist"),
    (["--format", "pdf", "-o", "{dir}"], "folder"),
    (["--child", "Nobody", "-o", "{out}"], "Nobody"),
])
def test_bad_arguments_one_line_exit_2_nothing_written(recorded, tmp_path, args, words):
    out_dir = tmp_path / "outputs"
    out_dir.mkdir()
    subst = {"out": str(out_dir / "r.pdf"), "missing": str(tmp_path / "nope" / "r.txt"),
             "dir": str(out_dir)}
    args = [a.format(**subst) for a in args]
    before = folder_snapshot(recorded.data)
    code, out, err = recorded("report", *args)
    assert code == 2 and out == "" and err.startswith("error:") and err.count("\n") == 1, err
    assert words in err
    assert list(out_dir.iterdir()) == [] and not (tmp_path / "nope").exists()
    assert folder_snapshot(recorded.data) == before


def test_report_without_a_plan_creates_nothing(cli):
    code, _, err = cli("report")
    assert code == 2 and "no plan yet" in err and not cli.data.exists()


def test_the_progress_periods_end_today():
    from planner.core.progress import Period
    thursday = date(2026, 12, 3)
    assert Period.WEEK.first_day(thursday) == date(2026, 11, 30)            # this Monday
    assert Period.WEEK.first_day(date(2026, 11, 30)) == date(2026, 11, 30)  # a Monday: itself
    assert Period.FOUR_WEEKS.first_day(thursday) == date(2026, 11, 6)       # 28 days, today included
    assert Period.PLAN.first_day(thursday) is None
    assert Period("4weeks") is Period.FOUR_WEEKS                            # the screens' stored value
