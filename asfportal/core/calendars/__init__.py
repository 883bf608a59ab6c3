"""Calendars in Outlook, Google or Apple (issue 15 §2): each person's secret feed and the .ics downloads.

The core knows no app: each app registers a source of events in its AppConfig.ready
(`register_calendar_source`), read through its own selectors; `ical.render_calendar` writes RFC 5545 for the
feed and for every download alike, so the same item has the same UID wherever it comes from.
"""

from .events import CalendarEvent, FeedWindow, calendar_events_for, register_calendar_source
from .ical import render_calendar

__all__ = [
    "CalendarEvent",
    "FeedWindow",
    "calendar_events_for",
    "register_calendar_source",
    "render_calendar",
]
