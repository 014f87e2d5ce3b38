"""Dates and times as each language writes them ("Friday 4 December 2026",
"viernes 4 de diciembre de 2026"), under Django's named formats, so templates and code ask
for a kind of date (`DATE_FORMAT`, `DATETIME_FORMAT`, ...) and never spell out one language's
pattern. `FORMAT_MODULE_PATH` in settings points here; what a language leaves out comes from
Django's own formats for it.

MONTH_DAY_FORMAT is used for "the day of the week and the date, no year" (a workshop's day).
"""
