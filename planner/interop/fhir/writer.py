"""Our plan and records -> a FHIR R4 Bundle: Patient, CarePlan, Goals and Observations.

Pure: every date and the clock are arguments, and every id and identifier is derived from the
plan, so exporting the same records again gives the same Bundle byte for byte.
"""
from __future__ import annotations

import hashlib
import re
import uuid
from datetime import date, datetime, timedelta, timezone
from typing import Any, Iterable, Sequence
from urllib.parse import quote

from planner.core.model import Day, GoalRating, Plan
from planner.core.progress import tally
from planner.interop.fhir.codes import load_table
from planner.interop.fhir.common import (
    ACTIVITY_SYSTEM, AREA_SYSTEM, CHILD_SYSTEM, CODES, EXT_ACTIVITY, EXT_AS_NEEDED, EXT_BASELINE,
    EXT_CHILD, EXT_COACHING, EXT_DAILY_MINUTES, EXT_DOSE, EXT_ENTRY, EXT_PLAN_VERSION, EXT_REST_DAY,
    EXT_GAS, EXT_SCHOOL_DAY, FHIR_ID, GOAL_ACHIEVEMENT,
    GOAL_SYSTEM, NS, OBS_CATEGORY, OBSERVATION_SYSTEM, PLAN_SYSTEM, UCUM, FhirError, stable_uuid,
)
from planner.interop.fhir.timing import SLOT_TO_WHEN

OUR_SYSTEMS = (PLAN_SYSTEM, CHILD_SYSTEM, GOAL_SYSTEM, OBSERVATION_SYSTEM)

# Goal Attainment Scaling level -> Goal.achievementStatus (goal-achievement code system).
GAS_ACHIEVEMENT = {-2: "no-change", -1: "improving", 0: "achieved", 1: "achieved", 2: "achieved"}
GAS_LABELS = {-2: "much less than expected", -1: "less than expected", 0: "expected outcome",
              1: "more than expected", 2: "much more than expected"}


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "x"


def goal_resource_id(plan_id: str, goal_id: str, family: str | None = None) -> str:
    """The stable server id of a plan goal (`PUT Goal/<id>`): readable when it fits, else hashed."""
    readable = "-".join(p for p in (family, plan_id, goal_id) if p)
    if FHIR_ID.match(readable):
        return readable
    return "otg-" + hashlib.sha256(readable.encode("utf-8")).hexdigest()[:32]


def _instant(now: datetime) -> str:
    if now.tzinfo is None:
        now = now.replace(tzinfo=timezone.utc)
    s = now.isoformat(timespec="seconds")
    return s.replace("+00:00", "Z")


def _coding(system: str, code: str, display: str | None = None) -> dict:
    c = {"system": system, "code": code}
    if display:
        c["display"] = display
    return c


def _code(code: str, display: str) -> dict:
    return {"coding": [_coding(CODES, code, display)], "text": display}


def _activity_status(start: date | None, end: date | None, today: date) -> str:
    if end is not None and end < today:
        return "completed"
    if start is not None and start > today:
        return "not-started"
    return "in-progress"


def _first_attr(obj: Any, names: Iterable[str]) -> Any:
    for n in names:
        v = getattr(obj, n, None)
        if v not in (None, "", ()):
            return v
    return None


