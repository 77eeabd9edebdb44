"""`planner report`, `calendar`, `backup`, `restore`."""
from __future__ import annotations

import argparse
import sys
from datetime import date

from planner.services import household, sharing
from planner.services.errors import ServiceError
from planner.storage.store import Store


def cmd_report(args: argparse.Namespace, store: Store, today: date) -> int:
    if args.output is not None and not args.output.strip():
        raise ServiceError("-o: the file name is empty")
    if args.format == "pdf" and not args.output:
        raise ServiceError("a PDF report needs a file: add -o FILE.pdf")
    if args.first and args.last and args.first > args.last:
        raise ServiceError(f"--from {args.first.isoformat()} is after --to {args.last.isoformat()}")
    family = household.load_family(store, args.child)
    data = sharing.report_bytes(store, family, args.first, args.last, today, args.format, args.paper)
    if args.output:
        path = sharing.write_output(store, args.output, data)
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
    from planner import clock
    family = household.load_family(store, args.child)
    first = args.first or today
    data = sharing.calendar_ics_bytes(store, family, first, args.days, clock.now())
    path = sharing.write_output(store, args.output, data)
    print(f"wrote {path}: reminders for {args.days} days from {first.isoformat()}")
    return 0


def cmd_backup(args: argparse.Namespace, store: Store, today: date) -> int:
    from planner import clock
    path = sharing.write_backup(store, args.file, clock.now())
    print(f"wrote {path}")
    return 0


def cmd_restore(args: argparse.Namespace, store: Store, today: date) -> int:
    from planner import clock
    outcome = sharing.restore_file(store, args.file, clock.now())
    print(outcome.summary())
    return 0


