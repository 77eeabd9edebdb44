"""Renderings of the therapist's report for people and other programs.

formats  text, CSV and JSON (and `render`, which dispatches every format)
pdf      the printable report (fpdf2 and the fonts in planner/fonts, imported only when asked for)
ical     calendar reminders (.ics, icalendar)
"""
