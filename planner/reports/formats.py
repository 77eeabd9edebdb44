"""Text, CSV and JSON renderings of the therapist's report (the PDF is in `pdf`).

Every wording used by more than one rendering (the adherence name, trends,
flags, the period) lives here, so the four formats say the same thing.
"""
from __future__ import annotations

import csv
import io
import json

from planner.core.model import ASSISTS, RATING_LABELS, RATINGS, SKIP_REASON_LABELS, Status
from planner.core.report import (ADHERENCE_NAME, FOOTER, REFUSAL_WINDOW, ActivityRow, AsNeededRow,
                                 Counts, GoalRow, Halves, Report)

CSV_COLUMNS = ("date", "slot", "activity", "title", "goal", "minutes", "status", "rating", "note",
               "skip_reason", "level", "assist", "option", "before", "after", "time")
FORMATS = ("text", "csv", "json", "pdf")
GAS_CITATION = "Kiresuk & Sherman 1968; weights 1, rho 0.3"
RATING_SHORT = {"easy": "E", "right": "R", "hard": "H"}
ASSIST_SHORT = {"independent": "own", "reminder": "reminder", "showed-how": "shown", "hands-on": "hands-on"}
ENGINE_LABELS = {"high": "high", "just-right": "just right", "low": "low"}


def percent(fraction: float | None) -> str:
    return "–" if fraction is None else f"{round(fraction * 100)}%"


def date_text(d) -> str:
    return f"{d:%d %b %Y}"


def period_text(report: Report) -> str:
    if report.last < report.first:
        return (f"{report.first:%d %b %Y} to {report.requested_last:%d %b %Y} "
                f"(not started on {report.today:%d %b %Y})")
    text = f"{report.first:%d %b %Y} to {report.last:%d %b %Y}"
    if report.requested_last > report.last:
        text += f" (days after {report.last:%d %b %Y} are still to come)"
    return text


def child_line(report: Report) -> str:
    """"born 12 Mar 2020, 6 years 8 months", or "" without a date of birth."""
    if not report.birth_date:
        return ""
    text = f"born {date_text(report.birth_date)}"
    return text + (f", age {report.age}" if report.age else "")


def versions_text(report: Report) -> str:
    vs = report.plan_versions
    if not vs:
        return f"{report.plan_id}, version {report.plan_version}"
    return f"{vs[0].plan_id}, " + "; ".join(f"version {v.version} from {v.start:%d %b %Y}" for v in vs)


def tally_text(c: Counts) -> str:
    parts = [f"{c.done} done"]
    if c.partial:
        parts.append(f"{c.partial} partly")
    if c.skipped:
        parts.append(f"{c.skipped} skipped")
    if c.open:
        parts.append(f"{c.open} not recorded")
    text = f"{c.scheduled} scheduled: " + ", ".join(parts)
    if c.sick:
        text += f"; {c.sick} sick, not counted"
    return text


def adherence_text(c: Counts) -> str:
    return f"{ADHERENCE_NAME} {percent(c.adherence)}"


def sick_text(report: Report) -> str:
    n = len(report.sick_days)
    if not n:
        return ""
    return f"{n} sick day{'s' if n != 1 else ''} not counted ({report.totals.sick} item{'s' if report.totals.sick != 1 else ''})"


def pending_text(report: Report) -> str:
    n = report.pending_today
    if not n:
        return ""
    return f"{n} item{'s' if n != 1 else ''} of today not recorded yet: not counted until the day is over"


def halves_text(h: Halves | None, vocab, short) -> str:
    """"E/R/H 0/1/3 -> 3/1/0": first half of the period, then the second."""
    if h is None or h.empty:
        return ""
    keys = "/".join(short[k] for k in vocab)
    a = "/".join(str(h.first[k]) for k in vocab)
    b = "/".join(str(h.second[k]) for k in vocab)
    return f"{keys} {a} -> {b}"


def rating_trend_text(a: ActivityRow) -> str:
    return halves_text(a.rating_trend, RATINGS, RATING_SHORT)


