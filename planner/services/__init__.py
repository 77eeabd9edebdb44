"""Services: one function per user action (load, call the core, save), grouped by concern.

household (children, settings, PIN, rewards, pauses), plans (read, preview, import, revise),
practice (schedule and check-offs), photos, sharing (report, calendar, backup, restore).
They are the only callers of storage. Import the module you need; this package imports
nothing so that a command loads only what it uses.
"""
