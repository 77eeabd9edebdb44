"""Benchmarks: `python -m planner.bench [--json]`.

Builds five years of history (about 20,000 check-offs) in a temp folder and
times what a family feels: a check-off, opening today's list, a year of
schedule. The same check-off in stdlib sqlite3 (WAL, synchronous=FULL) is
measured in the same run as a baseline, since these machines are noisy.
"""
from __future__ import annotations

import argparse
import json
import sqlite3
import statistics
import sys
import tempfile
import time
from datetime import date, datetime, time as dtime, timedelta
from pathlib import Path

from planner.services import household, plans, practice
from planner.core import importer, scheduler
from planner.core.family import child_key
from planner.core.model import Status
from planner.library import load_library, picture_names
from planner.storage.store import Store

TODAY = date(2026, 11, 27)
TARGETS = {"checkoff_p50_ms_20k": 5.0, "open_today_p50_ms_20k": 50.0, "schedule_year_p50_ms": 100.0,
           "app_tick_p90_ms_20k": 100.0, "app_ready_s": 2.0}


def bench_plan(start: date, n_activities: int = 30, plan_id: str = "bench") -> importer.Plan:
    lib = [a for a in load_library().values()][:n_activities]
    acts = []
    for i, a in enumerate(lib):
        if i % 6 == 0:
            acts.append({"activity": a.id, "times_per_day": 1 + (i % 2), "minutes": 2})
        elif i % 6 == 1:
            acts.append({"activity": a.id, "days": ["mon", "thu"], "minutes": 5})
        else:
            acts.append({"activity": a.id, "times_per_week": 1 + i % 4, "minutes": 3 + i % 5})
    doc = {"format": "ot-home-plan/1", "plan_id": plan_id, "version": 1,
           "child": {"name": "Bench"}, "start": start.isoformat(),
           "daily_minutes": {"weekday": 60, "weekend": 90}, "rest_days": ["sun"],
           "activities": acts}
    return importer.plan_from_dict(doc, load_library(), picture_names())


def history_plan(start: date) -> importer.Plan:
    """About 11 items a day: five years of it is about 20,000 records."""
    return bench_plan(start, n_activities=26, plan_id="hist")


def fill_history(store: Store, plan, first: date, last: date) -> int:
    segs = scheduler.timeline([(plan.start, plan)])
    records = []
    for i, d in enumerate(scheduler.schedule(segs, first, last)):
        for j, it in enumerate(d.items):
            status = (Status.DONE, Status.DONE, Status.PARTIAL, Status.SKIPPED)[(i + j) % 4]
            records.append(practice.completion_for(
                it, status, rating="right" if j % 3 == 0 else None,
                note="went well" if j % 5 == 0 else "",
                reason="no-time" if status is Status.SKIPPED else None,
                now=datetime.combine(it.date, dtime(17, 0))))
    store.put_completions(child_key(plan.child), records)
    return len(records)


def _ms(samples: list[float]) -> dict[str, float]:
    qs = statistics.quantiles(samples, n=10)
    return {"p50": round(statistics.median(samples), 3), "p90": round(qs[8], 3)}


def time_checkoffs(folder: Path, rounds: int) -> list[float]:
    return time_checkoffs_of(folder, None, rounds)


def make_history(folder: Path, years: float, children: int = 1) -> int:
    """`children` children in one folder, each with `years` of history of its own."""
    start = TODAY - timedelta(days=int(365.25 * years))
    store = Store(folder)
    total = 0
    for n in range(children):
        plan = history_plan(start)
        if children > 1:
            from planner.core.value import replace
            plan = replace(plan, plan_id=f"hist-{n:02d}", child=f"Child {n:02d}")
        plans.import_plan(store, plan, start)
        total += fill_history(store, plan, start, TODAY - timedelta(days=1))
    return total


def time_checkoffs_of(folder: Path, child: str | None, rounds: int) -> list[float]:
    store = Store(folder)
    family = household.load_family(store, child)
    items = practice.day(store, family, TODAY).items
    out = []
    for r in range(rounds):
        it = items[r % len(items)]
        t0 = time.perf_counter()
        practice.record(store, family, it, TODAY, Status.DONE if r % 2 == 0 else Status.PARTIAL)
        out.append((time.perf_counter() - t0) * 1000)
    return out


SQLITE_PROCESS = """
import sqlite3, sys, json
con = sqlite3.connect(sys.argv[1], isolation_level=None)
con.execute("PRAGMA journal_mode=WAL"); con.execute("PRAGMA synchronous=FULL")
con.execute("CREATE TABLE IF NOT EXISTS completions (item_id TEXT PRIMARY KEY, date TEXT, doc TEXT)")
con.execute("INSERT INTO completions VALUES (?, ?, ?) ON CONFLICT(item_id) DO UPDATE SET doc=excluded.doc",
            (sys.argv[2], "2026-11-27", json.dumps({"status": "done"})))
con.close()
print("ok")
"""


