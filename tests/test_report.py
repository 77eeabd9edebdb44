"""`planner report`: figures checked against hand-computed fixtures, every format, the PDF on paper."""
from __future__ import annotations

import csv
import io
import json
import os
import shutil
import subprocess
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given, settings, strategies as st

from planner.core.model import Status
from planner.core.progress import tally
from planner.reports.pdf import ENCODING, pdf_text
from conftest import base_plan, folder_snapshot



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


def iid(day: int, key: str, slot: str) -> str:
    return f"maya-winter.202611{day:02d}.{key}.{slot}"


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

# Hand-computed from RECORDS (partial counts half; a partial's minutes are half, rounded).
EXPECTED = {
    "child": "Maya", "from": "2026-11-23", "to": "2026-11-27",
    "totals": {"scheduled": 15, "done": 5, "partial": 2, "skipped": 4, "adherence": 0.4,
               "minutes_planned": 47, "minutes_done": 21},
    "goals": [
        {"goal": "pincer", "text": "Picks up small objects with thumb and index finger",
         "scheduled": 3, "done": 1, "partial": 1, "skipped": 0, "adherence": 0.5},
        {"goal": "dressing", "text": "Does up the buttons of a coat",
         "scheduled": 2, "done": 1, "partial": 0, "skipped": 1, "adherence": 0.5},
        {"goal": None, "text": "Without a goal",
         "scheduled": 10, "done": 3, "partial": 1, "skipped": 3, "adherence": 0.35},
    ],
    "activities": [
        {"activity": WALL, "title": "Wall push-ups", "scheduled": 10, "done": 3, "partial": 1,
         "skipped": 3, "adherence": 0.35, "minutes_planned": 20, "minutes_done": 7},
        {"activity": TWEEZERS, "title": "Tweezer pick-up", "scheduled": 3, "done": 1, "partial": 1,
         "skipped": 0, "adherence": 0.5, "minutes_planned": 15, "minutes_done": 8},
        {"activity": BUTTONS, "title": "Buttoning practice", "scheduled": 2, "done": 1, "partial": 0,
         "skipped": 1, "adherence": 0.5, "minutes_planned": 12, "minutes_done": 6},
    ],
    "skip_reasons": {"sick": 2, "no-time": 1, "refused": 1, "other": 0},
    "ratings": {"easy": 2, "right": 1, "hard": 1},
}


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
    assert doc == EXPECTED
    assert list(doc) == ["child", "from", "to", "totals", "goals", "activities", "skip_reasons", "ratings"]


def test_future_items_and_to_in_the_future_are_clipped_to_today(recorded):
    # Sat 28 (wall x2, obstacle course) is inside the range but still to come.
    doc = report_json(recorded, "--to", "2026-12-31")
    assert doc["to"] == "2026-11-27"
    assert doc == EXPECTED
    assert all(a["activity"] != "obstacle-course" for a in doc["activities"])


def test_explicit_period(recorded):
    doc = report_json(recorded, "--from", "2026-11-24", "--to", "2026-11-25")
    # Tue: wall m+bh skipped (sick), buttons done; Wed: wall m done, wall bh open, tweezers partial.
    assert doc["from"] == "2026-11-24" and doc["to"] == "2026-11-25"
    assert doc["totals"] == {"scheduled": 6, "done": 2, "partial": 1, "skipped": 2,
                             "adherence": 0.417, "minutes_planned": 19, "minutes_done": 11}
    assert [g["goal"] for g in doc["goals"]] == ["pincer", "dressing", None]
    assert doc["skip_reasons"] == {"sick": 2, "no-time": 0, "refused": 0, "other": 0}
    assert doc["ratings"] == {"easy": 1, "right": 1, "hard": 0}


def test_only_rows_with_something_scheduled(recorded):
    doc = report_json(recorded, "--from", "2026-11-23", "--to", "2026-11-23")
    assert [g["goal"] for g in doc["goals"]] == ["pincer", None]
    assert [a["activity"] for a in doc["activities"]] == [WALL, TWEEZERS]
    assert doc["totals"]["scheduled"] == 3


