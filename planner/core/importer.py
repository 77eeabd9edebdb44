"""Plan importer: bytes of a plan file (JSON or CSV) -> a validated Plan.

Pure: no file system, no clock. Every problem raises PlanError naming the
field (`activities[0].times_per_week`) or, for CSV, the line and column.
"""
from __future__ import annotations

import csv
import difflib
import hashlib
import io
import json
import re
from datetime import date, timedelta
from typing import Any, Iterable

from planner.core.dates import BadDate, parse_date
from planner.core.text import BadText, clean_text
from planner.core.activity import PRECAUTIONS
from planner.core.model import (
    AREAS, FORMAT, FORMAT_2, HANDEDNESS, LEVELS, SCHOOL_DAYS, SCHOOL_SLOTS, SENSORY_KINDS,
    SENSORY_SYSTEMS, SETTINGS, SLOTS, WEEKDAYS, DAILY_SPREAD, Frequency, Goal, LibraryActivity,
    FrequencyKind, Phase, Plan, PlanActivity, age_in_months,
)
from planner.core.value import field, mutable

MAX_PLAN_BYTES = 1_000_000          # a real plan is a few KB
MAX_PLAN_DAYS = 3 * 366             # a plan longer than three years is almost surely a typo
SLUG = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$")
FREQ_KEYS = ("times_per_week", "days", "times_per_day")
TOP_KEYS = {"format", "plan_id", "version", "child", "therapist", "start", "end", "daily_minutes",
            "rest_days", "goals", "activities"}
ENTRY_KEYS = {"activity", "custom", "goal", "times_per_week", "days", "times_per_day", "minutes",
              "reps", "sets", "when", "notes", "sensory_diet"}
CUSTOM_KEYS = {"id", "title", "kid_title", "area", "areas", "steps", "picture", "setting"}
# Plan format 2 adds these (a v1 file that uses them is told to say "ot-home-plan/2").
TOP_KEYS_2 = TOP_KEYS | {"school_days"}
CHILD_KEYS_2 = {"name", "birth_date", "handedness", "precautions", "precaution_notes"}
GOAL_KEYS_2 = {"id", "text", "area", "baseline", "target", "target_date", "gas"}
ENTRY_KEYS_2 = ENTRY_KEYS | {"choice", "as_needed", "from", "until", "counts_toward_budget",
                             "hold_seconds", "per_side", "rest_seconds", "weight_kg", "resistance",
                             "stop_if", "coaching", "level", "phases", "progress_after_easy",
                             "precaution_checked"}
CUSTOM_KEYS_2 = CUSTOM_KEYS | {"materials", "easier", "harder", "safety", "sensory", "ages", "why",
                               "weighted", "conflicts", "counts_toward_budget"}
CHOICE_KEYS = {"id", "title", "kid_title", "options", "picture"}
PHASE_KEYS = {"from", "week", "level", "minutes", "reps", "sets"}
MAX_WEIGHT_KG = 10.0
DEFAULT_DAILY_MINUTES = 30
DEFAULT_CUSTOM_MINUTES = 5


Path = tuple  # a field's place in a plan document: ("activities", 0, "times_per_week")


def path_text(path: Path) -> str:
    """("activities", 0, "custom", "title") -> "activities[0].custom.title"."""
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def parse_path(where: str) -> Path:
    """The inverse of path_text, for a `where` given as text; "line 4, column 8" stays one part."""
    if not where or where.startswith("line "):
        return (where,) if where else ()
    parts: list = []
    for m in re.finditer(r"([^.\[\]]+)|\[(\d+)\]", where):
        parts.append(int(m.group(2)) if m.group(2) is not None else m.group(1))
    return tuple(parts)


class PlanError(ValueError):
    """A plan file problem. `where` is the text form of the field's place ("activities[0].minutes"
    or "line N, column C"); `path` is the same place as a tuple (("activities", 0, "minutes"))."""

    def __init__(self, where: "str | Path", message: str):
        if isinstance(where, tuple):
            path, where = where, path_text(where)
        else:
            path = parse_path(where)
        super().__init__(f"{where}: {message}" if where else message)
        self.where = where
        self.path = path
        self.message = message


@mutable
class CsvOptions:
    child: str | None = None
    start: str | None = None
    end: str | None = None
    daily_minutes: int | None = None
    weekday_minutes: int | None = None
    weekend_minutes: int | None = None
    rest_days: list[str] = field(default_factory=list)
    plan_id: str | None = None
    version: int | None = None


# ---------------------------------------------------------------- helpers

def _printable(text: str) -> str:
    """Text safe to show in a one-line message: line breaks, control and format characters
    (ANSI escapes, bidi overrides) and lone surrogates written as escapes."""
    return "".join(c if c.isprintable() else ascii(c)[1:-1] for c in text)


def _show(value: Any) -> str:
    try:
        text = json.dumps(value, ensure_ascii=False) if not isinstance(value, str) else repr(value)
    except (TypeError, ValueError):
        text = repr(value)
    text = _printable(text)
    return text if len(text) <= 40 else text[:37] + "..."


