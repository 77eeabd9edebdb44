"""The printed report: text read back with pdftotext, pages rendered with pdftoppm, paper sizes,
every script a name or note may use, and the work it does on long histories."""
from __future__ import annotations

import os
import re
import shutil
import subprocess
from datetime import date, timedelta
from pathlib import Path

import pytest
from hypothesis import given, settings, strategies as st

from planner.core.model import AsNeededUse, GoalRating
from planner.core.report import ADHERENCE_NAME, FOOTER, build_report
from planner.core.value import replace
from planner.reports import pdf as pdfmod
from planner.reports.paper import default_paper
from planner.reports.pdf import coverage, pdf_text, render_pdf
from test_report import D, DONE, PART, SKIP, as_days, day, mk, plan_of

ARABIC = "عبد الرحمن بن محمد بن عبد العزيز بن سلمان الهاشمي"
CHINESE = "王小明"
CYRILLIC = "Пётр Ёжиков"


def tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            pytest.fail(f"{name} (poppler-utils) is required in CI")
        pytest.skip(f"{name} (poppler-utils) is not installed")
    return path


def pdf_to_text(pdf: bytes, tmp_path: Path) -> str:
    f = tmp_path / "t.pdf"
    f.write_bytes(pdf)
    return subprocess.run([tool("pdftotext"), "-layout", str(f), "-"], capture_output=True,
                          text=True, timeout=60, check=True).stdout


def page_count(text: str) -> int:
    return text.count("\f") or 1


def render_pages(pdf: bytes, tmp_path: Path, name: str = "page", dpi: int = 40) -> list[Path]:
    f = tmp_path / f"{name}.pdf"
    f.write_bytes(pdf)
    subprocess.run([tool("pdftoppm"), "-r", str(dpi), "-png", str(f), str(tmp_path / name)],
                   check=True, timeout=60, capture_output=True)
    return sorted(tmp_path.glob(f"{name}-*.png"))


def page_size_pt(pdf: bytes, tmp_path: Path) -> tuple[float, float]:
    f = tmp_path / "size.pdf"
    f.write_bytes(pdf)
    info = subprocess.run([tool("pdfinfo"), str(f)], capture_output=True, text=True, timeout=60).stdout
    m = re.search(r"Page size:\s+([\d.]+) x ([\d.]+) pts", info)
    return float(m.group(1)), float(m.group(2))


