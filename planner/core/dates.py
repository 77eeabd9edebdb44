"""Dates as people write them in plans, arguments and settings: `YYYY-MM-DD`, years 2000-2100.

Pure: no clock. `date.fromisoformat` alone would also take `20261127` or `2026-W48-5`, and
years far outside a child's life, which later overflow date arithmetic.
"""
from __future__ import annotations

import re
from datetime import date

MIN_YEAR = 2000
MAX_YEAR = 2100
_ISO = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


class BadDate(ValueError):
    """The text is not a date we accept; str() is one line for the user."""


def parse_date(text: object) -> date:
    if not isinstance(text, str) or not _ISO.fullmatch(text):
        shown = repr(text) if len(repr(text)) <= 40 else repr(text)[:37] + "..."
        raise BadDate(f"not a date written YYYY-MM-DD: {shown}")
    try:
        value = date.fromisoformat(text)
    except ValueError:
        raise BadDate(f"not a real date: {text!r}") from None
    check_year(value)
    return value


def check_year(value: date) -> date:
    if not MIN_YEAR <= value.year <= MAX_YEAR:
        raise BadDate(f"{value.isoformat()} is outside the years {MIN_YEAR}-{MAX_YEAR}")
    return value
