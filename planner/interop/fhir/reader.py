"""FHIR R4 CarePlan (bare, or in a Bundle) -> our plan document, with a warning for everything not carried.

The result is a plan document in the plan-file format (a dict), never model objects: the
normal importer validates it and the usual preview/apply path runs. `ot-home-plan/1` when the
plan uses only version-1 fields, else `ot-home-plan/2`.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from planner.interop.fhir.codes import CodeTable, coding_entries, load_table, match_area, match_keywords
from planner.interop.fhir.common import (
    ACTIVITY_STATUSES, ACTIVITY_SYSTEM, AREA_SYSTEM, CAREPLAN_INTENTS, CODES, CAREPLAN_STATUSES, DAYS_OF_WEEK,
    EXT_ACTIVITY, EXT_AS_NEEDED, EXT_BASELINE, EXT_COACHING, EXT_DAILY_MINUTES, EXT_DOSE, EXT_PLAN_VERSION,
    EXT_CHILD, EXT_ENTRY, EXT_GAS, EXT_REST_DAY, EXT_SCHOOL_DAY, GOAL_LIFECYCLE, GOAL_SYSTEM, PLAN_SYSTEM, REQUEST_STATUSES, FhirError,
    parse_fhir_date, show, text_of,
)
from planner.interop.fhir.timing import CLOCK_SLOTS, SLOTS, When, describe, read_text, read_timing, until_for_total

MAX_FHIR_BYTES = 5_000_000          # a Bundle with its Goals and ServiceRequests is far smaller
MAX_PLAN_DAYS = 3 * 366
MAX_ACTIVITIES = 50
MAX_GOALS = 30
AREAS = ("fine-motor", "visual-motor", "gross-motor", "motor-planning", "sensory", "self-care",
         "handwriting", "self-regulation", "social", "cognitive", "oral-motor")
SETTINGS = ("movement", "table-top", "routine")
SLUG = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$")
DAILY_SPREAD = {1: ("afternoon",), 2: ("morning", "afternoon"), 3: ("morning", "afternoon", "evening"),
                4: ("morning", "midday", "afternoon", "evening"),
                5: ("morning", "midday", "afternoon", "evening", "bedtime"), 6: CLOCK_SLOTS}
BUNDLE_TYPES = ("collection", "transaction", "searchset", "document", "batch")
# Elements read (or knowingly not needed) per resource; anything else gives a warning.
CAREPLAN_READ = {"resourceType", "id", "meta", "text", "language", "implicitRules", "contained",
                 "identifier", "status", "intent", "subject", "period", "created", "author", "goal",
                 "activity", "extension", "category"}
DETAIL_READ = {"kind", "code", "description", "status", "goal", "scheduledTiming", "scheduledPeriod",
               "scheduledString", "doNotPerform", "extension", "performer", "id", "quantity"}
REQUEST_READ = {"resourceType", "id", "meta", "text", "language", "contained", "identifier", "status",
                "intent", "code", "subject", "occurrenceTiming", "occurrencePeriod", "occurrenceDateTime",
                "asNeededBoolean", "asNeededCodeableConcept", "patientInstruction", "note", "doNotPerform",
                "authoredOn", "requester", "quantityQuantity", "extension", "basedOn"}
GOAL_READ = {"resourceType", "id", "meta", "text", "language", "identifier", "lifecycleStatus",
             "description", "subject", "target", "extension", "category", "achievementStatus",
             "expressedBy", "startDate"}
HOME_KINDS = (None, "ServiceRequest", "Task", "CommunicationRequest")
R5_ACTIVITY_KEYS = ("plannedActivityReference", "performedActivity", "plannedActivityDetail")


def _d(x: Any) -> dict:
    return x if isinstance(x, dict) else {}


def _l(x: Any) -> list:
    return x if isinstance(x, list) else []


def _s(x: Any) -> str:
    return x if isinstance(x, str) else ""


def slugify(text: str, max_len: int = 40) -> str:
    s = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    return s[:max_len].strip("-")


def _cut(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    cut = text[: limit - 1].rsplit(" ", 1)[0].rstrip(" ,.;:-")
    return (cut or text[: limit - 1]) + "…"


def looks_like_fhir(data: bytes) -> bool:
    """True when the bytes are a JSON object with a FHIR `resourceType` (and are not our plan file)."""
    if not isinstance(data, (bytes, bytearray)):
        return False
    head = bytes(data[:65536]).lstrip(b"\xef\xbb\xbf \t\r\n")
    if not head.startswith(b"{"):
        return False
    if len(data) <= MAX_FHIR_BYTES:
        try:
            doc = json.loads(bytes(data).decode("utf-8-sig"))
        except (ValueError, RecursionError):
            return False
        return isinstance(doc, dict) and isinstance(doc.get("resourceType"), str) and "format" not in doc
    return re.search(rb'"resourceType"\s*:\s*"[A-Z][A-Za-z]+"', head) is not None


def _load(data: bytes | dict) -> dict:
    if isinstance(data, dict):
        return data
    if not isinstance(data, (bytes, bytearray)):
        raise FhirError(f"not FHIR JSON (got {type(data).__name__})")
    if len(data) > MAX_FHIR_BYTES:
        raise FhirError(f"file is too large ({len(data) // 1024} KB; a FHIR CarePlan Bundle is at most "
                        f"{MAX_FHIR_BYTES // 1_000_000} MB)")
    try:
        text = bytes(data).decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise FhirError(f"not a text file (byte {exc.start} is not UTF-8)") from None
    if not text.strip():
        raise FhirError("file is empty")
    try:
        doc = json.loads(text)
    except RecursionError:
        raise FhirError("not FHIR JSON: nested far too deeply") from None
    except ValueError as exc:
        raise FhirError(f"not valid JSON ({exc})") from None
    if not isinstance(doc, dict):
        raise FhirError(f"not FHIR JSON: expected an object at the top (got {type(doc).__name__})")
    return doc


@dataclass
class _Entry:
    """One activity on its way into the plan document."""
    where: str
    entry: dict
    when: When
    lib_id: str | None
    title: str
    area: str | None
    texts: list[str] = field(default_factory=list)
    start: date | None = None
    end: date | None = None
    as_needed: bool = False


class _Reader:
    def __init__(self, root: dict, library: dict, table: CodeTable, today: date | None):
        self.root = root
        self.library = library
        self.table = table
        self.today = today
        self.warnings: list[str] = []
        self.index: dict[str, dict] = {}
        self.v2 = False
        self.careplan: dict | None = None
        self.left_out: list[str] = []

    # ------------------------------------------------------------ helpers
    def warn(self, where: str, message: str) -> None:
        line = f"{where}: {message}" if where else message
        if line not in self.warnings:
            self.warnings.append(line)
        if where.startswith("activity[") and "left out" in message:
            self.left_out.append(line)

    def fail(self, message: str) -> FhirError:
        return FhirError(message, self.warnings)

    def _add(self, res: Any, full_url: Any = None) -> None:
        if not isinstance(res, dict) or not isinstance(res.get("resourceType"), str):
            return
        rid = res.get("id")
        if isinstance(rid, str) and rid:
            self.index.setdefault(f"{res['resourceType']}/{rid}", res)
        if isinstance(full_url, str) and full_url:
            self.index.setdefault(full_url, res)

    def resolve(self, ref: Any, owner: dict | None = None) -> dict | None:
        """A Reference -> the resource in the file (contained, bundle entry by fullUrl or Type/id)."""
        value = _s(_d(ref).get("reference"))
        if not value:
            return None
        if value.startswith("#"):
            for holder in (owner, self.careplan):
                for c in _l(_d(holder).get("contained")):
                    if isinstance(c, dict) and c.get("id") == value[1:]:
                        return c
            return None
        if value in self.index:
            return self.index[value]
        m = re.search(r"([A-Z][A-Za-z]+)/([A-Za-z0-9\-.]{1,64})(?:/_history/[^/]+)?$", value)
        if m:
            return self.index.get(f"{m.group(1)}/{m.group(2)}")
        return None

    @staticmethod
    def brief(value: Any) -> str:
        """A short view of an element for a warning: its text or display when it has one."""
        items = value if isinstance(value, list) else [value]
        words = []
        for v in items:
            if isinstance(v, dict):
                t = text_of(v.get("display")) or text_of(v.get("text")) or text_of(v.get("reference")) or next(
                    (text_of(_d(c).get("display")) or text_of(_d(c).get("code")) for c in _l(v.get("coding"))), "")
                if t:
                    words.append(t)
            elif isinstance(v, (str, int, float)) and not isinstance(v, bool):
                words.append(str(v))
        return show(", ".join(words), 50) if words else ""

    @staticmethod
    def ref_text(ref: Any) -> str:
        r = _d(ref)
        return _s(r.get("reference")) or _s(r.get("display")) or "(no reference)"

    def unread(self, res: dict, read: set[str], where: str) -> None:
        for k in res:
            if k not in read and not k.startswith("_"):
                self.warn(f"{where}.{k} {self.brief(res[k])}".rstrip(), "not carried")
        for i, x in enumerate(_l(res.get("modifierExtension"))):
            raise self.fail(f"{where}.modifierExtension[{i}] {show(_d(x).get('url'))}: an extension that "
                            "changes the meaning, unknown to the app; the plan cannot be imported safely")

    def our_extensions(self, holder: dict, where: str, known: dict[str, Any]) -> dict[str, list[dict]]:
        """Extensions of the project by url; others warn."""
        out: dict[str, list[dict]] = {}
        for i, ext in enumerate(_l(holder.get("extension"))):
            url = _s(_d(ext).get("url"))
            if url in known:
                out.setdefault(url, []).append(_d(ext))
            else:
                self.warn(f"{where}.extension[{i}] {show(url)}", "not carried")
        return out

    # ------------------------------------------------------------ find the CarePlan
    def pick_careplan(self) -> dict:
        root = self.root
        rtype = root.get("resourceType")
        if not isinstance(rtype, str):
            raise self.fail("resourceType: missing; this is not a FHIR resource")
        if rtype == "CarePlan":
            self._add(root)
            return root
        if rtype != "Bundle":
            hint = " (send the CarePlan that refers to it)" if rtype in ("ServiceRequest", "Goal") else ""
            raise self.fail(f"resourceType: expected a CarePlan or a Bundle holding one (got {show(rtype)}){hint}")
        btype = root.get("type")
        if btype not in BUNDLE_TYPES:
            raise self.fail(f"Bundle.type: {show(btype)} is not a Bundle the app imports "
                            f"({', '.join(BUNDLE_TYPES)})")
        entries = root.get("entry")
        if entries is not None and not isinstance(entries, list):
            raise self.fail("Bundle.entry: must be a list")
        plans: list[tuple[int, dict]] = []
        matched: list[tuple[int, dict]] = []
        kinds: dict[str, int] = {}
        for i, e in enumerate(_l(entries)):
            res = _d(e).get("resource")
            if not isinstance(res, dict):
                continue
            self._add(res, _d(e).get("fullUrl"))
            rt = res.get("resourceType")
            kinds[str(rt)] = kinds.get(str(rt), 0) + 1
            if rt == "CarePlan":
                plans.append((i, res))
                if _d(_d(e).get("search")).get("mode") == "match":
                    matched.append((i, res))
            elif rt == "OperationOutcome":
                for j, iss in enumerate(_l(res.get("issue"))):
                    if _d(iss).get("severity") in ("error", "fatal", "warning"):
                        self.warn(f"Bundle.entry[{i}] OperationOutcome",
                                  _s(_d(iss).get("diagnostics")) or _s(_d(_d(iss).get("details")).get("text"))
                                  or "the server reported a problem")
        candidates = matched or plans
        if not candidates:
            held = ", ".join(f"{k} x{n}" for k, n in sorted(kinds.items())) or "nothing"
            raise self.fail(f"Bundle.entry: no CarePlan in this Bundle (it holds {held})")
        if len(candidates) > 1:
            live = [c for c in candidates if c[1].get("status") == "active"]
            if len(live) == 1:
                for i, res in candidates:
                    if res is not live[0][1]:
                        self.warn(f"Bundle.entry[{i}] CarePlan/{_s(res.get('id'))}",
                                  f"status {show(res.get('status'))}: not imported (the active CarePlan is)")
                candidates = live
            else:
                ids = ", ".join(_s(r.get("id")) or f"entry[{i}]" for i, r in (live or candidates))
                raise self.fail(f"Bundle.entry: {len(live or candidates)} CarePlans ({ids}); import one at a "
                                "time (pull with --careplan ID)")
        return candidates[0][1]

    # ------------------------------------------------------------ the plan
    def read(self) -> tuple[dict, list[str]]:
        cp = self.pick_careplan()
        self.careplan = cp
        for c in _l(cp.get("contained")):
            if isinstance(c, dict) and isinstance(c.get("id"), str):
                self.index.setdefault("#" + c["id"], c)
        for i, a in enumerate(_l(cp.get("activity"))):
            if isinstance(a, dict) and any(k in a for k in R5_ACTIVITY_KEYS) and "detail" not in a:
                key = next(k for k in R5_ACTIVITY_KEYS if k in a)
                raise self.fail(f"activity[{i}].{key}: this is a FHIR R5 CarePlan; the app reads FHIR R4 "
                                "(ask for an R4 export)")
        self.unread(cp, CAREPLAN_READ, "CarePlan")

        status = cp.get("status")
        if status not in CAREPLAN_STATUSES:
            self.warn("status", f"{show(status)} is not a CarePlan status (draft, active, ...): imported anyway")
        elif status in ("revoked", "entered-in-error"):
            raise self.fail(f"status: the CarePlan is {status}; nothing to practise")
        elif status != "active":
            why = {"draft": "not yet final", "on-hold": "paused by the clinic", "completed": "marked finished",
                   "unknown": "of unknown status"}[status]
            self.warn("status", f"{status}: the plan is {why}; check it before applying")
        intent = cp.get("intent")
        if intent not in CAREPLAN_INTENTS:
            self.warn("intent", f"{show(intent)} is not a CarePlan intent: imported anyway")
        elif intent in ("proposal", "option"):
            self.warn("intent", f"{intent}: a suggestion, not an agreed plan")
        for i, cat in enumerate(_l(cp.get("category"))):
            if not any(_d(c).get("system") == CODES for c in _l(_d(cat).get("coding"))):
                self.warn(f"category[{i}] {show(_d(cat).get('text') or _d(cat).get('coding'))}", "not carried")

        exts = self.our_extensions(cp, "CarePlan", {EXT_PLAN_VERSION: 1, EXT_DAILY_MINUTES: 1, EXT_REST_DAY: 1,
                                                    EXT_SCHOOL_DAY: 1, EXT_CHILD: 1})
        doc: dict[str, Any] = {"format": "ot-home-plan/1"}
        plan_id = self.plan_id(cp)
        if plan_id:
            doc["plan_id"] = plan_id
        doc["version"] = self.version(cp, exts)
        child, birth = self.child(cp)
        doc["child"] = {"name": child}
        therapist = self.therapist(cp)
        if therapist:
            doc["therapist"] = therapist

        budget = self.daily_minutes(exts)
        if budget is not None:
            doc["daily_minutes"] = budget
        rest = []
        for e in exts.get(EXT_REST_DAY, ()):
            if e.get("valueCode") in DAYS_OF_WEEK and e["valueCode"] not in rest:
                rest.append(e["valueCode"])
        rest = sorted(rest, key=DAYS_OF_WEEK.index)[:6]
        if rest:
            doc["rest_days"] = rest
        school = sorted({e.get("valueCode") for e in exts.get(EXT_SCHOOL_DAY, ())} & set(DAYS_OF_WEEK),
                        key=DAYS_OF_WEEK.index)
        for e in exts.get(EXT_CHILD, ()):
            self.child_extras(e, doc["child"])

        goals, goal_ids = self.goals(cp, plan_id)
        entries = self.activities(cp, goal_ids, rest)

        start, end = self.period(cp, entries)
        doc["start"] = start.isoformat()
        if end is not None:
            doc["end"] = end.isoformat()
        if birth is not None:
            if birth <= start:
                doc["child"]["birth_date"] = birth.isoformat()
            else:
                self.warn("Patient.birthDate", f"{birth} is after the plan's start: not carried")
        if goals:
            doc["goals"] = goals
        doc["activities"] = self.finish(entries, start, end, rest)
        if not doc["activities"]:
            total = len(_l(cp.get("activity")))
            why = f"none of its {total} activities can be practised at home" if total else "it has no activities"
            raise self.fail(f"activity: nothing to import: {why}"
                            + (f" ({self.left_out[0]})" if total and self.left_out else ""))
        # Our export always lists the school days; all seven is what a format-1 plan means.
        if school and (len(school) < 7 or self.v2):
            doc["school_days"] = school
            self.v2 = True
        if self.v2:
            doc["format"] = "ot-home-plan/2"
        return doc, self.warnings

    def plan_id(self, cp: dict) -> str | None:
        idents = [i for i in _l(cp.get("identifier")) if isinstance(i, dict) and _s(i.get("value"))]
        for i in idents:
            if i.get("system") == PLAN_SYSTEM:
                value = _s(i["value"]).rsplit(":", 1)[-1]
                if SLUG.match(value):
                    return value
        for i in idents:
            value = slugify(_s(i["value"]), 64)
            if value:
                return value
        rid = slugify(_s(cp.get("id")), 64)
        return rid or None

    def version(self, cp: dict, exts: dict) -> int:
        for e in exts.get(EXT_PLAN_VERSION, ()):
            v = e.get("valueInteger") if "valueInteger" in e else e.get("valuePositiveInt")
            if isinstance(v, int) and not isinstance(v, bool) and 1 <= v <= 1_000_000:
                return v
        vid = _d(cp.get("meta")).get("versionId")
        if isinstance(vid, str) and vid.isdigit() and 1 <= int(vid) <= 1_000_000:
            return int(vid)
        if vid is not None:
            self.warn("meta.versionId", f"{show(vid)} is not a number: imported as version 1")
        return 1

    def child(self, cp: dict) -> tuple[str, date | None]:
        subject = cp.get("subject")
        patient = self.resolve(subject, cp)
        name = ""
        birth = None
        if patient is not None and patient.get("resourceType") == "Patient":
            names = [n for n in _l(patient.get("name")) if isinstance(n, dict)]
            names.sort(key=lambda n: {"usual": 0, "nickname": 1, "official": 2}.get(_s(n.get("use")), 3))
            for n in names:
                given = [g for g in _l(n.get("given")) if isinstance(g, str) and g.strip()]
                name = text_of(given[0]) if given else text_of(n.get("text")) or text_of(n.get("family"))
                if name:
                    break
            b = patient.get("birthDate")
            if b is not None:
                birth, exact = parse_fhir_date(b)
                if birth is None or not exact:
                    self.warn("Patient.birthDate", f"{show(b)} is not a full date: not carried")
                    birth = None
            left = sorted(k for k in patient if k not in ("resourceType", "id", "meta", "text", "name",
                                                          "birthDate", "identifier", "active"))
            if left:
                self.warn("Patient", f"only the name and birth date are kept ({', '.join(left)} not carried)")
        elif patient is not None:
            self.warn("subject", f"{patient.get('resourceType')} is not a Patient")
        if not name:
            name = text_of(_d(subject).get("display"))
        if not name:
            self.warn("subject", f"{show(self.ref_text(subject))}: no name in the file; the child is called "
                                 "'Child' (change it in Settings)")
            name = "Child"
        if len(name) > 60:
            self.warn("Patient.name", f"{show(name)} cut to 60 characters")
            name = _cut(name, 60)
        return name, birth

    def child_extras(self, ext: dict, child: dict) -> None:
        """Our extension with the child's handedness and precautions (plan format 2)."""
        for sub in _l(ext.get("extension")):
            sub = _d(sub)
            url = sub.get("url")
            if url == "handedness" and isinstance(sub.get("valueCode"), str):
                child["handedness"] = sub["valueCode"]
            elif url == "precaution-notes" and text_of(sub.get("valueString")):
                child["precaution_notes"] = sub["valueString"].strip()
            elif url == "precaution":
                code = text = None
                for part in _l(sub.get("extension")):
                    part = _d(part)
                    if part.get("url") == "code" and isinstance(part.get("valueCode"), str):
                        code = part["valueCode"]
                    elif part.get("url") == "text" and text_of(part.get("valueString")):
                        text = part["valueString"].strip()
                if code:
                    child.setdefault("precautions", []).append({"id": code, "text": text} if text else code)
        if any(k in child for k in ("handedness", "precautions", "precaution_notes")):
            self.v2 = True

    def therapist(self, cp: dict) -> dict:
        author = cp.get("author")
        if author is None:
            return {}
        res = self.resolve(author, cp)
        name, contact = "", ""
        if res is not None and res.get("resourceType") == "PractitionerRole":
            res = self.resolve(res.get("practitioner"), res) or res
        if res is not None and res.get("resourceType") in ("Practitioner", "Organization"):
            if res["resourceType"] == "Organization":
                contact = text_of(res.get("name"))
            else:
                for n in _l(res.get("name")):
                    n = _d(n)
                    name = text_of(n.get("text")) or " ".join(
                        text_of(x) for x in [*_l(n.get("prefix")), *_l(n.get("given")), n.get("family"),
                                             *_l(n.get("suffix"))] if text_of(x))
                    if name:
                        break
            for t in _l(res.get("telecom")):
                if text_of(_d(t).get("value")):
                    contact = text_of(_d(t)["value"])
                    break
        if not name:
            name = text_of(_d(author).get("display"))
        out = {}
        if name:
            out["name"] = _cut(name, 80)
        if contact:
            out["contact"] = _cut(contact, 120)
        return out

    def daily_minutes(self, exts: dict) -> Any:
        for e in exts.get(EXT_DAILY_MINUTES, ()):
            parts = {}
            for sub in _l(e.get("extension")):
                v = _d(sub).get("valueInteger")
                if _d(sub).get("url") in ("weekday", "weekend") and isinstance(v, int) and 1 <= v <= 240:
                    parts[sub["url"]] = v
            if parts:
                if parts.get("weekday") == parts.get("weekend"):
                    return parts["weekday"]
                return parts
        return None

    # ------------------------------------------------------------ goals
    def goals(self, cp: dict, plan_id: str | None) -> tuple[list[dict], dict[int, str]]:
        out: list[dict] = []
        ids: dict[int, str] = {}          # id(resource) -> our goal id
        for i, ref in enumerate(_l(cp.get("goal"))):
            where = f"goal[{i}]"
            g = self.resolve(ref, cp)
            if g is None or g.get("resourceType") != "Goal":
                self.warn(f"{where} {show(self.ref_text(ref))}", "the Goal is not in the file: left out")
                continue
            gw = f"Goal/{_s(g.get('id')) or i}"
            status = g.get("lifecycleStatus")
            if status in ("cancelled", "entered-in-error", "rejected"):
                self.warn(f"{gw}.lifecycleStatus", f"{status}: goal left out")
                continue
            if status not in GOAL_LIFECYCLE:
                self.warn(f"{gw}.lifecycleStatus", f"{show(status)} is not a Goal status: imported anyway")
            elif status == "completed":
                self.warn(f"{gw}.lifecycleStatus", "completed: kept so its activities keep their goal")
            elif status == "on-hold":
                self.warn(f"{gw}.lifecycleStatus", "on-hold: kept")
            self.unread(g, GOAL_READ, gw)
            if g.get("achievementStatus") is not None:
                self.warn(f"{gw}.achievementStatus", "progress is recorded in the app, not imported")
            if g.get("startDate") is not None:
                self.warn(f"{gw}.startDate", "not carried")
            exts = self.our_extensions(g, gw, {EXT_BASELINE: 1, EXT_GAS: 1})
            desc = _d(g.get("description"))
            text = text_of(desc.get("text")) or next(
                (text_of(_d(c).get("display")) for c in _l(desc.get("coding")) if text_of(_d(c).get("display"))), "")
            if not text:
                self.warn(f"{gw}.description", "no text: goal left out")
                continue
            if len(text) > 200:
                self.warn(f"{gw}.description.text", "cut to 200 characters")
                text = _cut(text, 200)
            gid = None
            for ident in _l(g.get("identifier")):
                if _d(ident).get("system") == GOAL_SYSTEM:
                    v = _s(_d(ident).get("value")).rsplit(".", 1)[-1]
                    if SLUG.match(v):
                        gid = v
            gid = gid or slugify(text, 30) or f"goal-{i + 1}"
            base, n = gid, 2
            while gid in {x["id"] for x in out}:
                gid, n = f"{base[:27]}-{n}", n + 1
            entry: dict[str, Any] = {"id": gid, "text": text}
            for cat in _l(g.get("category")):
                for c in _l(_d(cat).get("coding")):
                    if _d(c).get("system") == AREA_SYSTEM and _d(c).get("code") in AREAS:
                        entry["area"] = c["code"]
            targets = [t for t in _l(g.get("target")) if isinstance(t, dict)]
            for j, t in enumerate(targets):
                tw = f"{gw}.target[{j}]"
                detail = self.target_text(t)
                if detail and "target" not in entry:
                    entry["target"] = _cut(detail, 200)
                elif detail:
                    self.warn(tw, f"{show(detail)}: only the first target is carried")
                due = t.get("dueDate")
                if due is not None:
                    d, exact = parse_fhir_date(due)
                    if d is not None and "target_date" not in entry:
                        entry["target_date"] = d.isoformat()
                    else:
                        self.warn(f"{tw}.dueDate", f"{show(due)} not carried")
                if t.get("dueDuration") is not None:
                    self.warn(f"{tw}.dueDuration", "not carried")
            for e in exts.get(EXT_BASELINE, ()):
                if text_of(e.get("valueString")):
                    entry["baseline"] = _cut(text_of(e["valueString"]), 200)
            for e in exts.get(EXT_GAS, ()):
                levels = {_s(_d(x).get("url")): text_of(_d(x).get("valueString")) for x in _l(e.get("extension"))}
                if all(levels.get(k) for k in ("-2", "-1", "0", "+1", "+2")):
                    entry["gas"] = {k: levels[k] for k in ("-2", "-1", "0", "+1", "+2")}
            if any(k in entry for k in ("target", "target_date", "baseline", "gas")):
                self.v2 = True
            if len(out) >= MAX_GOALS:
                self.warn(gw, f"more than {MAX_GOALS} goals: left out")
                continue
            out.append(entry)
            ids[id(g)] = gid
        return out, ids

    @staticmethod
    def target_text(t: dict) -> str:
        ours = any(_d(c).get("system") == CODES for c in _l(_d(t.get("measure")).get("coding")))
        measure = "" if ours else text_of(_d(t.get("measure")).get("text")) or next(
            (text_of(_d(c).get("display")) for c in _l(_d(t.get("measure")).get("coding"))), "")
        detail = ""
        if text_of(t.get("detailString")):
            detail = text_of(t["detailString"])
        elif isinstance(t.get("detailQuantity"), dict):
            q = t["detailQuantity"]
            if isinstance(q.get("value"), (int, float)) and not isinstance(q.get("value"), bool):
                detail = f"{q.get('comparator', '')}{q['value']:g} {text_of(q.get('unit')) or text_of(q.get('code'))}".strip()
        elif isinstance(t.get("detailRange"), dict):
            lo, hi = _d(t["detailRange"].get("low")).get("value"), _d(t["detailRange"].get("high")).get("value")
            detail = f"{lo}-{hi} {text_of(_d(t['detailRange'].get('low')).get('unit'))}".strip()
        elif isinstance(t.get("detailCodeableConcept"), dict):
            c = t["detailCodeableConcept"]
            detail = text_of(c.get("text")) or next((text_of(_d(x).get("display")) for x in _l(c.get("coding"))), "")
        elif isinstance(t.get("detailInteger"), int) and not isinstance(t.get("detailInteger"), bool):
            detail = str(t["detailInteger"])
        elif isinstance(t.get("detailBoolean"), bool):
            detail = "yes" if t["detailBoolean"] else "no"
        if measure and detail:
            return f"{measure}: {detail}"
        return detail or measure

    # ------------------------------------------------------------ activities
    def activities(self, cp: dict, goal_ids: dict[int, str], rest: list[str]) -> list[_Entry]:
        out: list[_Entry] = []
        raw = cp.get("activity")
        if raw is not None and not isinstance(raw, list):
            raise self.fail("activity: must be a list")
        for i, act in enumerate(_l(raw)):
            where = f"activity[{i}]"
            if not isinstance(act, dict):
                self.warn(where, f"is not an object (got {show(act)}): left out")
                continue
            for k in act:
                if k in ("progress", "outcomeCodeableConcept", "outcomeReference", "extension"):
                    self.warn(f"{where}.{k}", "not carried (records of the past, not the plan)"
                              if k != "extension" else "not carried")
                elif k not in ("detail", "reference", "id", "modifierExtension"):
                    self.warn(f"{where}.{k}", "not carried")
            if _l(act.get("modifierExtension")):
                self.warn(f"{where}.modifierExtension", "an unknown extension changes its meaning: left out")
                continue
            e = None
            if isinstance(act.get("detail"), dict):
                if act.get("reference") is not None:
                    self.warn(f"{where}.reference", "ignored: the activity has a detail")
                e = self.detail(act["detail"], f"{where}.detail", goal_ids)
            elif act.get("reference") is not None:
                e = self.reference(act["reference"], where, goal_ids)
            else:
                self.warn(where, "has neither detail nor reference: left out")
            if e is not None:
                out.append(e)
        return out

    def _codes(self, concept: Any, where: str) -> tuple[str | None, str | None, str, list[str], dict]:
        """CodeableConcept -> (library id, area, title, texts, own ext info)."""
        c = _d(concept)
        codings = [x for x in _l(c.get("coding")) if isinstance(x, dict)]
        texts = [text_of(c.get("text"))] + [text_of(x.get("display")) for x in codings]
        texts = [t for t in texts if t]
        lib_id = area = None
        own = {}
        for x in codings:
            if x.get("system") == ACTIVITY_SYSTEM and isinstance(x.get("code"), str):
                own = {"code": x["code"], "display": text_of(x.get("display"))}
                if x["code"] in self.library:
                    lib_id = x["code"]
        for e in coding_entries(codings, self.table):
            if e.get("not_home"):
                return None, None, "", texts, {"not_home": e.get("display") or e.get("code")}
            if lib_id is None and e.get("activity") in self.library:
                lib_id = e["activity"]
            if area is None and e.get("area") in AREAS:
                area = e["area"]
        title = text_of(c.get("text")) or next((text_of(x.get("display")) for x in codings
                                                if text_of(x.get("display"))), "")
        return lib_id, area, title, texts, own

    def detail(self, d: dict, where: str, goal_ids: dict[int, str]) -> _Entry | None:
        for k in d:
            if k not in DETAIL_READ and k != "modifierExtension":
                self.warn(f"{where}.{k} {self.brief(d[k])}".rstrip(), "not carried")
        if _l(d.get("modifierExtension")):
            self.warn(f"{where}.modifierExtension", "an unknown extension changes its meaning: left out")
            return None
        kind = d.get("kind")
        if kind not in HOME_KINDS:
            self.warn(f"{where}.kind", f"{show(kind)}: not a home activity: left out")
            return None
        if d.get("doNotPerform") is True:
            self.warn(f"{where}.doNotPerform", f"{show(self._label(d))} is something NOT to do: left out; "
                                               "tell the family yourself")
            return None
        status = d.get("status")
        if status not in ACTIVITY_STATUSES:
            self.warn(f"{where}.status", f"{show(status)} is not an activity status: imported anyway")
        elif status in ("on-hold", "completed", "cancelled", "stopped", "entered-in-error"):
            self.warn(f"{where}.status", f"{status}: {show(self._label(d))} left out")
            return None
        elif status == "unknown":
            self.warn(f"{where}.status", "unknown: imported anyway")
        for i, p in enumerate(_l(d.get("performer"))):
            ref = _s(_d(p).get("reference"))
            if ref and not re.match(r"^(#|.*\b(Patient|RelatedPerson)/)", ref):
                self.warn(f"{where}.performer[{i}] {show(self.ref_text(p))}", "done by the clinic, not at "
                                                                             "home: imported anyway")
        exts = self.our_extensions(d, where, {EXT_ACTIVITY: 1, EXT_DOSE: 1, EXT_COACHING: 1, EXT_AS_NEEDED: 1,
                                              EXT_ENTRY: 1})
        lib_id, area, title, texts, own = self._codes(d.get("code"), f"{where}.code")
        if own.get("not_home"):
            self.warn(f"{where}.code", f"{show(own['not_home'])} is a clinic visit, not home practice: left out")
            return None
        desc = text_of(d.get("description"))
        if not (title or desc or own):
            self.warn(where, "has no code text and no description, so nothing to show the family: left out")
            return None
        e = self.make_entry(where, lib_id, area, title, texts, desc, own, exts)
        # Timing
        when = When()
        if d.get("scheduledTiming") is not None:
            when = read_timing(d["scheduledTiming"], f"{where}.scheduledTiming", self.warn)
        elif d.get("scheduledPeriod") is not None:
            sp = _d(d.get("scheduledPeriod"))
            when.start, _ = parse_fhir_date(sp.get("start"))
            when.end, _ = parse_fhir_date(sp.get("end"), end=True)
        elif d.get("scheduledString") is not None:
            s = text_of(d.get("scheduledString"))
            when = read_text(s)
            e.texts.append(s)
            self.guessed(f"{where}.scheduledString {show(s)}", when)
        e.when = when
        e.start, e.end = when.start, when.end
        if not when.has_frequency and d.get("scheduledString") is None and desc:
            guess = read_text(desc)
            if guess.has_frequency or guess.minutes:
                self.guessed(f"{where}.description {show(desc)}", guess)
                guess.start, guess.end = when.start, when.end
                e.when = guess
        self.dose_from_quantity(d.get("quantity"), f"{where}.quantity", e)
        self.link_goal(d.get("goal"), f"{where}.goal", goal_ids, e)
        return e

    def _label(self, d: dict) -> str:
        c = _d(d.get("code"))
        return text_of(c.get("text")) or next((text_of(_d(x).get("display")) for x in _l(c.get("coding"))
                                               if text_of(_d(x).get("display"))), "") \
            or text_of(d.get("description")) or "this activity"

    def guessed(self, where: str, w: When) -> None:
        bits = []
        if w.has_frequency:
            bits.append(f"scheduled {describe(w)}")
        if w.minutes:
            bits.append(f"{w.minutes} minutes")
        if w.slots:
            bits.append("in the " + " and ".join(w.slots))
        self.warn(where, (", ".join(bits) if bits else "no frequency found") + "; check it")

    def make_entry(self, where: str, lib_id: str | None, area: str | None, title: str, texts: list[str],
                   desc: str, own: dict, exts: dict) -> _Entry:
        all_texts = texts + ([desc] if desc else [])
        if lib_id is None and not own:
            lib_id = match_keywords(all_texts, self.table)
        entry: dict[str, Any] = {}
        if not title:
            title = desc
        custom: dict[str, Any] = {}
        info = {}
        for ext in exts.get(EXT_ACTIVITY, ()):
            for sub in _l(ext.get("extension")):
                sub = _d(sub)
                key = _s(sub.get("url"))
                val = next((sub[k] for k in ("valueString", "valueCode", "valueBoolean") if k in sub), None)
                if key in ("area", "step", "material"):
                    info.setdefault(key, []).append(val)
                else:
                    info[key] = val
        has_options = any(_d(sub).get("url") == "option" for ext in exts.get(EXT_ENTRY, ())
                          for sub in _l(ext.get("extension")))
        if has_options:
            pass                                  # a choice menu: built from the options below
        elif lib_id is not None and not (own and info.get("custom") is True):
            entry["activity"] = lib_id
            title = self.library[lib_id].title
        else:
            own_id = _s(own.get("code"))
            ok = SLUG.match(own_id) and (own_id not in self.library or info.get("custom") is True)
            cid = own_id if ok else slugify(title or "activity")
            if not ok and cid in self.library:
                cid = f"{cid[:36]}-own"          # never the id of a different library activity
            if not cid:
                cid = "activity"
            custom["id"] = cid
            ctitle = title or "Activity"
            if len(ctitle) > 80:
                self.warn(f"{where}", f"title {show(ctitle)} cut to 80 characters (the full text is in the notes)")
                if desc != ctitle:
                    desc = (ctitle + (". " + desc if desc else ""))
                ctitle = _cut(ctitle, 80)
            custom["title"] = ctitle
            areas = [a for a in info.get("area", []) if a in AREAS][:3]
            if not areas:
                guess = area or match_area(all_texts, self.table)
                if guess is None:
                    guess = self.table.default_area
                    self.warn(where, f"{show(ctitle)} is not in the activity library: added as the plan's own "
                                     f"activity, area {guess} (no clue in its text); check it")
                else:
                    self.warn(where, f"{show(ctitle)} is not in the activity library: added as the plan's own "
                                     f"activity, area {guess}; check it")
                areas = [guess]
            custom["areas"] = areas
            if isinstance(info.get("kid-title"), str) and info["kid-title"].strip():
                custom["kid_title"] = _cut(text_of(info["kid-title"]), 24)
            if info.get("setting") in SETTINGS:
                custom["setting"] = info["setting"]
            if isinstance(info.get("picture"), str) and (info["picture"] in self.library or info["picture"] == "custom"):
                if info["picture"] != "custom":
                    custom["picture"] = info["picture"]
            steps = [_cut(text_of(s), 200) for s in info.get("step", []) if text_of(s)][:10]
            if steps:
                custom["steps"] = steps
            materials = [text_of(m) for m in info.get("material", []) if text_of(m)]
            if materials:
                custom["materials"] = materials
                self.v2 = True
            for k in ("easier", "harder", "safety"):
                if text_of(info.get(k)):
                    custom[k] = info[k].strip()
                    self.v2 = True
            entry["custom"] = custom
        if isinstance(info.get("sensory-diet"), bool):
            entry["sensory_diet"] = info["sensory-diet"]
        for ext in exts.get(EXT_DOSE, ()):
            for sub in _l(ext.get("extension")):
                sub = _d(sub)
                v = sub.get("valueInteger")
                key = {"reps": "reps", "sets": "sets", "hold-seconds": "hold_seconds",
                       "rest-seconds": "rest_seconds"}.get(_s(sub.get("url")))
                if key and isinstance(v, int) and not isinstance(v, bool) and v >= 1:
                    entry[key] = v
                elif sub.get("url") == "per-side" and sub.get("valueBoolean") is True:
                    entry["per_side"] = True
                elif sub.get("url") == "weight-kg" and isinstance(sub.get("valueDecimal"), (int, float)) \
                        and not isinstance(sub.get("valueDecimal"), bool):
                    entry["weight_kg"] = sub["valueDecimal"]
                elif sub.get("url") == "resistance" and text_of(sub.get("valueString")):
                    entry["resistance"] = text_of(sub["valueString"])
        for ext in exts.get(EXT_ENTRY, ()):
            for sub in _l(ext.get("extension")):
                sub = _d(sub)
                url = sub.get("url")
                if url == "stop-if" and text_of(sub.get("valueString")):
                    entry["stop_if"] = text_of(sub["valueString"])
                elif url == "level" and isinstance(sub.get("valueCode"), str):
                    entry["level"] = sub["valueCode"]
                elif url == "counts-toward-budget" and isinstance(sub.get("valueBoolean"), bool):
                    entry["counts_toward_budget"] = sub["valueBoolean"]
                elif url == "precaution-checked" and isinstance(sub.get("valueCode"), str):
                    entry.setdefault("precaution_checked", []).append(sub["valueCode"])
                elif url == "option" and isinstance(sub.get("valueCode"), str):
                    entry.setdefault("_options", []).append(sub["valueCode"])
                elif url == "progress-after-easy" and isinstance(sub.get("valueInteger"), int):
                    entry["progress_after_easy"] = sub["valueInteger"]
                elif url == "phase":
                    ph: dict[str, Any] = {}
                    for part in _l(sub.get("extension")):
                        part = _d(part)
                        v = next((part[k] for k in ("valueDate", "valueCode", "valueInteger") if k in part), None)
                        if part.get("url") in ("from", "level", "minutes", "reps", "sets") and v is not None:
                            ph["from" if part["url"] == "from" else part["url"]] = v
                    if "from" in ph:
                        entry.setdefault("phases", []).append(ph)
        options = entry.pop("_options", None)
        if options:
            own_id = _s(own.get("code"))
            choice = {"id": own_id if SLUG.match(own_id) else slugify(title or "choice"),
                      "title": _cut(title or "Choice", 80), "options": options}
            if isinstance(info.get("kid-title"), str) and info["kid-title"].strip():
                choice["kid_title"] = _cut(text_of(info["kid-title"]), 24)
            entry.pop("activity", None)
            entry.pop("custom", None)
            entry["choice"] = choice
            self.v2 = True
        for ext in exts.get(EXT_COACHING, ()):
            if text_of(ext.get("valueString")):
                entry["coaching"] = _cut(ext["valueString"].strip(), 500)
        as_needed = any(ext.get("valueBoolean") is True for ext in exts.get(EXT_AS_NEEDED, ()))
        e = _Entry(where, entry, When(), lib_id if "activity" in entry else None, title, area,
                   texts=all_texts, as_needed=as_needed)
        if desc and desc != title:
            entry["notes"] = desc
        return e

    def dose_from_quantity(self, q: Any, where: str, e: _Entry) -> None:
        if q is None:
            return
        q = _d(q)
        unit = (text_of(q.get("unit")) or text_of(q.get("code"))).lower().strip("{}")
        v = q.get("value")
        if unit in ("reps", "rep", "repetitions", "repetition", "times") and isinstance(v, (int, float)) \
                and not isinstance(v, bool) and 1 <= v <= 200 and v == int(v):
            e.entry.setdefault("reps", int(v))
        else:
            self.warn(where, f"{show(q)} not carried")

    def link_goal(self, refs: Any, where: str, goal_ids: dict[int, str], e: _Entry) -> None:
        found = []
        for j, ref in enumerate(_l(refs)):
            g = self.resolve(ref, self.careplan)
            gid = goal_ids.get(id(g)) if g is not None else None
            if gid is None:
                self.warn(f"{where}[{j}] {show(self.ref_text(ref))}", "not a goal of this plan: link not carried")
            elif gid not in found:
                found.append(gid)
        if found:
            e.entry["goal"] = found[0]
            if len(found) > 1:
                self.warn(where, f"{len(found)} goals; the app links one: {found[0]}")

    def reference(self, ref: Any, where: str, goal_ids: dict[int, str]) -> _Entry | None:
        res = self.resolve(ref, self.careplan)
        label = self.ref_text(ref)
        if res is None:
            self.warn(f"{where}.reference {show(label)}", "not in the file: left out")
            return None
        rt = res.get("resourceType")
        if rt != "ServiceRequest":
            self.warn(f"{where}.reference {show(label)}", f"a {rt} is not a home activity: left out")
            return None
        sw = f"{where} ServiceRequest/{_s(res.get('id')) or '?'}"
        if isinstance(res.get("code"), dict) and "concept" in res["code"]:
            raise self.fail(f"{sw}.code.concept: this is a FHIR R5 ServiceRequest; the app reads FHIR R4")
        for k in res:
            if k not in REQUEST_READ and k != "modifierExtension":
                self.warn(f"{sw}.{k} {self.brief(res[k])}".rstrip(), "not carried")
        if _l(res.get("modifierExtension")):
            self.warn(f"{sw}.modifierExtension", "an unknown extension changes its meaning: left out")
            return None
        if res.get("doNotPerform") is True:
            self.warn(f"{sw}.doNotPerform", "something NOT to do: left out; tell the family yourself")
            return None
        status = res.get("status")
        if status not in REQUEST_STATUSES:
            self.warn(f"{sw}.status", f"{show(status)} is not a request status: imported anyway")
        elif status in ("on-hold", "revoked", "completed", "entered-in-error"):
            self.warn(f"{sw}.status", f"{status}: left out")
            return None
        elif status in ("draft", "unknown"):
            self.warn(f"{sw}.status", f"{status}: imported anyway")
        exts = self.our_extensions(res, sw, {EXT_ACTIVITY: 1, EXT_DOSE: 1, EXT_COACHING: 1, EXT_AS_NEEDED: 1,
                                             EXT_ENTRY: 1})
        lib_id, area, title, texts, own = self._codes(res.get("code"), f"{sw}.code")
        if own.get("not_home"):
            self.warn(f"{sw}.code", f"{show(own['not_home'])} is a clinic visit, not home practice: left out")
            return None
        notes = " ".join(text_of(_d(n).get("text")) for n in _l(res.get("note")) if text_of(_d(n).get("text")))
        if not (title or own):
            self.warn(sw, "has no code text, so nothing to show the family: left out")
            return None
        e = self.make_entry(sw, lib_id, area, title, texts, "", own, exts)
        instr = text_of(res.get("patientInstruction"))
        if instr:
            e.entry["coaching"] = _cut(instr, 500)
            e.texts.append(instr)
        when = When()
        if res.get("occurrenceTiming") is not None:
            when = read_timing(res["occurrenceTiming"], f"{sw}.occurrenceTiming", self.warn)
        elif res.get("occurrencePeriod") is not None:
            op = _d(res.get("occurrencePeriod"))
            when.start, _ = parse_fhir_date(op.get("start"))
            when.end, _ = parse_fhir_date(op.get("end"), end=True)
        elif res.get("occurrenceDateTime") is not None:
            self.warn(f"{sw}.occurrenceDateTime", f"{show(res['occurrenceDateTime'])}: a single date, which the "
                                                  "app does not schedule: left out")
            return None
        if not when.has_frequency and instr:
            guess = read_text(instr)
            if guess.has_frequency:
                self.guessed(f"{sw}.patientInstruction {show(instr)}", guess)
                guess.start, guess.end = when.start, when.end
                guess.minutes = when.minutes or guess.minutes
                when = guess
        e.when = when
        e.start, e.end = when.start, when.end
        if res.get("asNeededBoolean") is True:
            e.as_needed = True
        elif isinstance(res.get("asNeededCodeableConcept"), dict):
            e.as_needed = True
            why = text_of(res["asNeededCodeableConcept"].get("text")) or next(
                (text_of(_d(c).get("display")) for c in _l(res["asNeededCodeableConcept"].get("coding"))), "")
            if why:
                notes = (notes + " " if notes else "") + f"When: {why}."
        if notes:
            e.entry["notes"] = (e.entry.get("notes", "") + " " + notes).strip()
        self.dose_from_quantity(res.get("quantityQuantity"), f"{sw}.quantityQuantity", e)
        # A ServiceRequest names its goals through the CarePlan's detail, not itself.
        return e

    # ------------------------------------------------------------ dates and final entries
    def period(self, cp: dict, entries: list[_Entry]) -> tuple[date, date | None]:
        p = cp.get("period")
        start = end = None
        if p is not None:
            p = _d(p)
            start, exact = parse_fhir_date(p.get("start"))
            if p.get("start") is not None and start is None:
                self.warn("period.start", f"{show(p.get('start'))} is not a date")
            elif start is not None and not exact:
                self.warn("period.start", f"{show(p.get('start'))} read as {start}")
            end, exact = parse_fhir_date(p.get("end"), end=True)
            if p.get("end") is not None and end is None:
                self.warn("period.end", f"{show(p.get('end'))} is not a date: the plan runs on")
            elif end is not None and not exact:
                self.warn("period.end", f"{show(p.get('end'))} read as {end}")
        if start is None:
            created, _ = parse_fhir_date(cp.get("created"))
            starts = [e.start for e in entries if e.start is not None]
            if starts:
                start = min(starts)
                self.warn("period.start", f"missing: the plan starts with its first activity, {start}")
            elif created is not None:
                start = created
                self.warn("period.start", f"missing: the plan starts on the day it was written, {start}")
            elif self.today is not None:
                start = self.today
                self.warn("period.start", f"missing: the plan starts today, {start}")
            else:
                raise self.fail("period.start: missing; the app needs the day the plan starts")
        if end is not None and end < start:
            raise self.fail(f"period.end: {end} is before the plan's start {start}")
        if end is not None and (end - start).days > MAX_PLAN_DAYS:
            new_end = start + timedelta(days=MAX_PLAN_DAYS)
            self.warn("period.end", f"{end} makes the plan longer than three years: it ends {new_end}")
            end = new_end
        return start, end

    def finish(self, entries: list[_Entry], start: date, end: date | None, rest: list[str]) -> list[dict]:
        out: list[dict] = []
        used: set[str] = set()
        practice_days = 7 - len(rest)
        for e in entries:
            entry, w, where = e.entry, e.when, e.where
            # Entry dates.
            first = e.start if e.start and e.start > start else None
            last = e.end
            if w.bounds_days:
                last = (first or start) + timedelta(days=w.bounds_days - 1)
            if last is not None and last < start:
                self.warn(where, f"ended {last}, before the plan starts: left out")
                continue
            if end is not None and first is not None and first > end:
                self.warn(where, f"starts {first}, after the plan ends: left out")
                continue
            if end is not None and last is not None and last >= end:
                last = None
            # Frequency.
            if e.as_needed:
                entry["as_needed"] = True
                self.v2 = True
                if w.has_frequency:
                    self.warn(where, f"as needed: the app offers it when needed; the timing "
                                     f"({describe(w)}) is not scheduled")
            else:
                if not w.has_frequency:
                    w.kind, w.count = "week", min(3, practice_days)
                    self.warn(where, f"{show(e.title)} gives no frequency: scheduled {w.count} times a week; "
                                     "check it")
                self.frequency(entry, w, where, rest, practice_days)
            if w.total and not e.as_needed:
                until = until_for_total(first or start, w.kind, w.count or 1, w.per_day, w.total)
                if last is None or until < last:
                    last = until if end is None or until < end else None
                self.warn(f"{where} count {w.total}", "the app schedules by date: "
                          + (f"it stops after {last}" if last else "until the plan ends") + "; check it")
            if first is not None:
                entry["from"] = first.isoformat()
                self.v2 = True
            if last is not None:
                entry["until"] = last.isoformat()
                self.v2 = True
            # Dose.
            if w.minutes:
                entry["minutes"] = max(1, min(120, w.minutes))
            elif "custom" in entry and "minutes" not in entry:
                pass  # the importer's default for the plan's own activities
            for k, hi in (("reps", 200), ("sets", 10)):
                if k in entry and not 1 <= entry[k] <= hi:
                    self.warn(where, f"{k} {entry[k]} is out of range (1-{hi}): not carried")
                    del entry[k]
            if set(entry) & {"coaching", "hold_seconds", "rest_seconds", "per_side", "weight_kg", "resistance",
                             "stop_if", "level", "counts_toward_budget", "precaution_checked", "phases",
                             "progress_after_easy", "choice"} \
                    or "after-school" in entry.get("when", ()):
                self.v2 = True
            lib = self.library.get(entry.get("activity", ""))
            if lib is not None and getattr(lib, "weighted", False) and "weight_kg" not in entry:
                self.warn(where, f"{lib.title} is a weighted activity and the CarePlan gives no weight: left out "
                                 "(add it in the plan builder with its weight in kg)")
                continue
            if first is not None and last is not None and last < first:
                self.warn(where, f"ends {last}, before it starts {first}: left out")
                continue
            if "notes" in entry and len(entry["notes"]) > 500:
                self.warn(f"{where}", "notes cut to 500 characters")
                entry["notes"] = _cut(entry["notes"], 500)
            # One entry per activity.
            key = entry.get("activity") or (entry.get("custom") or entry.get("choice"))["id"]
            if key in used and "choice" in entry:
                self.warn(where, f"the choice '{key}' is in the plan twice: the second is left out")
                continue
            if key in used:
                if "activity" in entry:
                    lib = self.library[entry.pop("activity")]
                    n = 2
                    while f"{lib.id}-{n}" in used:
                        n += 1
                    entry["custom"] = {"id": f"{lib.id}-{n}", "title": lib.title, "kid_title": lib.kid_title,
                                       "areas": list(lib.areas), "setting": lib.setting, "picture": lib.id,
                                       "steps": [_cut(s, 200) for s in lib.steps[:10]]}
                    self.warn(where, f"{lib.title} is in the plan twice: the second is kept as its own "
                                     f"activity '{lib.id}-{n}'")
                else:
                    base, n = entry["custom"]["id"][:60], 2
                    while f"{base}-{n}" in used:
                        n += 1
                    entry["custom"]["id"] = f"{base}-{n}"
                key = entry.get("activity") or entry["custom"]["id"]
            if len(out) >= MAX_ACTIVITIES:
                self.warn(where, f"more than {MAX_ACTIVITIES} activities: left out")
                continue
            used.add(key)
            out.append(entry)
        return out

    def frequency(self, entry: dict, w: When, where: str, rest: list[str], practice_days: int) -> None:
        if w.kind == "days":
            days = [d for d in w.days if d not in rest]
            if len(days) < len(w.days):
                self.warn(where, f"{', '.join(d for d in w.days if d in rest)} is a rest day of the plan: "
                                 "not scheduled there")
            if not days:
                w.kind, w.count = "week", min(len(w.days), practice_days)
            else:
                entry["days"] = days
                if w.per_day and w.per_day > 1:
                    entry["times_per_day"] = w.per_day
                    self.v2 = True
                    entry["when"] = self.slots_for(w.per_day, w.slots, where)
                elif w.slots:
                    entry["when"] = list(w.slots)
                return
        if w.kind == "week":
            n = w.count or 1
            if n > practice_days:
                self.warn(where, f"{n} times a week but the plan has {practice_days} practice days: "
                                 f"scheduled {practice_days}")
                n = practice_days
            entry["times_per_week"] = n
            if w.slots:
                entry["when"] = list(w.slots)
        else:
            n = max(1, min(6, w.count or 1))
            entry["times_per_day"] = n
            if w.slots or n > 1:
                if w.slots or "activity" not in entry:
                    entry["when"] = self.slots_for(n, w.slots, where)

    def slots_for(self, n: int, slots: list[str], where: str) -> list[str]:
        if len(slots) == n:
            return list(slots)
        out = list(slots)[:n]
        for s in DAILY_SPREAD[n] + CLOCK_SLOTS:
            if len(out) >= n:
                break
            if s not in out:
                out.append(s)
        if slots:
            self.warn(where, f"{len(slots)} time(s) of day for {n} times a day: also "
                             + ", ".join(s for s in out if s not in slots))
        return sorted(out, key=SLOTS.index)


