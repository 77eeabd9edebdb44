"""The printable therapist's report: one or two pages for a month, A4 or Letter, fpdf2 alone.

Text is set in Noto Sans (Latin, Greek, Cyrillic), with Noto Naskh Arabic and a
CJK subset of Droid Sans Fallback as per-glyph fallbacks; all three ship in
`planner/fonts` with their licences. Arabic and other scripts that need
shaping are shaped with HarfBuzz (`uharfbuzz`), switched on only when the
report holds such text. `pdf_text` drops emoji and other pictographs, and
marks a letter no shipped font has with "?", so no input can break a page.

Speed: the layout work depends on the report's rows (goals, activities,
as-needed items) and on the notes that are printed, never on the length of
the history: notes are laid out newest first until the pages are full, and
no note that will not be printed is ever word-wrapped.
"""
from __future__ import annotations

import unicodedata
from datetime import datetime, time, timezone
from functools import lru_cache
from pathlib import Path

from fpdf import FPDF

from planner.reports.paper import PAPERS
from planner.core.model import RATING_LABELS, RATINGS, SKIP_REASON_LABELS, SKIP_REASONS
from planner.core.report import ADHERENCE_NAME, FOOTER, Counts, Report, WeekCounts
from planner.reports import formats as fm

FONT_DIR = Path(__file__).resolve().parent.parent / "fonts"
FONTS = {
    ("sans", ""): "NotoSans-Regular.ttf",
    ("sans", "B"): "NotoSans-Bold.ttf",
    ("naskh", ""): "NotoNaskhArabic-Regular.ttf",
    ("naskh", "B"): "NotoNaskhArabic-Bold.ttf",
    ("cjk", ""): "DroidSansFallback-CJK-subset.ttf",
}

# Neutral colours: ink, greys and one slate blue; nothing judges a low figure.
INK = (38, 44, 52)
MUTED = (104, 112, 122)
ACCENT = (62, 92, 118)
ACCENT_LIGHT = (168, 186, 202)
GRID = (220, 224, 228)
PANEL = (241, 243, 245)
ZEBRA = (248, 249, 250)

MARGIN = 15.0
FOOT_H = 14.0
MAX_PAGES = 2
NOTE_DATE_W = 22.0
NOTE_MAX_LINES = 3
NOTE_MAX_CHARS = 400
CLOSING_H = 46.0                  # therapist's box and signature line
MAX_BARS = 16
MAX_NOTES = 160                   # more notes than two pages can ever hold

# Scripts that need a shaping engine to print correctly.
_SHAPED_RANGES = ((0x0590, 0x08FF), (0xFB1D, 0xFDFF), (0xFE70, 0xFEFF), (0x0900, 0x0DFF))


@lru_cache(maxsize=None)
def font_cmap(name: str) -> frozenset[int]:
    """The code points one shipped font file can draw (read once per process)."""
    from fontTools.ttLib import TTFont
    font = TTFont(FONT_DIR / name, lazy=True)
    try:
        return frozenset(font.getBestCmap() or {})
    finally:
        font.close()


@lru_cache(maxsize=1)
def coverage() -> frozenset[int]:
    """Every code point one of the shipped fonts can draw."""
    points: set[int] = set()
    for name in set(FONTS.values()):
        points |= font_cmap(name)
    return frozenset(points)


def _keep_format(ch: str) -> bool:
    return ch in "\u200c\u200d\u200e\u200f"      # joiners and direction marks shape scripts


def pdf_text(text: object, cover: frozenset[int] | None = None) -> str:
    """Any text -> one line the shipped fonts can print, without raising.

    Line breaks and tabs become spaces; emoji, pictographs, variation
    selectors and control characters are dropped; a letter or digit no font
    covers becomes "?" (marked, not silently lost).
    """
    cover = coverage() if cover is None else cover
    out = []
    for ch in str(text):
        if ch in "\r\n\t\u2028\u2029":
            out.append(" ")
            continue
        cp = ord(ch)
        cat = unicodedata.category(ch)
        if cat in ("Cc", "Cs", "Co", "Cn"):
            continue
        if cat == "Cf":
            if _keep_format(ch) and cp in cover:
                out.append(ch)
            continue
        if cat == "So" or 0x1F000 <= cp <= 0x1FAFF or 0xFE00 <= cp <= 0xFE0F or cp >= 0xE0000:
            continue                       # emoji and pictographs, their selectors and tags
        if cp in cover:
            out.append(ch)
            continue
        if cat[0] == "Z":
            out.append(" ")
            continue
        base = "".join(c for c in unicodedata.normalize("NFKD", ch) if not unicodedata.combining(c))
        if base and all(ord(c) in cover for c in base):
            out.append(base)
        elif cat[0] in "LN":
            out.append("?")
        elif cat[0] == "P":
            out.append("-")
        # other symbols and marks no font has are left out
    return "".join(out)