def export_bundle(plan: Plan, days: Sequence[Day], ratings: Sequence[GoalRating], first: date, last: date,
                  now: datetime, bundle_type: str = "collection", *, family: str | None = None,
                  patient: str | None = None) -> dict:
    """A FHIR R4 Bundle of the plan and what happened from `first` to `last` (inclusive).

    - `days`: the scheduled days with their status (scheduler output), for the weekly adherence
      Observations and the progress notes; only items of this plan count, up to `now`'s date.
    - `ratings`: goal ratings (Goal Attainment Scaling), one Observation each, and the latest
      one as the Goal's achievementStatus.
    - `bundle_type`: "collection" (a file) or "transaction" (for `push`: conditional updates by
      identifier, Goals by their stable id).
    - `family`: an opaque key put in front of every identifier value, so two families whose plans
      have the same id never meet on one server. `patient`: a reference such as "Patient/123" to
      the clinic's own record of the child; then no Patient is sent.
    """
    if bundle_type not in ("collection", "transaction"):
        raise FhirError(f"bundle type must be collection or transaction (got {bundle_type!r})")
    if family is not None and not re.fullmatch(r"[A-Za-z0-9\-]{1,32}", family):
        raise FhirError("family key must be 1-32 letters, digits or dashes")
    today = now.date()
    cutoff = min(last, today)

    def ident(value: str) -> str:
        return f"{family}:{value}" if family else value

    pid = plan.plan_id
    entries: list[dict] = []

    # Patient
    if patient:
        if not re.fullmatch(r"Patient/[A-Za-z0-9\-.]{1,64}", patient):
            raise FhirError(f"patient reference must look like Patient/123 (got {patient!r})")
        patient_ref = patient
    else:
        child_key = _slug(plan.child) + (f"-{plan.birth_date.isoformat()}" if plan.birth_date else "")
        child_value = ident(child_key)
        patient_ref = stable_uuid("Patient", child_value)
        pat: dict[str, Any] = {
            "resourceType": "Patient",
            "id": "p-" + uuid.uuid5(uuid.NAMESPACE_URL, NS + child_value).hex[:24],
            "identifier": [{"system": CHILD_SYSTEM, "value": child_value}],
            "name": [{"use": "usual", "text": plan.child, "given": [plan.child]}],
        }
        if plan.birth_date:
            pat["birthDate"] = plan.birth_date.isoformat()
        entries.append({"fullUrl": patient_ref, "resource": pat})
    subject = {"reference": patient_ref, "display": plan.child}

    careplan_ref = stable_uuid("CarePlan", ident(pid))

    # Goals, with the latest rating as achievementStatus.
    goal_refs: dict[str, str] = {}
    mine = sorted((r for r in ratings if r.plan_id == pid and r.date <= last), key=lambda r: (r.date, r.recorded))
    latest: dict[str, GoalRating] = {}
    for r in mine:
        latest[r.goal] = r
    goal_entries = []
    for g in plan.goals:
        gid = goal_resource_id(pid, g.id, family)
        ref = stable_uuid("Goal", ident(f"{pid}.{g.id}"))
        goal_refs[g.id] = ref
        res: dict[str, Any] = {
            "resourceType": "Goal", "id": gid,
            "identifier": [{"system": GOAL_SYSTEM, "value": ident(f"{pid}.{g.id}")}],
            "lifecycleStatus": "active",
        }
        gexts = []
        baseline = getattr(g, "baseline", None)
        if baseline:
            gexts.append({"url": EXT_BASELINE, "valueString": str(baseline)})
        gas = tuple(getattr(g, "gas", ()) or ())
        if len(gas) == 5:
            gexts.append({"url": EXT_GAS, "extension": [
                {"url": f"{lvl:+d}" if lvl else "0", "valueString": str(t)} for lvl, t in zip(range(-2, 3), gas)]})
        if gexts:
            res["extension"] = gexts
        r = latest.get(g.id)
        if r is not None and r.level in GAS_ACHIEVEMENT:
            res["achievementStatus"] = {"coding": [_coding(GOAL_ACHIEVEMENT, GAS_ACHIEVEMENT[r.level])],
                                        "text": f"Rated {r.level:+d} ({GAS_LABELS[r.level]}) on {r.date}"}
        if g.area:
            res["category"] = [{"coding": [_coding(AREA_SYSTEM, g.area)]}]
        res["description"] = {"text": g.text}
        res["subject"] = subject
        target = getattr(g, "target", None)
        target_date = getattr(g, "target_date", None)
        if target or target_date:
            t: dict[str, Any] = {}
            if target:
                t["measure"] = _code("goal-criterion", "Criterion set by the therapist")
                t["detailString"] = str(target)
            if target_date:
                t["dueDate"] = target_date.isoformat() if isinstance(target_date, date) else str(target_date)
            res["target"] = [t]
        goal_entries.append({"fullUrl": ref, "resource": res})

    # CarePlan
    exts: list[dict] = [{"url": EXT_PLAN_VERSION, "valueInteger": plan.version},
                        {"url": EXT_DAILY_MINUTES, "extension": [
                            {"url": "weekday", "valueInteger": plan.weekday_minutes},
                            {"url": "weekend", "valueInteger": plan.weekend_minutes}]}]
    exts += [{"url": EXT_REST_DAY, "valueCode": d} for d in plan.rest_days]
    exts += [{"url": EXT_SCHOOL_DAY, "valueCode": d} for d in getattr(plan, "school_days", None) or ()]
    child: list[dict] = []
    if getattr(plan, "handedness", None):
        child.append({"url": "handedness", "valueCode": plan.handedness})
    texts = dict(getattr(plan, "precaution_texts", ()) or ())
    for p in getattr(plan, "precautions", ()) or ():
        parts = [{"url": "code", "valueCode": p}] + ([{"url": "text", "valueString": texts[p]}] if texts.get(p) else [])
        child.append({"url": "precaution", "extension": parts})
    if getattr(plan, "precaution_notes", ""):
        child.append({"url": "precaution-notes", "valueString": plan.precaution_notes})
    if child:
        exts.append({"url": EXT_CHILD, "extension": child})
    cp: dict[str, Any] = {
        "resourceType": "CarePlan",
        "id": "cp-" + uuid.uuid5(uuid.NAMESPACE_URL, NS + ident(pid)).hex[:24],
        "extension": exts,
        "identifier": [{"system": PLAN_SYSTEM, "value": ident(pid)}],
        "status": "completed" if plan.end is not None and plan.end < today else "active",
        "intent": "plan",
        "category": [{"coding": [_coding(CODES, "home-program", "Home practice program")]}],
        "subject": subject,
        "period": {"start": plan.start.isoformat(), **({"end": plan.end.isoformat()} if plan.end else {})},
    }
    if plan.therapist_name or plan.therapist_contact:
        prac: dict[str, Any] = {"resourceType": "Practitioner", "id": "therapist"}
        if plan.therapist_name:
            prac["name"] = [{"text": plan.therapist_name}]
        if plan.therapist_contact:
            prac["telecom"] = [{"system": "other", "value": plan.therapist_contact}]
        cp["contained"] = [prac]
        cp["author"] = {"reference": "#therapist", **({"display": plan.therapist_name}
                                                      if plan.therapist_name else {})}
    if goal_refs:
        cp["goal"] = [{"reference": goal_refs[g.id]} for g in plan.goals]

    notes: dict[str, list[tuple[date, str]]] = {}
    for d in days:
        for it in d.items:
            if it.plan_id == pid and it.note and first <= it.date <= last:
                notes.setdefault(it.key, []).append((it.date, it.note))
    table = load_table()
    acts = []
    for a in plan.activities:
        acts.append(_activity(a, plan, today, goal_refs, notes.get(a.key, ()), table))
    cp["activity"] = acts
    entries.append({"fullUrl": careplan_ref, "resource": cp})
    entries.extend(goal_entries)

    # Weekly adherence per activity.
    weeks: dict[tuple[date, str], list] = {}
    for d in days:
        if not first <= d.date <= cutoff:
            continue
        for it in d.items:
            if it.plan_id == pid:
                monday = it.date - timedelta(days=it.date.weekday())
                weeks.setdefault((monday, it.key), []).append(it)
    titles = {a.key: a.title for a in plan.activities}
    for (monday, key), items in sorted(weeks.items()):
        t = tally(items)
        if not t.scheduled:
            continue
        sunday = monday + timedelta(days=6)
        value = ident(f"{pid}.{monday:%Y%m%d}.{key}")
        title = titles.get(key) or items[0].title
        obs = {
            "resourceType": "Observation",
            "id": "ob-" + uuid.uuid5(uuid.NAMESPACE_URL, NS + value).hex[:24],
            "identifier": [{"system": OBSERVATION_SYSTEM, "value": value}],
            "basedOn": [{"reference": careplan_ref}],
            "status": "final" if sunday <= cutoff else "preliminary",
            "category": [{"coding": [_coding(OBS_CATEGORY, "therapy", "Therapy")]}],
            "code": _code("home-practice-adherence", "Home practice adherence"),
            "subject": subject,
            "effectivePeriod": {"start": max(monday, first).isoformat(), "end": min(sunday, cutoff).isoformat()},
            "valueQuantity": {"value": round(t.adherence * 100, 1), "unit": "%", "system": UCUM, "code": "%"},
            "component": [
                {"code": _code("activity", "Activity"),
                 "valueCodeableConcept": {"coding": [_coding(ACTIVITY_SYSTEM, key, title)], "text": title}},
                {"code": _code("scheduled", "Times scheduled"), "valueInteger": t.scheduled},
                {"code": _code("done", "Times done"), "valueInteger": t.done},
                {"code": _code("partial", "Times partly done"), "valueInteger": t.partial},
                {"code": _code("skipped", "Times skipped"), "valueInteger": t.skipped},
            ],
        }
        entries.append({"fullUrl": stable_uuid("Observation", value), "resource": obs})

    # Goal ratings.
    for r in mine:
        if r.goal not in goal_refs or r.date < first:
            continue
        value = ident(f"{pid}.{r.goal}.{r.date:%Y%m%d}.gas")
        obs = {
            "resourceType": "Observation",
            "id": "ob-" + uuid.uuid5(uuid.NAMESPACE_URL, NS + value).hex[:24],
            "identifier": [{"system": OBSERVATION_SYSTEM, "value": value}],
            "basedOn": [{"reference": careplan_ref}],
            "status": "final",
            "category": [{"coding": [_coding(OBS_CATEGORY, "therapy", "Therapy")]}],
            "code": _code("goal-attainment", "Goal Attainment Scaling rating"),
            "subject": subject,
            "focus": [{"reference": goal_refs[r.goal]}],
            "effectiveDateTime": r.date.isoformat(),
            "valueInteger": r.level,
        }
        if r.note:
            obs["note"] = [{"text": r.note}]
        entries.append({"fullUrl": stable_uuid("Observation", value), "resource": obs})

    bundle = {
        "resourceType": "Bundle",
        "id": uuid.uuid5(uuid.NAMESPACE_URL, f"{NS}:{ident(pid)}:{first}:{last}").hex,
        "type": "collection",
        "timestamp": _instant(now),
        "entry": entries,
    }
    return to_transaction(bundle) if bundle_type == "transaction" else bundle


