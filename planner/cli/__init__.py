"""The command line (`planner`): one module per command group, each imported when its command runs."""
from __future__ import annotations


def main(argv: list[str] | None = None) -> int:
    from planner.cli.entry import main as run
    return run(argv)


def run() -> None:
    """The `planner` program (and `python -m planner`): `main`, then the process ends."""
    from planner.cli.entry import leave, main as entry_main
    leave(entry_main())
