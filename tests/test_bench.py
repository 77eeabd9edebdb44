"""The benchmark runs and reports every figure (its targets are read by people, not asserted)."""
from __future__ import annotations

import json
import subprocess
import sys


def test_bench_prints_one_json_line_with_every_figure():
    r = subprocess.run([sys.executable, "-m", "planner.bench", "--json", "--rounds", "10", "--no-app",
                        "--children", "3"],
                       capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr
    lines = r.stdout.strip().splitlines()
    assert len(lines) == 1
    res = json.loads(lines[0])
    for key in ("checkoff_p50_ms_1k", "checkoff_p50_ms_20k", "checkoff_p90_ms_20k",
                "sqlite_wal_checkoff_p50_ms", "open_today_p50_ms_20k", "schedule_year_p50_ms"):
        assert isinstance(res[key], float) and res[key] > 0, key
    assert 18_000 <= res["records_20k"] <= 24_000 and 800 <= res["records_1k"] <= 1_300
    assert res["history_files_20k"] >= 250           # five years, one file a week
    assert res["checkoff_p50_ms_20_children"] > 0 and res["checkoff_20_children_vs_1"] > 0
