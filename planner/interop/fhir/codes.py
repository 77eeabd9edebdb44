"""The mapping table planner/activities/fhir-codes.json: FHIR codes and activity text -> library ids."""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterable

TABLE_PATH = Path(__file__).resolve().parents[2] / "activities" / "fhir-codes.json"


@dataclass(frozen=True)
class CodeTable:
    codes: dict[tuple[str, str], dict]            # (system, code) -> entry
    keywords: tuple[tuple[str, str], ...]         # (lower-case phrase, activity id), longest first
    areas: tuple[tuple[str, str], ...]            # (lower-case phrase, area), in table order
    default_area: str

    def snomed_for(self, activity: str) -> dict | None:
        """A SNOMED CT coding that names this activity exactly (none today: SNOMED has no codes this fine)."""
        for (system, code), e in self.codes.items():
            if e.get("activity") == activity:
                return {"system": system, "code": code, "display": e.get("display", "")}
        return None


@lru_cache(maxsize=1)
def load_table(path: str | None = None) -> CodeTable:
    doc = json.loads(Path(path or TABLE_PATH).read_text(encoding="utf-8"))
    codes = {(e["system"], e["code"]): e for e in doc.get("codes", ())}
    kws = [(w.lower(), e["activity"]) for e in doc.get("keywords", ()) for w in e["words"]]
    kws.sort(key=lambda kv: -len(kv[0]))
    areas = tuple((w.lower(), e["area"]) for e in doc.get("areas", ()) for w in e["words"])
    return CodeTable(codes, tuple(kws), areas, doc.get("default_area", "self-care"))


def _has(text: str, phrase: str) -> bool:
    return re.search(r"(?<![a-z0-9])" + re.escape(phrase) + r"(?![a-z0-9])", text) is not None


def match_keywords(texts: Iterable[str], table: CodeTable) -> str | None:
    """The library id whose longest keyword occurs in the texts (whole words, any case)."""
    low = " ".join(t.lower() for t in texts if isinstance(t, str))
    if not low:
        return None
    for phrase, activity in table.keywords:
        if _has(low, phrase):
            return activity
    return None


def match_area(texts: Iterable[str], table: CodeTable) -> str | None:
    low = " ".join(t.lower() for t in texts if isinstance(t, str))
    for phrase, area in table.areas:
        if _has(low, phrase):
            return area
    return None


def coding_entries(codings: Any, table: CodeTable) -> list[dict]:
    """Table entries for the codings of a CodeableConcept, in coding order."""
    out = []
    for c in codings if isinstance(codings, list) else []:
        if isinstance(c, dict) and isinstance(c.get("system"), str) and isinstance(c.get("code"), str):
            e = table.codes.get((c["system"], c["code"]))
            if e is not None:
                out.append(e)
    return out