def test_period_before_the_plan_or_not_started(recorded):
    doc = report_json(recorded, "--from", "2026-11-01", "--to", "2026-11-22")
    assert doc["totals"]["scheduled"] == 0 and doc["goals"] == [] and doc["activities"] == []
    assert doc["totals"]["adherence"] == 0.0
    assert doc["skip_reasons"] == {"sick": 0, "no-time": 0, "refused": 0, "other": 0}
    code, out, _ = recorded("report", "--from", "2026-12-01", "--to", "2026-12-31")
    assert code == 0 and "Nothing was scheduled" in out


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
    # Mon and Wed tweezers belong to v1's "pincer"; Friday's (open) to v2's "grasp".
    assert doc["goals"] == [
        {"goal": "grasp", "text": "Holds small tools with a mature grasp",
         "scheduled": 1, "done": 0, "partial": 0, "skipped": 0, "adherence": 0.0},
        {"goal": "dressing", "text": "Buttons a coat alone (revised)",
         "scheduled": 2, "done": 1, "partial": 0, "skipped": 1, "adherence": 0.5},
        {"goal": "pincer", "text": "Picks up small objects with thumb and index finger",
         "scheduled": 2, "done": 1, "partial": 1, "skipped": 0, "adherence": 0.75},
        {"goal": None, "text": "Without a goal",
         "scheduled": 10, "done": 3, "partial": 1, "skipped": 3, "adherence": 0.35},
    ]
    assert doc["totals"] == EXPECTED["totals"]          # the revision moved nothing else


def test_csv_one_row_per_item(recorded):
    code, out, _ = recorded("report", "--format", "csv")
    assert code == 0
    rows = list(csv.reader(io.StringIO(out)))
    assert rows[0] == ["date", "slot", "activity", "title", "goal", "minutes", "status", "rating",
                       "note", "skip_reason"]
    body = rows[1:]
    assert len(body) == 15
    assert body[0] == ["2026-11-23", "morning", WALL, "Wall push-ups", "", "2", "done", "easy", "", ""]
    assert ["2026-11-23", "afternoon", TWEEZERS, "Tweezer pick-up", "pincer", "5", "done", "hard",
            "Zoë helped – fun", ""] in body
    assert ["2026-11-24", "morning", WALL, "Wall push-ups", "", "2", "skipped", "", "", "sick"] in body
    # a note that looks like a formula is defused for spreadsheets
    assert any(r[8] == "'=1+1 tired" for r in body)
    assert [r[0] for r in body] == sorted(r[0] for r in body)
    assert {r[6] for r in body} == {"done", "partial", "skipped", "planned"}


def test_text_summary(recorded):
    code, out, _ = recorded("report")
    assert code == 0
    assert "Maya" in out and "Adherence 40%" in out and "21 of 47" in out
    assert "Does up the buttons of a coat" in out and "Zoë helped – fun" in out
    assert "sick 2" in out and "refused 1" in out


def test_output_file_is_written_whole(recorded, tmp_path):
    target = tmp_path / "out" / "report.json"
    target.parent.mkdir()
    code, out, err = recorded("report", "--format", "json", "-o", str(target))
    assert code == 0 and out == ""
    assert json.loads(target.read_text(encoding="utf-8")) == EXPECTED
    assert [p.name for p in target.parent.iterdir()] == ["report.json"]     # no temp file left


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


def test_reading_leaves_the_data_folder_alone(recorded, tmp_path):
    before = folder_snapshot(recorded.data)
    for fmt in ("text", "csv", "json"):
        assert recorded("report", "--format", fmt)[0] == 0
    assert recorded("report", "--format", "pdf", "-o", str(tmp_path / "r.pdf"))[0] == 0
    assert folder_snapshot(recorded.data) == before


# ------------------------------------------------------------------ core

def test_core_agrees_with_progress_tally(recorded):
    from planner import services, services_extra
    from planner.storage.store import Store
    store = Store(recorded.data)
    fam = services.load_family(store)
    rep = services_extra.report(store, fam, None, None, date(2026, 11, 27))
    assert rep.totals == tally(rep.items)
    assert rep.first == date(2026, 11, 23) and rep.last == date(2026, 11, 27)
    assert [n.text for n in rep.notes] == ["Zoë helped – fun", "=1+1 tired"]
    assert rep.notes[1].status is Status.PARTIAL
    weeks = rep.goals[0].weeks
    assert len(weeks) == 1 and weeks[0].monday == date(2026, 11, 23) and weeks[0].tally.scheduled == 3


# ------------------------------------------------------------------ PDF

def pdftoppm_or_skip() -> str:
    tool = shutil.which("pdftoppm")
    if tool is None:
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            pytest.fail("pdftoppm (poppler-utils) is required in CI")
        pytest.skip("pdftoppm (poppler-utils) is not installed")
    return tool


def render_pages(pdf: Path, tmp_path: Path) -> list[Path]:
    tool = pdftoppm_or_skip()
    prefix = tmp_path / "page"
    subprocess.run([tool, "-r", "40", "-png", str(pdf), str(prefix)], check=True, timeout=60,
                   capture_output=True)
    return sorted(tmp_path.glob("page*.png"))