def cli_processes(folder: Path, runs: int) -> dict[str, float]:
    """Whole processes, as a family's command line feels them: `planner done`, `planner schedule
    --days 1 --json`, and a Python process doing the same check-off in sqlite3 (WAL, FULL)."""
    import compileall
    import os
    import subprocess
    # An installed package has its bytecode; a checkout run with PYTHONDONTWRITEBYTECODE would
    # compile every module in every process and time the compiler instead.
    compileall.compile_dir(str(Path(__file__).resolve().parent), quiet=1)
    env = dict(os.environ, PLANNER_TODAY=TODAY.isoformat())
    store = Store(folder)
    family = household.load_family(store)
    items = practice.day(store, family, TODAY).items

    def timed(cmd: list[str]) -> float:
        t0 = time.perf_counter()
        subprocess.run(cmd, env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        return (time.perf_counter() - t0) * 1000
    base = [sys.executable, "-m", "planner", "--data-dir", str(folder)]
    db = str(folder.parent / "cli-bench.sqlite3")
    done: list[float] = []
    sched: list[float] = []
    sq: list[float] = []
    # Interleaved, one of each per round: the machine's state (disk write-back after building the
    # history, other load) then weighs on the three alike instead of on whichever ran first.
    for r in range(runs):
        done.append(timed(base + ["done", items[r % len(items)].id]))
        sched.append(timed(base + ["schedule", "--days", "1", "--json"]))
        sq.append(timed([sys.executable, "-c", SQLITE_PROCESS, db, f"item.{r % 10}"]))
    p50 = lambda xs: round(statistics.median(xs), 1)  # noqa: E731
    return {"cli_done_p50_ms": p50(done), "cli_schedule_p50_ms": p50(sched),
            "cli_sqlite_checkoff_p50_ms": p50(sq),
            "cli_done_vs_sqlite": round(p50(done) / p50(sq), 2),
            "cli_schedule_vs_sqlite": round(p50(sched) / p50(sq), 2)}


def sqlite_checkoffs(folder: Path, n_records: int, rounds: int) -> list[float]:
    con = sqlite3.connect(folder / "bench.sqlite3", isolation_level=None)
    con.execute("PRAGMA journal_mode=WAL")
    con.execute("PRAGMA synchronous=FULL")
    con.execute("CREATE TABLE IF NOT EXISTS completions (item_id TEXT PRIMARY KEY, date TEXT, doc TEXT)")
    con.execute("BEGIN")
    con.executemany("INSERT OR REPLACE INTO completions VALUES (?, ?, ?)",
                    ((f"hist.{i}", "2026-01-01", json.dumps({"status": "done", "n": i}))
                     for i in range(n_records)))
    con.execute("COMMIT")
    out = []
    for r in range(rounds):
        doc = json.dumps({"status": "done" if r % 2 == 0 else "partial", "note": "", "r": r})
        t0 = time.perf_counter()
        con.execute("INSERT INTO completions VALUES (?, ?, ?) ON CONFLICT(item_id) DO UPDATE SET "
                    "doc=excluded.doc", (f"today.{r % 10}", TODAY.isoformat(), doc))
        out.append((time.perf_counter() - t0) * 1000)
    con.close()
    return out


def open_today(folder: Path, rounds: int) -> list[float]:
    out = []
    for _ in range(rounds):
        scheduler.clear_caches()
        t0 = time.perf_counter()
        store = Store(folder)
        family = household.load_family(store)
        day = practice.day(store, family, TODAY)
        assert day.items
        out.append((time.perf_counter() - t0) * 1000)
        store.close()
    return out


def schedule_year(rounds: int) -> list[float]:
    plan = bench_plan(TODAY)
    segs = scheduler.timeline([(plan.start, plan)])
    out = []
    for _ in range(rounds):
        scheduler.clear_caches()
        t0 = time.perf_counter()
        days = scheduler.schedule(segs, TODAY, TODAY + timedelta(days=364))
        out.append((time.perf_counter() - t0) * 1000)
        assert len(days) == 365
    return out


def app_tick(folder: Path, rounds: int) -> list[float]:
    """A tap on a checkbox in Today: persist, re-read the day, rebuild the view's controls."""
    from planner.views.navigator import Navigator
    from planner.views.state import AppState
    from planner.views.today import TodayView

    class Offscreen(Navigator):
        """A navigator without a page: the view's server-side work, timed without a client."""

        def __init__(self):
            pass

        def update(self) -> None:
            pass

    state = AppState(folder, lambda: TODAY)
    view = TodayView(state, Offscreen())
    view.refresh()
    items = state.day(TODAY).items
    out = []
    for r in range(rounds):
        it = items[r % len(items)]
        t0 = time.perf_counter()
        state.tick(it, r % 2 == 0)
        view.refresh()
        out.append((time.perf_counter() - t0) * 1000)
    return out


def app_ready(folder: Path) -> float:
    """Seconds from starting `planner app` until it answers HTTP."""
    import os
    import socket
    import subprocess
    import urllib.request
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = dict(os.environ, PLANNER_TODAY=TODAY.isoformat())
    t0 = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "planner", "--data-dir", str(folder), "app",
                             "--no-browser", "--port", str(port)], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        while time.perf_counter() - t0 < 30:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=0.5).read(64)
                return time.perf_counter() - t0
            except OSError:
                time.sleep(0.02)
        return float("inf")
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            proc.kill()


