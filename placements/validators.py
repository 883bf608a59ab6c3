"""The personnummer guard: participant data never holds a personnummer or samordningsnummer (GDPR, domain §5, §9)."""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# 6 or 8 digits of date, an optional - or +, 4 digits: 811218-9876, 19811218-9876, 8112189876.
_CANDIDATE = re.compile(r"(?<!\d)(?:\d{2})?(\d{6})[-+ ]?(\d{4})(?!\d)")


def _luhn_ok(ten: str) -> bool:
    total = 0
    for index, char in enumerate(ten):
        digit = int(char) * (2 if index % 2 == 0 else 1)
        total += digit - 9 if digit > 9 else digit
    return total % 10 == 0


def looks_like_personnummer(text: str) -> bool:
    """True if the text holds a number shaped like a personnummer or samordningsnummer with a valid check digit."""
    for match in _CANDIDATE.finditer(text or ""):
        date, rest = match.group(1), match.group(2)
        month, day = int(date[2:4]), int(date[4:6])
        # Samordningsnummer add 60 to the day.
        if 1 <= month <= 12 and (1 <= day <= 31 or 61 <= day <= 91) and _luhn_ok(date + rest):
            return True
    return False


def reject_personnummer(value: str) -> None:
    if looks_like_personnummer(value):
        raise ValidationError(
            _(
                "This looks like a personal identity number. The portal never stores personnummer or "
                "samordningsnummer: use the participant code instead."
            ),
            code="personnummer",
        )