def assist_trend_text(a: ActivityRow) -> str:
    return halves_text(a.assist_trend, ASSISTS, ASSIST_SHORT)


def levels_text(a: ActivityRow) -> str:
    return ", ".join(f"{k} {v}" for k, v in a.levels.items())


def reasons_text(reasons: dict[str, int]) -> str:
    return ", ".join(f"{SKIP_REASON_LABELS.get(k, k).lower()} {v}" for k, v in reasons.items() if v)


def flags(a: ActivityRow) -> list[str]:
    out = []
    if a.ready_to_progress:
        out.append(f"Ready to progress ({a.easy_in_a_row} easy in a row)")
    if a.often_refused:
        out.append(f"Often refused ({a.refused_recent} of last {min(REFUSAL_WINDOW, a.recorded_recent)})")
    return out


def gas_line(g: GoalRow) -> str:
    return ", ".join(f"{r.date:%d %b} {r.level:+d}" if r.level else f"{r.date:%d %b} 0" for r in g.ratings)


def t_score_text(report: Report) -> str:
    if report.gas_t_score is not None:
        return f"GAS T-score {report.gas_t_score:.1f} ({GAS_CITATION}; latest rating of each goal)"
    if report.gas_goals_rated:
        return (f"GAS T-score: not computed, {report.gas_goals_rated} of {report.gas_goals_total} "
                "goals rated in this period")
    return ""


def uses_text(u: AsNeededRow) -> str:
    text = f"{u.uses} use{'s' if u.uses != 1 else ''} ({u.per_week:g} a week)"
    b = ", ".join(f"{ENGINE_LABELS[k]} {v}" for k, v in u.before.items() if v)
    a = ", ".join(f"{ENGINE_LABELS[k]} {v}" for k, v in u.after.items() if v)
    if b:
        text += f"; before: {b}"
    if a:
        text += f"; after: {a}"
    return text


def empty_text(report: Report) -> str:
    if report.pending_today:
        return f"Nothing to report yet: {pending_text(report)}."
    return "Nothing was scheduled in this period."


def note_label(n) -> str:
    words = {Status.PARTIAL: "partly", Status.SKIPPED: "skipped", Status.PLANNED: "not ticked"}
    if n.status is None:
        return f"{n.title} (when needed)"
    return n.title + (f" ({words[n.status]})" if n.status in words else "")


# ------------------------------------------------------------------ JSON / CSV

def to_json(report: Report) -> str:
    return json.dumps(report.as_dict(), ensure_ascii=False, indent=2) + "\n"


def _cell(text: str) -> str:
    """Free text for a spreadsheet: never let a note start a formula."""
    if text and text[0] in "=+-@\t\r":
        return "'" + text
    return text


def to_csv(report: Report) -> str:
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(CSV_COLUMNS)
    rows = []
    for it in report.items:
        rows.append((it.date.isoformat(), "", [
            it.date.isoformat(), it.slot, it.key, _cell(it.title), it.goal or "", it.minutes,
            it.status.value, it.rating or "", _cell(it.note or ""),
            (it.reason or "other") if it.status is Status.SKIPPED else "",
            getattr(it, "level", None) or "", getattr(it, "assist", None) or "",
            getattr(it, "option", None) or "", "", "", ""]))
    titles = {u.activity: u.title for u in report.as_needed}
    for u in report.used:
        rows.append((u.at[:10], u.at, [
            u.at[:10], "when-needed", u.activity, _cell(titles.get(u.activity, u.activity)), "", "",
            "used", "", _cell(u.note or ""), "", "", "", u.option or "", u.before or "",
            u.after or "", u.at[11:16]]))
    rows.sort(key=lambda r: (r[0], r[1] != "", r[1]))
    for _, _, row in rows:
        w.writerow(row)
    return buf.getvalue()


# ------------------------------------------------------------------ text

