"""Abuse suite: bad plan files, bad arguments and bad backup archives against a real family folder.

Every case must end the same way: exit code 2, exactly one line on stderr starting with `error:`,
nothing on stdout, no traceback, the data folder byte for byte as it was, and an answer within
5 seconds. The folder holds two children (Maya and Leo) with plans and a few ticks each.

Counts (each case is its own test id; `test_counts` keeps these figures true):
  bad plan files       181   (146 JSON in JSON_CASES, 35 CSV in CSV_CASES; each imported with and
                              without --dry-run)
  bad arguments        125   (85 in-process in ARG_CASES, 8 PLANNER_TODAY values, 9 undecodable
                              byte arguments and 2 undecodable PLANNER_TODAY values in real
                              processes, 21 special files: FIFOs, devices, sockets, symlink loops;
                              plus 2 unreadable files when not run as root)
  bad backup archives   75   (ARCHIVE_CASES)
  bad pictures          11   (BAD_PICTURES, the family photo upload)
Also: a full disk and a read-only folder (tmpfs mounts, root only), a data folder that is a link.
The in-process `cli` fixture runs most cases; cases that need
a FIFO, a device or undecodable bytes in argv or the environment run a real `planner` process with
a timeout.
"""
from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import stat
import struct
import subprocess
import sys
import time
import zipfile
from datetime import datetime
from pathlib import Path

import pytest

from conftest import ROOT, base_plan, folder_snapshot
from planner.storage import archive
from planner.storage.store import SCHEMA_VERSION

TIME_LIMIT = 5.0
TODAY = "2026-11-27"
TICKS = ("maya-winter.20261127.wall-pushups.morning", "maya-winter.20261124.wall-pushups.morning",
         "leo-winter.20261126.wall-pushups.morning", "leo-winter.20261125.tweezers-pickup.afternoon")


# ------------------------------------------------------------------ the family folder

def child_plan(name: str, pid: str) -> dict:
    doc = base_plan(plan_id=pid, child={"name": name})
    doc["activities"][3]["custom"]["picture"] = "bead-stringing"
    return doc


@pytest.fixture(scope="module")
def template(tmp_path_factory) -> Path:
    """A data folder with Maya and Leo, their plans and a few ticks (built once, copied per test)."""
    from planner.cli import main
    base = tmp_path_factory.mktemp("family")
    data = base / "data"
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("PLANNER_TODAY", TODAY)
        mp.delenv("PLANNER_DATA_DIR", raising=False)
        for name, pid in (("Maya", "maya-winter"), ("Leo", "leo-winter")):
            p = base / f"{pid}.json"
            p.write_text(json.dumps(child_plan(name, pid)), encoding="utf-8")
            assert main(["--data-dir", str(data), "import", str(p)]) == 0
        for iid in TICKS:
            assert main(["--data-dir", str(data), "done", iid, "--note", "fine"]) == 0
    assert (data / "history" / "maya").is_dir() and (data / "history" / "leo").is_dir()
    return data


@pytest.fixture
def family(cli, template):
    """The `cli` fixture on a fresh copy of the family folder."""
    shutil.copytree(template, cli.data, symlinks=True)
    return cli


def assert_refused(code, out, err, elapsed, before, after) -> None:
    assert "Traceback" not in err, err
    assert code == 2, (code, out, err)
    assert err.startswith("error:") and err.count("\n") == 1 and err.endswith("\n"), repr(err)
    assert "\x1b" not in err and "\r" not in err, repr(err)
    assert out == "", repr(out)
    assert after == before, "the data folder changed"
    assert elapsed < TIME_LIMIT, f"took {elapsed:.1f} s"


def run_refused(cli, *args: str, data_dir: Path | None = None) -> str:
    """Run one command in-process and check every promise of a refusal; return the error line."""
    folder = Path(data_dir) if data_dir is not None else cli.data
    before = folder_snapshot(folder)
    t0 = time.monotonic()
    try:
        code, out, err = cli(*args, data_dir=data_dir)
    except BaseException as exc:      # an escaped exception is the traceback the user would see
        pytest.fail(f"uncaught {exc.__class__.__name__}: {exc}")
    assert_refused(code, out, err, time.monotonic() - t0, before, folder_snapshot(folder))
    return err