def _activity(a: Any, plan: Plan, today: date, goal_refs: dict[str, str], notes: Iterable[tuple[date, str]],
              table) -> dict:
    start = _first_attr(a, ("valid_from", "from_date", "from_", "start", "first"))
    until = _first_attr(a, ("valid_until", "until", "end", "last"))
    start = start if isinstance(start, date) else None
    until = until if isinstance(until, date) else None
    as_needed = bool(getattr(a, "as_needed", False))
    codings = [_coding(ACTIVITY_SYSTEM, a.key, a.title)]
    sn = table.snomed_for(a.key)
    if sn:
        codings.append(sn)
    detail: dict[str, Any] = {}
    ext_info: list[dict] = []
    if a.custom:
        ext_info.append({"url": "custom", "valueBoolean": True})
        ext_info.append({"url": "kid-title", "valueString": a.kid_title})
        ext_info.append({"url": "setting", "valueCode": a.setting})
        pic = a.picture.rsplit("/", 1)[-1].removesuffix(".svg")
        ext_info.append({"url": "picture", "valueCode": pic or "custom"})
        ext_info += [{"url": "area", "valueCode": x} for x in a.areas]
        ext_info += [{"url": "step", "valueString": s} for s in a.steps]
        ext_info += [{"url": "material", "valueString": m} for m in getattr(a, "materials", ()) or ()]
        for k in ("easier", "harder", "safety"):
            if getattr(a, k, ""):
                ext_info.append({"url": k, "valueString": str(getattr(a, k))})
    elif getattr(a, "options", ()):
        ext_info.append({"url": "kid-title", "valueString": a.kid_title})
    ext_info.append({"url": "sensory-diet", "valueBoolean": bool(a.sensory_diet)})
    exts: list[dict] = [{"url": EXT_ACTIVITY, "extension": ext_info}]
    dose = []
    for name, url in (("reps", "reps"), ("sets", "sets"), ("hold_seconds", "hold-seconds"),
                      ("rest_seconds", "rest-seconds")):
        v = getattr(a, name, None)
        if isinstance(v, int) and not isinstance(v, bool) and v > 0:
            dose.append({"url": url, "valueInteger": v})
    if getattr(a, "per_side", False) is True:
        dose.append({"url": "per-side", "valueBoolean": True})
    weight = getattr(a, "weight_kg", None)
    if isinstance(weight, (int, float)) and not isinstance(weight, bool):
        dose.append({"url": "weight-kg", "valueDecimal": weight})
    if getattr(a, "resistance", ""):
        dose.append({"url": "resistance", "valueString": str(a.resistance)})
    if dose:
        exts.append({"url": EXT_DOSE, "extension": dose})
    entry: list[dict] = []
    if getattr(a, "stop_if", ""):
        entry.append({"url": "stop-if", "valueString": str(a.stop_if)})
    if getattr(a, "level", None):
        entry.append({"url": "level", "valueCode": str(a.level)})
    if getattr(a, "counts_toward_budget", True) is False:
        entry.append({"url": "counts-toward-budget", "valueBoolean": False})
    entry += [{"url": "precaution-checked", "valueCode": p} for p in getattr(a, "precaution_checked", ()) or ()]
    entry += [{"url": "option", "valueCode": o} for o in getattr(a, "options", ()) or ()]
    for ph in getattr(a, "phases", ()) or ():
        parts = [{"url": "from", "valueDate": ph.first.isoformat()}]
        if ph.level:
            parts.append({"url": "level", "valueCode": ph.level})
        parts += [{"url": k, "valueInteger": getattr(ph, k)} for k in ("minutes", "reps", "sets")
                  if getattr(ph, k) is not None]
        entry.append({"url": "phase", "extension": parts})
    pae = getattr(a, "progress_after_easy", None)
    if isinstance(pae, int) and not isinstance(pae, bool):
        entry.append({"url": "progress-after-easy", "valueInteger": pae})
    if entry:
        exts.append({"url": EXT_ENTRY, "extension": entry})
    coaching = getattr(a, "coaching", None)
    if coaching:
        exts.append({"url": EXT_COACHING, "valueString": str(coaching)})
    if as_needed:
        exts.append({"url": EXT_AS_NEEDED, "valueBoolean": True})
    detail["extension"] = exts
    detail["code"] = {"coding": codings, "text": a.title}
    detail["status"] = _activity_status(start or plan.start, until or plan.end, today)
    if a.goal and a.goal in goal_refs:
        detail["goal"] = [{"reference": goal_refs[a.goal]}]
    repeat: dict[str, Any] = {}
    if start or until:
        repeat["boundsPeriod"] = {**({"start": start.isoformat()} if start else {}),
                                  **({"end": until.isoformat()} if until else {})}
    if not as_needed and getattr(a, "frequency", None) is not None:
        rep = a.frequency.to_fhir(tuple(a.when))
        rep["when"] = [SLOT_TO_WHEN[s] for s in a.when if s in SLOT_TO_WHEN]
        if not rep["when"]:
            del rep["when"]
        repeat.update(rep)
    repeat["duration"] = a.minutes
    repeat["durationUnit"] = "min"
    detail["scheduledTiming"] = {"repeat": repeat}
    if a.notes:
        detail["description"] = a.notes
    act: dict[str, Any] = {}
    progress = [{"time": d.isoformat(), "text": n} for d, n in sorted(notes)]
    if progress:
        act["progress"] = progress
    act["detail"] = detail
    return act


