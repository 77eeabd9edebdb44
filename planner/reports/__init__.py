"""Renderings of planner data for people and other programs.

formats  text, CSV and JSON progress reports
pdf      the printable progress report (fpdf2, imported only when asked for)
ical     calendar reminders (.ics, icalendar)
archive  the backup archive format: build and verify, bytes in and bytes out
"""