def needs_shaping(text: str) -> bool:
    return any(lo <= ord(ch) <= hi for ch in text for lo, hi in _SHAPED_RANGES)


def period_line(r: Report) -> str:
    """The period for the header: short enough for its column."""
    if r.last < r.first:
        return f"{r.first:%d %b %Y} to {r.requested_last:%d %b %Y} (not started yet)"
    text = f"{r.first:%d %b %Y} to {r.last:%d %b %Y}"
    if r.requested_last > r.last:
        text += " (later days to come)"
    return text


def bar_groups(weeks: tuple[WeekCounts, ...], limit: int = MAX_BARS) -> list[tuple[str, Counts]]:
    """Weeks for a chart: one bar a week, or consecutive weeks added up when there are many."""
    if not weeks:
        return []
    size = -(-len(weeks) // limit)
    out = []
    for i in range(0, len(weeks), size):
        chunk = weeks[i:i + size]
        c = Counts(*(sum(getattr(w.counts, f) for w in chunk) for f in
                     ("scheduled", "done", "partial", "skipped", "sick", "minutes_planned",
                      "minutes_done")))
        label = f"{chunk[0].monday:%d %b}" if size == 1 else f"{chunk[0].monday:%b %y}"
        out.append((label, c))
    return out


class ReportPDF(FPDF):
    def __init__(self, report: Report, paper: str = "a4"):
        if paper not in PAPERS:
            raise ValueError(f"unknown paper size {paper!r} (use a4 or letter)")
        self.page_w, self.page_h = PAPERS[paper]
        super().__init__(orientation="P", unit="mm", format=paper.upper() if paper == "a4" else "letter")
        self.report = report
        self.width = self.page_w - 2 * MARGIN
        self.bottom = self.page_h - FOOT_H - 2
        self.set_margins(MARGIN, MARGIN, MARGIN)
        self.set_auto_page_break(False)
        self.alias_nb_pages()
        self.cover = font_cmap(FONTS[("sans", "")])
        self.add_font("sans", "", str(FONT_DIR / FONTS[("sans", "")]))
        self.add_font("sans", "B", str(FONT_DIR / FONTS[("sans", "B")]))
        texts = self._texts()
        fallbacks = []
        for family in ("naskh", "cjk"):           # only the scripts this report holds
            cmap = font_cmap(FONTS[(family, "")])
            if any(ord(ch) in cmap and ord(ch) not in self.cover for t in texts for ch in t):
                for (fam, style), name in FONTS.items():
                    if fam == family:
                        self.add_font(fam, style, str(FONT_DIR / name))
                self.cover = self.cover | cmap
                fallbacks.append(family)
        if fallbacks:
            self.set_fallback_fonts(fallbacks, exact_match=False)
        if any(needs_shaping(t) for t in texts):
            self.set_text_shaping(True)             # uharfbuzz, a dependency: Arabic letters join
        self.set_title(pdf_text(f"Home practice report - {report.child}"))
        self.set_author(pdf_text(report.therapist or "OT home planner"))
        self.set_creator("OT home planner")
        self.creation_date = datetime.combine(report.report_date, time(12, 0), tzinfo=timezone.utc)

    def _texts(self) -> list[str]:
        """Every text this report may print (the notes: only the newest that could fit)."""
        r = self.report
        texts = [r.child, r.therapist, r.therapist_contact]
        texts += [g.text for g in r.goals] + [a.title for a in r.activities]
        texts += [k for a in r.activities for k in a.options]
        texts += [u.title for u in r.as_needed]
        texts += [x for g in r.goals for rt in g.ratings for x in (rt.text, rt.note)]
        texts += [f"{n.title} {n.text[:NOTE_MAX_CHARS]}" for n in r.notes[-MAX_NOTES:]]
        return [t for t in texts if t]

    # ---------------------------------------------------------------- helpers
    def font(self, size: float, style: str = "", color=INK) -> None:
        self.set_font("sans", style, size)
        self.set_text_color(*color)

    def text_at(self, x: float, y: float, w: float, h: float, text: str, align: str = "L",
                fill: bool = False) -> None:
        self.set_xy(x, y)
        self.cell(w, h, self.fit(text, w), align=align, fill=fill)

    def fit(self, text: str, width: float) -> str:
        """Shorten one line of text with an ellipsis so it fits `width`."""
        text = " ".join(pdf_text(text, self.cover).split())
        if self.get_string_width(text) <= width - 1:
            return text
        lo, hi = 0, len(text)
        while lo < hi:                       # longest prefix that fits with the ellipsis
            mid = (lo + hi + 1) // 2
            if self.get_string_width(text[:mid] + "\u2026") <= width - 1:
                lo = mid
            else:
                hi = mid - 1
        return text[:lo].rstrip() + "\u2026"

    def lines(self, text: str, width: float, max_lines: int) -> list[str]:
        """Word-wrap to at most `max_lines` lines of `width`, the last one shortened."""
        words = pdf_text(text, self.cover).split()
        out: list[str] = []
        line = ""
        used = 0
        for word in words:
            trial = f"{line} {word}".strip()
            if self.get_string_width(trial) <= width - 1:
                line = trial
                used += 1
                continue
            if line:
                out.append(line)
            if len(out) == max_lines:
                line = ""
                break
            line = word
            used += 1
        if line and len(out) < max_lines:
            out.append(line)
        if out and used < len(words):
            out[-1] = self.fit(out[-1] + " \u2026", width)
        return [self.fit(line, width) for line in out]

    def room(self, height: float) -> bool:
        return self.get_y() + height <= self.bottom

    def need(self, height: float) -> None:
        if not self.room(height):
            self.add_page()

    def section(self, title: str, follow: float = 12) -> None:
        self.need(9 + follow)
        y = self.get_y() + 1.5
        self.font(11, "B", ACCENT)
        self.text_at(MARGIN, y, self.width, 6, title)
        self.set_draw_color(*ACCENT_LIGHT)
        self.set_line_width(0.3)
        self.line(MARGIN, y + 6.4, MARGIN + self.width, y + 6.4)
        self.set_y(y + 8)

    def footer(self) -> None:
        r = self.report
        y = self.page_h - FOOT_H + 2
        self.set_draw_color(*GRID)
        self.set_line_width(0.2)
        self.line(MARGIN, y - 1, MARGIN + self.width, y - 1)
        self.font(7.5, "B", MUTED)
        self.text_at(MARGIN, y, self.width * 0.72, 4.5, FOOTER)
        self.font(7.5, "", MUTED)
        self.text_at(MARGIN + self.width * 0.72, y, self.width * 0.28, 4.5,
                     f"page {self.page_no()} of {{nb}}", align="R")
        self.text_at(MARGIN, y + 4.2, self.width, 4.5,
                     f"Report of {r.report_date:%d %b %Y}, period {r.first:%d %b %Y} to "
                     f"{max(r.last, r.first):%d %b %Y}: {r.child}")

    # ---------------------------------------------------------------- parts
    def header_block(self) -> None:
        r = self.report
        self.font(8.5, "B", MUTED)
        self.text_at(MARGIN, MARGIN - 2, self.width, 5, "HOME PRACTICE REPORT FOR THE THERAPIST")
        self.font(17, "B")
        self.text_at(MARGIN, MARGIN + 3.5, self.width, 9, r.child)
        y = MARGIN + 13.5
        left = [("Child", fm.child_line(r) or "date of birth not given")]
        left.append(("Therapist", (r.therapist + (f", {r.therapist_contact}" if r.therapist_contact else ""))
                     if r.therapist else "not named in the plan"))
        left.append(("Plan", fm.versions_text(r)))
        right = [("Period", period_line(r)), ("Report date", f"{r.report_date:%a %d %b %Y}")]
        half = self.width * 0.46
        for col, rows in ((0, left), (1, right)):
            x = MARGIN + col * (half + 2)
            w = half if col == 0 else self.width - half - 2
            for i, (label, value) in enumerate(rows):
                self.font(8, "", MUTED)
                self.text_at(x, y + i * 4.8, 19, 4.8, label)
                self.font(8.6)
                self.text_at(x + 19, y + i * 4.8, w - 19, 4.8, value)
        self.set_y(y + 3 * 4.8 + 2)

    def summary_tiles(self) -> None:
        r = self.report
        t = r.totals
        done_note = [f"{t.partial} partly, {t.skipped} skipped"]
        if t.open:
            done_note.append(f"{t.open} not recorded")
        sick = len(r.sick_days)
        if r.gas_t_score is not None:
            gas = ("GAS T-score", f"{r.gas_t_score:.1f}", ["all goals rated;",
                                                            "50 = as expected"])
        elif r.gas_goals_rated:
            gas = ("GAS T-score", "-", [f"{r.gas_goals_rated} of {r.gas_goals_total} goals rated",
                                        "needs every goal rated"])
        else:
            gas = ("Goal ratings", "none", ["no goal rated in this period"])
        tiles = [
            (ADHERENCE_NAME, fm.percent(t.adherence), ["done + half of partly done,",
                                                        f"of {t.counted} counted items"]),
            ("Done", f"{t.done} of {t.scheduled}", done_note),
            ("Sick days", f"{sick}", [f"not counted ({t.sick} item{'s' if t.sick != 1 else ''})"
                                      if sick else "none recorded"]),
            gas,
        ]
        gap = 3.0
        w = (self.width - gap * (len(tiles) - 1)) / len(tiles)
        y = self.get_y() + 1
        for i, (label, big, small) in enumerate(tiles):
            x = MARGIN + i * (w + gap)
            self.set_fill_color(*PANEL)
            self.rect(x, y, w, 21, style="F", round_corners=True, corner_radius=1.5)
            self.font(7.6, "B", MUTED)
            self.text_at(x + 2.5, y + 1.8, w - 5, 4.2, label)
            self.font(14, "B", ACCENT if i == 0 else INK)
            self.text_at(x + 2.5, y + 6, w - 5, 7, big)
            self.font(7, "", MUTED)
            for j, line in enumerate(small[:2]):
                self.text_at(x + 2.5, y + 13.2 + j * 3.3, w - 5, 3.4, line)
        y += 23
        notes = [x for x in (fm.sick_text(r), fm.pending_text(r)) if x]
        if notes:
            self.font(7.6, "", MUTED)
            self.text_at(MARGIN, y, self.width, 4, "; ".join(notes) + ".")
            y += 4.4
        self.set_y(y)

    def glance_block(self) -> None:
        """The activities ready to progress and the often refused ones, first thing on the page."""
        acts = self.report.activities
        ready = [a for a in acts if a.ready_to_progress]
        refused = [a for a in acts if a.often_refused]
        if not ready and not refused:
            return
        rows = []
        if ready:
            rows.append(("Ready to progress", ", ".join(
                f"{a.title} ({a.easy_in_a_row} easy in a row)" for a in ready)))
        if refused:
            rows.append(("Often refused", ", ".join(
                f"{a.title} ({a.refused_recent} of last {min(6, a.recorded_recent)})" for a in refused)))
        self.font(8.6)
        wrapped = [(label, self.lines(text, self.width - 38, 2)) for label, text in rows]
        h = sum(4.4 * len(ls) for _, ls in wrapped) + 3
        self.need(h + 2)
        y = self.get_y() + 1
        self.set_fill_color(*PANEL)
        self.rect(MARGIN, y, self.width, h, style="F")
        self.set_fill_color(*ACCENT)
        self.rect(MARGIN, y, 1.2, h, style="F")
        yy = y + 1.5
        for label, ls in wrapped:
            self.font(8.6, "B")
            self.text_at(MARGIN + 3, yy, 34, 4.4, label)
            self.font(8.6)
            for line in ls:
                self.text_at(MARGIN + 38, yy, self.width - 39, 4.4, line)
                yy += 4.4
        self.set_y(y + h + 2)

    def bar_chart(self, x: float, y: float, w: float, h: float, weeks: tuple[WeekCounts, ...]) -> None:
        """Practice done as planned per week (0-100%), one neutral colour."""
        groups = bar_groups(weeks)
        label_h = 3.6
        top_pad = 3.6
        plot_h = h - label_h - top_pad
        base = y + top_pad + plot_h
        self.set_draw_color(*GRID)
        self.set_line_width(0.2)
        self.font(5.8, "", MUTED)
        for frac in (0.0, 0.5, 1.0):
            gy = base - plot_h * frac
            self.line(x + 8, gy, x + w, gy)
            self.text_at(x, gy - 1.6, 8, 3.2, fm.percent(frac), align="R")
        n = max(1, len(groups))
        slot = (w - 9) / n
        bar = min(slot * 0.62, 10)
        every = 1 if slot >= 9 else max(1, int(9 // slot) + 1)
        for i, (label, c) in enumerate(groups):
            cx = x + 9 + slot * i + slot / 2
            if c.adherence is not None:
                bh = max(plot_h * c.adherence, 0.4)
                self.set_fill_color(*ACCENT_LIGHT)
                self.rect(cx - bar / 2, base - bh, bar, bh, style="F")
                if slot >= 7:
                    self.font(5.8, "B", INK)
                    self.text_at(cx - slot / 2, base - bh - 3.3, slot, 3.2, fm.percent(c.adherence),
                                 align="C")
            else:
                self.font(5.8, "", MUTED)
                self.text_at(cx - slot / 2, base - 3.3, slot, 3.2, "-", align="C")
            if i % every == 0:
                self.font(5.6, "", MUTED)
                lw = slot * every
                self.text_at(cx - lw / 2, base + 0.5, lw, 3.1, label, align="C")

    def goals_block(self) -> None:
        goals = self.report.goals
        if not goals:
            return
        self.section("Goals", follow=26)
        titles = {a.activity: a.title for a in self.report.activities}
        left = self.width * 0.54
        for g in goals:
            self.font(9.4, "B")
            text_lines = self.lines(g.text, left, 2)
            details: list[tuple[str, str]] = []
            c = g.counts
            if c.scheduled:
                details.append((f"{ADHERENCE_NAME} {fm.percent(c.adherence)}",
                                fm.tally_text(c)))
                acts = ", ".join(titles.get(k, k) for k in g.activities)
                details.append(("Activities", acts))
            if g.ratings:
                details.append(("GAS ratings", fm.gas_line(g)))
                latest = g.ratings[-1]
                if latest.text or latest.note:
                    details.append((f"Latest ({latest.level:+d})" if latest.level else "Latest (0)",
                                    "; ".join(x for x in (latest.text, latest.note) if x)))
            placed: list[tuple[str, str]] = []
            for label, value in details:        # a value too long for its label's line goes below it
                self.font(7.8, "B")
                lw = self.get_string_width(pdf_text(label, self.cover)) + 2.5
                self.font(7.8)
                if label and lw + self.get_string_width(pdf_text(value, self.cover)) > left - 1:
                    placed += [(label, ""), ("", value)]
                else:
                    placed.append((label, value))
            h = max(len(text_lines) * 4.4 + len(placed) * 3.9 + 2.5, 22.0 if len(g.weeks) > 1 else 0)
            self.need(h + 1.5)
            y = self.get_y()
            for i, line in enumerate(text_lines):
                self.font(9.4, "B")
                self.text_at(MARGIN, y + i * 4.4, left, 4.4, line)
            yy = y + len(text_lines) * 4.4 + 0.6
            for label, value in placed:
                self.font(7.8, "B", INK if label.startswith(ADHERENCE_NAME) else MUTED)
                lw = min(self.get_string_width(pdf_text(label, self.cover)) + 2.5, left * 0.6) if label else 4
                self.text_at(MARGIN, yy, lw, 3.9, label)
                self.font(7.8, "", MUTED)
                self.text_at(MARGIN + lw, yy, left - lw, 3.9, value)
                yy += 3.9
            if len(g.weeks) > 1:
                self.bar_chart(MARGIN + left + 5, y, self.width - left - 5, 21, g.weeks)
            self.set_draw_color(*GRID)
            self.set_line_width(0.15)
            self.line(MARGIN, y + h, MARGIN + self.width, y + h)
            self.set_y(y + h + 1.5)
        line = fm.t_score_text(self.report)
        if line:
            self.font(8.4, "B")
            self.need(5)
            self.text_at(MARGIN, self.get_y(), self.width, 4.6, line)
            self.set_y(self.get_y() + 5.5)

    def activities_table(self) -> None:
        acts = self.report.activities
        if not acts:
            return
        W = self.width
        cols = [("Activity", W * 0.36, "L"), ("As planned", W * 0.11, "R"), ("Done", W * 0.08, "R"),
                ("Partly", W * 0.08, "R"), ("Skipped", W * 0.09, "R"), ("Sick", W * 0.07, "R"),
                ("Not rec.", W * 0.09, "R"), ("", W * 0.12, "R")]
        head_h = 5.0

        def head() -> None:
            self.font(7.4, "B", MUTED)
            x = MARGIN
            y = self.get_y()
            for label, w, align in cols:
                self.text_at(x + 0.5, y, w - 1, head_h, label, align=align)
                x += w
            self.set_draw_color(*GRID)
            self.line(MARGIN, y + head_h, MARGIN + W, y + head_h)
            self.set_y(y + head_h + 0.4)

        self.section(f"Activities ({ADHERENCE_NAME.lower()}, by activity)", follow=head_h + 14)
        head()
        for i, a in enumerate(acts):
            c = a.counts
            detail = [f"Prescribed: {', '.join(x for x in (a.frequency, a.dose) if x)}"]
            reasons = {k: v for k, v in a.skip_reasons.items() if k != "sick"}
            if c.skipped:
                detail.append("skipped: " + fm.reasons_text(reasons))
            if fm.rating_trend_text(a):
                recent = " ".join(fm.RATING_SHORT[r] for r in a.recent_ratings)
                detail.append(f"rating {fm.rating_trend_text(a)} (recent {recent})")
            if fm.assist_trend_text(a):
                detail.append(f"help {fm.assist_trend_text(a)}")
            if a.levels:
                detail.append(f"level {fm.levels_text(a)}")
            if a.options:
                detail.append("chosen " + ", ".join(f"{k} {v}" for k, v in a.options.items()))
            self.font(7.2, "", MUTED)
            sub = self.lines("; ".join(detail), W - 3, 2)
            row_h = 4.8 + 3.4 * len(sub) + 0.8
            if not self.room(row_h):
                self.add_page()
                head()
            y = self.get_y()
            if i % 2:
                self.set_fill_color(*ZEBRA)
                self.rect(MARGIN, y, W, row_h, style="F")
            flag = " / ".join(f for f, on in (("READY", a.ready_to_progress),
                                              ("REFUSED", a.often_refused)) if on)
            values = [a.title, fm.percent(c.adherence), str(c.done), str(c.partial), str(c.skipped),
                      str(c.sick), str(c.open), flag]
            x = MARGIN
            for (label, w, align), value in zip(cols, values):
                bold = label in ("Activity", "As planned") or (label == "" and value)
                self.font(8.4 if label != "" else 7.4, "B" if bold else "", INK)
                self.text_at(x + 0.5, y + 0.3, w - 1, 4.6, value, align=align)
                x += w
            self.font(7.2, "", MUTED)
            for j, line in enumerate(sub):
                self.text_at(MARGIN + 3, y + 4.8 + j * 3.4, W - 3, 3.4, line)
            self.set_y(y + row_h)
        self.font(6.8, "", MUTED)
        self.need(8)
        y = self.get_y() + 0.5
        self.text_at(MARGIN, y, W, 3.4,
                     "Rating E/R/H = easy / just right / hard; help = on their own / a reminder / shown how / "
                     "hands-on; a -> b = first half of the period -> second half.")
        self.text_at(MARGIN, y + 3.4, W, 3.4,
                     "READY = ready to progress (easy ratings in a row); REFUSED = refused in at least "
                     "half of the last 6 recorded; sick days are not counted.")
        self.set_y(y + 8)

    def as_needed_block(self) -> None:
        rows = self.report.as_needed
        if not rows:
            return
        self.section("When needed (not scheduled, never counted as missed)", follow=6 * min(2, len(rows)))
        for u in rows:
            self.need(5)
            y = self.get_y()
            self.font(8.4, "B")
            self.text_at(MARGIN, y, self.width * 0.34, 4.6, u.title)
            self.font(8.2)
            self.text_at(MARGIN + self.width * 0.34, y, self.width * 0.66, 4.6, fm.uses_text(u))
            self.set_y(y + 5)
        self.set_y(self.get_y() + 1.5)

    def counts_line(self) -> None:
        r = self.report
        self.need(10)
        y = self.get_y() + 0.5
        self.font(8, "B", MUTED)
        self.text_at(MARGIN, y, 40, 4.4, "All activities")
        self.font(8, "", MUTED)
        self.text_at(MARGIN + 40, y, self.width - 40, 4.4, "Difficulty: " + ", ".join(
            f"{RATING_LABELS[k].lower()} {r.ratings.get(k, 0)}" for k in RATINGS))
        self.text_at(MARGIN + 40, y + 4.4, self.width - 40, 4.4, "Skipped because: " + ", ".join(
            f"{SKIP_REASON_LABELS[k].lower()} {r.skip_reasons.get(k, 0)}" for k in SKIP_REASONS))
        self.set_y(y + 10)

    def notes_block(self) -> None:
        """The newest notes that fit the pages left, printed oldest first; nothing else is laid out."""
        notes = self.report.notes
        if not notes:
            return
        self.section(f"Notes from home ({len(notes)})", follow=12)
        line_h = 3.9
        text_w = self.width - NOTE_DATE_W
        intro_h = line_h + 1
        space = self.bottom - self.get_y() - intro_h
        if self.page_no() < MAX_PAGES:
            space += (self.bottom - MARGIN) * (MAX_PAGES - self.page_no())
            space -= 8 * line_h                 # what a page break may waste at its foot
        space -= CLOSING_H
        chosen: list[tuple[object, list[str]]] = []
        used = 0.0
        self.font(8.2)
        for n in reversed(notes):                # newest first, and stop at the first that misses
            body = self.lines(f"{fm.note_label(n)}: {n.text[:NOTE_MAX_CHARS]}", text_w, NOTE_MAX_LINES)
            h = line_h * len(body) + 1
            if used + h > space:
                break
            used += h
            chosen.append((n, body))
        chosen.reverse()
        hidden = len(notes) - len(chosen)
        if hidden:
            self.font(7.8, "", MUTED)
            self.text_at(MARGIN, self.get_y(), self.width, line_h,
                         f"The {len(chosen)} most recent notes; {hidden} earlier "
                         f"note{'s are' if hidden > 1 else ' is'} in the CSV export.")
            self.set_y(self.get_y() + intro_h)
        for n, body in chosen:
            h = line_h * len(body) + 1
            if not self.room(h):
                self.add_page()
            y = self.get_y()
            self.font(7.8, "", MUTED)
            self.text_at(MARGIN, y, NOTE_DATE_W, line_h, f"{n.date:%a %d %b}")
            for j, line in enumerate(body):
                self.font(8.2)
                self.text_at(MARGIN + NOTE_DATE_W, y + j * line_h, text_w, line_h, line)
            self.set_y(y + h)

    def closing_block(self) -> None:
        """An empty box for the therapist and a signature and date line, on the last page."""
        self.need(CLOSING_H)
        y = max(self.get_y() + 2, self.bottom - CLOSING_H + 2)
        self.font(9.5, "B", ACCENT)
        self.text_at(MARGIN, y, self.width, 5, "Therapist's notes and next steps")
        self.set_draw_color(*ACCENT_LIGHT)
        self.set_line_width(0.3)
        self.rect(MARGIN, y + 6, self.width, 26)
        sy = y + 40
        self.set_draw_color(*MUTED)
        self.set_line_width(0.25)
        sig_w = self.width * 0.55
        self.line(MARGIN + 18, sy, MARGIN + sig_w, sy)
        self.line(MARGIN + sig_w + 14, sy, MARGIN + self.width, sy)
        self.font(8, "", MUTED)
        self.text_at(MARGIN, sy - 4.2, 18, 4.2, "Signature")
        self.text_at(MARGIN + sig_w + 4, sy - 4.2, 10, 4.2, "Date")
        self.set_y(sy + 1)

    def build(self) -> bytes:
        self.add_page()
        self.header_block()
        if self.report.empty:
            self.font(11, "", MUTED)
            self.text_at(MARGIN, self.get_y() + 6, self.width, 8, fm.empty_text(self.report))
            self.set_y(self.get_y() + 16)
        else:
            self.summary_tiles()
            self.glance_block()
            self.goals_block()
            self.activities_table()
            self.as_needed_block()
            self.counts_line()
            self.notes_block()
        self.closing_block()
        return bytes(self.output())


def render_pdf(report: Report, paper: str = "a4") -> bytes:
    """The printable report; `paper` is "a4" or "letter" (see `default_paper`)."""
    return ReportPDF(report, paper).build()