def to_transaction(bundle: dict) -> dict:
    """A collection Bundle from `export_bundle` -> a transaction Bundle for a FHIR server.

    Patient, CarePlan and Observations become conditional updates by our identifier
    (`PUT CarePlan?identifier=system|value`), so pushing twice updates instead of duplicating;
    Goals are written by their stable id (`PUT Goal/<id>`), because some servers do not search
    Goal by identifier.
    """
    if not isinstance(bundle, dict) or bundle.get("resourceType") != "Bundle":
        raise FhirError("not a Bundle")
    if bundle.get("type") == "transaction":
        return bundle
    out = []
    for i, e in enumerate(bundle.get("entry") or []):
        res = dict(e.get("resource") or {})
        rt = res.get("resourceType")
        if rt == "Goal" and isinstance(res.get("id"), str):
            url = f"Goal/{res['id']}"
        else:
            ident = next((x for x in res.get("identifier") or [] if x.get("system") in OUR_SYSTEMS), None)
            if ident is None:
                raise FhirError(f"Bundle.entry[{i}] {rt}: no identifier of the app to update it by")
            res.pop("id", None)
            url = f"{rt}?identifier=" + quote(f"{ident['system']}|{ident['value']}", safe=":")
        out.append({"fullUrl": e["fullUrl"], "resource": res, "request": {"method": "PUT", "url": url}})
    return {"resourceType": "Bundle", "id": bundle.get("id"), "type": "transaction",
            "timestamp": bundle.get("timestamp"), "entry": out}