def to_text(report: Report) -> str:
    t = report.totals
    lines = [f"Home practice report: {report.child}"]
    if child_line(report):
        lines.append(f"Child: {child_line(report)}")
    if report.therapist:
        lines.append(f"Therapist: {report.therapist}"
                     + (f", {report.therapist_contact}" if report.therapist_contact else ""))
    lines.append(f"Period: {period_text(report)}")
    lines.append(f"Report date: {date_text(report.report_date)}")
    lines.append(f"Plan: {versions_text(report)}")
    lines.append("")
    if report.empty:
        lines.append(empty_text(report))
        lines.append("")
        lines.append(FOOTER)
        return "\n".join(lines) + "\n"
    lines.append(f"{adherence_text(t)}  (done + half of partly done, of {t.counted} counted)")
    lines.append(f"  {tally_text(t)}")
    for extra in (sick_text(report), pending_text(report)):
        if extra:
            lines.append(f"  {extra}")
    lines.append("")
    lines.append("Goals")
    for g in report.goals:
        lines.append(f"  {g.text}")
        if g.counts.scheduled:
            lines.append(f"    {adherence_text(g.counts)}: {tally_text(g.counts)}")
        if g.ratings:
            lines.append(f"    GAS ratings: {gas_line(g)}")
            for r in g.ratings:
                if r.note:
                    lines.append(f"      {r.date:%d %b}: {' '.join(r.note.split())}")
        if len(g.weeks) > 1:
            trend = "  ".join(f"{w.monday:%d %b} {percent(w.counts.adherence)}" for w in g.weeks)
            lines.append(f"    by week: {trend}")
    if t_score_text(report):
        lines.append(f"  {t_score_text(report)}")
    lines.append("")
    lines.append("Activities")
    for a in report.activities:
        c = a.counts
        lines.append(f"  {a.title}")
        if a.frequency or a.dose:
            lines.append(f"    Prescribed: {', '.join(x for x in (a.frequency, a.dose) if x)}")
        lines.append(f"    {adherence_text(c)}: {tally_text(c)}")
        if c.skipped:
            lines.append(f"    Skipped because: {reasons_text({k: v for k, v in a.skip_reasons.items() if k != 'sick'})}")
        if rating_trend_text(a):
            recent = " ".join(RATING_SHORT[r] for r in a.recent_ratings)
            lines.append(f"    Rating (first half -> second half): {rating_trend_text(a)}; recent {recent}")
        if assist_trend_text(a):
            lines.append(f"    Help needed: {assist_trend_text(a)}")
        if a.levels:
            lines.append(f"    Level done: {levels_text(a)}")
        if a.options:
            lines.append("    Chosen: " + ", ".join(f"{k} {v}" for k, v in a.options.items()))
        for f in flags(a):
            lines.append(f"    ** {f}")
    if report.as_needed:
        lines.append("")
        lines.append("When needed")
        for u in report.as_needed:
            lines.append(f"  {u.title}: {uses_text(u)}")
    lines.append("")
    lines.append("Difficulty: " + ", ".join(f"{RATING_LABELS[k].lower()} {v}"
                                             for k, v in report.ratings.items()))
    lines.append("Skipped because: " + ", ".join(f"{SKIP_REASON_LABELS[k].lower()} {v}"
                                                 for k, v in report.skip_reasons.items()))
    if report.notes:
        lines.append("")
        lines.append("Notes")
        for n in report.notes:
            text = " ".join(n.text.split())
            lines.append(f"  {n.date:%a %d %b} {note_label(n)}: {text}")
    lines.append("")
    lines.append(FOOTER)
    return "\n".join(lines) + "\n"


def render(report: Report, fmt: str, paper: str = "a4") -> bytes:
    """The report as the bytes of one output file (`paper` is for the PDF: "a4" or "letter")."""
    if fmt == "json":
        return to_json(report).encode("utf-8")
    if fmt == "csv":
        return to_csv(report).encode("utf-8")
    if fmt == "text":
        return to_text(report).encode("utf-8")
    if fmt == "pdf":
        from planner.reports.pdf import render_pdf
        return render_pdf(report, paper=paper)
    raise ValueError(f"unknown report format {fmt!r}")

