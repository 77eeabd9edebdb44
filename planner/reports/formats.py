"""Text, CSV and JSON renderings of a progress report."""
from __future__ import annotations

import csv
import io
import json

from planner.core.model import RATING_LABELS, SKIP_REASON_LABELS, Status
from planner.core.progress import Tally
from planner.core.report import Report

CSV_COLUMNS = ("date", "slot", "activity", "title", "goal", "minutes", "status", "rating", "note",
               "skip_reason")
FORMATS = ("text", "csv", "json", "pdf")


def percent(fraction: float) -> str:
    return f"{round(fraction * 100)}%"


def period_text(report: Report) -> str:
    if report.last < report.first:
        return (f"{report.first:%d %b %Y} to {report.requested_last:%d %b %Y} "
                f"(not started on {report.today:%d %b %Y})")
    text = f"{report.first:%d %b %Y} to {report.last:%d %b %Y}"
    if report.requested_last > report.last:
        text += f" (days after {report.last:%d %b %Y} are still to come)"
    return text


def tally_text(t: Tally) -> str:
    parts = [f"{t.done} done"]
    if t.partial:
        parts.append(f"{t.partial} partly")
    if t.skipped:
        parts.append(f"{t.skipped} skipped")
    if t.open:
        parts.append(f"{t.open} not recorded")
    return f"{t.scheduled} scheduled: " + ", ".join(parts)


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
    for it in report.items:
        w.writerow([
            it.date.isoformat(), it.slot, it.key, _cell(it.title), it.goal or "", it.minutes,
            it.status.value, it.rating or "", _cell(it.note or ""),
            (it.reason or "other") if it.status is Status.SKIPPED else "",
        ])
    return buf.getvalue()


def to_text(report: Report) -> str:
    t = report.totals
    lines = [f"Home practice report: {report.child}"]
    if report.therapist:
        lines.append(f"Therapist: {report.therapist}")
    lines.append(f"Period: {period_text(report)}")
    lines.append("")
    if report.empty:
        lines.append("Nothing was scheduled in this period.")
        return "\n".join(lines) + "\n"
    lines.append(f"Adherence {percent(t.adherence)}  ({tally_text(t)})")
    lines.append(f"Minutes practised {t.minutes_done} of {t.minutes_planned} planned")
    lines.append("")
    lines.append("Goals")
    for g in report.goals:
        lines.append(f"  {percent(g.tally.adherence):>4}  {g.text}")
        lines.append(f"        {tally_text(g.tally)}")
        trend = "  ".join(f"{w.monday:%d %b} {percent(w.tally.adherence) if w.tally.scheduled else '-'}"
                          for w in g.weeks)
        if len(g.weeks) > 1:
            lines.append(f"        by week: {trend}")
    lines.append("")
    lines.append("Activities")
    width = max(len(a.title) for a in report.activities)
    width = min(max(width, 8), 34)
    lines.append(f"  {'activity':<{width}}  sched  done  part  skip  adher  minutes")
    for a in report.activities:
        at = a.tally
        title = a.title if len(a.title) <= width else a.title[:width - 1] + "~"
        lines.append(f"  {title:<{width}}  {at.scheduled:>5}  {at.done:>4}  {at.partial:>4}  "
                     f"{at.skipped:>4}  {percent(at.adherence):>5}  {at.minutes_done}/{at.minutes_planned}")
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
            lines.append(f"  {n.date:%a %d %b} {n.title}: {text}")
    return "\n".join(lines) + "\n"


def render(report: Report, fmt: str) -> bytes:
    """The report as the bytes of one output file."""
    if fmt == "json":
        return to_json(report).encode("utf-8")
    if fmt == "csv":
        return to_csv(report).encode("utf-8")
    if fmt == "text":
        return to_text(report).encode("utf-8")
    if fmt == "pdf":
        from planner.reports.pdf import render_pdf
        return render_pdf(report)
    raise ValueError(f"unknown report format {fmt!r}")
