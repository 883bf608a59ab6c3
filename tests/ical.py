"""Reading iCalendar the way the strictest readers do: icalendar's parser (no component may carry a parse error)
and vobject's validation (raiseException=True), plus the rules of RFC 5545 that neither checks alone."""

from __future__ import annotations

from datetime import date, datetime

import icalendar
import vobject


def strict_calendar(body: bytes) -> icalendar.Calendar:
    """The calendar in `body`, after both parsers have accepted it and each event keeps the RFC's rules."""
    text = body.decode("utf-8")
    assert text.endswith("\r\n") and "\n" not in text.replace("\r\n", ""), "lines end in CRLF (§3.1)"
    assert all(len(line.encode()) <= 75 for line in text.split("\r\n")), "lines are folded at 75 octets"
    calendar = icalendar.Calendar.from_ical(body)
    for component in calendar.walk():
        assert not component.errors, f"{component.name}: {component.errors}"
    parsed = vobject.readOne(text)
    parsed.validate(raiseException=True)
    assert str(calendar["VERSION"]) == "2.0" and calendar.get("PRODID")
    assert str(calendar["METHOD"]) == "PUBLISH"
    assert str(calendar["X-WR-CALNAME"]) and str(calendar["NAME"]) == str(calendar["X-WR-CALNAME"])
    uids = []
    for event in calendar.walk("VEVENT"):
        for required in ("UID", "DTSTAMP", "DTSTART", "SEQUENCE", "STATUS", "SUMMARY"):
            assert required in event, f"{event.get('UID')} has no {required}"
        start = event.decoded("DTSTART")
        if "DTEND" in event:
            end = event.decoded("DTEND")
            assert type(end) is type(start) and end > start, f"{event['UID']}: DTEND not after DTSTART"
        if isinstance(start, datetime):
            assert start.utcoffset().total_seconds() == 0, "times are written in UTC"
        else:
            assert isinstance(start, date)
        assert str(event["STATUS"]) in ("CONFIRMED", "CANCELLED")
        uids.append(str(event["UID"]))
    assert len(uids) == len(set(uids)), "every UID once"
    return calendar


def events_by_uid(calendar: icalendar.Calendar) -> dict[str, icalendar.Event]:
    return {str(event["UID"]).split("@")[0]: event for event in calendar.walk("VEVENT")}
