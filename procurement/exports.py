"""Open data about tenders: iCalendar deadlines (the OCDS releases and packages are in procurement.ocds)."""

from __future__ import annotations

from datetime import UTC

from django.conf import settings
from django.urls import reverse
from django.utils import timezone


def ics_escape(text: str) -> str:
    """RFC 5545 TEXT: escape \\ ; , and newlines; drop other control characters (no line injection)."""
    text = "".join(ch for ch in text.replace("\r\n", "\n") if ch == "\n" or ord(ch) >= 32)
    return text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def ics_calendar(tenders) -> str:
    """iCalendar (RFC 5545) with one event per tender at its submission deadline, in UTC."""
    stamp = timezone.now().strftime("%Y%m%dT%H%M%SZ")
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//ASF-portalen//Upphandlingar//SV",
        "CALSCALE:GREGORIAN",
    ]
    for tender in tenders:
        deadline = tender.submission_deadline_at.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
        url = settings.SITE_URL + reverse("procurement:tender-detail", args=[tender.pk])
        lines += [
            "BEGIN:VEVENT",
            f"UID:tender-{tender.pk}@asfportalen",
            f"DTSTAMP:{stamp}",
            f"DTSTART:{deadline}",
            f"DTEND:{deadline}",
            f"SUMMARY:{ics_escape('Sista anbudsdag: ' + tender.title)}",
            f"DESCRIPTION:{ics_escape(tender.buyer.name)}",
            f"URL:{url}",
            "END:VEVENT",
        ]
    lines.append("END:VCALENDAR")
    return "\r\n".join(_fold(line) for line in lines) + "\r\n"


def _fold(line: str) -> str:
    """RFC 5545 §3.1: lines longer than 75 octets are folded with CRLF and a space."""
    raw = line.encode("utf-8")
    if len(raw) <= 75:
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
