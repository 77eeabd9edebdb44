"""`planner`: the command line. Never imports Flet except for `planner app`."""
from __future__ import annotations

import argparse
import json
import os
import sys
from datetime import date
from typing import Any, NoReturn

from planner import services
from planner.core.importer import CsvOptions
from planner.core.model import AREAS, SKIP_REASONS, RATINGS, WEEKDAYS, Day, Status
from planner.services import ServiceError
from planner.storage.store import Store, StoreError, resolve_data_dir

EXIT_USAGE = 2


class CliError(Exception):
    pass


class Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        print(f"error: {message} (see `planner --help`)", file=sys.stderr)
        raise SystemExit(EXIT_USAGE)


def today() -> date:
    raw = os.environ.get("PLANNER_TODAY")
    if not raw:
        return date.today()
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise CliError(f"PLANNER_TODAY must be a date written YYYY-MM-DD (got {raw!r})") from None


def _date_arg(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date YYYY-MM-DD: {text!r}") from None


def _range_int(lo: int, hi: int):
    def conv(text: str) -> int:
        try:
            v = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
        if not lo <= v <= hi:
            raise argparse.ArgumentTypeError(f"must be from {lo} to {hi} (got {v})")
        return v
    return conv


def _rest_days(text: str) -> list[str]:
    days = [d.strip().lower() for d in text.replace(" ", ",").split(",") if d.strip()]
    for d in days:
        if d not in WEEKDAYS:
            raise argparse.ArgumentTypeError(f"unknown weekday {d!r} (use {','.join(WEEKDAYS)})")
    return days


def build_parser() -> Parser:
    p = Parser(prog="planner", description="Home-practice planner for pediatric occupational therapy.")
    p.add_argument("--data-dir", help="data folder (default: $PLANNER_DATA_DIR or the user data folder)")
    sub = p.add_subparsers(dest="command", metavar="COMMAND", parser_class=Parser)

    imp = sub.add_parser("import", help="import a plan file (JSON or CSV)")
    imp.add_argument("file")
    imp.add_argument("--dry-run", action="store_true", help="check and preview, store nothing")
    imp.add_argument("--child", help="CSV: the child's name")
    imp.add_argument("--start", type=_date_arg, help="CSV: first day")
    imp.add_argument("--end", type=_date_arg, help="CSV: last day")
    imp.add_argument("--daily-minutes", type=_range_int(1, 240))
    imp.add_argument("--weekday-minutes", type=_range_int(1, 240))
    imp.add_argument("--weekend-minutes", type=_range_int(1, 240))
    imp.add_argument("--rest-days", type=_rest_days, default=[])
    imp.add_argument("--plan-id", help="CSV: plan id (default from child and start)")
    imp.add_argument("--version", type=_range_int(1, 1_000_000), help="CSV: plan version")

    sch = sub.add_parser("schedule", help="show the schedule")
    sch.add_argument("--from", dest="first", type=_date_arg, help="first day (default today)")
    sch.add_argument("--days", type=_range_int(1, 400), default=7)
    sch.add_argument("--child")
    sch.add_argument("--json", action="store_true")

    done = sub.add_parser("done", help="tick an item off")
    done.add_argument("item_id")
    done.add_argument("--partial", action="store_true")
    done.add_argument("--rating", choices=RATINGS)
    done.add_argument("--note")

    skip = sub.add_parser("skip", help="skip an item, with a reason")
    skip.add_argument("item_id")
    skip.add_argument("--reason", choices=SKIP_REASONS, default="other")
    skip.add_argument("--note")

    und = sub.add_parser("undo", help="take back a tick or a skip")
    und.add_argument("item_id")

    lib = sub.add_parser("library", help="list library activities")
    lib.add_argument("--area", choices=AREAS)
    lib.add_argument("--age", type=_range_int(0, 18))
    lib.add_argument("--json", action="store_true")

    sub.add_parser("demo", help="import the bundled demo plan into an empty data folder")

    app = sub.add_parser("app", help="start the app in the browser")
    app.add_argument("--host", default="127.0.0.1")
    app.add_argument("--port", type=_range_int(1, 65535), default=8550)
    app.add_argument("--no-browser", action="store_true")
    app.add_argument("--lan", action="store_true",
                     help="serve on the home network; devices pair with a one-time code")
    app.add_argument("--demo-if-empty", action="store_true", help=argparse.SUPPRESS)

    _add_extra_commands(sub)
    return p


def _add_extra_commands(sub: Any) -> None:
    """Reports, calendar and backups live in their own module."""
    try:
        from planner import cli_extra
    except ImportError:
        return
    cli_extra.add_parsers(sub)


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:          # --help, or a usage error already printed
        return int(exc.code or 0)
    if not args.command:
        parser.print_help()
        return 0
    store = None
    try:
        today()                        # a bad PLANNER_TODAY is reported before anything runs
        store = Store(resolve_data_dir(args.data_dir))
        code = COMMANDS.get(args.command, _extra)(args, store)
        return code or 0
    except (CliError, ServiceError, StoreError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        return 130
    finally:
        if store is not None:
            for notice in store.notices:
                print(f"warning: {notice}", file=sys.stderr)


def _extra(args: argparse.Namespace, store: Store) -> int:
    from planner import cli_extra
    return cli_extra.run(args, store, today())


# ------------------------------------------------------------------ commands

def cmd_import(args: argparse.Namespace, store: Store) -> int:
    data = services.read_plan_bytes(args.file)
    opts = CsvOptions(
        child=args.child, start=args.start.isoformat() if args.start else None,
        end=args.end.isoformat() if args.end else None, daily_minutes=args.daily_minutes,
        weekday_minutes=args.weekday_minutes, weekend_minutes=args.weekend_minutes,
        rest_days=args.rest_days, plan_id=args.plan_id, version=args.version,
    )
    plan = services.parse_plan(data, args.file, opts)
    outcome = services.import_plan(store, plan, today(), dry_run=args.dry_run)
    print(outcome.summary())
    for w in outcome.warnings:
        print(f"warning: {w}", file=sys.stderr)
    if args.dry_run:
        print_plan_preview(outcome.plan)
    return 0


def print_plan_preview(plan) -> None:
    goals = {g.id: g for g in plan.goals}
    for g in plan.goals:
        print(f"goal {g.id}: {g.text}")
        for a in plan.activities:
            if a.goal == g.id:
                print(f"  - {a.title}: {a.frequency.describe()}, {a.dose_text()}")
    others = [a for a in plan.activities if a.goal not in goals]
    if others:
        print("other activities:")
        for a in others:
            print(f"  - {a.title}: {a.frequency.describe()}, {a.dose_text()}")


def day_json(d: Day) -> dict[str, Any]:
    return {
        "date": d.date.isoformat(), "weekday": d.weekday, "budget_minutes": d.budget_minutes,
        "planned_minutes": d.planned_minutes,
        "items": [{
            "id": it.id, "activity": it.key, "title": it.title, "kid_title": it.kid_title,
            "slot": it.slot, "minutes": it.minutes, "reps": it.reps, "sets": it.sets,
            "goal": it.goal, "areas": list(it.areas), "setting": it.setting,
            "sensory_diet": it.sensory_diet, "picture": it.picture, "status": it.status.value,
        } for it in d.items],
    }


MARKS = {Status.PLANNED: "[ ]", Status.DONE: "[x]", Status.PARTIAL: "[~]", Status.SKIPPED: "[-]"}


def cmd_schedule(args: argparse.Namespace, store: Store) -> int:
    family = services.load_family(store, args.child)
    first = args.first or today()
    got = services.days(store, family, first, args.days)
    plan = family.plan_on(first)
    if args.json:
        print(json.dumps({"child": family.name, "plan_id": plan.plan_id,
                          "days": [day_json(d) for d in got]}, ensure_ascii=False))
        return 0
    print(f"{family.name}: plan {plan.plan_id} (version {plan.version})")
    for d in got:
        head = f"{d.date:%a %Y-%m-%d}"
        if not d.items:
            why = "paused" if d.paused else "rest day" if d.rest and family.plan_on(d.date).in_plan(d.date) \
                else "rest day" if d.rest else "nothing planned"
            if not family.plan_on(d.date).in_plan(d.date):
                why = "outside the plan"
            print(f"{head}  {why}")
            continue
        print(f"{head}  {d.planned_minutes} of {d.budget_minutes} min")
        for it in d.items:
            print(f"  {MARKS[it.status]} {it.slot:<15} {it.title:<32} {it.dose_text():<12} {it.id}")
    return 0


def _mark(args: argparse.Namespace, store: Store, status: Status, **kw: Any) -> int:
    family, item = services.find_item(store, args.item_id)
    item = services.record(store, item, today(), status, **kw)
    print(f"{item.title} on {item.date.isoformat()}: {item.status.value}")
    return 0


def cmd_done(args: argparse.Namespace, store: Store) -> int:
    return _mark(args, store, Status.PARTIAL if args.partial else Status.DONE,
                 rating=args.rating, note=args.note)


def cmd_skip(args: argparse.Namespace, store: Store) -> int:
    return _mark(args, store, Status.SKIPPED, reason=args.reason, note=args.note)


def cmd_undo(args: argparse.Namespace, store: Store) -> int:
    _, item = services.find_item(store, args.item_id)
    item = services.undo(store, item, today())
    print(f"{item.title} on {item.date.isoformat()}: back to planned")
    return 0


def cmd_library(args: argparse.Namespace, store: Store) -> int:
    from planner.library import filter_library
    acts = filter_library(args.area, args.age)
    if args.json:
        print(json.dumps({"activities": [a.to_dict() for a in acts]}, ensure_ascii=False))
        return 0
    for a in acts:
        print(f"{a.id:<26} {a.title:<36} {'/'.join(a.areas):<34} ages {a.age_min}-{a.age_max}")
    print(f"{len(acts)} activities")
    return 0


def cmd_demo(args: argparse.Namespace, store: Store) -> int:
    from planner.demo import import_demo
    outcome = import_demo(store, today())
    print(outcome.summary() if outcome else "the data folder already has a plan; demo not imported")
    return 0


def cmd_app(args: argparse.Namespace, store: Store) -> int:
    if args.demo_if_empty and not store.plan_records():
        from planner.demo import import_demo
        import_demo(store, today())
    from planner.views.app import serve
    serve(store.dir, host=args.host, port=args.port, open_browser=not args.no_browser, lan=args.lan)
    return 0


COMMANDS = {
    "import": cmd_import, "schedule": cmd_schedule, "done": cmd_done, "skip": cmd_skip,
    "undo": cmd_undo, "library": cmd_library, "demo": cmd_demo, "app": cmd_app,
}


if __name__ == "__main__":
    sys.exit(main())
