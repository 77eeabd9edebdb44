"""The printable progress report: one or two A4 pages, drawn with fpdf2 alone.

Text uses the PDF core font Helvetica (nothing to embed, nothing to ship). Its
encoding is Windows-1252, so text is passed through `pdf_text`, which keeps
every character that encoding has (accents, en dashes, curly quotes), spells
out the common others (Ł -> L, ő -> o) and never raises on any Unicode input.
"""
from __future__ import annotations

import unicodedata
from datetime import datetime, time, timezone

from fpdf import FPDF

from planner.core.model import RATING_LABELS, RATINGS, SKIP_REASON_LABELS, SKIP_REASONS, Status
from planner.core.progress import Tally, WeekPoint
from planner.core.report import Report
from planner.reports.formats import percent as pct

ENCODING = "cp1252"

# Letters without a decomposition into a base letter plus accents.
_SPELLED = {
    "Ł": "L", "ł": "l", "Đ": "D", "đ": "d", "Ħ": "H", "ħ": "h", "ı": "i", "Ŀ": "L", "ŀ": "l",
    "Ŧ": "T", "ŧ": "t", "ĸ": "k", "ŉ": "'n", "Ŋ": "N", "ŋ": "n", "ſ": "s", "Ə": "E", "ə": "e",
    "Ɨ": "I", "ɨ": "i", "Ø": "O", "ø": "o", "Æ": "AE", "æ": "ae", "ẞ": "SS",
    "‐": "-", "‑": "-", "‒": "-", "―": "-", "−": "-", "⁄": "/", "′": "'", "″": '"',
    "‚": ",", "„": '"', "‹": "<", "›": ">", "«": '"', "»": '"', "→": "->", "←": "<-",
    "≤": "<=", "≥": ">=", "≠": "!=", "\u00a0": " ",
    "\u2009": " ", "\u202f": " ", "\u2002": " ", "\u2003": " ", "\u3000": " ",
}

INK = (44, 52, 60)
MUTED = (112, 120, 130)
ACCENT = (43, 122, 120)
ACCENT_LIGHT = (157, 204, 199)
AMBER = (212, 155, 72)
ROSE = (196, 112, 104)
GRID = (222, 226, 230)
PANEL = (240, 245, 245)
ZEBRA = (247, 249, 249)

STATUS_WORDS = {Status.PARTIAL: "partly", Status.SKIPPED: "skipped", Status.PLANNED: "not ticked"}

PAGE_W, PAGE_H = 210.0, 297.0
MARGIN = 15.0
BOTTOM = PAGE_H - 16.0            # keep clear of the footer
WIDTH = PAGE_W - 2 * MARGIN
MAX_PAGES = 2
NOTE_DATE_W = 24.0


def pdf_text(text: object) -> str:
    """Any text -> text the core fonts can show (Windows-1252), without raising."""
    out = []
    for ch in str(text):
        if ch in "\r\n\t":
            out.append(" ")
            continue
        try:
            ch.encode(ENCODING)
        except UnicodeEncodeError:
            pass
        else:
            if unicodedata.category(ch) != "Cc":
                out.append(ch)
            continue
        if ch in _SPELLED:
            out.append(_SPELLED[ch])
            continue
        base = "".join(c for c in unicodedata.normalize("NFKD", ch) if not unicodedata.combining(c))
        try:
            base.encode(ENCODING)
        except UnicodeEncodeError:
            base = ""
        if base and all(unicodedata.category(c) != "Cc" for c in base):
            out.append(base)
            continue
        cat = unicodedata.category(ch)
        if cat[0] in "LN":
            out.append("?")         # a letter we cannot show: mark it, do not drop it
        elif cat[0] in "PZ":
            out.append(" " if cat[0] == "Z" else "-")
        # symbols, emoji, joiners, marks and lone surrogates are left out
    return "".join(out)


def period_line(r: Report) -> str:
    if r.last < r.first:
        return (f"{r.first:%a %d %b %Y} to {r.requested_last:%a %d %b %Y} "
                f"(not started on {r.today:%d %b %Y})")
    text = f"{r.first:%a %d %b %Y} to {r.last:%a %d %b %Y}"
    if r.requested_last > r.last:
        text += f" (as of {r.today:%d %b %Y})"
    return text