def ink_fraction(png: Path) -> float:
    from PIL import Image
    img = Image.open(png).convert("L")
    hist = img.histogram()
    return sum(hist[:200]) / sum(hist)


def test_pdf_renders_with_content(recorded, tmp_path):
    pdf = tmp_path / "report.pdf"
    code, out, err = recorded("report", "--format", "pdf", "-o", str(pdf))
    assert code == 0 and out == "", err
    assert pdf.read_bytes().startswith(b"%PDF-")
    pages = render_pages(pdf, tmp_path)
    assert 1 <= len(pages) <= 2
    assert ink_fraction(pages[0]) > 0.02
    if shutil.which("pdftotext"):
        text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True,
                              timeout=60).stdout
        for words in ("Maya", "Does up the buttons of a coat", "Wall push-ups", "Zoë helped – fun",
                      "40%", "R. Okafor"):
            assert words in text


def test_pdf_of_a_busy_month_stays_on_two_pages(cli, tmp_path):
    """A month of the demo plan with many long notes and odd characters."""
    from datetime import datetime
    from planner import services, services_extra
    from planner.demo import demo_plan
    from planner.storage.store import Store

    store = Store(tmp_path / "busy")
    start = date(2026, 11, 2)
    services.import_plan(store, demo_plan(start), start)
    fam = services.load_family(store)
    today = date(2026, 12, 2)
    notes = ["Łucja and Zoë joined – “great” 😀", "He was tired " * 20, "short", "新しい\u200b note"]
    recs = []
    for n, item in enumerate(it for d in services.days(store, fam, start, 31) for it in d.items):
        status = [Status.DONE, Status.PARTIAL, Status.SKIPPED, Status.DONE][n % 4]
        if n % 7 == 6:
            continue
        recs.append(services.completion_for(item, status, rating=("easy", "right", "hard")[n % 3],
                                            note=notes[n % 4] if n % 3 == 0 else "",
                                            reason="sick" if status is Status.SKIPPED else None,
                                            now=datetime(2026, 12, 2, 12)))
    store.put_completions(recs)
    data = services_extra.report_pdf_bytes(store, fam, None, None, today)
    pdf = tmp_path / "busy.pdf"
    pdf.write_bytes(data)
    pages = render_pages(pdf, tmp_path)
    assert len(pages) == 2
    assert all(ink_fraction(p) > 0.02 for p in pages)
    rep = services_extra.report(store, fam, None, None, today)
    assert len(rep.goals) == 5 and len(rep.notes) > 40


@given(st.text(max_size=60))
@settings(max_examples=300, deadline=None)
def test_pdf_text_never_fails(text):
    safe = pdf_text(text)
    safe.encode(ENCODING)
    assert "\n" not in safe


def test_pdf_text_keeps_what_it_can():
    assert pdf_text("Zoë – “Ana” …") == "Zoë – “Ana” …"
    assert pdf_text("Łucja Đorđe ő ș") == "Lucja Dorde o s"
    assert pdf_text("李 x") == "? x"
    assert pdf_text("ok 😀\u200b\ud800!") == "ok !"


def test_pdf_with_any_child_name(tmp_path):
    from planner.core.report import build_report
    from planner.reports.pdf import render_pdf
    from planner.core.importer import plan_from_dict
    from planner.library import load_library, picture_names
    doc = fixed_plan(child={"name": "Łucja 李 😀 \ud83d Zoë"})
    plan = plan_from_dict(doc, load_library(), picture_names())
    rep = build_report([], [plan], date(2026, 11, 23), date(2026, 11, 27), date(2026, 11, 27))
    assert render_pdf(rep).startswith(b"%PDF-")


def test_real_process_without_flet(recorded, tmp_path):
    import sys
    pdf = tmp_path / "r.pdf"
    probe = ("import sys, runpy\n"
             "for argv in (['report', '--format', 'pdf', '-o', %r], ['calendar', '-o', %r],\n"
             "             ['backup', %r]):\n"
             "    sys.argv = ['planner', '--data-dir', %r, *argv]\n"
             "    try:\n        runpy.run_module('planner', run_name='__main__')\n"
             "    except SystemExit as exc:\n        assert not exc.code, exc.code\n"
             "assert 'flet' not in sys.modules, 'flet imported'\nprint('NOFLET')"
             ) % (str(pdf), str(tmp_path / "c.ics"), str(tmp_path / "b.zip"), str(recorded.data))
    r = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                       env=dict(os.environ, PLANNER_TODAY="2026-11-27"), timeout=120)
    assert "NOFLET" in r.stdout and "Traceback" not in r.stderr, r.stderr
    assert pdf.exists() and (tmp_path / "c.ics").exists() and (tmp_path / "b.zip").exists()
