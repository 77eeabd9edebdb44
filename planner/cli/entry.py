"""`planner`: the command line. The parser names each command's function by module path, and
the module is imported only when its command runs (`planner done` loads no report, PDF, calendar,
archive or Flet code). Never imports Flet except for `planner app`."""
from __future__ import annotations

import argparse
import importlib
import os
import sys
from typing import NoReturn

from planner.cli.args import (
    AREAS, FORMATS, LEVELS, ASSISTS, PAPERS, RATINGS, SKIP_REASONS, ENGINE_STATES, MAX_CALENDAR_DAYS,
    date_arg, folder_arg, item_arg, range_int, rest_days, text_arg,
)
from planner.core.text import printable

EXIT_USAGE = 2


class Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        print(f"error: {printable(message)} (see `planner --help`)", file=sys.stderr)
        raise SystemExit(EXIT_USAGE)

    # argparse builds a help formatter for every argument added, only to check its metavar, and
    # each one asks the terminal for its width (importing shutil, bz2 and lzma). A fixed width
    # does for that check; help and usage text still follow the terminal.
    _adding = False

    def add_argument(self, *args, **kwargs):
        self._adding = True
        try:
            return super().add_argument(*args, **kwargs)
        finally:
            self._adding = False

    def add_subparsers(self, **kwargs):
        self._adding = True                  # its formatter only spells the commands' prog
        try:
            return super().add_subparsers(**kwargs)
        finally:
            self._adding = False

    def _get_formatter(self):
        if self._adding:
            return self.formatter_class(prog=self.prog, width=80)
        return super()._get_formatter()


class _Skip:
    """Stands in for the parser of a command that was not asked for: adding its arguments is
    skipped (building every command's parser costs more than a whole check-off)."""

    def __getattr__(self, name):
        return lambda *a, **k: self


def _cmd(sub, name: str, target: str, help: str, only: str | None = None):
    if only is not None and name != only:
        return _Skip()
    p = sub.add_parser(name, help=help)
    p.set_defaults(target=target)
    return p


COMMAND_NAMES = ("import", "schedule", "done", "skip", "undo", "library", "demo", "use", "goal-rate",
                 "children", "pin", "report", "calendar", "backup", "restore", "fhir", "app")


def _command_of(argv: list[str]) -> str | None:
    """The command word of an argument list, when it can be told without parsing (else None)."""
    rest = list(argv)
    while rest:
        word = rest.pop(0)
        if word == "--data-dir":
            if not rest:
                return None
            rest.pop(0)
        elif word.startswith("--data-dir="):
            continue
        elif word in COMMAND_NAMES:
            return word if not any(w in ("-h", "--help") for w in rest) else None
        else:
            return None
    return None


