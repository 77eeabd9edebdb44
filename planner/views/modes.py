"""What a screen is showing, as small value types (not strings compared across modules)."""
from __future__ import annotations

from enum import Enum


class PlanMode(str, Enum):
    """What the Plan tab shows."""
    VIEW = "view"                # the plan in effect, its goals and activities
    IMPORT = "import"            # a file being imported (a spreadsheet's fields, or the preview)
    BUILDER = "builder"          # the plan builder