def careplan_to_plan(data: bytes | dict, *, today: date | None = None,
                     library: dict | None = None) -> tuple[dict, list[str]]:
    """A FHIR R4 CarePlan (bare with `contained`, or in a Bundle) -> (plan document, warnings).

    Raises FhirError (one line naming the element) when the input is not a CarePlan the app can
    turn into a plan; never another exception. `today` is the start used when the CarePlan
    gives none; `library` defaults to the bundled activity library.
    """
    if library is None:
        from planner.library import load_library
        library = load_library()
    root = _load(data)
    reader = _Reader(root, library, load_table(), today)
    try:
        return reader.read()
    except FhirError:
        raise
    except (RecursionError, MemoryError):
        raise FhirError("the FHIR file is nested too deeply or is too large to read", reader.warnings) from None
    except Exception as exc:   # a shape no rule above expected: still one line, never a traceback
        raise FhirError(f"cannot read this CarePlan ({type(exc).__name__} while reading it)",
                        reader.warnings) from None


def patient_reference(data: bytes | dict) -> str | None:
    """`Patient/<id>` of the child in the CarePlan `careplan_to_plan` would import (for a later push).

    None when the subject is not a plain `Patient/<id>` reference (e.g. contained or display only).
    """
    try:
        root = _load(data)
        cp = _Reader(root, {}, load_table(), None).pick_careplan()
    except FhirError:
        return None
    ref = _s(_d(cp.get("subject")).get("reference"))
    m = re.search(r"(?:^|/)Patient/([A-Za-z0-9\-.]{1,64})(?:/_history/[^/]+)?$", ref)
    return f"Patient/{m.group(1)}" if m else None