def build_parser(only: str | None = None) -> Parser:
    p = Parser(prog="planner", description="Home-practice planner for pediatric occupational therapy.")
    p.add_argument("--data-dir", type=folder_arg,
                   help="data folder (default: $PLANNER_DATA_DIR or the user data folder)")
    sub = p.add_subparsers(dest="command", metavar="COMMAND", parser_class=Parser)

    imp = _cmd(sub, "import", "plans:cmd_import", "import a plan file (JSON, CSV or FHIR)", only)
    imp.add_argument("file")
    imp.add_argument("--dry-run", action="store_true", help="check and preview, store nothing")
    imp.add_argument("--child", type=text_arg("--child", 60), help="CSV: the child's name")
    imp.add_argument("--start", type=date_arg, help="CSV: first day")
    imp.add_argument("--end", type=date_arg, help="CSV: last day")
    imp.add_argument("--daily-minutes", type=range_int(1, 240))
    imp.add_argument("--weekday-minutes", type=range_int(1, 240))
    imp.add_argument("--weekend-minutes", type=range_int(1, 240))
    imp.add_argument("--rest-days", type=rest_days, default=[])
    imp.add_argument("--plan-id", type=text_arg("--plan-id", 64), help="CSV: plan id (default from child and start)")
    imp.add_argument("--version", type=range_int(1, 1_000_000), help="CSV: plan version")

    sch = _cmd(sub, "schedule", "plans:cmd_schedule", "show the schedule", only)
    sch.add_argument("--from", dest="first", type=date_arg, help="first day (default today)")
    sch.add_argument("--days", type=range_int(1, 400), default=7)
    sch.add_argument("--child", type=text_arg("--child", 60))
    sch.add_argument("--json", action="store_true")

    done = _cmd(sub, "done", "plans:cmd_done", "tick an item off", only)
    done.add_argument("item_id", type=item_arg)
    done.add_argument("--partial", action="store_true")
    done.add_argument("--rating", choices=RATINGS)
    done.add_argument("--note", type=text_arg("--note", 500, multiline=True))
    done.add_argument("--level", choices=LEVELS, help="which version was done")
    done.add_argument("--assist", choices=ASSISTS, help="the help needed")
    done.add_argument("--option", type=text_arg("--option", 64), help="the option picked from a choice")
    done.add_argument("--child", type=text_arg("--child", 60))

    skip = _cmd(sub, "skip", "plans:cmd_skip", "skip an item, with a reason", only)
    skip.add_argument("item_id", type=item_arg)
    skip.add_argument("--reason", choices=SKIP_REASONS, default="other")
    skip.add_argument("--note", type=text_arg("--note", 500, multiline=True))
    skip.add_argument("--child", type=text_arg("--child", 60))

    und = _cmd(sub, "undo", "plans:cmd_undo", "take back a tick or a skip", only)
    und.add_argument("item_id", type=item_arg)
    und.add_argument("--child", type=text_arg("--child", 60))

    lib = _cmd(sub, "library", "plans:cmd_library", "list library activities", only)
    lib.add_argument("--area", choices=AREAS)
    ages = lib.add_mutually_exclusive_group()
    ages.add_argument("--age", type=range_int(0, 18), help="age in whole years")
    ages.add_argument("--age-months", type=range_int(0, 216), help="age in months (for infants)")
    lib.add_argument("--json", action="store_true")

    _cmd(sub, "demo", "plans:cmd_demo", "import the bundled demo plan into an empty data folder", only)

    use = _cmd(sub, "use", "plans:cmd_use", "log one use of an as-needed item", only)
    use.add_argument("activity", type=text_arg("activity", 64))
    use.add_argument("--before", choices=ENGINE_STATES, help="the child's state before")
    use.add_argument("--after", choices=ENGINE_STATES, help="the child's state after")
    use.add_argument("--note", type=text_arg("--note", 500, multiline=True))
    use.add_argument("--option", type=text_arg("--option", 64))
    use.add_argument("--child", type=text_arg("--child", 60))

    rate = _cmd(sub, "goal-rate", "plans:cmd_goal_rate", "rate a goal on the Goal Attainment Scale", only)
    rate.add_argument("goal", type=text_arg("goal", 64))
    rate.add_argument("level", type=range_int(-2, 2), help="-2, -1, 0, 1 or 2")
    rate.add_argument("--date", dest="day", type=date_arg, help="the day rated (default today)")
    rate.add_argument("--note", type=text_arg("--note", 500, multiline=True))
    rate.add_argument("--child", type=text_arg("--child", 60))

    kids = _cmd(sub, "children", "household:cmd_children", "list the children of this data folder", only)
    kids.add_argument("--json", action="store_true")

    pin = _cmd(sub, "pin", "household:cmd_pin", "clear the parent PIN (whoever runs commands on "
               "this device owns it)", only)
    pin.add_argument("--clear", action="store_true", required=True)

    rep = _cmd(sub, "report", "sharing:cmd_report", "progress report (text, CSV, JSON or PDF)", only)
    rep.add_argument("--from", dest="first", type=date_arg,
                     help="first day (default: the start of the plan in effect)")
    rep.add_argument("--to", dest="last", type=date_arg, help="last day (default: today)")
    rep.add_argument("--format", choices=FORMATS, default="text")
    rep.add_argument("--paper", choices=PAPERS, help="PDF page size (default: from the locale)")
    rep.add_argument("-o", "--output", help="write to this file (required for pdf)")
    rep.add_argument("--child", type=text_arg("--child", 60))

    cal = _cmd(sub, "calendar", "sharing:cmd_calendar", "export practice reminders as an .ics file", only)
    cal.add_argument("--from", dest="first", type=date_arg, help="first day (default today)")
    cal.add_argument("--days", type=range_int(1, MAX_CALENDAR_DAYS), default=28)
    cal.add_argument("-o", "--output", required=True, help="the .ics file to write")
    cal.add_argument("--child", type=text_arg("--child", 60))

    bak = _cmd(sub, "backup", "sharing:cmd_backup", "save the whole data folder into one file", only)
    bak.add_argument("file")

    res = _cmd(sub, "restore", "sharing:cmd_restore", "bring a backup file back into the data folder", only)
    res.add_argument("file")

    fhir = sub.add_parser("fhir", help="HL7 FHIR: export progress, push it to the clinic, pull a CarePlan") \
        if only in (None, "fhir") else None
    fsub = _Skip() if fhir is None else fhir.add_subparsers(dest="fhir_command", metavar="ACTION", parser_class=Parser, required=True)
    fx = fsub.add_parser("export", help="write progress as a FHIR R4 Bundle")
    fx.set_defaults(target="clinic:cmd_export")
    fx.add_argument("--from", dest="first", type=date_arg)
    fx.add_argument("--to", dest="last", type=date_arg)
    fx.add_argument("-o", "--output", required=True, help="the .json file to write")
    fx.add_argument("--child", type=text_arg("--child", 60))
    fp = fsub.add_parser("push", help="send progress to the clinic's FHIR server")
    fp.set_defaults(target="clinic:cmd_push")
    fp.add_argument("--server", type=text_arg("--server", 500))
    fp.add_argument("--token", type=text_arg("--token", 2000))
    fp.add_argument("--from", dest="first", type=date_arg)
    fp.add_argument("--to", dest="last", type=date_arg)
    fp.add_argument("--child", type=text_arg("--child", 60))
    fl = fsub.add_parser("pull", help="import a CarePlan from the clinic's FHIR server")
    fl.set_defaults(target="clinic:cmd_pull")
    fl.add_argument("--server", type=text_arg("--server", 500))
    fl.add_argument("--token", type=text_arg("--token", 2000))
    who = fl.add_mutually_exclusive_group(required=True)
    who.add_argument("--careplan", type=text_arg("--careplan", 200))
    who.add_argument("--patient", type=text_arg("--patient", 200))
    fl.add_argument("--dry-run", action="store_true")

    app = _cmd(sub, "app", "app:cmd_app", "start the app in the browser", only)
    app.add_argument("--host")
    app.add_argument("--port", type=range_int(1, 65535), default=8550)
    app.add_argument("--no-browser", action="store_true")
    app.add_argument("--lan", action="store_true",
                     help="serve on the home network; devices pair with a one-time code")
    app.add_argument("--demo-if-empty", action="store_true", help=argparse.SUPPRESS)
    return p