def planner_process(args: list, *, env_extra: dict | None = None, timeout: float = 20):
    """A real `planner` process (bytes argv allowed); returns (code, out, err, seconds)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PLANNER_")}
    env["PLANNER_TODAY"] = TODAY
    env["PYTHONPATH"] = str(ROOT)
    env = {k.encode() if isinstance(k, str) else k: v.encode() if isinstance(v, str) else v
           for k, v in env.items()}
    for k, v in (env_extra or {}).items():
        env[k.encode() if isinstance(k, str) else k] = v.encode() if isinstance(v, str) else v
    argv = [sys.executable.encode(), b"-m", b"planner", *[a if isinstance(a, bytes) else str(a).encode()
                                                         for a in args]]
    t0 = time.monotonic()
    proc = subprocess.run(argv, capture_output=True, timeout=timeout, env=env, cwd=str(ROOT),
                          stdin=subprocess.DEVNULL)
    return (proc.returncode, proc.stdout.decode("utf-8", "replace"),
            proc.stderr.decode("utf-8", "replace"), time.monotonic() - t0)


# ------------------------------------------------------------------ bad plan files

NUM = "__NUMBER__"        # a JSON string replaced by raw number text
RAW = "__RAWBYTES__"      # a JSON string replaced by raw bytes


def good_doc() -> dict:
    """A plan that imports cleanly (checked by test_the_good_plan_and_sheet_import)."""
    return child_plan("Zoe", "zoe-spring")


def jdoc(change) -> bytes:
    doc = good_doc()
    change(doc)
    return json.dumps(doc).encode("utf-8")


def setp(path: tuple, value):
    """A change that sets doc[path...] = value (None path parts index lists)."""
    def change(doc):
        node = doc
        for k in path[:-1]:
            node = node[k]
        node[path[-1]] = value
    return change


def delp(path: tuple):
    def change(doc):
        node = doc
        for k in path[:-1]:
            node = node[k]
        del node[path[-1]]
    return change


def js(path: tuple, value) -> bytes:
    return jdoc(setp(path, value))


def number(path: tuple, text: str) -> bytes:
    return js(path, NUM).replace(f'"{NUM}"'.encode(), text.encode())


def raw(path: tuple, data: bytes) -> bytes:
    """The field holds a JSON string whose content is these raw bytes."""
    return js(path, RAW).replace(RAW.encode(), data)


def nested(depth: int, open_: str = "[", close: str = "]") -> bytes:
    return js(("activities", 0, "notes"), NUM).replace(f'"{NUM}"'.encode(),
                                                         (open_ * depth + close * depth).encode())


def dup_key(where: bytes, key: str) -> bytes:
    """The object that starts at `where` gets `key` a second time."""
    text = json.dumps(good_doc()).encode()
    i = text.index(where) + len(where)
    return text[:i] + f'"{key}": 1, '.encode() + text[i:]


NAME = ("child", "name")
GOAL_TEXT = ("goals", 0, "text")
NOTES = ("activities", 0, "notes")
CUSTOM = ("activities", 3, "custom")
MINUTES = ("activities", 0, "minutes")

JSON_CASES: dict[str, bytes] = {
    # Unicode traps
    "name-lone-high-surrogate": js(NAME, "Ad\ud800a"),
    "name-lone-low-surrogate": js(NAME, "Ad\udc00a"),
    "name-surrogate-at-end": js(NAME, "Ada\ud83d"),
    "name-utf8-encoded-surrogate": raw(NAME, b"Ad\xed\xa0\x80a"),
    "name-control-char-escaped": js(NAME, "Ad\u0001a"),
    "name-raw-control-byte": raw(NAME, b"Ad\x01a"),
    "name-ansi-escape": js(NAME, "\x1b[31mAda\x1b[0m"),
    "name-ansi-clear-screen": js(NAME, "Ada\x1b[2J\x1b[H"),
    "goal-ansi-escape": js(GOAL_TEXT, "Pincer \x1b[5mgrasp"),
    "notes-ansi-escape": js(NOTES, "first \x1b]0;title\x07 then"),
    "name-bidi-override": js(NAME, "Ada\u202egnp.exe"),
    "custom-title-bidi-isolate": js(CUSTOM + ("title",), "Tie \u2066laces\u2069"),
    "name-nul-escaped": js(NAME, "Ada\u0000Lovelace"),
    "raw-nul-byte-in-file": json.dumps(good_doc()).encode().replace(b'"Zoe"', b'"Zo\x00e"'),
    "overlong-slash": raw(NAME, b"Ada\xc0\xafx"),
    "overlong-three-byte": raw(NAME, b"Ada\xe0\x80\xafx"),
    "overlong-nul": raw(NAME, b"Ada\xc0\x80x"),
    "invalid-continuation-byte": raw(NAME, b"Ada\x80x"),
    "latin1-encoded-name": raw(NAME, "Zoë".encode("latin-1")),
    "utf16-le-with-bom": b"\xff\xfe" + json.dumps(good_doc()).encode("utf-16-le"),
    "utf16-be-with-bom": b"\xfe\xff" + json.dumps(good_doc()).encode("utf-16-be"),
    "utf16-without-bom": json.dumps(good_doc()).encode("utf-16-le"),
    "utf32-with-bom": json.dumps(good_doc()).encode("utf-32"),
    "double-utf8-bom": b"\xef\xbb\xbf\xef\xbb\xbf" + json.dumps(good_doc()).encode(),
    "bom-in-the-middle": json.dumps(good_doc()).encode().replace(b'"start"', b'\xef\xbb\xbf"start"'),
    "name-c1-control-nel": js(NAME, "Ada\u0085x"),
    "name-c1-csi": js(NAME, "Ada\u009b31m"),
    "name-del-char": js(NAME, "Ada\u007f"),
    "name-line-separator": js(NAME, "Ada\u2028Bob"),
    "name-newline": js(NAME, "Ada\nBob"),
    "name-only-spaces": js(NAME, "   "),
    "name-too-long": js(NAME, "A" * 5000),
    "unknown-key-with-newline": jdoc(lambda d: d.update({"a\nb": 1})),
    "unknown-key-with-ansi": jdoc(lambda d: d.update({"\x1b[2Jx": 1})),
    "unknown-key-lone-surrogate": jdoc(lambda d: d.update({"x\ud800": 1})),
    "plan-id-with-ansi": js(("plan_id",), "zoe\x1b[31m"),
    "activity-id-with-newline": js(("activities", 0, "activity"), "tweezers\npickup"),
    "goal-id-with-bidi": js(("goals", 0, "id"), "pin\u202ecer"),
    # numbers
    "version-5000-digits": number(("version",), "9" * 5000),
    "minutes-5000-digits": number(MINUTES, "1" + "0" * 4999),
    "daily-minutes-1e400": number(("daily_minutes",), "1e400"),
    "minutes-minus-1e400": number(MINUTES, "-1e400"),
    "minutes-1e-400": number(MINUTES, "1e-400"),
    "minutes-negative-zero": number(MINUTES, "-0"),
    "minutes-float": number(MINUTES, "5.0"),
    "minutes-float-half": number(MINUTES, "5.5"),
    "times-per-week-exponent": number(("activities", 0, "times_per_week"), "3e0"),
    "version-true": js(("version",), True),
    "minutes-false": js(MINUTES, False),
    "minutes-string": js(MINUTES, "5"),
    "minutes-nan": number(MINUTES, "NaN"),
    "minutes-infinity": number(MINUTES, "Infinity"),
    "minutes-minus-infinity": number(MINUTES, "-Infinity"),
    "version-zero": js(("version",), 0),
    "version-negative": js(("version",), -1),
    "reps-16-digits": number(("activities", 1, "reps"), "1234567890123456"),
    "reps-huge-exponent-text": number(("activities", 1, "reps"), "1e" + "0" * 60 + "1"),
    "times-per-week-zero": js(("activities", 0, "times_per_week"), 0),
    "times-per-week-eight": js(("activities", 0, "times_per_week"), 8),
    "daily-minutes-241": js(("daily_minutes",), 241),
    "weekday-minutes-string": js(("daily_minutes", "weekday"), "25"),
    # dates
    "start-9999-12-31": js(("start",), "9999-12-31"),
    "start-0001-01-01": js(("start",), "0001-01-01"),
    "start-2026-02-30": js(("start",), "2026-02-30"),
    "start-compact-20261127": js(("start",), "20261127"),
    "start-week-date": js(("start",), "2026-W48-5"),
    "start-ordinal-date": js(("start",), "2026-331"),
    "start-with-time": js(("start",), "2026-11-23T00:00"),
    "start-with-space": js(("start",), " 2026-11-23"),
    "start-short-month": js(("start",), "2026-1-5"),
    "start-fullwidth-digits": js(("start",), "２０２６-１１-２３"),
    "start-as-number": js(("start",), 20261123),
    "start-null": js(("start",), None),
    "start-1999-12-31": js(("start",), "1999-12-31"),
    "start-2101-01-01": js(("start",), "2101-01-01"),
    "end-9999-12-31": js(("end",), "9999-12-31"),
    "end-before-start": js(("end",), "2026-11-01"),
    "end-more-than-three-years": js(("end",), "2030-11-23"),
    "birth-date-0001-01-01": js(("child", "birth_date"), "0001-01-01"),
    "birth-date-after-start": js(("child", "birth_date"), "2027-01-01"),
    # duplicate keys
    "duplicate-top-key": dup_key(b"{", "version"),
    "duplicate-child-name": dup_key(b'"child": {', "name"),
    "duplicate-entry-minutes": dup_key(b'"activities": [{', "minutes"),
    "duplicate-custom-id": dup_key(b'"custom": {', "id"),
    # deep nesting and huge arrays
    "nested-arrays-100000": nested(100_000),
    "nested-objects-50000": js(NOTES, NUM).replace(f'"{NUM}"'.encode(),
                                                   b'{"a":' * 50_000 + b"1" + b"}" * 50_000),
    "nested-top-level-arrays": b"[" * 200_000 + b"]" * 200_000,
    "activities-10000": jdoc(lambda d: d.update(activities=d["activities"][:1] * 10_000)),
    "goals-1000": jdoc(lambda d: d.update(goals=[{"id": f"g{i}", "text": "x"} for i in range(1000)])),
    "when-list-5000": js(("activities", 0, "when"), ["afternoon"] * 5000),
    "steps-5000": js(CUSTOM + ("steps",), ["step"] * 5000),
    "unknown-field-huge-array": jdoc(lambda d: d.update(extra=list(range(150_000)))),
    "file-over-one-megabyte": jdoc(lambda d: d.update(therapist={"name": "x" * 1_100_000})),
    # wrong types at every level
    "top-level-array": b"[" + json.dumps(good_doc()).encode() + b"]",
    "top-level-string": b'"ot-home-plan/1"',
    "top-level-number": b"42",
    "top-level-null": b"null",
    "top-level-true": b"true",
    "empty-file": b"",
    "whitespace-only": b" \n\t\r\n",
    "not-json": b"format: ot-home-plan/1\nchild: Zoe\n",
    "trailing-garbage": json.dumps(good_doc()).encode() + b"}",
    "single-quotes": json.dumps(good_doc()).encode().replace(b'"', b"'"),
    "format-number": js(("format",), 1),
    "format-other": js(("format",), "ot-home-plan/99"),
    "format-missing": jdoc(delp(("format",))),
    "child-string": js(("child",), "Zoe"),
    "child-list": js(("child",), ["Zoe"]),
    "child-missing": jdoc(delp(("child",))),
    "child-name-number": js(NAME, 7),
    "child-name-null": js(NAME, None),
    "therapist-string": js(("therapist",), "R. Okafor"),
    "plan-id-number": js(("plan_id",), 12),
    "plan-id-uppercase": js(("plan_id",), "Zoe Spring"),
    "daily-minutes-list": js(("daily_minutes",), [25, 40]),
    "daily-minutes-empty-object": js(("daily_minutes",), {}),
    "rest-days-string": js(("rest_days",), "sun"),
    "rest-days-all-seven": js(("rest_days",), ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]),
    "rest-days-number": js(("rest_days",), [0]),
    "goals-object": js(("goals",), {"id": "pincer"}),
    "goal-string": js(("goals", 0), "pincer"),
    "goal-missing-text": jdoc(delp(("goals", 0, "text"))),
    "activities-object": js(("activities",), {"activity": "tweezers-pickup"}),
    "activities-empty": js(("activities",), []),
    "activities-missing": jdoc(delp(("activities",))),
    "entry-string": js(("activities", 0), "tweezers-pickup"),
    "entry-null": js(("activities", 0), None),
    "entry-activity-and-custom": js(("activities", 0, "custom"), {"id": "x", "title": "X",
                                                                  "area": "fine-motor"}),
    "entry-unknown-activity": js(("activities", 0, "activity"), "tweezers-pickupp"),
    "entry-goal-unknown": js(("activities", 0, "goal"), "no-such-goal"),
    "entry-when-string": js(("activities", 0, "when"), "afternoon"),
    "entry-when-unknown-slot": js(("activities", 0, "when"), ["midnight"]),
    "entry-days-string": js(("activities", 2, "days"), "sat"),
    "entry-days-unknown": js(("activities", 2, "days"), ["caturday"]),
    "entry-two-frequencies": js(("activities", 2, "times_per_week"), 2),
    "entry-sensory-diet-string": js(("activities", 1, "sensory_diet"), "yes"),
    "custom-list": js(CUSTOM, ["shoe-tying"]),
    "custom-steps-string": js(CUSTOM + ("steps",), "Cross the laces"),
    "custom-area-unknown": js(CUSTOM + ("area",), "underwater"),
    "custom-id-uppercase": js(CUSTOM + ("id",), "Shoe Tying"),
    # unknown fields
    "unknown-top-field": jdoc(lambda d: d.update(colour="blue")),
    "unknown-child-field": js(("child", "age"), 4),
    "unknown-entry-field": js(("activities", 0, "minute"), 5),
    "unknown-custom-field": js(CUSTOM + ("icon",), "x"),
    "unknown-goal-field": js(("goals", 0, "target"), "x"),
    "unknown-daily-minutes-field": js(("daily_minutes", "holiday"), 10),
}

CSV_HEADER = "activity,times_per_week,minutes,goal,notes\n"
CSV_GOOD = CSV_HEADER + "tweezers-pickup,3,5,Pincer grasp,Large pom-poms first\nwall-pushups,5,2,,\n"


def csv_row(**cells) -> bytes:
    row = {"activity": "tweezers-pickup", "times_per_week": "3", "minutes": "5", "goal": "", "notes": ""}
    row.update(cells)
    return (CSV_HEADER + ",".join(row.values()) + "\n").encode()


CSV_CASES: dict[str, bytes] = {
    "csv-minutes-400-nines": csv_row(minutes="9" * 400),
    "csv-times-400-nines": csv_row(times_per_week="9" * 400),
    "csv-minutes-400-nines-dot-zero": csv_row(minutes="9" * 400 + ".0"),
    "csv-minutes-exponent": csv_row(minutes="1e5"),
    "csv-minutes-negative": csv_row(minutes="-5"),
    "csv-minutes-fraction": csv_row(minutes="2.5"),
    "csv-minutes-fullwidth": csv_row(minutes="５"),
    "csv-minutes-arabic-indic": csv_row(minutes="٥"),
    "csv-minutes-formula": csv_row(minutes="=2+3"),
    "csv-activity-formula": csv_row(activity="=HYPERLINK(\"http://x\")"),
    "csv-activity-cmd-formula": csv_row(activity="@SUM(1+1)*cmd|' /C calc'!A0"),
    "csv-ragged-long-row": (CSV_HEADER + "tweezers-pickup,3,5,,,extra,cells\n").encode(),
    "csv-unterminated-quote": (CSV_HEADER + 'tweezers-pickup,3,5,"Pincer,\n').encode(),
    "csv-quote-in-unquoted-cell": (CSV_HEADER + 'tweezers-pickup,3,5 "x",,\n').encode(),
    "csv-quoted-newline-in-activity": (CSV_HEADER + '"tweezers\npickup",3,5,,\n').encode(),
    "csv-notes-ansi": csv_row(notes="\x1b[31mred\x1b[0m"),
    "csv-goal-bidi": csv_row(goal="Pincer \u202egrasp"),
    "csv-notes-control": csv_row(notes="a\x07b"),
    "csv-notes-c1": csv_row(notes="a\u009bb"),
    "csv-nul-byte": csv_row(notes="a\x00b"),
    "csv-latin1": csv_row(notes="Zoë").decode().encode("latin-1"),
    "csv-utf16": CSV_GOOD.encode("utf-16"),
    "csv-overlong-utf8": csv_row(notes="ab").replace(b"ab", b"a\xc0\xafb"),
    "csv-unknown-column": b"activity,minutes,colour\ntweezers-pickup,5,blue\n",
    "csv-duplicate-column": b"activity,minutes,minutes\ntweezers-pickup,5,6\n",
    "csv-header-only": CSV_HEADER.encode(),
    "csv-empty": b"",
    "csv-no-activity-column": b"minutes,notes\n5,x\n",
    "csv-unknown-activity": csv_row(activity="no-such-activity"),
    "csv-custom-without-area": b"title,minutes\nTie shoes,5\n",
    "csv-huge-cell": csv_row(notes="x" * 200_000),
    "csv-over-one-megabyte": (CSV_HEADER + "tweezers-pickup,3,5,,x\n" * 50_000).encode(),
    "csv-binary-garbage": bytes(range(256)) * 8,
    "csv-days-unknown": b"activity,days,minutes\nobstacle-course,caturday,15\n",
    "csv-when-unknown": b"activity,times_per_week,when,minutes\ntweezers-pickup,3,midnight,5\n",
}

PLAN_CASES: dict[str, tuple[str, bytes]] = {
    **{k: ("json", v) for k, v in JSON_CASES.items()},
    **{k: ("csv", v) for k, v in CSV_CASES.items()},
}
CSV_ARGS = ("--child", "Zoe", "--start", "2026-11-23")


def test_the_good_plan_and_sheet_import(family, tmp_path):
    """The cases above break a plan that is otherwise good: the unbroken ones import."""
    p = tmp_path / "zoe.json"
    p.write_bytes(json.dumps(good_doc()).encode())
    code, _, err = family("import", str(p))
    assert code == 0, err
    c = tmp_path / "zoe.csv"
    c.write_text(CSV_GOOD, encoding="utf-8")
    code, _, err = family("import", str(c), *CSV_ARGS, "--plan-id", "zoe-sheet")
    assert code == 0, err


@pytest.mark.parametrize("case", sorted(PLAN_CASES))
def test_bad_plan_file(family, tmp_path, case):
    kind, data = PLAN_CASES[case]
    p = tmp_path / f"plan.{kind}"
    p.write_bytes(data)
    extra = CSV_ARGS if kind == "csv" else ()
    run_refused(family, "import", str(p), *extra)
    run_refused(family, "import", str(p), *extra, "--dry-run")


# ------------------------------------------------------------------ bad arguments (in-process)

MAYA = "maya-winter.20261127.wall-pushups.morning"
D = "{data}"                  # replaced by the data folder
O = "{out}"                   # replaced by a folder outside it

ARG_CASES: dict[str, tuple[str, ...]] = {
    "schedule-from-9999-12-31": ("schedule", "--child", "Maya", "--from", "9999-12-31"),
    "schedule-from-0001-01-01": ("schedule", "--child", "Maya", "--from", "0001-01-01"),
    "schedule-from-2026-02-30": ("schedule", "--child", "Maya", "--from", "2026-02-30"),
    "schedule-from-compact": ("schedule", "--child", "Maya", "--from", "20261127"),
    "schedule-from-week-date": ("schedule", "--child", "Maya", "--from", "2026-W48-5"),
    "schedule-from-empty": ("schedule", "--child", "Maya", "--from", ""),
    "schedule-days-zero": ("schedule", "--child", "Maya", "--days", "0"),
    "schedule-days-negative": ("schedule", "--child", "Maya", "--days", "-3"),
    "schedule-days-401": ("schedule", "--child", "Maya", "--days", "401"),
    "schedule-days-5000-digits": ("schedule", "--child", "Maya", "--days", "9" * 5000),
    "schedule-days-float": ("schedule", "--child", "Maya", "--days", "7.0"),
    "schedule-days-exponent": ("schedule", "--child", "Maya", "--days", "1e2"),
    "schedule-days-arabic-indic": ("schedule", "--child", "Maya", "--days", "٣"),
    "schedule-without-child": ("schedule",),
    "schedule-unknown-child": ("schedule", "--child", "Nobody"),
    "schedule-child-ansi": ("schedule", "--child", "\x1b[2JMaya"),
    "schedule-child-lone-surrogate": ("schedule", "--child", "Ma\ud800ya"),
    "done-item-garbage": ("done", "not-an-item"),
    "done-item-year-9999": ("done", "maya-winter.99991231.wall-pushups.morning"),
    "done-item-year-0001": ("done", "maya-winter.00010101.wall-pushups.morning"),
    "done-item-feb-30": ("done", "maya-winter.20260230.wall-pushups.morning"),
    "done-item-fullwidth-date": ("done", "maya-winter.２０２６１１２７.wall-pushups.morning"),
    "done-item-future": ("done", "maya-winter.20261130.wall-pushups.morning"),
    "done-item-unknown-plan": ("done", "nobody.20261127.wall-pushups.morning"),
    "done-item-ansi": ("done", "maya-winter.20261127.wall-pushups.morning\x1b[2J"),
    "done-item-10000-chars": ("done", "x" * 10_000),
    "done-note-501-chars": ("done", MAYA, "--note", "n" * 501),
    "done-note-ansi": ("done", MAYA, "--note", "\x1b[31mred"),
    "done-note-bidi": ("done", MAYA, "--note", "ok \u202eevil"),
    "done-note-lone-surrogate": ("done", MAYA, "--note", "a\udcffb"),
    "done-rating-unknown": ("done", MAYA, "--rating", "great"),
    "done-wrong-child": ("done", MAYA, "--child", "Leo"),
    "skip-reason-unknown": ("skip", MAYA, "--reason", "bored"),
    "undo-unknown-item": ("undo", "maya-winter.20261127.no-such.morning"),
    "import-start-9999": ("import", "{plan_csv}", "--child", "Zoe", "--start", "9999-12-31"),
    "import-start-compact": ("import", "{plan_csv}", "--child", "Zoe", "--start", "20261123"),
    "import-child-control": ("import", "{plan_csv}", "--child", "Zo\x07e", "--start", "2026-11-23"),
    "import-child-empty": ("import", "{plan_csv}", "--child", "", "--start", "2026-11-23"),
    "import-plan-id-bad": ("import", "{plan_csv}", "--child", "Zoe", "--start", "2026-11-23",
                           "--plan-id", "Zoe Plan"),
    "import-version-zero": ("import", "{plan_csv}", "--child", "Zoe", "--start", "2026-11-23",
                            "--version", "0"),
    "import-daily-minutes-zero": ("import", "{plan_csv}", "--child", "Zoe", "--start", "2026-11-23",
                                  "--daily-minutes", "0"),
    "import-rest-days-unknown": ("import", "{plan_csv}", "--child", "Zoe", "--start", "2026-11-23",
                                 "--rest-days", "funday"),
    "import-rest-days-all": ("import", "{plan_csv}", "--child", "Zoe", "--start", "2026-11-23",
                             "--rest-days", "mon,tue,wed,thu,fri,sat,sun"),
    "import-missing-file": ("import", "{out}/missing.json"),
    "import-a-folder": ("import", "{out}"),
    "import-the-data-folder": ("import", "{data}"),
    "report-from-after-to": ("report", "--child", "Maya", "--from", "2026-12-01", "--to", "2026-11-01"),
    "report-to-9999": ("report", "--child", "Maya", "--to", "9999-12-31"),
    "report-pdf-without-file": ("report", "--child", "Maya", "--format", "pdf"),
    "report-format-unknown": ("report", "--child", "Maya", "--format", "docx"),
    "report-onto-plans-json": ("report", "--child", "Maya", "-o", "{data}/plans.json"),
    "report-onto-settings-json": ("report", "--child", "Maya", "-o", "{data}/meta.json"),
    "report-into-history": ("report", "--child", "Maya", "-o", "{data}/history/maya/2026-W48.json"),
    "report-into-data-folder": ("report", "--child", "Maya", "-o", "{data}/report.txt"),
    "report-onto-data-folder": ("report", "--child", "Maya", "-o", "{data}"),
    "report-through-symlink-into-data": ("report", "--child", "Maya", "-o", "{out}/link/plans.json"),
    "report-through-dotdot-into-data": ("report", "--child", "Maya", "-o", "{out}/../data/plans.json"),
    "report-into-missing-folder": ("report", "--child", "Maya", "-o", "{out}/no/such/r.txt"),
    "report-onto-a-folder": ("report", "--child", "Maya", "-o", "{out}"),
    "report-onto-dev-null": ("report", "--child", "Maya", "-o", "/dev/null"),
    "calendar-onto-plans-json": ("calendar", "--child", "Maya", "-o", "{data}/plans.json"),
    "calendar-into-data-folder": ("calendar", "--child", "Maya", "-o", "{data}/practice.ics"),
    "calendar-from-9999-12-31": ("calendar", "--child", "Maya", "--from", "9999-12-31", "-o", "{out}/c.ics"),
    "calendar-days-zero": ("calendar", "--child", "Maya", "--days", "0", "-o", "{out}/c.ics"),
    "calendar-days-401": ("calendar", "--child", "Maya", "--days", "401", "-o", "{out}/c.ics"),
    "calendar-without-output": ("calendar", "--child", "Maya"),
    "backup-onto-plans-json": ("backup", "{data}/plans.json"),
    "backup-into-data-folder": ("backup", "{data}/backup.zip"),
    "backup-into-history": ("backup", "{data}/history/maya/b.zip"),
    "backup-onto-data-folder": ("backup", "{data}"),
    "backup-onto-a-folder": ("backup", "{out}"),
    "restore-the-data-folder": ("restore", "{data}"),
    "restore-plans-json": ("restore", "{data}/plans.json"),
    "data-dir-is-plans-json": ("--data-dir", "{data}/plans.json", "schedule"),
    "data-dir-empty": ("--data-dir", "", "done", MAYA),
    "data-dir-blank": ("--data-dir", "  ", "schedule"),
    "report-output-empty": ("report", "--child", "Maya", "-o", ""),
    "backup-output-empty": ("backup", ""),
    "import-empty-path": ("import", ""),
    "restore-empty-path": ("restore", ""),
    "unknown-command": ("explode",),
    "pin-without-clear": ("pin",),
    "library-age-negative": ("library", "--age", "-1"),
    "library-area-unknown": ("library", "--area", "underwater"),
    "app-port-zero": ("app", "--port", "0"),
}

ENV_TODAY_CASES = {
    "today-9999-12-31": "9999-12-31",
    "today-0001-01-01": "0001-01-01",
    "today-2026-02-30": "2026-02-30",
    "today-compact": "20261127",
    "today-week-date": "2026-W48-5",
    "today-with-time": "2026-11-27T10:00",
    "today-word": "tomorrow",
    "today-2101-01-01": "2101-01-01",
}


@pytest.fixture
def outside(tmp_path) -> Path:
    out = tmp_path / "out"
    out.mkdir()
    (out / "link").symlink_to(tmp_path / "data")
    return out


def fill(args, family, outside, tmp_path) -> list[str]:
    csv_path = tmp_path / "zoe.csv"
    csv_path.write_text(CSV_GOOD, encoding="utf-8")
    subst = {"{data}": str(family.data), "{out}": str(outside), "{plan_csv}": str(csv_path)}
    out = []
    for a in args:
        for k, v in subst.items():
            a = a.replace(k, v)
        out.append(a)
    return out


@pytest.mark.parametrize("case", sorted(ARG_CASES))
def test_bad_argument(family, outside, tmp_path, case):
    args = fill(ARG_CASES[case], family, outside, tmp_path)
    run_refused(family, *args)
    for name in ("report.txt", "practice.ics", "backup.zip"):
        assert not (family.data / name).exists()


def test_an_empty_data_dir_never_means_the_default_folder(family, monkeypatch, tmp_path):
    """`--data-dir ""` used to fall back to $PLANNER_DATA_DIR (or the user's own data folder)."""
    other = tmp_path / "other"
    shutil.copytree(family.data, other)
    monkeypatch.setenv("PLANNER_DATA_DIR", str(other))
    from planner.cli import main
    before = folder_snapshot(other)
    assert main(["--data-dir", "", "done", MAYA.replace("20261127", "20261126")]) == 2
    assert folder_snapshot(other) == before


@pytest.mark.parametrize("case", sorted(ENV_TODAY_CASES))
def test_bad_planner_today(family, monkeypatch, case):
    monkeypatch.setenv("PLANNER_TODAY", ENV_TODAY_CASES[case])
    run_refused(family, "done", MAYA)
    run_refused(family, "schedule", "--child", "Leo")


# ------------------------------------------------------------------ bad arguments (real processes)

BAD_BYTE_ARGS: dict[str, list] = {
    "note-undecodable-byte": ["done", MAYA, "--note", b"fine \xff then"],
    "note-overlong-utf8": ["done", MAYA, "--note", b"a\xc0\xafb"],
    "item-id-undecodable-byte": ["done", b"maya-winter.20261127.wall-pushups\xfe.morning"],
    "child-undecodable-byte": ["schedule", "--child", b"Ma\xffya"],
    "csv-child-undecodable-byte": ["import", "{plan_csv}", "--child", b"Zo\xe9", "--start", "2026-11-23"],
    "skip-note-encoded-surrogate": ["skip", MAYA, "--note", b"x\xed\xa0\x80y"],
    "import-undecodable-missing-path": ["import", b"/nonexistent-\xff/plan\xfe.json"],
    "report-undecodable-name-in-data-folder": ["report", "--child", "Maya", "-o", b"{data}/r\xff.txt"],
    "backup-undecodable-name-in-data-folder": ["backup", b"{data}/b\xff\x1b[2J.zip"],
}
BAD_BYTE_ENV: dict[str, bytes] = {
    "today-undecodable-byte": b"2026-11-2\xff",
    "today-ansi-escape": b"\x1b[2J2026-11-27",
}


def fifo(path: Path) -> Path:
    os.mkfifo(path)
    return path


def loop(path: Path) -> Path:
    other = path.with_name(path.name + "-other")
    path.symlink_to(other)
    other.symlink_to(path)
    return path


def unix_socket(path: Path) -> Path:
    import socket
    s = socket.socket(socket.AF_UNIX)
    s.bind(str(path))
    s.close()
    return path


# name -> (make the special file in a folder or None, the command with {special} in it)
FILE_TYPE_CASES: dict[str, tuple] = {
    "import-a-fifo": (fifo, ["import", "{special}"]),
    "import-a-fifo-dry-run": (fifo, ["import", "{special}", "--dry-run"]),
    "restore-a-fifo": (fifo, ["restore", "{special}"]),
    "import-dev-zero": (None, ["import", "/dev/zero"]),
    "import-dev-urandom": (None, ["import", "/dev/urandom"]),
    "import-dev-null": (None, ["import", "/dev/null"]),
    "restore-dev-zero": (None, ["restore", "/dev/zero"]),
    "restore-dev-stdin": (None, ["restore", "/dev/stdin"]),
    "import-symlink-loop": (loop, ["import", "{special}"]),
    "restore-symlink-loop": (loop, ["restore", "{special}"]),
    "import-dangling-symlink": (lambda p: (p.symlink_to(p.with_name("gone")), p)[1], ["import", "{special}"]),
    "import-a-socket": (unix_socket, ["import", "{special}"]),
    "report-onto-a-fifo": (fifo, ["report", "--child", "Maya", "-o", "{special}"]),
    "calendar-onto-a-fifo": (fifo, ["calendar", "--child", "Maya", "-o", "{special}"]),
    "backup-onto-a-fifo": (fifo, ["backup", "{special}"]),
    "backup-onto-dev-full": (None, ["backup", "/dev/full"]),
    "data-dir-is-a-fifo": (fifo, ["--data-dir", "{special}", "schedule"]),
    "data-dir-is-a-symlink-loop": (loop, ["--data-dir", "{special}", "done", MAYA]),
    "data-dir-is-dev-null": (None, ["--data-dir", "/dev/null", "done", MAYA]),
    "data-dir-is-a-fifo-children": (fifo, ["--data-dir", "{special}", "children"]),
    "data-dir-is-a-fifo-pin-clear": (fifo, ["--data-dir", "{special}", "pin", "--clear"]),
}


def check_process(folder: Path, args: list, env_extra: dict | None = None) -> str:
    before = folder_snapshot(folder)
    head = [] if args and args[0] == "--data-dir" else ["--data-dir", str(folder)]
    try:
        code, out, err, took = planner_process(head + args, env_extra=env_extra, timeout=TIME_LIMIT + 5)
    except subprocess.TimeoutExpired:
        pytest.fail("the command hung")
    assert_refused(code, out, err, took, before, folder_snapshot(folder))
    return err


@pytest.mark.parametrize("case", sorted(BAD_BYTE_ARGS))
def test_bad_bytes_argument(family, tmp_path, case):
    csv_path = tmp_path / "zoe.csv"
    csv_path.write_text(CSV_GOOD, encoding="utf-8")
    args = [str(csv_path) if a == "{plan_csv}" else a for a in BAD_BYTE_ARGS[case]]
    args = [a.replace(b"{data}", bytes(family.data)) if isinstance(a, bytes) else a for a in args]
    check_process(family.data, args)


@pytest.mark.parametrize("case", sorted(BAD_BYTE_ENV))
def test_bad_bytes_planner_today(family, case):
    check_process(family.data, ["schedule", "--child", "Maya"], {"PLANNER_TODAY": BAD_BYTE_ENV[case]})


@pytest.mark.parametrize("case", sorted(FILE_TYPE_CASES))
def test_special_file(family, tmp_path, case):
    make, args = FILE_TYPE_CASES[case]
    special = make(tmp_path / "special") if make else None
    args = [a.replace("{special}", str(special)) for a in args]
    kind = os.lstat(special).st_mode if special is not None else None
    check_process(family.data, args)
    if special is not None:
        assert stat.S_IFMT(os.lstat(special).st_mode) == stat.S_IFMT(kind)   # not replaced by a file


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads files whatever their permissions")
@pytest.mark.parametrize("command", ["import", "restore"])
def test_unreadable_file(family, tmp_path, command):
    p = tmp_path / "locked.json"
    p.write_bytes(json.dumps(good_doc()).encode())
    p.chmod(0)
    try:
        err = run_refused(family, command, str(p))
    finally:
        p.chmod(0o600)
    assert "permission denied" in err


# ------------------------------------------------------------------ bad backup archives

@pytest.fixture(scope="module")
def good_files(template) -> dict[str, bytes]:
    """The files a backup of the family folder holds (checked to restore in test_good_archive)."""
    from planner.services import sharing
    from planner.storage.store import Store
    data = sharing.backup_bytes(Store(template), datetime(2026, 11, 27, 18, 0))
    return archive.verify(data, SCHEMA_VERSION).files


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def make_zip(members: list[tuple], *, manifest=None, files_for_manifest: dict | None = None,
             manifest_over: dict | None = None, method=zipfile.ZIP_DEFLATED) -> bytes:
    """members: (name, bytes[, ZipInfo changes]) written in order; the manifest lists
    files_for_manifest (default: every data/ member) unless `manifest` gives its bytes."""
    if manifest is None:
        listed = files_for_manifest if files_for_manifest is not None else {
            m[0][len("data/"):]: m[1] for m in members if m[0].startswith("data/")}
        doc = {"format": archive.FORMAT, "created": "2026-11-27T18:00:00",
               "schema_version": SCHEMA_VERSION,
               "files": {k: {"size": len(v), "sha256": sha(v)} for k, v in listed.items()}}
        doc.update(manifest_over or {})
        manifest = json.dumps(doc).encode()
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", method) as zf:
        import warnings
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")           # duplicate names on purpose
            if manifest is not False:
                zf.writestr("manifest.json", manifest)
            for m in members:
                info = zipfile.ZipInfo(m[0], date_time=(2026, 11, 27, 18, 0, 0))
                info.compress_type = method
                info.external_attr = 0o600 << 16
                for k, v in (m[2] if len(m) > 2 else {}).items():
                    setattr(info, k, v)
                zf.writestr(info, m[1])
    return buf.getvalue()


def backup_with(files: dict[str, bytes], **kw) -> bytes:
    return make_zip([("data/" + k, v) for k, v in sorted(files.items())], **kw)


def changed(good: dict[str, bytes], rel: str, change) -> bytes:
    doc = json.loads(good[rel])
    change(doc)
    return backup_with({**good, rel: json.dumps(doc).encode()})


def first_plan(doc) -> dict:
    return doc["plans"]["1"]


def first_record(doc) -> dict:
    return next(iter(doc["completions"].values()))


def patch_zip_flag(data: bytes, name: bytes, flag: int) -> bytes:
    """Set a general-purpose flag bit of one member in its local and central headers."""
    out = bytearray(data)
    for sig, off in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        i = 0
        while (i := out.find(sig, i)) != -1:
            name_at = i + (30 if sig == b"PK\x03\x04" else 46)
            n = struct.unpack_from("<H", out, i + (26 if sig == b"PK\x03\x04" else 28))[0]
            if bytes(out[name_at:name_at + n]) == name:
                struct.pack_into("<H", out, i + off, struct.unpack_from("<H", out, i + off)[0] | flag)
            i += 4
    return bytes(out)


def patch_sizes(data: bytes, name: bytes, size: int) -> bytes:
    """Declare another uncompressed size for one member (local and central headers)."""
    out = bytearray(data)
    for sig, off, name_len_at, name_at in ((b"PK\x03\x04", 22, 26, 30), (b"PK\x01\x02", 24, 28, 46)):
        i = 0
        while (i := out.find(sig, i)) != -1:
            n = struct.unpack_from("<H", out, i + name_len_at)[0]
            if bytes(out[i + name_at:i + name_at + n]) == name:
                struct.pack_into("<I", out, i + off, size)
            i += 4
    return bytes(out)


def patch_method(data: bytes, name: bytes, method: int) -> bytes:
    out = bytearray(data)
    for sig, off, name_len_at, name_at in ((b"PK\x03\x04", 8, 26, 30), (b"PK\x01\x02", 10, 28, 46)):
        i = 0
        while (i := out.find(sig, i)) != -1:
            n = struct.unpack_from("<H", out, i + name_len_at)[0]
            if bytes(out[i + name_at:i + name_at + n]) == name:
                struct.pack_into("<H", out, i + off, method)
            i += 4
    return bytes(out)


def lying_bomb(good: dict[str, bytes]) -> bytes:
    """A member that says it holds 40 bytes but inflates to 20 MB."""
    files = {**good, "photos/bomb.jpg": b"\0" * 40}
    data = backup_with({k: v for k, v in files.items() if k != "photos/bomb.jpg"},
                       files_for_manifest=files)
    buf = io.BytesIO(data)
    with zipfile.ZipFile(buf, "a", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("data/photos/bomb.jpg", b"\0" * 20_000_000)
    return patch_sizes(buf.getvalue(), b"data/photos/bomb.jpg", 40)


def declared_huge(good: dict[str, bytes]) -> bytes:
    """A member that declares 3 GB."""
    files = {**good, "photos/huge.jpg": b"\0" * 1000}
    return patch_sizes(backup_with(files), b"data/photos/huge.jpg", 3_000_000_000)


def many_members(good: dict[str, bytes]) -> bytes:
    files = dict(good)
    files.update({f"photos/p{i}.jpg": b"x" for i in range(archive.MAX_MEMBERS + 1)})
    return backup_with(files, method=zipfile.ZIP_STORED)


def other_app(kind: str) -> bytes:
    if kind == "docx":
        return make_zip([("[Content_Types].xml", b"<?xml version='1.0'?><Types/>"),
                         ("word/document.xml", b"<w:document/>")], manifest=False)
    if kind == "extension":
        return make_zip([("background.js", b"chrome.runtime")],
                        manifest=json.dumps({"manifest_version": 3, "name": "x"}).encode())
    if kind == "jar":
        return make_zip([("META-INF/MANIFEST.MF", b"Manifest-Version: 1.0\n"), ("A.class", b"\xca\xfe")],
                        manifest=False)
    raise AssertionError(kind)


def _colliding(good: dict[str, bytes], rel: str) -> bytes:
    return backup_with({**good, rel: b"not a folder"})


def _symlink_member(good: dict[str, bytes]) -> bytes:
    files = {**good, "photos/passwd.jpg": b"/etc/passwd"}
    members = [("data/" + k, v) if k != "photos/passwd.jpg" else
               ("data/" + k, v, {"external_attr": (stat.S_IFLNK | 0o777) << 16, "create_system": 3})
               for k, v in sorted(files.items())]
    return make_zip(members)


def _leo_record_in_mayas_week(good: dict[str, bytes]) -> bytes:
    leo = json.loads(good["history/leo/2026-W48.json"])
    maya = json.loads(good["history/maya/2026-W48.json"])
    maya["completions"]["99"] = first_record(leo)
    return backup_with({**good, "history/maya/2026-W48.json": json.dumps(maya).encode()})


def _record_in_wrong_week(good: dict[str, bytes]) -> bytes:
    doc = json.loads(good["history/maya/2026-W48.json"])
    rec = first_record(doc)
    rec["date"] = "2026-12-25"
    rec["item_id"] = rec["item_id"].replace("20261127", "20261225").replace("20261124", "20261225")
    return backup_with({**good, "history/maya/2026-W48.json": json.dumps(doc).encode()})


def _dup_json_key(good: dict[str, bytes]) -> bytes:
    """meta.json names its schema twice (json.loads alone keeps the last one silently)."""
    return backup_with({**good, "meta.json": b'{"schema_version": 1, "schema_version": 2}'})


def _many_photos_then_a_stray_child(good: dict[str, bytes]) -> bytes:
    """12,000 good files and, last, the history of a child without a plan: refused before any of
    them is unpacked (it used to take about 15 s to unpack, check and remove them)."""
    files = {**good, **{f"photos/p{i:05d}.jpg": b"x" for i in range(12_000)},
             "history/zz-nobody/2026-W48.json": good["history/maya/2026-W48.json"]}
    return backup_with(files, method=zipfile.ZIP_STORED)


def _many_weeks_then_a_bad_record(good: dict[str, bytes]) -> bytes:
    files = dict(good)
    monday = datetime(2026, 11, 23).date()
    from datetime import timedelta
    for k in range(1, 3000):
        y, w, _ = (monday - timedelta(weeks=k)).isocalendar()
        files[f"history/maya/{y}-W{w:02d}.json"] = b'{"completions": {}}'
    files["history/maya/2001-W01.json"] = b'{"completions": {"1": {"item_id": "x", "status": "done"}}}'
    return backup_with(files, method=zipfile.ZIP_STORED)


ARCHIVE_CASES = {
    # valid JSON of the wrong shape
    "plans-as-empty-list": lambda g: backup_with({**g, "plans.json": b'{"plans": []}'}),
    "plans-table-a-string": lambda g: backup_with({**g, "plans.json": b'{"plans": "all"}'}),
    "plans-json-an-array": lambda g: backup_with({**g, "plans.json": b'[]'}),
    "plan-record-without-plan": lambda g: changed(g, "plans.json", lambda d: first_plan(d).pop("plan")),
    "plan-record-version-text": lambda g: changed(g, "plans.json",
                                                  lambda d: first_plan(d).update(version="one")),
    "plan-record-bad-child-key": lambda g: changed(g, "plans.json",
                                                   lambda d: first_plan(d).update(child_key="../../etc")),
    "plan-record-child-key-spaces": lambda g: changed(g, "plans.json",
                                                      lambda d: first_plan(d).update(child_key="Maya B")),
    "plan-record-effective-9999": lambda g: changed(g, "plans.json",
                                                    lambda d: first_plan(d).update(effective_from="9999-12-31")),
    "plan-start-0001": lambda g: changed(g, "plans.json",
                                         lambda d: first_plan(d)["plan"].update(start="0001-01-01")),
    "plan-id-of-two-children": lambda g: changed(g, "plans.json", lambda d: d["plans"].update(
        {"9": {**first_plan(d), "child_key": "zoe"}})),
    "plan-version-twice": lambda g: changed(g, "plans.json", lambda d: d["plans"].update(
        {"9": dict(first_plan(d))})),
    "plan-child-name-ansi": lambda g: changed(g, "plans.json",
                                              lambda d: first_plan(d)["plan"].update(child="\x1b[2JMaya")),
    "plan-activities-not-a-list": lambda g: changed(g, "plans.json",
                                                    lambda d: first_plan(d)["plan"].update(activities=7)),
    "history-record-without-date": lambda g: changed(g, "history/maya/2026-W48.json",
                                                     lambda d: first_record(d).pop("date")),
    "history-record-date-not-real": lambda g: changed(g, "history/maya/2026-W48.json",
                                                      lambda d: first_record(d).update(date="2026-02-30")),
    "history-record-status-unknown": lambda g: changed(g, "history/maya/2026-W48.json",
                                                       lambda d: first_record(d).update(status="exploded")),
    "history-record-note-ansi": lambda g: changed(g, "history/maya/2026-W48.json",
                                                  lambda d: first_record(d).update(note="\x1b[31mred")),
    "history-completions-a-list": lambda g: backup_with({**g, "history/maya/2026-W48.json":
                                                         b'{"completions": [{"date": "2026-11-27"}]}'}),
    "history-week-99": lambda g: backup_with({**g, "history/maya/2026-W99.json": b'{"completions": {}}'}),
    "history-of-a-child-without-plan": lambda g: backup_with({**g, "history/zoe/2026-W48.json":
                                                              g["history/maya/2026-W48.json"]}),
    "history-record-of-the-sibling": _leo_record_in_mayas_week,
    "history-record-in-the-wrong-week": _record_in_wrong_week,
    "settings-household-wrong-shape": lambda g: backup_with({**g, "settings.json":
                                                             b'{"household": {"1": {"slot_times": "07:00"}}}'}),
    "settings-pause-not-a-date": lambda g: backup_with({**g, "settings.json": json.dumps(
        {"children": {"1": {"child_key": "maya", "pauses": ["christmas"]}}}).encode()}),
    "duplicate-json-key-in-meta": _dup_json_key,
    "plans-with-5000-digit-number": lambda g: backup_with({**g, "plans.json":
                                                           b'{"plans": {}, "n": ' + b"9" * 5000 + b"}"}),
    "plans-nested-100000-deep": lambda g: backup_with({**g, "plans.json":
                                                       b'{"x": ' + b"[" * 100_000 + b"]" * 100_000 + b"}"}),
    "meta-schema-as-text": lambda g: backup_with({**g, "meta.json": b'{"schema_version": "2"}'}),
    "meta-schema-newer": lambda g: backup_with({**g, "meta.json": b'{"schema_version": 99}'}),
    "meta-missing": lambda g: backup_with({k: v for k, v in g.items() if k != "meta.json"}),
    # the manifest
    "manifest-newer-schema": lambda g: backup_with(g, manifest_over={"schema_version": SCHEMA_VERSION + 1}),
    "manifest-schema-true": lambda g: backup_with(g, manifest_over={"schema_version": True}),
    "manifest-format-missing": lambda g: backup_with(g, manifest_over={"format": None}),
    "manifest-not-json": lambda g: backup_with(g, manifest=b"format: backup"),
    "manifest-an-array": lambda g: backup_with(g, manifest=b"[]"),
    "manifest-created-garbage": lambda g: backup_with(g, manifest_over={"created": "yesterday"}),
    "manifest-lists-nothing": lambda g: backup_with(g, manifest_over={"files": {}}),
    "manifest-size-negative": lambda g: backup_with(g, manifest_over={"files": {
        k: {"size": -1, "sha256": sha(v)} for k, v in g.items()}}),
    "manifest-without-checksums": lambda g: backup_with(g, manifest_over={"files": {
        k: {"size": len(v)} for k, v in g.items()}}),
    "member-not-in-manifest": lambda g: backup_with({**g, "photos/x.jpg": b"x"}, files_for_manifest=g),
    "manifest-entry-without-member": lambda g: backup_with(
        {k: v for k, v in g.items() if k != "settings.json"} if "settings.json" in g else
        {k: v for k, v in g.items() if k != "history/leo/2026-W48.json"}, files_for_manifest=g),
    "no-manifest": lambda g: backup_with(g, manifest=False),
    "duplicate-member-names": lambda g: make_zip([("data/" + k, v) for k, v in sorted(g.items())]
                                                 + [("data/plans.json", b'{"plans": {}}')], files_for_manifest=g),
    "duplicate-manifest": lambda g: make_zip([("manifest.json", b"{}")] + [("data/" + k, v) for k, v in g.items()]),
    # names
    "path-traversal-dotdot": lambda g: backup_with({**g, "../../evil.json": b"{}"}),
    "path-traversal-inner-dotdot": lambda g: backup_with({**g, "history/../../evil.json": b"{}"}),
    "path-traversal-absolute": lambda g: make_zip([("data/" + k, v) for k, v in g.items()]
                                                  + [("/tmp/evil.json", b"{}")], files_for_manifest=g),
    "path-backslash": lambda g: backup_with({**g, "history\\..\\..\\evil.json": b"{}"}),
    "path-dot-segment": lambda g: backup_with({**g, "./plans2.json": b"{}"}),
    "path-windows-drive": lambda g: backup_with({**g, "C:/evil.json": b"{}"}),
    "path-control-char": lambda g: backup_with({**g, "photos/a\x1b[2J.jpg": b"x"}),
    "path-bidi-override": lambda g: backup_with({**g, "photos/x\u202egpj.exe": b"x"}),
    "path-name-too-long-in-bytes": lambda g: backup_with({**g, "photos/" + "\u00e9" * 200 + ".jpg": b"x"}),
    "path-lock-file": lambda g: backup_with({**g, ".lock": b""}),
    "path-bak-file": lambda g: backup_with({**g, "plans.json.bak": g["plans.json"]}),
    "path-restore-copies": lambda g: backup_with({**g, "restore-copies/x/plans.json": g["plans.json"]}),
    "directory-entry": lambda g: make_zip([("data/" + k, v) for k, v in g.items()] + [("data/photos/", b"")],
                                          files_for_manifest=g),
    "member-collides-with-history-folder": lambda g: _colliding(g, "history"),
    "member-collides-with-child-folder": lambda g: _colliding(g, "history/maya"),
    "symlink-member": _symlink_member,
    # the zip itself
    "encrypted-member": lambda g: patch_zip_flag(backup_with(g), b"data/plans.json", 0x1),
    "unknown-compression-method": lambda g: patch_method(backup_with(g), b"data/plans.json", 99),
    "zip-bomb-lying-size": lying_bomb,
    "zip-bomb-declares-3gb": declared_huge,
    "too-many-members": many_members,
    "json-bomb-of-empty-lists": lambda g: backup_with(
        {**g, "history/maya/2026-W47.json": b'{"completions": {}, "x": [' + b"[]," * 5_000_000 + b"[]]}"},
        method=zipfile.ZIP_DEFLATED),
    "json-member-of-17-mb": lambda g: backup_with(
        {**g, "settings.json": b'{"household": {}, "pad": "' + b"x" * (17 * 2**20) + b'"}'}),
    "12000-good-files-then-a-stray-child": _many_photos_then_a_stray_child,
    "3000-good-weeks-then-a-record-without-date": _many_weeks_then_a_bad_record,
    "truncated-half": lambda g: backup_with(g)[: len(backup_with(g)) // 2],
    "garbage-before-zip": lambda g: b"MZ\x90\x00" + backup_with(g),
    "empty-file": lambda g: b"",
    "another-app-docx": lambda g: other_app("docx"),
    "another-app-browser-extension": lambda g: other_app("extension"),
    "another-app-jar": lambda g: other_app("jar"),
}


def test_good_archive_restores(family, good_files, tmp_path):
    """The cases above break an archive that is otherwise good: the unbroken one restores."""
    p = tmp_path / "good.zip"
    p.write_bytes(backup_with(good_files))
    code, out, err = family("restore", str(p))
    assert code == 0, err


@pytest.mark.parametrize("case", sorted(ARCHIVE_CASES))
def test_bad_archive(family, good_files, tmp_path, case):
    p = tmp_path / "backup.zip"
    p.write_bytes(ARCHIVE_CASES[case](good_files))
    err = run_refused(family, "restore", str(p))
    assert "not restored" in err, err
    leftovers = [q.name for q in family.data.parent.iterdir() if ".restore-" in q.name]
    assert leftovers == [], leftovers
    assert not (tmp_path / "evil.json").exists() and not Path("/tmp/evil.json").exists()
    assert not (family.data / "restore-copies").exists()


def test_counts():
    import re
    bad_args = len(ARG_CASES) + len(ENV_TODAY_CASES) + len(BAD_BYTE_ARGS) + len(BAD_BYTE_ENV) \
        + len(FILE_TYPE_CASES)
    assert len(PLAN_CASES) >= 100 and bad_args >= 40 and len(ARCHIVE_CASES) >= 30
    said = {k: int(n) for k, n in re.findall(r"bad (plan files|arguments|backup archives|pictures) +(\d+)",
                                              __doc__)}
    assert said == {"plan files": len(PLAN_CASES), "arguments": bad_args,
                    "backup archives": len(ARCHIVE_CASES), "pictures": len(BAD_PICTURES)}
    assert f"{len(JSON_CASES)} JSON" in __doc__ and f"{len(CSV_CASES)} CSV" in __doc__


# ------------------------------------------------------------------ full disk, read-only folder

@pytest.fixture
def small_disk(tmp_path):
    """A 256 KB tmpfs of our own (root only); unmounted at the end."""
    where = tmp_path / "disk"
    where.mkdir()
    try:
        done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=256k", "tmpfs", str(where)],
                              capture_output=True, timeout=10)
    except (OSError, subprocess.TimeoutExpired):
        done = None
    if done is None or done.returncode != 0:
        pytest.skip("cannot mount a small tmpfs here (needs root and mount permission)")
    try:
        yield where
    finally:
        subprocess.run(["umount", "-l", str(where)], capture_output=True, timeout=10)


def fill_disk(where: Path) -> None:
    """Write a filler file until the file system is full."""
    fd = os.open(where / "filler", os.O_WRONLY | os.O_CREAT, 0o600)
    try:
        while True:
            os.write(fd, b"\0" * 4096)
    except OSError:
        pass
    finally:
        os.close(fd)
    assert shutil.disk_usage(where).free < 4096


def test_full_disk_refuses_writes_and_keeps_the_data(family, template, tmp_path, small_disk):
    data = small_disk / "data"
    shutil.copytree(template, data, symlinks=True)
    schedule_before = family("schedule", "--child", "Maya", "--json", data_dir=data)
    assert schedule_before[0] == 0
    plan = tmp_path / "zoe.json"
    plan.write_bytes(json.dumps(good_doc()).encode())
    bak = tmp_path / "b.zip"
    assert family("backup", str(bak), data_dir=data)[0] == 0
    fill_disk(small_disk)
    for args in (("done", "maya-winter.20261126.wall-pushups.morning", "--note", "x" * 400),
                 ("import", str(plan)), ("restore", str(bak)),
                 ("skip", "leo-winter.20261127.wall-pushups.morning"),
                 ("pin", "--clear")):
        err = run_refused(family, *args, data_dir=data)
        if args[0] != "pin" or "full" in err:
            assert "disk is full" in err, err
    for args in (("backup", str(small_disk / "b.zip")),
                 ("report", "--child", "Maya", "--format", "pdf", "-o", str(small_disk / "r.pdf")),
                 ("calendar", "--child", "Leo", "-o", str(small_disk / "c.ics"))):
        assert "disk is full" in run_refused(family, *args, data_dir=data)
    assert sorted(p.name for p in small_disk.iterdir()) == ["data", "filler"]     # nothing left over
    (small_disk / "filler").unlink()
    assert family("schedule", "--child", "Maya", "--json", data_dir=data) == schedule_before
    code, _, err = family("done", "maya-winter.20261126.wall-pushups.morning", data_dir=data)
    assert code == 0, err                    # room again: the same write works


@pytest.fixture
def read_only(tmp_path, template):
    """The family folder on a read-only file system (root: a tmpfs remounted read-only), or with
    read-only permissions (other users)."""
    where = tmp_path / "ro"
    where.mkdir()
    if os.geteuid() == 0:
        ok = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", str(where)],
                            capture_output=True, timeout=10).returncode == 0
        if not ok:
            pytest.skip("root, but cannot mount a tmpfs (permissions would be ignored)")
        try:
            shutil.copytree(template, where / "data", symlinks=True)
            assert subprocess.run(["mount", "-o", "remount,ro", str(where)], capture_output=True,
                                  timeout=10).returncode == 0
            yield where / "data"
        finally:
            subprocess.run(["umount", "-l", str(where)], capture_output=True, timeout=10)
        return
    shutil.copytree(template, where / "data", symlinks=True)
    paths = [where / "data", *(where / "data").rglob("*")]
    for p in paths:
        p.chmod(0o555 if p.is_dir() else 0o444)
    try:
        yield where / "data"
    finally:
        for p in paths:
            p.chmod(0o755 if p.is_dir() else 0o644)


def test_read_only_folder_refuses_writes_and_still_reads(family, tmp_path, read_only):
    plan = tmp_path / "zoe.json"
    plan.write_bytes(json.dumps(good_doc()).encode())
    bak = tmp_path / "b.zip"
    assert family("backup", str(bak))[0] == 0
    for args in (("done", "maya-winter.20261126.wall-pushups.morning"), ("import", str(plan)),
                 ("undo", MAYA), ("pin", "--clear"), ("restore", str(bak))):
        err = run_refused(family, *args, data_dir=read_only)
        assert "read-only" in err or "permission denied" in err, err
    code, out, err = family("schedule", "--child", "Maya", "--json", data_dir=read_only)
    assert code == 0 and json.loads(out)["days"], err
    code, out, err = family("report", "--child", "Leo", "--format", "json", data_dir=read_only)
    assert code == 0, err


def test_restore_through_a_symlinked_data_folder_keeps_the_link(family, template, tmp_path):
    """A data folder that is a link (to a synced folder, say): the restore swaps the real folder,
    the link stays a link, and the earlier data is kept whole in restore-copies/ (it used to
    replace the link by a folder and keep a dangling link as the 'earlier data')."""
    from planner.storage.backup import data_files
    real = tmp_path / "synced" / "planner"
    real.parent.mkdir()
    shutil.copytree(template, real)
    link = tmp_path / "link"
    link.symlink_to(real)
    bak = tmp_path / "b.zip"
    assert family("backup", str(bak), data_dir=link)[0] == 0
    assert family("done", "leo-winter.20261127.wall-pushups.morning", data_dir=link)[0] == 0
    changed = {rel: p.read_bytes() for rel, p in data_files(real).items()}
    code, out, err = family("restore", str(bak), data_dir=link)
    assert code == 0, err
    assert link.is_symlink() and link.resolve() == real.resolve()
    copies = list((real / "restore-copies").iterdir())
    assert len(copies) == 1 and not copies[0].is_symlink()
    assert {rel: p.read_bytes() for rel, p in data_files(copies[0]).items()} == changed
    assert [p.name for p in real.parent.iterdir()] == ["planner"]


# ------------------------------------------------------------------ family photos

def picture(fmt: str, size=(40, 30)) -> bytes:
    from PIL import Image
    buf = io.BytesIO()
    Image.new("RGB", size, (200, 120, 40)).save(buf, fmt)
    return buf.getvalue()


def png_header(width: int, height: int) -> bytes:
    """A tiny PNG that claims to be width x height pixels."""
    import zlib

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(b"\0" * 100)) + chunk(b"IEND", b""))