class ReportPDF(FPDF):
    def __init__(self, report: Report):
        super().__init__(orientation="P", unit="mm", format="A4")
        self.report = report
        self.core_fonts_encoding = ENCODING
        self.set_margins(MARGIN, MARGIN, MARGIN)
        self.set_auto_page_break(False)
        self.alias_nb_pages()
        self.set_title(pdf_text(f"Home practice report - {report.child}"))
        self.set_author(pdf_text(report.therapist or "OT home planner"))
        self.set_creator("OT home planner")
        self.creation_date = datetime.combine(report.today, time(12, 0), tzinfo=timezone.utc)

    # ---------------------------------------------------------------- helpers
    def font(self, size: float, style: str = "", color=INK) -> None:
        self.set_font("Helvetica", style, size)
        self.set_text_color(*color)

    def text_at(self, x: float, y: float, w: float, h: float, text: str, align: str = "L",
                fill: bool = False) -> None:
        self.set_xy(x, y)
        self.cell(w, h, self.fit(text, w), align=align, fill=fill)

    def fit(self, text: str, width: float) -> str:
        """Shorten one line of text with an ellipsis so it fits `width`."""
        text = " ".join(pdf_text(text).split())
        if self.get_string_width(text) <= width - 1:
            return text
        while text and self.get_string_width(text + "\u2026") > width - 1:
            text = text[:-1]
        return text.rstrip() + "\u2026"

    def lines(self, text: str, width: float, max_lines: int) -> list[str]:
        """Word-wrap to at most `max_lines` lines of `width`, the last one shortened."""
        words = pdf_text(text).split()
        out: list[str] = []
        line = ""
        for word in words:
            trial = f"{line} {word}".strip()
            if self.get_string_width(trial) <= width - 1:
                line = trial
                continue
            if line:
                out.append(line)
            line = word
            if len(out) == max_lines:
                break
        if line and len(out) < max_lines:
            out.append(line)
        if out and len(" ".join(out)) < len(" ".join(words)):
            out[-1] = self.fit(out[-1] + "\u2026", width)
        return [self.fit(line, width) for line in out]

    def room(self, height: float) -> bool:
        return self.get_y() + height <= BOTTOM

    def need(self, height: float) -> None:
        if not self.room(height):
            self.add_page()

    def section(self, title: str, follow: float = 12) -> None:
        self.need(10 + follow)
        y = self.get_y() + 2
        self.font(11.5, "B", ACCENT)
        self.text_at(MARGIN, y, WIDTH, 6, title)
        self.set_draw_color(*ACCENT_LIGHT)
        self.set_line_width(0.3)
        self.line(MARGIN, y + 6.6, MARGIN + WIDTH, y + 6.6)
        self.set_y(y + 8.4)

    def footer(self) -> None:
        r = self.report
        self.font(7.5, "", MUTED)
        self.text_at(MARGIN, PAGE_H - 11, WIDTH * 0.75, 5,
                     f"{r.child} - home practice {r.first:%d %b %Y} to "
                     f"{max(r.last, r.first):%d %b %Y}")
        self.text_at(MARGIN + WIDTH * 0.75, PAGE_H - 11, WIDTH * 0.25, 5,
                     f"page {self.page_no()} of {{nb}}", align="R")

    # ---------------------------------------------------------------- parts
    def header_block(self) -> None:
        r = self.report
        self.font(9, "", MUTED)
        self.text_at(MARGIN, MARGIN, WIDTH, 5, "HOME PRACTICE REPORT")
        self.font(20, "B")
        self.text_at(MARGIN, MARGIN + 5.5, WIDTH, 10, r.child)
        y = MARGIN + 17
        self.font(9.5)
        rows = [("Period", period_line(r))]
        if r.therapist:
            who = r.therapist + (f", {r.therapist_contact}" if r.therapist_contact else "")
            rows.append(("Therapist", who))
        rows.append(("Plan", f"{r.plan_id}, version {r.plan_version}"))
        for label, value in rows:
            self.font(9, "", MUTED)
            self.text_at(MARGIN, y, 22, 5, label)
            self.font(9.5)
            self.text_at(MARGIN + 22, y, WIDTH - 22, 5, value)
            y += 5.2
        self.set_y(y + 2)

    def summary_tiles(self) -> None:
        t = self.report.totals
        done_note = [f"{t.partial} partly, {t.skipped} skipped"]
        if t.open:
            done_note.append(f"{t.open} not recorded")
        tiles = [
            ("Adherence", pct(t.adherence), ["done + half of partly done"]),
            ("Done", f"{t.done} of {t.scheduled}", done_note),
            ("Minutes practised", f"{t.minutes_done}", [f"of {t.minutes_planned} planned"]),
            ("Practice days", *self._days_line()),
        ]
        gap = 3.0
        w = (WIDTH - gap * (len(tiles) - 1)) / len(tiles)
        y = self.get_y() + 1
        for i, (label, big, small) in enumerate(tiles):
            x = MARGIN + i * (w + gap)
            self.set_fill_color(*PANEL)
            self.rect(x, y, w, 22, style="F", round_corners=True, corner_radius=2)
            self.font(8, "", MUTED)
            self.text_at(x + 3, y + 2, w - 6, 4.5, label)
            self.font(15, "B", ACCENT if i == 0 else INK)
            self.text_at(x + 3, y + 6.5, w - 6, 7, big)
            self.font(7.2, "", MUTED)
            for j, line in enumerate(small[:2]):
                self.text_at(x + 3, y + 13.8 + j * 3.4, w - 6, 3.6, line)
        self.set_y(y + 25)

    def _days_line(self) -> tuple[str, str]:
        dates = {}
        for it in self.report.items:
            dates.setdefault(it.date, False)
            if it.status in (Status.DONE, Status.PARTIAL):
                dates[it.date] = True
        practised = sum(1 for v in dates.values() if v)
        return f"{practised} of {len(dates)}", ["days with something done"]

    def bar_chart(self, x: float, y: float, w: float, h: float, weeks: tuple[WeekPoint, ...]) -> None:
        """Adherence per week: one bar a week, 0-100% scale, labels under the bars."""
        label_h = 4.0
        top_pad = 4.0
        plot_h = h - label_h - top_pad
        base = y + top_pad + plot_h
        self.set_draw_color(*GRID)
        self.set_line_width(0.2)
        self.font(6, "", MUTED)
        for frac in (0.0, 0.5, 1.0):
            gy = base - plot_h * frac
            self.line(x + 8, gy, x + w, gy)
            self.text_at(x, gy - 1.6, 8, 3.2, pct(frac), align="R")
        n = max(1, len(weeks))
        slot = (w - 9) / n
        bar = min(slot * 0.62, 11)
        every = 1 if slot >= 9 else max(1, int(9 // slot) + 1)
        for i, wp in enumerate(weeks):
            cx = x + 9 + slot * i + slot / 2
            t = wp.tally
            if t.scheduled:
                bh = max(plot_h * t.adherence, 0.4)
                colour = ACCENT if t.adherence >= 0.6 else AMBER if t.adherence >= 0.3 else ROSE
                self.set_fill_color(*colour)
                self.rect(cx - bar / 2, base - bh, bar, bh, style="F")
                if slot >= 7:
                    self.font(6, "B", INK)
                    self.text_at(cx - slot / 2, base - bh - 3.4, slot, 3.2, pct(t.adherence), align="C")
            else:
                self.font(6, "", MUTED)
                self.text_at(cx - slot / 2, base - 3.4, slot, 3.2, "-", align="C")
            if i % every == 0:
                self.font(5.8, "", MUTED)
                lw = slot * every
                self.text_at(cx - lw / 2, base + 0.6, lw, 3.2, f"{wp.monday:%d %b}", align="C")

    def progress_bar(self, x: float, y: float, w: float, t: Tally) -> None:
        self.set_fill_color(*GRID)
        self.rect(x, y, w, 2.6, style="F")
        if t.scheduled:
            done_w = w * t.done / t.scheduled
            part_w = w * t.partial / t.scheduled
            self.set_fill_color(*ACCENT)
            if done_w:
                self.rect(x, y, done_w, 2.6, style="F")
            self.set_fill_color(*ACCENT_LIGHT)
            if part_w:
                self.rect(x + done_w, y, part_w, 2.6, style="F")

    def goals_block(self) -> None:
        self.section("Goals, week by week", follow=30)
        for g in self.report.goals:
            h = 27.0
            self.need(h + 2)
            y = self.get_y()
            left = 84.0
            self.font(9.8, "B")
            text_lines = self.lines(g.text, left, 3)
            for i, line in enumerate(text_lines):
                self.text_at(MARGIN, y + i * 4.6, left, 4.6, line)
            ly = y + len(text_lines) * 4.6 + 1.5
            self.font(16, "B", ACCENT)
            self.text_at(MARGIN, ly, 22, 7, pct(g.tally.adherence))
            self.font(7.8, "", MUTED)
            t = g.tally
            detail = f"{t.done} done, {t.partial} partly, {t.skipped} skipped of {t.scheduled}"
            self.text_at(MARGIN + 22, ly + 1.2, left - 22, 4.5, detail)
            self.progress_bar(MARGIN, ly + 8.5, left - 4, t)
            self.bar_chart(MARGIN + left + 6, y, WIDTH - left - 6, h - 3, g.weeks)
            self.set_draw_color(*GRID)
            self.set_line_width(0.15)
            self.line(MARGIN, y + h, MARGIN + WIDTH, y + h)
            self.set_y(y + h + 2)

    def activities_table(self) -> None:
        cols = [("Activity", 68, "L"), ("Scheduled", 19, "R"), ("Done", 15, "R"),
                ("Partly", 15, "R"), ("Skipped", 17, "R"), ("Adherence", 21, "R"),
                ("Minutes done", 25, "R")]
        row_h = 5.6
        acts = self.report.activities

        def head() -> None:
            self.font(7.8, "B", MUTED)
            x = MARGIN
            y = self.get_y()
            for label, w, align in cols:
                self.text_at(x + 1, y, w - 2, row_h, label, align=align)
                x += w
            self.set_draw_color(*GRID)
            self.line(MARGIN, y + row_h, MARGIN + WIDTH, y + row_h)
            self.set_y(y + row_h + 0.4)

        self.section("Activities", follow=row_h * (1 + min(3, len(acts))) + 1)
        head()
        for i, a in enumerate(acts):
            if not self.room(row_h):
                self.add_page()
                head()
            y = self.get_y()
            if i % 2:
                self.set_fill_color(*ZEBRA)
                self.rect(MARGIN, y, WIDTH, row_h, style="F")
            t = a.tally
            values = [a.title, str(t.scheduled), str(t.done), str(t.partial), str(t.skipped),
                      pct(t.adherence), f"{t.minutes_done} of {t.minutes_planned}"]
            x = MARGIN
            for (label, w, align), value in zip(cols, values):
                self.font(8.6, "B" if label == "Adherence" else "", INK)
                self.text_at(x + 1, y, w - 2, row_h, value, align=align)
                x += w
            self.set_y(y + row_h)
        self.set_y(self.get_y() + 2)

    def counts_block(self) -> None:
        r = self.report
        block_h = 6 + 5.4 * max(len(RATINGS), len(SKIP_REASONS)) + 5
        self.section("Difficulty and skipped practice", follow=block_h)
        y = self.get_y()
        half = (WIDTH - 10) / 2
        self._counts(MARGIN, y, half, "How hard it felt (rated items)",
                     [(RATING_LABELS[k], r.ratings.get(k, 0)) for k in RATINGS],
                     [ACCENT_LIGHT, ACCENT, AMBER])
        self._counts(MARGIN + half + 10, y, half, "Why practice was skipped",
                     [(SKIP_REASON_LABELS[k], r.skip_reasons.get(k, 0)) for k in SKIP_REASONS],
                     [ROSE] * len(SKIP_REASONS))
        self.set_y(y + block_h)

    def _counts(self, x: float, y: float, w: float, title: str, rows, colours) -> None:
        self.font(8.4, "B", MUTED)
        self.text_at(x, y, w, 5, title)
        total = sum(v for _, v in rows)
        biggest = max([v for _, v in rows] + [1])
        label_w, num_w = 24.0, 14.0
        bar_w = w - label_w - num_w - 2
        for i, ((label, value), colour) in enumerate(zip(rows, colours)):
            ry = y + 6 + i * 5.4
            self.font(8.6)
            self.text_at(x, ry, label_w, 5, label)
            self.set_fill_color(*GRID)
            self.rect(x + label_w, ry + 1.4, bar_w, 2.4, style="F")
            if value:
                self.set_fill_color(*colour)
                self.rect(x + label_w, ry + 1.4, bar_w * value / biggest, 2.4, style="F")
            self.font(8.6, "B")
            self.text_at(x + label_w + bar_w + 1, ry, num_w + 1, 5, f"{value}", align="R")
        if not total:
            self.font(7.5, "", MUTED)
            self.text_at(x, y + 6 + len(rows) * 5.4, w, 4, "none recorded")

    def _note_label(self, n) -> str:
        label = n.title + (f" ({STATUS_WORDS[n.status]})" if n.status in STATUS_WORDS else "")
        return " ".join(pdf_text(label).split())

    def _note_lines(self, n) -> list[str]:
        self.font(8.6)
        return self.lines(f"{self._note_label(n)}: {n.text}", WIDTH - NOTE_DATE_W - 6, 4)

    def notes_block(self) -> None:
        """Dated notes; when they cannot all fit on two pages, the most recent ones."""
        notes = self.report.notes
        if not notes:
            return
        self.section(f"Notes from home ({len(notes)})", follow=10)
        line_h = 4.2
        heights = [line_h * len(self._note_lines(n)) + 1.2 for n in notes]
        space = BOTTOM - self.get_y() - line_h - 2
        if self.page_no() < MAX_PAGES:
            space += (BOTTOM - MARGIN) * (MAX_PAGES - self.page_no()) - max(heights)
        shown = 0
        used = 0.0
        for h in reversed(heights):
            if used + h > space:
                break
            used += h
            shown += 1
        hidden = len(notes) - shown
        if hidden:
            self.font(8, "I", MUTED)
            self.text_at(MARGIN, self.get_y(), WIDTH, line_h,
                         f"The {shown} most recent notes; {hidden} earlier "
                         f"note{'s are' if hidden > 1 else ' is'} in the CSV export "
                         "(planner report --format csv).")
            self.set_y(self.get_y() + line_h + 1)
        for i, n in enumerate(notes[hidden:]):
            body = self._note_lines(n)
            h = line_h * len(body) + 1.2
            if not self.room(h):
                if self.page_no() >= MAX_PAGES:
                    return
                self.add_page()
            y = self.get_y()
            self.font(8.2, "", MUTED)
            self.text_at(MARGIN, y, NOTE_DATE_W, line_h, f"{n.date:%a %d %b}")
            x = MARGIN + NOTE_DATE_W
            text_w = WIDTH - NOTE_DATE_W
            title = self._note_label(n) + ":"
            for j, line in enumerate(body):
                if j == 0 and line.startswith(title):
                    self.font(8.6, "B")
                    tw = self.get_string_width(title)
                    self.text_at(x, y, tw + 1.2, line_h, title)
                    self.font(8.6)
                    self.text_at(x + tw + 1, y, text_w - tw - 1, line_h, line[len(title):].strip())
                    continue
                self.font(8.6)
                self.text_at(x, y + j * line_h, text_w, line_h, line)
            self.set_y(y + h)

    def build(self) -> bytes:
        self.add_page()
        self.header_block()
        if self.report.empty:
            self.font(11, "", MUTED)
            self.text_at(MARGIN, self.get_y() + 6, WIDTH, 8,
                         "Nothing was scheduled in this period yet.")
        else:
            self.summary_tiles()
            self.goals_block()
            self.activities_table()
            self.counts_block()
            self.notes_block()
        return bytes(self.output())


def render_pdf(report: Report) -> bytes:
    return ReportPDF(report).build()
