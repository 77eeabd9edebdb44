"""`planner app`: the only command that imports Flet."""
from __future__ import annotations

import argparse
from datetime import date

from planner.storage.store import Store


def cmd_app(args: argparse.Namespace, store: Store, today: date) -> int:
    if args.demo_if_empty and not store.exists():
        from planner.demo import import_demo
        import_demo(store, today)
    from planner.views.app import serve
    host = args.host or ("0.0.0.0" if args.lan else "127.0.0.1")
    serve(store.dir, host=host, port=args.port, open_browser=not args.no_browser, lan=args.lan)
    return 0
