"""One way to write dates and numbers in the Swedish UI (settings.FORMAT_MODULE_PATH), as Språkrådet's
recommendations for running text have it: "6 december 2026", with a time "6 december 2026 kl. 12:00", and a
space between thousands ("1 250 000 kr", see the `sek` filter in core/templatetags/portal_format.py).
Exports write ISO 8601 dates (2026-12-06) instead."""

DATE_FORMAT = "j F Y"
SHORT_DATE_FORMAT = "j F Y"
DATETIME_FORMAT = r"j F Y \k\l. H:i"
SHORT_DATETIME_FORMAT = r"j F Y \k\l. H:i"
TIME_FORMAT = "H:i"
MONTH_DAY_FORMAT = "j F"
YEAR_MONTH_FORMAT = "F Y"
FIRST_DAY_OF_WEEK = 1
DECIMAL_SEPARATOR = ","
THOUSAND_SEPARATOR = "\xa0"  # a space that never breaks a number over two lines
NUMBER_GROUPING = 3