def _int(value: Any, where: str, lo: int, hi: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise PlanError(where, f"must be a whole number from {lo} to {hi} (got {_show(value)})")
    if not lo <= value <= hi:
        raise PlanError(where, f"must be from {lo} to {hi} (got {value})")
    return value


SINGLE_LINE = {"name", "title", "kid_title", "contact", "id"}     # names and titles: one line


def _text(value: Any, where: str, max_len: int, min_len: int = 1) -> str:
    """Text NFC-normalised, with no control characters or lone surrogates; runs of spaces fold
    (line breaks are kept in multi-line text such as notes; names and titles are one line)."""
    if not isinstance(value, str):
        raise PlanError(where, f"must be text (got {_show(value)})")
    single = where.rsplit(".", 1)[-1].split("[", 1)[0] in SINGLE_LINE
    try:
        value = clean_text(value, where, 10 * max_len + 100, multiline=not single)
    except BadText as exc:
        raise PlanError(where, str(exc).split(": ", 1)[1]) from None
    value = " ".join(value.split()) if "\n" not in value else value.strip()
    if len(value) < min_len:
        raise PlanError(where, "must not be empty")
    if len(value) > max_len:
        raise PlanError(where, f"is too long ({len(value)} characters, at most {max_len})")
    return value


def _date(value: Any, where: str) -> date:
    if not isinstance(value, str) or not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", value):
        raise PlanError(where, f"must be a date written YYYY-MM-DD (got {_show(value)})")
    try:
        return parse_date(value)
    except BadDate as exc:
        raise PlanError(where, f"{exc} (got {_show(value)})" if "outside" in str(exc)
                        else f"is not a real date (got {_show(value)})") from None


def _list(value: Any, where: str, max_len: int, min_len: int = 0) -> list:
    if not isinstance(value, list):
        raise PlanError(where, f"must be a list (got {_show(value)})")
    if len(value) < min_len:
        raise PlanError(where, f"needs at least {min_len} entr{'y' if min_len == 1 else 'ies'}")
    if len(value) > max_len:
        raise PlanError(where, f"has {len(value)} entries, at most {max_len}")
    return value


def _obj(value: Any, where: str, allowed: set[str] | None = None) -> dict:
    if not isinstance(value, dict):
        raise PlanError(where, f"must be an object (got {_show(value)})")
    if allowed is not None:
        for k in value:
            if k not in allowed:
                hint = difflib.get_close_matches(str(k), sorted(allowed), n=1)
                extra = f"; did you mean '{hint[0]}'?" if hint else ""
                shown = _printable(str(k)[:60])
                raise PlanError(f"{where}.{shown}" if where else shown, f"unknown field{extra}")
    return value


def _choice(value: Any, where: str, choices: Iterable[str], what: str) -> str:
    choices = tuple(choices)
    if not isinstance(value, str) or value not in choices:
        hint = difflib.get_close_matches(str(value), choices, n=1) if isinstance(value, str) else []
        extra = f"; did you mean '{hint[0]}'?" if hint else ""
        shown = ", ".join(choices) if len(choices) <= 12 else "see `planner library`"
        raise PlanError(where, f"unknown {what} {_show(value)}{extra} (one of: {shown})")
    return value


def _unique(values: list[str], where: str) -> None:
    seen = set()
    for i, v in enumerate(values):
        if v in seen:
            raise PlanError(f"{where}[{i}]", f"{_show(v)} is listed twice")
        seen.add(v)


def slugify(text: str, max_len: int = 40) -> str:
    s = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    return (s[:max_len].strip("-") or "x")


def plan_hash(raw: dict) -> str:
    """Fingerprint of a plan's content, independent of key order and whitespace."""
    canon = json.dumps(raw, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canon.encode("utf-8")).hexdigest()


# ---------------------------------------------------------------- JSON

def _plan_text(data: bytes, hint: str = "") -> str:
    """A plan file's bytes as text: not too large, not empty, UTF-8 (a BOM is fine), no NULs."""
    if len(data) > MAX_PLAN_BYTES:
        raise PlanError("", f"file is too large ({len(data) // 1024} KB, a plan is at most "
                            f"{MAX_PLAN_BYTES // 1000} KB)")
    if not data.strip():
        raise PlanError("", "file is empty")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise PlanError("", f"not a text file (byte {exc.start} is not UTF-8{hint})") from None
    if "\x00" in text:
        raise PlanError("", "not a text file (it contains NUL bytes)")
    return text


def parse_plan_json(data: bytes, library: dict[str, LibraryActivity],
                    picture_names: set[str] | None = None) -> Plan:
    """Decode and validate a JSON plan file's bytes."""
    text = _plan_text(data)
    return plan_from_dict(load_json(text), library, picture_names)


MAX_NUMBER_DIGITS = 15


def _pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for k, v in pairs:
        if k in out:
            raise PlanError("", f"field {str(k)[:60]!r} given twice")
        out[k] = v
    return out


class OutOfRange:
    """A number too long or too large to convert safely; the field that gets it refuses it."""

    def __init__(self, text: str):
        self.text = text

    def __repr__(self) -> str:
        return self.text if len(self.text) <= 20 else f"{self.text[:12]}... ({len(self.text)} characters)"


def _number(text: str) -> int | float | OutOfRange:
    digits = re.split(r"[.eE]", text.lstrip("-"))[0]
    if len(digits) > MAX_NUMBER_DIGITS or len(text) > 40:
        return OutOfRange(text)
    value = float(text) if any(c in text for c in ".eE") else int(text)
    if isinstance(value, float) and not abs(value) <= 1e15:
        return OutOfRange(text)
    return value


def load_json(text: str) -> Any:
    """JSON text -> value, strictly: duplicate keys, huge numbers, NaN and Infinity refused."""
    try:
        return json.loads(text, object_pairs_hook=_pairs, parse_int=_number, parse_float=_number,
                          parse_constant=OutOfRange)
    except RecursionError:
        raise PlanError("", "not a plan: the JSON is nested far too deeply") from None
    except json.JSONDecodeError as exc:
        raise PlanError("", f"not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})") from None


def plan_from_dict(raw: Any, library: dict[str, LibraryActivity],
                   picture_names: set[str] | None = None) -> Plan:
    """Validate a decoded plan document."""
    pictures = picture_names if picture_names is not None else ({a for a in library} | {"custom"})
    if not isinstance(raw, dict):
        raise PlanError("", f"not a plan: expected a JSON object at the top (got {type(raw).__name__})")
    if "format" not in raw:
        raise PlanError("format", f"is missing; a plan file starts with \"format\": \"{FORMAT}\"")
    if raw["format"] not in (FORMAT, FORMAT_2):
        raise PlanError("format", f"must be \"{FORMAT}\" or \"{FORMAT_2}\" (got {_show(raw['format'])})")
    v2 = raw["format"] == FORMAT_2
    _obj2(raw, "", TOP_KEYS, TOP_KEYS_2, v2)

    child = _obj2(raw.get("child"), "child", {"name", "birth_date"}, CHILD_KEYS_2, v2) \
        if "child" in raw else None
    if child is None:
        raise PlanError("child", "is missing; give at least {\"name\": ...}")
    if "name" not in child:
        raise PlanError("child.name", "is missing")
    child_name = _text(child["name"], "child.name", 60)
    birth = _date(child["birth_date"], "child.birth_date") if child.get("birth_date") is not None else None

    if "start" not in raw:
        raise PlanError("start", "is missing")
    start = _date(raw["start"], "start")
    end = _date(raw["end"], "end") if raw.get("end") is not None else None
    if end is not None and end < start:
        raise PlanError("end", f"is before start ({end} < {start})")
    if end is not None and (end - start).days > MAX_PLAN_DAYS:
        raise PlanError("end", f"makes the plan longer than three years ({start} to {end})")
    if birth is not None and birth > start:
        raise PlanError("child.birth_date", f"is after the plan's start ({birth} > {start})")
    handedness = None
    if child.get("handedness") is not None:
        handedness = _choice(child["handedness"], "child.handedness", HANDEDNESS, "handedness")
    precautions, precaution_texts = _precautions(child.get("precautions"))
    precaution_notes = _text(child["precaution_notes"], "child.precaution_notes", 500, 0) \
        if child.get("precaution_notes") is not None else ""

    if raw.get("plan_id") is not None:
        plan_id = raw["plan_id"]
        if not isinstance(plan_id, str) or not SLUG.match(plan_id):
            raise PlanError("plan_id", "must be 1-64 lowercase letters, digits and dashes "
                                       f"(got {_show(plan_id)})")
    else:
        plan_id = f"{slugify(child_name, 30)}-{start.isoformat()}"
    version = _int(raw["version"], "version", 1, 1_000_000) if raw.get("version") is not None else 1

    weekday_min = weekend_min = DEFAULT_DAILY_MINUTES
    if raw.get("daily_minutes") is not None:
        dm = raw["daily_minutes"]
        if isinstance(dm, dict):
            _obj(dm, "daily_minutes", {"weekday", "weekend"})
            if not dm:
                raise PlanError("daily_minutes", "give weekday and/or weekend minutes")
            if "weekday" in dm:
                weekday_min = _int(dm["weekday"], "daily_minutes.weekday", 1, 240)
            if "weekend" in dm:
                weekend_min = _int(dm["weekend"], "daily_minutes.weekend", 1, 240)
            if "weekday" not in dm:
                weekday_min = weekend_min
            if "weekend" not in dm:
                weekend_min = weekday_min
        else:
            weekday_min = weekend_min = _int(dm, "daily_minutes", 1, 240)

    rest_days: list[str] = []
    if raw.get("rest_days") is not None:
        for i, d in enumerate(_list(raw["rest_days"], "rest_days", 6)):
            rest_days.append(_choice(d.lower() if isinstance(d, str) else d,
                                     f"rest_days[{i}]", WEEKDAYS, "weekday"))
        _unique(rest_days, "rest_days")
    practice_days = 7 - len(rest_days)
    school_days = list(SCHOOL_DAYS if v2 else WEEKDAYS)     # format 1 had no school days
    if raw.get("school_days") is not None:
        school_days = [_choice(d.lower() if isinstance(d, str) else d, f"school_days[{i}]", WEEKDAYS,
                               "weekday") for i, d in enumerate(_list(raw["school_days"], "school_days", 7))]
        _unique(school_days, "school_days")
        school_days.sort(key=WEEKDAYS.index)

    goals: list[Goal] = []
    if raw.get("goals") is not None:
        for i, g in enumerate(_list(raw["goals"], "goals", 30)):
            where = f"goals[{i}]"
            _obj2(g, where, {"id", "text", "area"}, GOAL_KEYS_2, v2)
            for k in ("id", "text"):
                if k not in g:
                    raise PlanError(f"{where}.{k}", "is missing")
            gid = g["id"]
            if not isinstance(gid, str) or not SLUG.match(gid):
                raise PlanError(f"{where}.id", f"must be lowercase letters, digits and dashes (got {_show(gid)})")
            area = _choice(g["area"], f"{where}.area", AREAS, "area") if g.get("area") is not None else None
            goals.append(Goal(gid, _text(g["text"], f"{where}.text", 200), area, **_goal_v2(g, where, start)))
        _unique([g.id for g in goals], "goals")
    goal_ids = {g.id for g in goals}

    if "activities" not in raw:
        raise PlanError("activities", "is missing")
    entries = _list(raw["activities"], "activities", 50, 1)
    acts: list[PlanActivity] = []
    ctx = _Context(v2=v2, start=start, end=end, precautions=tuple(precautions), school_days=tuple(school_days),
                   age_months=age_in_months(birth, start) if birth else None, warnings=[])
    for i, e in enumerate(entries):
        acts.append(_entry(e, f"activities[{i}]", library, pictures, goal_ids, rest_days,
                           practice_days, ctx))
    seen: dict[str, int] = {}
    for i, a in enumerate(acts):
        if a.key in seen:
            raise PlanError(f"activities[{i}]", f"'{a.key}' is already in the plan "
                                                f"(activities[{seen[a.key]}]); list each activity once")
        seen[a.key] = i

    therapist = _obj(raw.get("therapist") or {}, "therapist", {"name", "contact"})
    t_name = _text(therapist["name"], "therapist.name", 80) if therapist.get("name") else ""
    t_contact = _text(therapist["contact"], "therapist.contact", 120) if therapist.get("contact") else ""

    return Plan(
        plan_id=plan_id, version=version, child=child_name, start=start, end=end,
        weekday_minutes=weekday_min, weekend_minutes=weekend_min, rest_days=tuple(rest_days),
        goals=tuple(goals), activities=tuple(acts), birth_date=birth,
        therapist_name=t_name, therapist_contact=t_contact, source=raw,
        handedness=handedness, precautions=tuple(precautions), precaution_texts=tuple(precaution_texts),
        precaution_notes=precaution_notes, school_days=tuple(school_days), warnings=tuple(ctx.warnings),
    )


@mutable
class _Context:
    """What every entry of one plan is checked against."""
    v2: bool
    start: date
    end: date | None
    precautions: tuple[str, ...]
    school_days: tuple[str, ...]
    age_months: int | None
    warnings: list[str]


def _obj2(value: Any, where: str, keys_1: set[str], keys_2: set[str], v2: bool) -> dict:
    """An object of plan format 1 or 2: a format-2 field in a format-1 file says so."""
    obj = _obj(value, where, keys_2)
    if not v2:
        for k in obj:
            if k not in keys_1:
                raise PlanError(f"{where}.{k}" if where else str(k),
                                f"is a plan format 2 field; start the file with \"format\": \"{FORMAT_2}\"")
    return obj


def _precautions(value: Any) -> tuple[list[str], list[tuple[str, str]]]:
    """`["latex-allergy", {"id": "food-allergy", "text": "peanuts"}]`."""
    if value is None:
        return [], []
    ids: list[str] = []
    texts: list[tuple[str, str]] = []
    for i, p in enumerate(_list(value, "child.precautions", len(PRECAUTIONS))):
        where = f"child.precautions[{i}]"
        if isinstance(p, dict):
            _obj(p, where, {"id", "text"})
            if "id" not in p:
                raise PlanError(f"{where}.id", "is missing")
            pid = _choice(p["id"], f"{where}.id", PRECAUTIONS, "precaution")
            if p.get("text") is not None:
                texts.append((pid, _text(p["text"], f"{where}.text", 200)))
        else:
            pid = _choice(p, where, PRECAUTIONS, "precaution")
        ids.append(pid)
    _unique(ids, "child.precautions")
    if "food-allergy" in ids and not any(k == "food-allergy" for k, _ in texts):
        raise PlanError("child.precautions", "food-allergy needs a text naming the foods: "
                                             "{\"id\": \"food-allergy\", \"text\": \"peanuts, egg\"}")
    return ids, texts


def _goal_v2(g: dict, where: str, start: date) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for k, n in (("baseline", 300), ("target", 300)):
        if g.get(k) is not None:
            out[k] = _text(g[k], f"{where}.{k}", n)
    if g.get("target_date") is not None:
        td = _date(g["target_date"], f"{where}.target_date")
        if td < start:
            raise PlanError(f"{where}.target_date", f"is before the plan's start ({td} < {start})")
        out["target_date"] = td
    if g.get("gas") is not None:
        gas = _obj(g["gas"], f"{where}.gas", {"-2", "-1", "0", "+1", "+2", "1", "2"})
        levels = {"-2": -2, "-1": -1, "0": 0, "+1": 1, "1": 1, "+2": 2, "2": 2}
        texts: dict[int, str] = {}
        for k, v in gas.items():
            if levels[k] in texts:
                raise PlanError(f"{where}.gas.{k}", "is given twice")
            texts[levels[k]] = _text(v, f"{where}.gas.{k}", 200)
        if sorted(texts) != [-2, -1, 0, 1, 2]:
            raise PlanError(f"{where}.gas", "needs a text for each level -2, -1, 0, +1 and +2")
        out["gas"] = tuple(texts[level] for level in (-2, -1, 0, 1, 2))
    return out


def _entry(e: Any, where: str, library: dict[str, LibraryActivity], pictures: set[str],
           goal_ids: set[str], rest_days: list[str], practice_days: int,
           ctx: "_Context | None" = None) -> PlanActivity:
    ctx = ctx or _Context(False, date(2000, 1, 1), None, (), SCHOOL_DAYS, None, [])
    _obj2(e, where, ENTRY_KEYS, ENTRY_KEYS_2, ctx.v2)
    kinds = [k for k in ("activity", "custom", "choice") if k in e]
    if len(kinds) != 1:
        what = "\"activity\" (a library id), \"custom\"" + (" or \"choice\"" if ctx.v2 else "")
        raise PlanError(where, f"give either {what}, not " + ("both" if len(kinds) > 1 else "neither"))
    lib: LibraryActivity | None = None
    options: tuple[str, ...] = ()
    extra: dict[str, Any] = {}
    conflicts: tuple[str, ...] = ()
    weighted = False
    routine_free = False               # a routine that happens anyway: not counted in the budget
    if kinds[0] == "activity":
        lib = _library_activity(e["activity"], f"{where}.activity", library)
        key, title, kid_title = lib.id, lib.title, lib.kid_title
        areas, setting, picture, steps = lib.areas, lib.setting, lib.picture, lib.steps
        conflicts, weighted = lib.conflicts, lib.weighted
        routine_free = not lib.counts_toward_budget
        custom = False
        _check_age(lib, where, ctx)
    elif kinds[0] == "custom":
        key, title, kid_title, areas, setting, steps, picture, extra = _custom(
            e["custom"], f"{where}.custom", pictures, ctx.v2)
        conflicts, weighted = extra.pop("conflicts", ()), extra.pop("weighted", False)
        routine_free = not extra.pop("counts_toward_budget", True)
        custom = True
    else:
        c = _obj(e["choice"], f"{where}.choice", CHOICE_KEYS)
        cw = f"{where}.choice"
        key, title, kid_title = _named(c, cw, ("id", "title", "options"))
        picked = [_library_activity(o, f"{cw}.options[{j}]", library)
                  for j, o in enumerate(_list(c["options"], f"{cw}.options", 8, 2))]
        options = tuple(a.id for a in picked)
        _unique(list(options), f"{cw}.options")
        for a in picked:
            _check_age(a, f"{cw}.options", ctx)
        areas = tuple(dict.fromkeys(area for a in picked for area in a.areas))[:3]
        setting = picked[0].setting
        picture = picked[0].picture
        steps = ()
        conflicts = tuple(dict.fromkeys(p for a in picked for p in a.conflicts))
        weighted = any(a.weighted for a in picked)
        custom = False
        lib = None
        extra["choice_minutes"] = max(a.minutes for a in picked)
        extra["choice_when"] = tuple(dict.fromkeys(w for a in picked for w in a.when))

    checked: tuple[str, ...] = ()
    if e.get("precaution_checked") is not None:
        lst = _list(e["precaution_checked"], f"{where}.precaution_checked", len(PRECAUTIONS))
        checked = tuple(_choice(p, f"{where}.precaution_checked[{j}]", PRECAUTIONS, "precaution")
                        for j, p in enumerate(lst))
    clash = [p for p in conflicts if p in ctx.precautions and p not in checked]
    if clash:
        p = clash[0]
        raise PlanError(f"{where}.{kinds[0]}",
                        f"'{key}' conflicts with the child's precaution {p}; leave it out, or add "
                        f"\"precaution_checked\": [\"{p}\"] if you decided it is safe for this child")

    as_needed = e.get("as_needed") is not None and _bool(e["as_needed"], f"{where}.as_needed")
    given = [k for k in FREQ_KEYS if e.get(k) is not None]
    if as_needed:
        if given:
            raise PlanError(f"{where}.{given[0]}", "an as-needed item has no frequency (it is never "
                                                  "scheduled); leave this out")
    elif not given:
        raise PlanError(where, "needs a frequency: one of times_per_week, days or times_per_day"
                        + (" (or \"as_needed\": true)" if ctx.v2 else ""))
    pair = set(given) == {"days", "times_per_day"} and ctx.v2
    if len(given) > 1 and not pair:
        hint = " (days with times_per_day needs plan format 2)" if set(given) == {"days", "times_per_day"} else ""
        raise PlanError(f"{where}.{given[1]}", f"give only one frequency (found {' and '.join(given)}){hint}")
    kind = "days" if pair else (given[0] if given else "as_needed")

    when: tuple[str, ...] = ()
    if e.get("when") is not None:
        lst = _list(e["when"], f"{where}.when", len(SLOTS), 1)
        when = tuple(_choice(s, f"{where}.when[{j}]", SLOTS if ctx.v2 else V1_SLOTS, "slot")
                     for j, s in enumerate(lst))
        _unique(list(when), f"{where}.when")
        when = tuple(sorted(when, key=SLOTS.index))

    suggested = lib.when if lib else extra.get("choice_when", ())
    suggested = tuple(w for w in suggested if w in SLOTS)
    if kind == "as_needed":
        freq = Frequency.when_needed()
        slots = when
    elif kind == "times_per_week":
        n = _int(e[kind], f"{where}.times_per_week", 1, 7)
        if n > practice_days:
            raise PlanError(f"{where}.times_per_week",
                            f"asks for {n} times a week but the plan has only {practice_days} "
                            "practice days a week")
        slots = when or suggested or ("afternoon",)
        if all(s in SCHOOL_SLOTS for s in slots):
            school = [d for d in ctx.school_days if d not in rest_days]
            if n > len(school):
                raise PlanError(f"{where}.times_per_week",
                                f"asks for {n} times a week in {', '.join(slots)} but that slot is "
                                f"only on school days ({len(school)} a week)")
        freq = Frequency.weekly(n)
    elif kind == "days":
        lst = _list(e["days"], f"{where}.days", 7, 1)
        days = []
        for j, d in enumerate(lst):
            d = _choice(d.lower() if isinstance(d, str) else d, f"{where}.days[{j}]", WEEKDAYS, "weekday")
            if d in rest_days:
                raise PlanError(f"{where}.days[{j}]", f"'{d}' is one of the plan's rest days")
            days.append(d)
        _unique(days, f"{where}.days")
        per_day = _int(e["times_per_day"], f"{where}.times_per_day", 1, 6) if pair else 1
        if pair:
            if when and len(when) != per_day:
                raise PlanError(f"{where}.when", f"lists {len(when)} slot(s) but times_per_day is "
                                                 f"{per_day}; list exactly {per_day} different slots")
            slots = when or (suggested if len(suggested) == per_day else DAILY_SPREAD[per_day])
        else:
            slots = when or suggested or ("afternoon",)
        freq = Frequency.on_days(tuple(sorted(days, key=WEEKDAYS.index)), per_day)
    else:
        n = _int(e[kind], f"{where}.times_per_day", 1, 6)
        if when and len(when) != n:
            raise PlanError(f"{where}.when", f"lists {len(when)} slot(s) but times_per_day is {n}; "
                                             f"list exactly {n} different slots")
        freq = Frequency.daily(n)
        slots = when or (suggested if len(suggested) == n else DAILY_SPREAD[n])

    minutes = _int(e["minutes"], f"{where}.minutes", 1, 120) if e.get("minutes") is not None \
        else (lib.minutes if lib else extra.get("choice_minutes", DEFAULT_CUSTOM_MINUTES))
    reps = _int(e["reps"], f"{where}.reps", 1, 200) if e.get("reps") is not None else None
    sets = _int(e["sets"], f"{where}.sets", 1, 10) if e.get("sets") is not None else None
    if lib and e.get("minutes") is None and reps is None:
        reps, sets = lib.reps, sets if sets is not None else lib.sets
    goal = None
    if e.get("goal") is not None:
        goal = e["goal"]
        if not isinstance(goal, str) or goal not in goal_ids:
            known = ", ".join(sorted(goal_ids)) or "the plan has no goals"
            raise PlanError(f"{where}.goal", f"{_show(goal)} is not a goal of this plan ({known})")
    notes = _text(e["notes"], f"{where}.notes", 500, 0) if e.get("notes") is not None else ""
    if e.get("sensory_diet") is not None and not isinstance(e["sensory_diet"], bool):
        raise PlanError(f"{where}.sensory_diet", f"must be true or false (got {_show(e['sensory_diet'])})")
    sensory = e["sensory_diet"] if e.get("sensory_diet") is not None \
        else bool(lib and lib.sensory_kind) or bool(extra.get("sensory_kind"))

    v2: dict[str, Any] = {}
    if ctx.v2:
        v2 = _entry_v2(e, where, ctx, weighted, routine_free, minutes, reps, sets)
    for k in ("materials", "easier", "harder", "safety"):
        if k in extra:
            v2[k] = extra[k]
    if custom and conflicts:
        v2["conflicts"] = tuple(conflicts)
    if custom and weighted:
        v2["weighted"] = True
    return PlanActivity(
        key=key, title=title, kid_title=kid_title, areas=tuple(areas), setting=setting,
        picture=picture, frequency=freq, minutes=minutes, reps=reps, sets=sets, when=tuple(slots),
        goal=goal, notes=notes, sensory_diet=sensory, custom=custom, steps=tuple(steps),
        options=options, precaution_checked=checked, **v2,
    )


V1_SLOTS = tuple(s for s in SLOTS if s != "after-school")


def _bool(value: Any, where: str) -> bool:
    if not isinstance(value, bool):
        raise PlanError(where, f"must be true or false (got {_show(value)})")
    return value


def _library_activity(aid: Any, where: str, library: dict[str, LibraryActivity]) -> LibraryActivity:
    if not isinstance(aid, str):
        raise PlanError(where, f"must be a library id (got {_show(aid)})")
    if aid not in library:
        hint = difflib.get_close_matches(aid, list(library), n=1)
        extra = f"; did you mean '{hint[0]}'?" if hint else ""
        raise PlanError(where, f"unknown activity id {_show(aid)}{extra} (see the activity library)")
    return library[aid]


def _check_age(lib: LibraryActivity, where: str, ctx: "_Context") -> None:
    """An activity outside its library age range for the child's age at the plan's start: warning."""
    months = ctx.age_months
    if months is None:
        return
    lo = getattr(lib, "age_min_months", lib.age_min * 12)
    hi = getattr(lib, "age_max_months", lib.age_max * 12 + 11)
    if lo <= months <= hi:
        return
    age = f"{months} months" if months < 36 else f"{months // 12} years"
    rng = lib.age_text() if hasattr(lib, "age_text") else f"{lib.age_min}-{lib.age_max} years"
    ctx.warnings.append(f"{where}: {lib.id} is meant for ages {rng}; the child is {age} at the "
                        "plan's start")


def _named(c: dict, cw: str, required: tuple[str, ...]) -> tuple[str, str, str]:
    """The id, title and kid title of a custom activity or a choice menu."""
    for k in required:
        if k not in c:
            raise PlanError(f"{cw}.{k}", "is missing")
    key = c["id"]
    if not isinstance(key, str) or not SLUG.match(key):
        raise PlanError(f"{cw}.id", f"must be lowercase letters, digits and dashes (got {_show(key)})")
    title = _text(c["title"], f"{cw}.title", 80)
    kid_title = _text(c["kid_title"], f"{cw}.kid_title", 24) if c.get("kid_title") is not None \
        else title[:24].rstrip()
    return key, title, kid_title


def _custom(c: Any, cw: str, pictures: set[str], v2: bool):
    c = _obj2(c, cw, CUSTOM_KEYS, CUSTOM_KEYS_2, v2)
    key, title, kid_title = _named(c, cw, ("id", "title"))
    if c.get("areas") is not None:
        lst = _list(c["areas"], f"{cw}.areas", 3, 1)
        areas = tuple(_choice(a, f"{cw}.areas[{j}]", AREAS, "area") for j, a in enumerate(lst))
    elif c.get("area") is not None:
        areas = (_choice(c["area"], f"{cw}.area", AREAS, "area"),)
    else:
        raise PlanError(f"{cw}.area", "is missing (one of: " + ", ".join(AREAS) + ")")
    setting = _choice(c["setting"], f"{cw}.setting", SETTINGS, "setting") \
        if c.get("setting") is not None else "table-top"
    steps = tuple(_text(s, f"{cw}.steps[{j}]", 200)
                  for j, s in enumerate(_list(c.get("steps") or [], f"{cw}.steps", 10)))
    picture = _custom_picture(title, areas)
    if c.get("picture") is not None:
        pic = c["picture"]
        if not isinstance(pic, str) or "/" in pic or "\\" in pic or "." in pic:
            raise PlanError(f"{cw}.picture", "must be a picture name from our set such as "
                                             f"'bead-stringing', not a path (got {_show(pic)})")
        if pic not in pictures:
            hint = difflib.get_close_matches(pic, sorted(pictures), n=1)
            extra = f"; did you mean '{hint[0]}'?" if hint else ""
            raise PlanError(f"{cw}.picture", f"unknown picture name {_show(pic)}{extra}")
        picture = f"activities/{pic}.svg"
    extra: dict[str, Any] = {}
    if c.get("materials") is not None:
        extra["materials"] = tuple(_text(m, f"{cw}.materials[{j}]", 120)
                                   for j, m in enumerate(_list(c["materials"], f"{cw}.materials", 12)))
    for k, n in (("easier", 300), ("harder", 300), ("safety", 400), ("why", 300)):
        if c.get(k) is not None:
            extra[k] = _text(c[k], f"{cw}.{k}", n)
    extra.pop("why", None)
    if c.get("sensory") is not None:
        sen = _obj(c["sensory"], f"{cw}.sensory", {"kind", "systems"})
        extra["sensory_kind"] = _choice(sen.get("kind"), f"{cw}.sensory.kind", SENSORY_KINDS, "sensory kind")
        for j, sy in enumerate(_list(sen.get("systems") or [], f"{cw}.sensory.systems", 4)):
            _choice(sy, f"{cw}.sensory.systems[{j}]", SENSORY_SYSTEMS, "sensory system")
    if c.get("ages") is not None:
        ages = _obj(c["ages"], f"{cw}.ages", {"min_months", "max_months"})
        lo = _int(ages.get("min_months", 0), f"{cw}.ages.min_months", 0, 215)
        hi = _int(ages.get("max_months", 215), f"{cw}.ages.max_months", 0, 215)
        if hi < lo:
            raise PlanError(f"{cw}.ages", f"max_months is below min_months ({hi} < {lo})")
    if c.get("conflicts") is not None:
        lst = _list(c["conflicts"], f"{cw}.conflicts", len(PRECAUTIONS))
        extra["conflicts"] = tuple(_choice(p, f"{cw}.conflicts[{j}]", PRECAUTIONS, "precaution")
                                   for j, p in enumerate(lst))
    if c.get("weighted") is not None:
        extra["weighted"] = _bool(c["weighted"], f"{cw}.weighted")
    if c.get("counts_toward_budget") is not None:
        extra["counts_toward_budget"] = _bool(c["counts_toward_budget"], f"{cw}.counts_toward_budget")
    return key, title, kid_title, areas, setting, steps, picture, extra


def _custom_picture(title: str, areas: tuple[str, ...]) -> str:
    """A picture for an activity of the therapist's own, chosen from its words and area."""
    from planner.picture_choice import choose_picture
    return choose_picture(title, areas)


def _entry_v2(e: dict, where: str, ctx: "_Context", weighted: bool, routine_free: bool,
              minutes: int, reps: int | None, sets: int | None) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if e.get("from") is not None:
        out["valid_from"] = _date(e["from"], f"{where}.from")
        if out["valid_from"] < ctx.start or (ctx.end and out["valid_from"] > ctx.end):
            raise PlanError(f"{where}.from", f"is outside the plan ({out['valid_from']})")
    if e.get("until") is not None:
        out["valid_until"] = _date(e["until"], f"{where}.until")
        if out["valid_until"] < out.get("valid_from", ctx.start):
            raise PlanError(f"{where}.until", f"is before the entry starts ({out['valid_until']})")
    budget = e.get("counts_toward_budget")
    if budget is not None:
        out["counts_toward_budget"] = _bool(budget, f"{where}.counts_toward_budget")
    elif routine_free:
        out["counts_toward_budget"] = False
    for k, hi in (("hold_seconds", 600), ("rest_seconds", 600)):
        if e.get(k) is not None:
            out[k] = _int(e[k], f"{where}.{k}", 1, hi)
    if e.get("per_side") is not None:
        out["per_side"] = _bool(e["per_side"], f"{where}.per_side")
    if e.get("weight_kg") is not None:
        w = e["weight_kg"]
        if isinstance(w, bool) or not isinstance(w, (int, float)) or not 0.1 <= w <= MAX_WEIGHT_KG:
            raise PlanError(f"{where}.weight_kg", f"must be a weight in kg from 0.1 to {MAX_WEIGHT_KG:g} "
                                                  f"(got {_show(w)})")
        out["weight_kg"] = round(float(w), 2)
    elif weighted:
        raise PlanError(f"{where}.weight_kg", "is needed: this is a weighted activity, and its weight "
                                              "is part of the dose (for example 1.5)")
    for k, n in (("resistance", 80), ("stop_if", 200), ("coaching", 500)):
        if e.get(k) is not None:
            out[k] = _text(e[k], f"{where}.{k}", n)
    if e.get("level") is not None:
        out["level"] = _choice(e["level"], f"{where}.level", LEVELS, "level")
    if e.get("progress_after_easy") is not None:
        out["progress_after_easy"] = _int(e["progress_after_easy"], f"{where}.progress_after_easy", 1, 20)
    if e.get("phases") is not None:
        phases: list[Phase] = []
        for j, ph in enumerate(_list(e["phases"], f"{where}.phases", 8, 1)):
            pw = f"{where}.phases[{j}]"
            _obj(ph, pw, PHASE_KEYS)
            if ("from" in ph) == ("week" in ph):
                raise PlanError(pw, "give either \"from\" (a date) or \"week\" (the plan's week number)")
            if "from" in ph:
                first = _date(ph["from"], f"{pw}.from")
            else:
                first = ctx.start + timedelta(weeks=_int(ph["week"], f"{pw}.week", 1, 160) - 1)
            if first <= ctx.start:
                raise PlanError(pw, f"starts on {first}, not after the plan's start; put that dose "
                                    "in the entry itself")
            if phases and first <= phases[-1].first:
                raise PlanError(pw, "phases must be in date order, each after the one before")
            phases.append(Phase(
                first=first,
                level=_choice(ph["level"], f"{pw}.level", LEVELS, "level") if ph.get("level") is not None else None,
                minutes=_int(ph["minutes"], f"{pw}.minutes", 1, 120) if ph.get("minutes") is not None else None,
                reps=_int(ph["reps"], f"{pw}.reps", 1, 200) if ph.get("reps") is not None else None,
                sets=_int(ph["sets"], f"{pw}.sets", 1, 10) if ph.get("sets") is not None else None))
        out["phases"] = tuple(phases)
    return out


# ---------------------------------------------------------------- CSV

CSV_COLUMNS = ("activity", "title", "area", "goal", "times_per_week", "days", "times_per_day",
               "minutes", "reps", "sets", "when", "notes")
_INT_COLUMNS = {"times_per_week", "times_per_day", "minutes", "reps", "sets"}
_LIST_COLUMNS = {"days", "when"}


def parse_plan_csv(data: bytes, options: CsvOptions, library: dict[str, LibraryActivity],
                   picture_names: set[str] | None = None) -> Plan:
    """A spreadsheet: one row per activity; plan-level fields come from `options`."""
    text = _plan_text(data, "; save the sheet as CSV UTF-8")
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","
    # strict: an unterminated quote is an error instead of swallowing every row after it
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    try:
        rows = list(reader)
    except csv.Error as exc:
        raise PlanError(f"line {reader.line_num}", f"cannot read the CSV ({exc})") from None
    if not rows:
        raise PlanError("", "file is empty")
    header = [h.strip().lower().replace(" ", "_") for h in rows[0]]
    for j, h in enumerate(header):
        if h and h not in CSV_COLUMNS:
            hint = difflib.get_close_matches(h, CSV_COLUMNS, n=1)
            extra = f"; did you mean '{hint[0]}'?" if hint else ""
            raise PlanError(f"line 1, column {j + 1}", f"unknown column {h!r}{extra} "
                                                       f"(columns: {', '.join(CSV_COLUMNS)})")
    if "activity" not in header and "title" not in header:
        raise PlanError("line 1", "the header needs an 'activity' column (or 'title' and 'area')")
    dup = [h for h in header if h and header.count(h) > 1]
    if dup:
        raise PlanError("line 1", f"column {dup[0]!r} appears twice")

    if not options.child:
        raise PlanError("--child", "is needed for a CSV plan (the child's name)")
    if not options.start:
        raise PlanError("--start", "is needed for a CSV plan (first day, YYYY-MM-DD)")
    doc: dict[str, Any] = {"format": FORMAT, "child": {"name": options.child}, "start": options.start}
    if options.end:
        doc["end"] = options.end
    if options.plan_id:
        doc["plan_id"] = options.plan_id
    if options.version:
        doc["version"] = options.version
    if options.daily_minutes is not None:
        doc["daily_minutes"] = options.daily_minutes
    elif options.weekday_minutes is not None or options.weekend_minutes is not None:
        dm = {}
        if options.weekday_minutes is not None:
            dm["weekday"] = options.weekday_minutes
        if options.weekend_minutes is not None:
            dm["weekend"] = options.weekend_minutes
        doc["daily_minutes"] = dm
    if options.rest_days:
        doc["rest_days"] = list(options.rest_days)

    goals: dict[str, str] = {}          # goal text -> id
    goal_areas: dict[str, str] = {}
    entries: list[dict] = []
    lines: list[int] = []               # source line of each entry
    cols = {name: j + 1 for j, name in enumerate(header) if name}
    line_no = 1
    reader_rows = rows[1:]
    # csv.reader does not report per-row line numbers after the fact; count them from the text.
    row_lines = _row_line_numbers(text, delimiter)
    for r, row in enumerate(reader_rows, start=1):
        line_no = row_lines[r] if r < len(row_lines) else r + 1
        cells = {header[j]: (row[j].strip() if j < len(row) else "") for j in range(len(header)) if header[j]}
        if len(row) > len(header) and any(c.strip() for c in row[len(header):]):
            raise PlanError(f"line {line_no}", f"has {len(row)} cells but the header has {len(header)}")
        if not any(cells.values()):
            continue
        entry: dict[str, Any] = {}
        try:
            if cells.get("activity"):
                entry["activity"] = cells["activity"].strip().lower()
            else:
                if not cells.get("title"):
                    raise PlanError("activity", "is empty; give a library id, or a title and area "
                                                "for your own activity")
                if not cells.get("area"):
                    raise PlanError("area", "is needed for your own activity (one of: "
                                            + ", ".join(AREAS) + ")")
                entry["custom"] = {"id": slugify(cells["title"]), "title": cells["title"],
                                   "area": cells["area"].strip().lower()}
            for name in _INT_COLUMNS:
                val = cells.get(name, "")
                if val:
                    if not re.fullmatch(r"[0-9]{1,9}(\.0{1,6})?", val):
                        raise PlanError(name, f"must be a whole number (got {_show(val)})")
                    entry[name] = int(val.split(".")[0])
            for name in _LIST_COLUMNS:
                val = cells.get(name, "")
                if val:
                    entry[name] = [v.lower() for v in re.split(r"[\s/,]+", val) if v]
            if cells.get("notes"):
                entry["notes"] = cells["notes"]
            if cells.get("goal"):
                text_goal = " ".join(cells["goal"].split())
                if text_goal not in goals:
                    gid = slugify(text_goal, 30)
                    base, n = gid, 2
                    while gid in goals.values():
                        gid, n = f"{base}-{n}", n + 1
                    goals[text_goal] = gid
                    area = cells.get("area", "").strip().lower()
                    if not area and entry.get("activity") in library:
                        area = library[entry["activity"]].areas[0]
                    if area in AREAS:
                        goal_areas[gid] = area
                entry["goal"] = goals[text_goal]
        except PlanError as exc:
            col = cols.get(exc.where, exc.where)
            raise PlanError(f"line {line_no}, column {col} ({exc.where})", exc.message) from None
        entries.append(entry)
        lines.append(line_no)
    if not entries:
        raise PlanError("", "no activities: the sheet has a header but no rows")
    doc["goals"] = [{"id": gid, "text": text, **({"area": goal_areas[gid]} if gid in goal_areas else {})}
                    for text, gid in goals.items()]
    doc["activities"] = entries
    try:
        return plan_from_dict(doc, library, picture_names)
    except PlanError as exc:
        p = exc.path
        if len(p) >= 2 and p[0] == "activities" and isinstance(p[1], int):
            rest = [x for x in p[2:] if isinstance(x, str) and x != "custom"]
            idx, field_name = p[1], (rest[0] if rest else None)
            column = {"id": "title", "kid_title": "title"}.get(field_name or "", field_name or "activity")
            col = cols.get(column, column)
            raise PlanError(f"line {lines[idx]}, column {col} ({column})", exc.message) from None
        raise


def _row_line_numbers(text: str, delimiter: str) -> list[int]:
    """Physical line where each CSV record starts (quoted cells may span lines)."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    starts = []
    prev_end = 0
    for _ in reader:
        starts.append(prev_end + 1)
        prev_end = reader.line_num
    return starts


# ---------------------------------------------------------------- export

def plan_to_dict(plan: Plan) -> dict[str, Any]:
    """A plan as a plan file (the builder's export, and the base of a settings revision): format 1
    when the plan uses only format-1 features, else format 2 with everything it holds."""
    v2 = plan.source.get("format") == FORMAT_2 or uses_format_2(plan)
    doc: dict[str, Any] = {"format": FORMAT_2 if v2 else FORMAT, "plan_id": plan.plan_id,
                           "version": plan.version, "child": {"name": plan.child}}
    if plan.birth_date:
        doc["child"]["birth_date"] = plan.birth_date.isoformat()
    if v2:
        if plan.handedness:
            doc["child"]["handedness"] = plan.handedness
        texts = dict(plan.precaution_texts)
        if plan.precautions:
            doc["child"]["precautions"] = [{"id": p, "text": texts[p]} if p in texts else p
                                           for p in plan.precautions]
        if plan.precaution_notes:
            doc["child"]["precaution_notes"] = plan.precaution_notes
    if plan.therapist_name or plan.therapist_contact:
        doc["therapist"] = {k: v for k, v in (("name", plan.therapist_name),
                                              ("contact", plan.therapist_contact)) if v}
    doc["start"] = plan.start.isoformat()
    if plan.end:
        doc["end"] = plan.end.isoformat()
    doc["daily_minutes"] = ({"weekday": plan.weekday_minutes, "weekend": plan.weekend_minutes}
                            if plan.weekday_minutes != plan.weekend_minutes else plan.weekday_minutes)
    if plan.rest_days:
        doc["rest_days"] = list(plan.rest_days)
    if v2 and tuple(plan.school_days) != SCHOOL_DAYS:
        doc["school_days"] = list(plan.school_days)
    if plan.goals:
        doc["goals"] = [_goal_doc(g, v2) for g in plan.goals]
    doc["activities"] = [_entry_doc(a, v2) for a in plan.activities]
    return doc


def uses_format_2(plan: Plan) -> bool:
    if plan.handedness or plan.precautions or plan.precaution_notes or \
            tuple(plan.school_days) not in (SCHOOL_DAYS, WEEKDAYS):
        return True
    if any(g.baseline or g.target or g.target_date or g.gas for g in plan.goals):
        return True
    base = PlanActivity("x", "x", "x", (), "table-top", "", Frequency.weekly(1), 1)
    fields_2 = ("options", "valid_from", "valid_until", "counts_toward_budget", "hold_seconds", "per_side",
                "rest_seconds", "weight_kg", "resistance", "stop_if", "coaching", "level", "phases",
                "progress_after_easy", "precaution_checked", "materials", "easier", "harder", "safety",
                "conflicts", "weighted")
    for a in plan.activities:
        if a.as_needed or (a.frequency.kind is FrequencyKind.ON_DAYS and a.frequency.per_day > 1) \
                or "after-school" in a.when:
            return True
        if any(getattr(a, k) != getattr(base, k) for k in fields_2 if k != "counts_toward_budget"):
            return True
    return False


def _goal_doc(g: Goal, v2: bool) -> dict[str, Any]:
    d: dict[str, Any] = {"id": g.id, "text": g.text}
    if g.area:
        d["area"] = g.area
    if v2:
        if g.baseline:
            d["baseline"] = g.baseline
        if g.target:
            d["target"] = g.target
        if g.target_date:
            d["target_date"] = g.target_date.isoformat()
        if len(g.gas) == 5:
            d["gas"] = dict(zip(("-2", "-1", "0", "+1", "+2"), g.gas))
    return d


def _entry_doc(a: PlanActivity, v2: bool) -> dict[str, Any]:
    if a.is_choice:
        e: dict[str, Any] = {"choice": {"id": a.key, "title": a.title, "kid_title": a.kid_title,
                                        "options": list(a.options)}}
    elif a.custom:
        c: dict[str, Any] = {"id": a.key, "title": a.title, "kid_title": a.kid_title,
                             "areas": list(a.areas), "setting": a.setting}
        if a.steps:
            c["steps"] = list(a.steps)
        if a.picture.startswith("activities/"):
            pic = a.picture.rsplit("/", 1)[-1].removesuffix(".svg")
            if pic != "custom":
                c["picture"] = pic
        if v2:
            if a.materials:
                c["materials"] = list(a.materials)
            for k in ("easier", "harder", "safety"):
                if getattr(a, k):
                    c[k] = getattr(a, k)
            if a.conflicts:
                c["conflicts"] = list(a.conflicts)
            if a.weighted:
                c["weighted"] = True
        e = {"custom": c}
    else:
        e = {"activity": a.key}
    if a.goal:
        e["goal"] = a.goal
    e.update(a.frequency.to_doc())
    e["minutes"] = a.minutes
    if a.reps:
        e["reps"] = a.reps
    if a.sets:
        e["sets"] = a.sets
    if a.when:
        e["when"] = list(a.when)
    if a.sensory_diet:
        e["sensory_diet"] = True
    if a.notes:
        e["notes"] = a.notes
    if v2:
        if a.valid_from:
            e["from"] = a.valid_from.isoformat()
        if a.valid_until:
            e["until"] = a.valid_until.isoformat()
        if not a.counts_toward_budget:
            e["counts_toward_budget"] = False
        for k in ("hold_seconds", "rest_seconds", "weight_kg", "level", "progress_after_easy"):
            if getattr(a, k) is not None:
                e[k] = getattr(a, k)
        if a.per_side:
            e["per_side"] = True
        for k in ("resistance", "stop_if", "coaching"):
            if getattr(a, k):
                e[k] = getattr(a, k)
        if a.precaution_checked:
            e["precaution_checked"] = list(a.precaution_checked)
        if a.phases:
            e["phases"] = [{k: v for k, v in (("from", ph.first.isoformat()), ("level", ph.level),
                                             ("minutes", ph.minutes), ("reps", ph.reps),
                                             ("sets", ph.sets)) if v is not None} for ph in a.phases]
    return e
