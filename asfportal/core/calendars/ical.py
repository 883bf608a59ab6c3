"""iCalendar (RFC 5545) text for the personal feeds and every .ics download, judged in the tests by two strict
parsers (icalendar, and vobject's validation).

Times are written in UTC (RFC 5545 §3.3.5, form #2), so no VTIMEZONE is needed and a calendar shows them in the
reader's own zone; all-day entries are dates (VALUE=DATE) with DTEND the following day.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime, timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.utils import timezone

from .events import CalendarEvent

PRODID = "-//ASF-portalen//Kalender//SV"
# How often a subscribing calendar should fetch the feed again (RFC 7986 REFRESH-INTERVAL; X-PUBLISHED-TTL is
# Outlook's older name for it).
REFRESH = "PT1H"


def ics_escape(text: str) -> str:
    """RFC 5545 TEXT: escape \\ ; , and newlines; drop other control characters (no line injection)."""
    text = "".join(ch for ch in str(text).replace("\r\n", "\n") if ch == "\n" or ord(ch) >= 32)
    return text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def _plain(text: str) -> str:
    """A URI value: no escaping in RFC 5545, so only the control characters go."""
    return "".join(ch for ch in text if ord(ch) >= 32)


def _utc(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def _day(value: date) -> str:
    return value.strftime("%Y%m%d")


def uid_host() -> str:
    """The portal's host name: the right-hand side of every UID (RFC 5545 §3.8.4.7 suggests a domain name)."""
    return urlsplit(settings.SITE_URL).hostname or "asfportalen"


def _dates(event: CalendarEvent) -> list[str]:
    start, end = event.start, event.end
    if isinstance(start, datetime):
        lines = [f"DTSTART:{_utc(start)}"]
        # DTEND must be later than DTSTART (§3.8.2.2); a deadline is a moment and has none.
        if isinstance(end, datetime) and end.replace(microsecond=0) > start.replace(microsecond=0):
            lines.append(f"DTEND:{_utc(end)}")
        return lines
    last = end if isinstance(end, date) and not isinstance(end, datetime) and end > start else start
    # An all-day entry ends (exclusively) the day after its last day.
    return [f"DTSTART;VALUE=DATE:{_day(start)}", f"DTEND;VALUE=DATE:{_day(last + timedelta(days=1))}"]


def _event_lines(event: CalendarEvent, *, stamp: str, host: str) -> list[str]:
    url = settings.SITE_URL + event.url if event.url.startswith("/") else event.url
    description = "\n\n".join(part for part in (event.description, url) if part)
    lines = ["BEGIN:VEVENT", f"UID:{ics_escape(event.uid)}@{host}", f"DTSTAMP:{stamp}", *_dates(event)]
    lines.append(f"SEQUENCE:{max(0, int(event.sequence))}")
    if event.last_modified is not None:
        lines.append(f"LAST-MODIFIED:{_utc(event.last_modified)}")
    lines += [
        f"STATUS:{'CANCELLED' if event.cancelled else 'CONFIRMED'}",
        f"SUMMARY:{ics_escape(event.summary)}",
    ]
    if description:
        lines.append(f"DESCRIPTION:{ics_escape(description)}")
    if url:
        lines.append(f"URL:{_plain(url)}")
    # Deadlines and all-day reminders never make the person look busy.
    lines += [f"CLASS:{'PRIVATE' if event.private else 'PUBLIC'}", "TRANSP:TRANSPARENT", "END:VEVENT"]
    return lines


def render_calendar(events: Iterable[CalendarEvent], *, name: str, now: datetime | None = None) -> str:
    """A whole VCALENDAR (METHOD:PUBLISH, named for the calendar application) with one VEVENT per event."""
    stamp = _utc(now or timezone.now())
    host = uid_host()
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{PRODID}",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"NAME:{ics_escape(name)}",
        f"X-WR-CALNAME:{ics_escape(name)}",
        f"REFRESH-INTERVAL;VALUE=DURATION:{REFRESH}",
        f"X-PUBLISHED-TTL:{REFRESH}",
    ]
    for event in events:
        lines += _event_lines(event, stamp=stamp, host=host)
    lines.append("END:VCALENDAR")
    return "\r\n".join(fold(line) for line in lines) + "\r\n"


def fold(line: str) -> str:
    """RFC 5545 §3.1: lines longer than 75 octets are folded with CRLF and a space, never inside a character."""
    if len(line.encode("utf-8")) <= 75:
        return line
    parts, current = [], b""
    for char in line:
        encoded = char.encode("utf-8")
        if len(current) + len(encoded) > (75 if not parts else 74):
            parts.append(current.decode("utf-8"))
            current = b""
        current += encoded
    parts.append(current.decode("utf-8"))
    return "\r\n ".join(parts)