def leave(code: int) -> NoReturn:
    """End the process with `code` once `main` has returned. A short command's work is on disk by
    then (every write was fsynced and its file closed before `main` returned), so the interpreter's
    own teardown, freeing every module one by one, is skipped: it cost about a tenth of a whole
    check-off. Only the standard streams are flushed. `planner app` ends the usual way (its server
    threads and Flet clean up after themselves)."""
    if _command_of(sys.argv[1:]) == "app":
        raise SystemExit(code)
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):     # the reader went away, or the stream is closed
            pass
    os._exit(code)


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser(_command_of(argv))
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:          # --help, or a usage error already printed
        return int(exc.code or 0)
    if not args.command:
        parser.print_help()
        return 0
    from planner import clock
    from planner.services.errors import ServiceError
    from planner.storage.store import Store, StoreError, resolve_data_dir
    store = None
    try:
        today = clock.today()          # a bad PLANNER_TODAY is reported before anything runs
        data_dir = resolve_data_dir(args.data_dir)
        if data_dir.exists() and not data_dir.is_dir():
            raise StoreError(f"the data folder {data_dir} is not a folder (a file, pipe or device)")
        store = Store(data_dir)
        module, name = args.target.split(":")
        command = getattr(importlib.import_module(f"planner.cli.{module}"), name)
        return command(args, store, today) or 0
    except (clock.ClockError, ServiceError, StoreError) as exc:
        print(f"error: {printable(str(exc))}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # The reader went away (`planner schedule | head`): stop quietly, as other tools do.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 0
    finally:
        if store is not None:
            for notice in store.notices:
                print(f"warning: {printable(notice)}", file=sys.stderr)
