#!/bin/sh
# Make sure a Chromium for the browser tests exists (Debian's package; Playwright's own
# browser download is never used). Honours PLANNER_CHROMIUM for a browser elsewhere.
# Also brings espeak-ng (kid mode's voice made on the device) when it may; the tests that need
# it are skipped without it.
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1 && ! command -v espeak-ng >/dev/null 2>&1; then
    (apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq espeak-ng >/dev/null) \
        || echo "espeak-ng could not be installed; the spoken-prompt tests that need it are skipped" >&2
fi
if [ -n "$PLANNER_CHROMIUM" ] && [ -x "$PLANNER_CHROMIUM" ]; then exit 0; fi
if command -v chromium >/dev/null 2>&1 || [ -x /usr/bin/chromium ]; then exit 0; fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    echo "installing chromium (Debian package) for the browser tests..."
    apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
    exit $?
fi
echo "chromium is missing: install it (e.g. 'sudo apt-get install chromium') or set PLANNER_CHROMIUM" >&2
exit 1
