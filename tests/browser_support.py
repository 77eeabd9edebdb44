"""What every real-browser test module shares: Debian's Chromium (or PLANNER_CHROMIUM), its flags,
a free port and a module-scoped browser fixture. The finder and the flags are the benchmark's own
(planner.bench_web), so tests and benchmark launch the same browser the same way.

Use: `from browser_support import ARGS, browser, chromium, free_port  # noqa: F401`.
"""
from __future__ import annotations

import os

import pytest

from planner.bench_web import ARGS, chromium, free_port

__all__ = ["ARGS", "browser", "chromium", "free_port"]


@pytest.fixture(scope="module")
def browser(request):
    """One Chromium per test module; a module may add flags with its own ARGS (Kid mode's fake
    microphone)."""
    exe = chromium()
    if exe is None:
        if os.environ.get("CI"):
            pytest.fail("chromium is missing in CI (.ci/run installs it)")
        pytest.skip("no chromium here; `make test` installs Debian's package")
    from playwright.sync_api import sync_playwright
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=exe, args=getattr(request.module, "ARGS", ARGS))
        yield b
        b.close()