EPS = b"%!PS-Adobe-3.0 EPSF-3.0\n%%BoundingBox: 0 0 10 10\nnewpath 0 0 moveto showpage\n"
BAD_PICTURES = {
    "eps-runs-ghostscript": lambda: EPS,
    "tiff": lambda: picture("TIFF"),
    "icon": lambda: picture("ICO"),
    "targa": lambda: picture("TGA"),
    "portable-pixmap": lambda: picture("PPM"),
    "bitmap": lambda: picture("BMP"),
    "png-13300-square": lambda: png_header(13300, 13300),
    "png-one-pixel-high-50-million-wide": lambda: png_header(50_000_000, 1),
    "png-zero-size": lambda: png_header(0, 0),
    "truncated-png": lambda: picture("PNG")[:60],
    "empty": lambda: b"",
}


@pytest.mark.parametrize("case", sorted(BAD_PICTURES))
def test_bad_photo_is_refused_in_one_line(case, monkeypatch):
    from planner.services import photos
    from planner.services.errors import ServiceError
    ran = []
    monkeypatch.setattr(subprocess, "check_call", lambda *a, **k: ran.append(a))
    monkeypatch.setattr(subprocess, "Popen", lambda *a, **k: ran.append(a))
    t0 = time.monotonic()
    with pytest.raises(ServiceError) as exc:
        photos.shrink(BAD_PICTURES[case](), "upload")
    assert "\n" not in str(exc.value) and str(exc.value).startswith("upload: ")
    assert ran == [] and time.monotonic() - t0 < TIME_LIMIT


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WEBP", "GIF"])
def test_photo_formats_of_phones_still_work(fmt):
    from PIL import Image
    from planner.services import photos
    small = photos.shrink(picture(fmt, (1200, 900)), "upload")
    with Image.open(io.BytesIO(small)) as img:
        assert img.format == "JPEG" and max(img.size) == photos.MAX_SIDE


def test_restore_onto_a_mount_point_is_refused_untouched(family, template, tmp_path, small_disk):
    """A data folder that is a disk of its own cannot be renamed: refused in one line, nothing
    left behind (the switch used to fail half-way with 'Device or resource busy')."""
    bak = tmp_path / "b.zip"
    assert family("backup", str(bak))[0] == 0
    shutil.copytree(template, small_disk, dirs_exist_ok=True)
    err = run_refused(family, "restore", str(bak), data_dir=small_disk)
    assert "mount point" in err
    assert not [p for p in small_disk.parent.iterdir() if ".restore" in p.name]
