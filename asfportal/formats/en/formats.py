"""Dates and numbers in the English UI (settings.FORMAT_MODULE_PATH): "6 December 2026", with a time
"6 December 2026, 12:00" (24-hour clock, as the Swedish UI), in British day-month order rather than Django's
American "Dec. 6, 2026". Exports write ISO 8601 dates (2026-12-06) in both languages."""

DATE_FORMAT = "j F Y"
SHORT_DATE_FORMAT = "j F Y"
DATETIME_FORMAT = "j F Y, H:i"
SHORT_DATETIME_FORMAT = "j F Y, H:i"
TIME_FORMAT = "H:i"
MONTH_DAY_FORMAT = "j F"
YEAR_MONTH_FORMAT = "F Y"
FIRST_DAY_OF_WEEK = 1
DECIMAL_SEPARATOR = "."
THOUSAND_SEPARATOR = ","
NUMBER_GROUPING = 3
