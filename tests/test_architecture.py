"""The layers, as rules a test can hold: the core is pure, nothing imports the CLI, no import cycles,
views reach storage only through the app state and the app frame only through the navigator (which
alone turns a ServiceError into a message), and `planner done` loads no report, PDF, calendar,
archive or Flet code."""
from __future__ import annotations

import ast
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT

PKG = ROOT / "planner"


def modules() -> dict[str, Path]:
    out = {}
    for p in PKG.rglob("*.py"):
        rel = p.relative_to(ROOT).with_suffix("")
        parts = list(rel.parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        out[".".join(parts)] = p
    return out


def imports(path: Path, module_level_only: bool) -> set[str]:
    """Planner modules imported by a file (TYPE_CHECKING blocks left out)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()

    def visit(node, top: bool) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.If) and "TYPE_CHECKING" in ast.unparse(child.test):
                continue
            inner = top and not isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda))
            if isinstance(child, ast.Import) and (inner or not module_level_only):
                found.update(a.name for a in child.names)
            elif isinstance(child, ast.ImportFrom) and child.module and (inner or not module_level_only):
                found.add(child.module)
                found.update(f"{child.module}.{a.name}" for a in child.names)
            if inner or not module_level_only:
                visit(child, inner)
    visit(tree, True)
    return found


def test_the_core_is_pure():
    banned = ("flet", "tinydb", "planner.storage", "planner.services", "planner.views", "planner.cli",
              "planner.interop", "planner.web", "planner.reports", "planner.clock")
    for name, path in modules().items():
        if name.startswith("planner.core"):
            bad = [i for i in imports(path, module_level_only=False)
                   if any(i == b or i.startswith(b + ".") for b in banned)]
            assert not bad, (name, bad)
            text = path.read_text(encoding="utf-8")
            assert "date.today(" not in text and "datetime.now(" not in text, name


def test_nothing_imports_an_entry_point():
    for name, path in modules().items():
        if name.startswith("planner.cli") or name == "planner.__main__":
            continue
        bad = [i for i in imports(path, module_level_only=False) if i.startswith("planner.cli")]
        assert not bad, (name, bad)


def test_no_import_cycles_at_module_level():
    mods = modules()
    graph = {n: {i for i in imports(p, module_level_only=True) if i in mods and i != n}
             for n, p in mods.items()}
    state: dict[str, int] = {}
    stack: list[str] = []

    def dfs(n: str) -> None:
        state[n] = 1
        stack.append(n)
        for m in sorted(graph[n]):
            if state.get(m) == 1:
                raise AssertionError("import cycle: " + " -> ".join(stack[stack.index(m):] + [m]))
            if m not in state:
                dfs(m)
        stack.pop()
        state[n] = 2
    for n in sorted(graph):
        if n not in state:
            dfs(n)


def test_views_reach_services_and_storage_only_through_the_app_state():
    for name, path in modules().items():
        if not name.startswith("planner.views") or name == "planner.views.state":
            continue
        bad = [i for i in imports(path, module_level_only=False)
               if i.startswith("planner.storage")
               or (i.startswith("planner.services") and not i.startswith("planner.services.errors"))]
        assert not bad, (name, bad)


def _modules_loaded_by(tmp_path, *command: str) -> set[str]:
    """The modules a whole `planner COMMAND` process imports (on the demo plan)."""
    env = dict(os.environ, PLANNER_TODAY="2026-11-27")
    data = tmp_path / "data"
    if not data.exists():
        subprocess.run([sys.executable, "-m", "planner", "--data-dir", str(data), "demo"], env=env,
                       check=True, capture_output=True)
    r = subprocess.run([sys.executable, "-X", "importtime", "-m", "planner", "--data-dir", str(data), *command],
                       env=env, capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    return {line.split("|")[-1].strip() for line in r.stderr.splitlines() if line.startswith("import time:")}


def _loaded(loaded: set[str], *names: str) -> list[str]:
    return [m for m in loaded for bad in names if m == bad or m.startswith(bad + ".")]


def test_done_loads_no_report_pdf_calendar_archive_or_flet(tmp_path):
    loaded = _modules_loaded_by(tmp_path, "done", "sam-demo.20261127.zipping-coat.morning")
    assert not _loaded(loaded, "planner.core.report", "planner.reports", "fpdf", "icalendar", "flet",
                       "planner.storage.archive", "planner.storage.backup", "planner.interop", "planner.views")


def test_done_and_schedule_load_only_what_a_check_off_needs(tmp_path):
    """The core's value types (planner.core.value) replace dataclasses, the store takes its locks
    from _thread and the parser never asks the terminal's width: a check-off imports neither
    dataclasses (nor inspect, ast, dis), threading nor shutil; reading the schedule does not
    import TinyDB either (the store imports it at its first write)."""
    done = _modules_loaded_by(tmp_path, "done", "sam-demo.20261127.zipping-coat.morning")
    assert not _loaded(done, "dataclasses", "inspect", "threading", "shutil"), done
    assert "tinydb" in done                                   # a check-off writes through TinyDB
    schedule = _modules_loaded_by(tmp_path, "schedule", "--days", "1", "--json")
    assert not _loaded(schedule, "dataclasses", "inspect", "threading", "shutil", "tinydb")


# Views see the app around them only through the Navigator: never the Shell, its page, its frame,
# its file picker or another view's controls.
FRAME_OWNERS = {"planner.views.app", "planner.views.navigator"}
FRAME_WORDS = [
    (r"\bshell\b", "the Shell"),
    (r"\.page\.", "the app's page"),
    (r"\bft\.Page\b", "the app's page"),
    (r"\bfile_picker\b", "the Shell's file picker"),
    (r"\.frame\b", "the Shell's frame"),
    (r"\.views(\[|\.get\()", "another view"),
    (r"\bkid_view\b", "the Shell's kid view"),
]
# Where a ServiceError may be caught in planner/views/, and why. Everywhere else a user action goes
# through Navigator.act / act_async (or a quiet read through Navigator.quietly).
SERVICE_ERROR_CATCHERS = {
    "planner.views.navigator": "the one place a user action's error becomes a message (act, act_async, quietly)",
    "planner.views.state": "the door to the services, below the views: a few reads fall back quietly "
                           "(no family yet, kid mode off) and it never shows anything",
}


def _view_modules() -> dict[str, Path]:
    return {n: p for n, p in modules().items() if n.startswith("planner.views.")}


def test_views_act_on_the_app_only_through_the_navigator():
    import re
    bad = []
    for name, path in _view_modules().items():
        if name in FRAME_OWNERS:
            continue
        for no, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            for pattern, what in FRAME_WORDS:
                if re.search(pattern, line, flags=re.IGNORECASE if pattern == r"\bshell\b" else 0):
                    bad.append(f"{name}:{no} reaches {what}: {line.strip()}")
    assert not bad, "\n".join(bad)


def test_a_service_error_is_caught_only_where_the_flow_differs():
    import re
    catch = re.compile(r"except\s*\(?[^:\n]*\bServiceError\b")
    bad = []
    for name, path in _view_modules().items():
        if name in SERVICE_ERROR_CATCHERS:
            continue
        for no, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if catch.search(line):
                bad.append(f"{name}:{no}: {line.strip()}")
    assert not bad, "use Navigator.act (or quietly) instead:\n" + "\n".join(bad)
    assert all(n in _view_modules() for n in SERVICE_ERROR_CATCHERS)


def test_no_import_of_a_shipped_module_is_wrapped_in_except_importerror():
    """Every module the package imports ships with it or is one of its dependencies: catching
    ImportError would only hide a real error."""
    bad = [f"{path.relative_to(ROOT)}:{no}" for path in sorted(PKG.rglob("*.py"))
           for no, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
           if re.search(r"except\s+\(?\s*(ImportError|ModuleNotFoundError)", line)]
    assert not bad, bad


def test_a_json_or_text_report_does_not_load_the_pdf_library(tmp_path):
    """Choosing the paper of a report (only the PDF has one) never imports fpdf; a JSON report
    over years of history must not pay for the PDF library's fonts."""
    out = tmp_path / "report.json"
    loaded = _modules_loaded_by(tmp_path, "report", "--format", "json", "-o", str(out))
    assert out.stat().st_size > 0
    assert not _loaded(loaded, "fpdf", "fontTools", "planner.reports.pdf", "flet")