def run(rounds: int = 60, with_app: bool = True, cli: bool = False, children: int = 20,
        report: bool = False) -> dict[str, object]:
    load_library()
    extra: dict[str, object] = {}
    with tempfile.TemporaryDirectory(prefix="planner-bench-") as tmp:
        small, big = Path(tmp) / "1k", Path(tmp) / "20k"
        n_small = make_history(small, 0.25)
        n_big = make_history(big, 5)
        c_small = time_checkoffs(small, rounds)
        c_big = time_checkoffs(big, rounds)
        if children:
            many = Path(tmp) / "children"
            make_history(many, 5, children=children)
            c_many = time_checkoffs_of(many, f"Child {children // 2:02d}", rounds)
            extra["checkoff_p50_ms_20_children"] = _ms(c_many)["p50"]
            extra["checkoff_20_children_vs_1"] = round(_ms(c_many)["p50"] / max(_ms(c_big)["p50"], 1e-9), 2)
        if cli:
            extra.update(cli_processes(big, max(15, rounds // 4)))
        if report:
            from planner import bench_report
            extra.update(bench_report.measure(Path(tmp) / "report"))
        sq = sqlite_checkoffs(Path(tmp), n_big, rounds)
        op = open_today(big, max(10, rounds // 3))
        files = len(Store(big).history_weeks("bench"))
        tick = app_tick(big, rounds) if with_app else []
        ready = app_ready(big) if with_app else None
    yr = schedule_year(max(10, rounds // 3))
    res: dict[str, object] = {
        "records_1k": n_small, "records_20k": n_big, "history_files_20k": files,
        "checkoff_p50_ms_1k": _ms(c_small)["p50"],
        "checkoff_p50_ms_20k": _ms(c_big)["p50"], "checkoff_p90_ms_20k": _ms(c_big)["p90"],
        "sqlite_wal_checkoff_p50_ms": _ms(sq)["p50"],
        "open_today_p50_ms_20k": _ms(op)["p50"],
        "schedule_year_p50_ms": _ms(yr)["p50"],
    }
    if with_app:
        res["app_tick_p50_ms_20k"] = _ms(tick)["p50"]
        res["app_tick_p90_ms_20k"] = _ms(tick)["p90"]
        res["app_ready_s"] = round(ready, 2)
    res.update(extra)
    ratio = res["checkoff_p50_ms_20k"] / max(res["checkoff_p50_ms_1k"], 1e-9)
    res["checkoff_ratio_20k_vs_1k"] = round(ratio, 2)
    met = all(res[k] <= v for k, v in TARGETS.items() if k in res) and ratio <= 1.5
    for key, most in (("checkoff_20_children_vs_1", 1.3), ("cli_done_vs_sqlite", 2.0),
                      ("cli_schedule_vs_sqlite", 2.0), ("report_pdf_growth", 2.0)):
        if key in res:
            met = met and res[key] <= most
    res["targets_met"] = bool(met)
    return res


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m planner.bench")
    ap.add_argument("--json", action="store_true", help="print one JSON line")
    ap.add_argument("--rounds", type=int, default=60)
    ap.add_argument("--no-app", action="store_true", help="skip the app timings (no Flet import)")
    ap.add_argument("--cli", action="store_true", help="also time whole `planner` processes")
    ap.add_argument("--report", action="store_true", help="also time the report over 5 years")
    ap.add_argument("--web", action="store_true", help="also measure the first load in Chromium")
    ap.add_argument("--children", type=int, default=20, help="children for the many-children check-off")
    args = ap.parse_args(argv)
    res = run(max(10, args.rounds), with_app=not args.no_app, cli=args.cli,
              children=max(0, args.children), report=args.report)
    if args.web:
        from planner import bench_web
        res["web"] = bench_web.measure()
    if args.json:
        print(json.dumps(res))
    else:
        for k, v in res.items():
            print(f"{k:<28} {v}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