def month_report(child: str = "Maya", notes: list[str] | None = None, **kw):
    """Four weeks of practice: tweezers rated easy at the end, ball catching mostly refused."""
    items = []
    notes = notes or []
    k = 0
    for i in range(28):
        d = day(i)
        if d.weekday() == 6:
            continue
        items.append(mk(d, "wall-pushups", "morning", [DONE, PART, DONE, SKIP][i % 4], minutes=2,
                        reason="no-time" if i % 4 == 3 else None, rating="right" if i % 4 == 0 else None,
                        assist=("hands-on", "reminder", "independent")[min(2, i // 10)]))
        if d.weekday() in (0, 2, 4):
            items.append(mk(d, "tweezers-pickup", status=DONE, rating="easy" if i > 14 else "hard",
                            level="easier" if i < 14 else "standard"))
        if d.weekday() in (1, 3, 5):
            refused = i % 3 != 0
            items.append(mk(d, "ball-catching", status=SKIP if refused else DONE,
                            reason="refused" if refused else None))
        if d.weekday() in (1, 3):
            items.append(mk(d, "buttoning-practice", status=SKIP if i == 8 else PART,
                            reason="sick" if i == 8 else None))
        if notes and i % 2 == 0:
            items[-1] = replace(items[-1], note=notes[k % len(notes)])
            k += 1
    ratings = [GoalRating("maya-winter", "pincer", day(0), -1, "2 of 10 beads"),
               GoalRating("maya-winter", "pincer", day(26), 0, "6 of 10 beads"),
               GoalRating("maya-winter", "dressing", day(26), -1),
               GoalRating("maya-winter", "catch", day(26), -2, "avoids the ball")]
    uses = [AsNeededUse("maya-winter", "calm-corner", f"2026-11-{n:02d}T17:00", "high", "just-right")
            for n in (3, 5, 10, 18, 24)]
    plan = plan_of(child={"name": child, "birth_date": "2022-06-14"}, start="2026-11-02")
    return build_report(as_days(items), [plan], D, day(29), day(28), ratings=ratings, uses=uses, **kw)


# ------------------------------------------------------------------ paper

@pytest.mark.parametrize("name, paper", [
    ("en_US.UTF-8", "letter"), ("en-CA", "letter"), ("fr_CA.utf8", "letter"), ("es_MX@x", "letter"),
    ("en_GB.UTF-8", "a4"), ("de_DE", "a4"), ("fr", "a4"), ("C", "a4"), ("", "a4"), (None, "a4"),
    ("POSIX", "a4")])
def test_default_paper_follows_the_locale(name, paper):
    assert default_paper(name) == paper


def test_page_size_a4_and_letter(tmp_path):
    rep = month_report()
    w, h = page_size_pt(render_pdf(rep, paper="a4"), tmp_path)
    assert (round(w), round(h)) == (595, 842)
    w, h = page_size_pt(render_pdf(rep, paper="letter"), tmp_path)
    assert (round(w), round(h)) == (612, 792)
    with pytest.raises(ValueError):
        render_pdf(rep, paper="legal")


# ------------------------------------------------------------------ content

@pytest.mark.parametrize("paper", ["a4", "letter"])
def test_month_on_one_or_two_pages_with_every_part(tmp_path, paper):
    rep = month_report(notes=["Went well", "Tired after school, did half"])
    text = pdf_to_text(render_pdf(rep, paper=paper), tmp_path)
    pages = text.split("\f")
    assert 1 <= page_count(text) <= 2
    flat = " ".join(text.split())
    for words in ("Maya", "born 14 Jun 2022, age 4 years 5 months", "R. Okafor", "Report date",
                  "Mon 30 Nov 2026",     # the report date (today)
                  "02 Nov 2026 to 30 Nov 2026 (later days to come)",
                  "1 sick, not counted", "Often refused Ball catching (4 of last 6)",
                  f"{ADHERENCE_NAME}", "Ready to progress", "Tweezer pick-up (5 easy in a row)",
                  "Often refused", "Ball catching", "GAS T-score", "Sick days",
                  "1 sick day", "Prescribed: Mon, Wed, Fri (afternoon), 5 min", "When needed",
                  "5 uses", "Therapist's notes and next steps", "Signature", "Date",
                  "version 1 from 02 Nov 2026", "Tired after school"):
        assert words in flat, words
    for page in pages:
        if page.strip():
            assert FOOTER in " ".join(page.split())
    assert "Therapist's notes and next steps" in " ".join(pages[-2 if not pages[-1].strip() else -1].split())
    assert "Adherence" not in flat


def test_t_score_printed_when_every_goal_is_rated(tmp_path):
    rep = month_report()
    # pincer 0, dressing -1, catch -2 -> 50 + 10 * (-3) / sqrt(2.1 + 2.7) = 36.3
    assert rep.gas_t_score == 36.3
    flat = " ".join(pdf_to_text(render_pdf(rep), tmp_path).split())
    assert "36.3" in flat and "Kiresuk & Sherman 1968" in flat


@pytest.mark.parametrize("paper", ["a4", "letter"])
def test_names_and_notes_in_any_script_print_as_typed(tmp_path, paper):
    notes = [f"{CYRILLIC} помогал 👍🏽", "كان متعبا جدا اليوم لكنه حاول", f"{CHINESE}很开心 😀",
             "Zoë – “great” Łucja"]
    rep = month_report(child=f"{ARABIC} {CHINESE}", notes=notes)
    data = render_pdf(rep, paper=paper)
    text = pdf_to_text(data, tmp_path)
    for words in ("عبد الرحمن", "الهاشمي", CHINESE, CYRILLIC, "很开心", "Zoë – “great” Łucja",
                  "متعبا"):
        assert words in text, words
    assert "😀" not in text and "👍" not in text and "?" not in text
    pages = render_pages(data, tmp_path, paper)
    assert 1 <= len(pages) <= 2


def test_a_letter_no_font_has_is_marked_not_dropped():
    assert pdf_text("한 x") == "? x"
    assert pdf_text("ok 😀\u200b\ud800!\n") == "ok ! "
    assert pdf_text("Zoë – “Ana” … Łucja") == "Zoë – “Ana” … Łucja"


@given(st.text(max_size=60))
@settings(max_examples=300, deadline=None)
def test_pdf_text_never_fails_and_keeps_only_printable(text):
    safe = pdf_text(text)
    cover = coverage()
    assert "\n" not in safe
    assert all(ord(c) in cover or c in "? " for c in safe)


def test_empty_period_prints_header_and_closing(tmp_path):
    rep = build_report([], [plan_of()], date(2026, 12, 1), date(2026, 12, 31), date(2026, 11, 27))
    flat = " ".join(pdf_to_text(render_pdf(rep), tmp_path).split())
    assert "Nothing was scheduled" in flat and "Signature" in flat and FOOTER in flat


# ------------------------------------------------------------------ colours

def test_colours_are_neutral_even_for_low_adherence(tmp_path):
    """No red or amber judging a low figure: every coloured pixel is a grey or the slate blue."""
    from PIL import Image
    items = [mk(day(i), "wall-pushups", "morning", SKIP if i % 5 else DONE, reason="no-time")
             for i in range(28)]
    rep = build_report(as_days(items), [plan_of()], D, day(27), day(28))
    assert rep.totals.adherence < 0.3
    for png in render_pages(render_pdf(rep), tmp_path, "low", dpi=50):
        img = Image.open(png).convert("RGB")
        warm = sum(n for n, (r, g, b) in img.getcolors(1 << 20) if r > b + 25 and r > g + 15)
        assert warm == 0, png


# ------------------------------------------------------------------ speed: notes

def test_only_the_notes_that_are_printed_are_laid_out(tmp_path, monkeypatch):
    """Five thousand notes: the pages hold the newest; older ones are never word-wrapped."""
    items = []
    slots = ("morning", "midday", "afternoon", "evening")
    for i in range(5000):
        d = D - timedelta(days=1250 - i // 4)
        items.append(mk(d, "wall-pushups", slots[i % 4], DONE, note=f"note number {i} " + "long words " * 12))
    plan = plan_of(start=str(D - timedelta(days=1250)), end=None)
    rep = build_report(as_days(items), [plan], items[0].date, day(0), day(0))
    assert len(rep.notes) == 5000
    wrapped: list[str] = []
    real = pdfmod.ReportPDF.lines

    def counting(self, text, width, max_lines):
        if "note number" in text:
            wrapped.append(text)
        return real(self, text, width, max_lines)

    monkeypatch.setattr(pdfmod.ReportPDF, "lines", counting)
    text = pdf_to_text(render_pdf(rep), tmp_path)
    printed = set(re.findall(r"note number (\d+)", text))
    assert "4999" in printed and "0" not in printed
    assert page_count(text) <= 2
    assert len(printed) <= len(wrapped) <= len(printed) + 1
    assert "earlier notes are in the CSV export" in " ".join(text.split())
