"""Report benchmarks: `python -m planner.bench_report [--json]`.

On five years of synthetic history (the same history as `planner.bench`,
about 20,000 check-offs with a note on every fifth) this times:

- report_pdf_ms_1_month / report_pdf_ms_5_years: the PDF work (layout and
  output) for the last month and for the whole five years, the report
  already built; report_pdf_growth is their ratio in the same run (target
  <= 2.0: the PDF must not grow with history beyond the period's own rows);
- report_json_ms_5_years: the JSON report of five years as a caller gets it
  (read the history, schedule, build the figures, write the JSON), with
  report_json_core_ms_5_years its part after the days are read
  (build + JSON), and schedule_year_p50_ms of the same run to compare with
  (target: JSON at most 5x a year of schedule);
- report_pdf_end_to_end_ms_1_month: what "Share report" costs for a month.

Every figure is the median of a few rounds, in milliseconds.
"""
from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path
from typing import Callable

from planner.bench import TODAY, make_history, schedule_year
from planner.core.report import build_report
from planner.reports.formats import to_json
from planner.reports.pdf import render_pdf

TARGET_GROWTH = 2.0
TARGET_JSON_VS_YEAR = 5.0


def _median_ms(fn: Callable[[], object], rounds: int) -> float:
    out = []
    for _ in range(rounds):
        t0 = time.perf_counter()
        fn()
        out.append((time.perf_counter() - t0) * 1000)
    return round(statistics.median(out), 1)


def _services():
    from planner.services import household, practice, sharing
    from planner.storage.store import Store
    return household, practice, sharing, Store


def measure(tmpdir: Path, rounds: int = 7) -> dict:
    """Build five years of history under `tmpdir` and time the report on it."""
    household, practice, sharing, Store = _services()
    folder = Path(tmpdir) / "report-5y"
    records = make_history(folder, 5)
    store = Store(folder)
    family = household.load_family(store)
    first_5y = family.segments[0].first
    first_1m = TODAY - timedelta(days=30)

    def built(first):
        return sharing.report(store, family, first, TODAY, TODAY)

    month, years = built(first_1m), built(first_5y)
    render_pdf(month)                        # fonts and modules loaded once, as in a running app
    pdf_1m = _median_ms(lambda: render_pdf(month), rounds)
    pdf_5y = _median_ms(lambda: render_pdf(years), rounds)
    json_5y = _median_ms(lambda: to_json(built(first_5y)), rounds)
    plans = [seg.plan for seg in family.segments]
    days = practice.days(store, family, first_5y, (TODAY - first_5y).days + 1)
    core_5y = _median_ms(lambda: to_json(build_report(days, plans, first_5y, TODAY, TODAY,
                                                      child=family.name)), rounds)
    pdf_e2e = _median_ms(lambda: sharing.report_bytes(store, family, first_1m, TODAY, TODAY, "pdf"),
                         rounds)
    year = round(statistics.median(schedule_year(max(5, rounds))), 1)
    store.close()
    return {
        "report_records_5_years": records,
        "report_notes_5_years": len(years.notes),
        "report_pdf_ms_1_month": pdf_1m,
        "report_pdf_ms_5_years": pdf_5y,
        "report_pdf_growth": round(pdf_5y / max(pdf_1m, 1e-9), 2),
        "report_json_ms_5_years": json_5y,
        "report_json_core_ms_5_years": core_5y,
        "report_pdf_end_to_end_ms_1_month": pdf_e2e,
        "schedule_year_p50_ms": year,
        "report_json_vs_schedule_year": round(json_5y / max(year, 1e-9), 2),
        "report_targets_met": bool(pdf_5y / max(pdf_1m, 1e-9) <= TARGET_GROWTH
                                   and json_5y <= TARGET_JSON_VS_YEAR * year),
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m planner.bench_report")
    ap.add_argument("--json", action="store_true", help="print one JSON line")
    ap.add_argument("--rounds", type=int, default=7)
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="planner-bench-report-") as tmp:
        res = measure(Path(tmp), max(1, args.rounds))
    if args.json:
        print(json.dumps(res))
    else:
        for k, v in res.items():
            print(f"{k:<34} {v}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
