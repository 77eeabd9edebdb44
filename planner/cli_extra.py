"""`planner report`, `planner calendar`, `planner backup`, `planner restore`."""
from __future__ import annotations

import argparse
import sys
from datetime import date, datetime

from planner import services, services_extra
from planner.cli import _date_arg, _range_int
from planner.reports.formats import FORMATS
from planner.services import ServiceError
from planner.storage.store import Store


def add_parsers(sub) -> None:
    rep = sub.add_parser("report", help="progress report (text, CSV, JSON or PDF)")
    rep.add_argument("--from", dest="first", type=_date_arg,
                     help="first day (default: the start of the plan in effect)")
    rep.add_argument("--to", dest="last", type=_date_arg, help="last day (default: today)")
    rep.add_argument("--format", choices=FORMATS, default="text")
    rep.add_argument("-o", "--output", help="write to this file (required for pdf)")
    rep.add_argument("--child")

    cal = sub.add_parser("calendar", help="export practice reminders as an .ics calendar file")
    cal.add_argument("--from", dest="first", type=_date_arg, help="first day (default today)")
    cal.add_argument("--days", type=_range_int(1, services_extra.MAX_CALENDAR_DAYS), default=28)
    cal.add_argument("-o", "--output", required=True, help="the .ics file to write")
    cal.add_argument("--child")

    bak = sub.add_parser("backup", help="save the whole data folder into one file")
    bak.add_argument("file")

    res = sub.add_parser("restore", help="bring a backup file back into the data folder")
    res.add_argument("file")


def run(args: argparse.Namespace, store: Store, today: date) -> int:
    command = COMMANDS.get(args.command)
    if command is None:
        raise ServiceError(f"unknown command {args.command!r} (see `planner --help`)")
    return command(args, store, today)


def cmd_report(args: argparse.Namespace, store: Store, today: date) -> int:
    if args.format == "pdf" and not args.output:
        raise ServiceError("a PDF report needs a file: add -o FILE.pdf")
    if args.first and args.last and args.first > args.last:
        raise ServiceError(f"--from {args.first.isoformat()} is after --to {args.last.isoformat()}")
    family = services.load_family(store, args.child)
    data = services_extra.report_bytes(store, family, args.first, args.last, today, args.format)
    if args.output:
        path = services_extra.write_output(args.output, data)
        print(f"wrote {path}", file=sys.stderr)
    else:
        write_stdout(data)
    return 0


def write_stdout(data: bytes) -> None:
    """UTF-8 bytes as they are (no console encoding errors, no newline translation)."""
    sys.stdout.flush()
    buffer = getattr(sys.stdout, "buffer", None)
    if buffer is None:
        sys.stdout.write(data.decode("utf-8"))
    else:
        buffer.write(data)
        buffer.flush()


def cmd_calendar(args: argparse.Namespace, store: Store, today: date) -> int:
    family = services.load_family(store, args.child)
    first = args.first or today
    data = services_extra.calendar_ics_bytes(store, family, first, args.days, datetime.now())
    path = services_extra.write_output(args.output, data)
    print(f"wrote {path}: reminders for {args.days} days from {first.isoformat()}")
    return 0


def cmd_backup(args: argparse.Namespace, store: Store, today: date) -> int:
    path = services_extra.write_backup(store, args.file, datetime.now())
    print(f"wrote {path}")
    return 0


def cmd_restore(args: argparse.Namespace, store: Store, today: date) -> int:
    outcome = services_extra.restore_file(store, args.file, datetime.now())
    print(outcome.summary())
    return 0


COMMANDS = {"report": cmd_report, "calendar": cmd_calendar, "backup": cmd_backup,
            "restore": cmd_restore}
