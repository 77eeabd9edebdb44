"""Argument types and the vocabularies the parser offers (constants only: cheap to import)."""
from __future__ import annotations

import argparse

from planner.core.dates import BadDate, parse_date
from planner.core.model import (
    AREAS, ASSISTS, ENGINE_STATES, LEVELS, RATINGS, SKIP_REASONS, WEEKDAYS,
)
from planner.core.text import BadText, clean_text

FORMATS = ("text", "csv", "json", "pdf")
PAPERS = ("a4", "letter")
MAX_CALENDAR_DAYS = 400

__all__ = ["AREAS", "ASSISTS", "ENGINE_STATES", "LEVELS", "RATINGS", "SKIP_REASONS", "FORMATS",
           "PAPERS", "MAX_CALENDAR_DAYS", "date_arg", "folder_arg", "item_arg", "range_int", "rest_days", "text_arg"]


def date_arg(text: str):
    try:
        return parse_date(text)
    except BadDate as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def range_int(lo: int, hi: int):
    def conv(text: str) -> int:
        if len(text) > 12 or not text.strip().lstrip("+-").isdigit() or not text.strip().isascii():
            raise argparse.ArgumentTypeError(f"not a whole number from {lo} to {hi}: {text[:20]!r}")
        v = int(text)
        if not lo <= v <= hi:
            raise argparse.ArgumentTypeError(f"must be from {lo} to {hi} (got {v})")
        return v
    return conv


def text_arg(what: str, max_len: int, multiline: bool = False):
    def conv(text: str) -> str:
        try:
            return clean_text(text, what, max_len, multiline=multiline)
        except BadText as exc:
            raise argparse.ArgumentTypeError(str(exc)) from None
    return conv


def folder_arg(text: str) -> str:
    """--data-dir: an empty value is refused (it would silently mean the default data folder)."""
    if not text.strip():
        raise argparse.ArgumentTypeError("is empty; give a folder, or leave the option out for the "
                                         "default data folder")
    return text


def item_arg(text: str) -> str:
    """An item id (`plan.YYYYMMDD.activity.slot`); its day must be a date in the years we accept
    (a day such as 99991231 would overflow the schedule's week arithmetic)."""
    text = text_arg("item id", 200)(text)
    parts = text.split(".")
    if len(parts) == 4 and len(parts[1]) == 8 and parts[1].isdigit():
        day = parts[1]
        try:
            parse_date(f"{day[:4]}-{day[4:6]}-{day[6:]}")
        except BadDate as exc:
            raise argparse.ArgumentTypeError(f"the day {day!r} of the item id: {exc}") from None
    return text


def rest_days(text: str) -> list[str]:
    days = [d.strip().lower() for d in text.replace(" ", ",").split(",") if d.strip()]
    for d in days:
        if d not in WEEKDAYS:
            raise argparse.ArgumentTypeError(f"unknown weekday {d[:12]!r} (use {','.join(WEEKDAYS)})")
    return days
