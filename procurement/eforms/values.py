"""Values as eForms writes them: dates and times with offsets, texts, Swedish organisation numbers."""

from __future__ import annotations

import re
from datetime import UTC, timedelta, timezone
from zoneinfo import ZoneInfo

from stdnum.se import orgnr

SWEDISH_TIME = ZoneInfo("Europe/Stockholm")
DATE = re.compile(r"^(\d{4}-\d{2}-\d{2})(Z|[+-]\d{2}:\d{2})?$")
TIME = re.compile(r"^(\d{2}:\d{2}:\d{2})(?:\.\d+)?(Z|[+-]\d{2}:\d{2})?$")


def swedish_org_number(identifier: str) -> str:
    """An organisationsnummer as NNNNNN-NNNN when `identifier` is one (also as 16NNNNNNNNNN or the VAT number
    SENNNNNNNNNN01), else ""."""
    text = identifier.strip().upper()
    if text.startswith("SE") and text.endswith("01"):
        text = text[2:-2]
    digits = "".join(ch for ch in text if ch.isdigit())
    if len(digits) == 12 and digits.startswith("16"):
        digits = digits[2:]
    if (
        len(digits) != 10
        or any(not (ch.isdigit() or ch in "- ") for ch in text)
        or not orgnr.is_valid(digits)
    ):
        return ""
    return f"{digits[:6]}-{digits[6:]}"


def string(node) -> str:
    # Indentation inside a long text is the XML's layout, not the author's: each line is stripped.
    text = node if isinstance(node, str) else (node.text or "")
    return "\n".join(line.strip() for line in text.strip().splitlines())


def zone(offset: str | None):
    if not offset:
        return SWEDISH_TIME
    if offset == "Z":
        return UTC
    sign = 1 if offset[0] == "+" else -1
    hours, minutes = int(offset[1:3]), int(offset[4:6])
    return timezone(sign * timedelta(hours=hours, minutes=minutes))
