"""The one guard against personnummer and samordningsnummer in what people write (GDPR art. 87, lag (2018:218)
3 kap. 10 §: an identity number may be processed only when clearly justified; the portal never needs one).

It runs in `BaseModel.clean_fields`, so every service's full_clean, every ModelForm, the admin and the imports
refuse the same values, for every text field of every model (a field may opt out in `identity_number_exempt`).

What counts: a date-shaped number with four more digits, whether or not the check digit is right (a mistyped
personnummer is still personal data):
- 12 digits with the century, YYYYMMDD-NNNN, with or without -, + or a space;
- 10 digits written YYMMDD-NNNN or YYMMDD+NNNN (the separator where Skatteverket puts it);
- 10 digits written together, YYMMDDNNNN, unless they are a valid Swedish telephone number (they start with the
  trunk prefix 0, e.g. 0701123457), which python-phonenumbers decides.
The month is 01-12 and the day 01-31, or 61-91 for a samordningsnummer (the day plus 60).
"""

from __future__ import annotations

import re

import phonenumbers
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

_TWELVE = re.compile(r"(?<![\d-])(?:19|20)(\d{6})[-+ ]?(\d{4})(?![\d-])")
_SEPARATED = re.compile(r"(?<![\d-])(\d{6})[-+ ](\d{4})(?![\d-])")
_TOGETHER = re.compile(r"(?<![\d+-])(\d{6})(\d{4})(?![\d-])")


def _date_shaped(six: str) -> bool:
    month, day = int(six[2:4]), int(six[4:6])
    return 1 <= month <= 12 and (1 <= day <= 31 or 61 <= day <= 91)


def _is_swedish_phone_number(digits: str) -> bool:
    try:
        number = phonenumbers.parse(digits, "SE")
    except phonenumbers.NumberParseException:
        return False
    return phonenumbers.is_valid_number(number)


def looks_like_personal_identity_number(text: str | None) -> bool:
    """True if the text holds something shaped like a personnummer or samordningsnummer."""
    if not text:
        return False
    text = str(text)
    for pattern in (_TWELVE, _SEPARATED):
        if any(_date_shaped(m.group(1)) for m in pattern.finditer(text)):
            return True
    for match in _TOGETHER.finditer(text):
        six, ten = match.group(1), match.group(1) + match.group(2)
        if _date_shaped(six) and not (ten.startswith("0") and _is_swedish_phone_number(ten)):
            return True
    return False


MESSAGE = _(
    "This looks like a personal identity number (personnummer or samordningsnummer). The portal never stores "
    "them: write a participant code, or leave the number out."
)


def reject_personal_identity_number(value) -> None:
    if looks_like_personal_identity_number(value):
        raise ValidationError(MESSAGE, code="personal_identity_number")


def normalise_swedish_phone_number(value: str) -> str:
    """A Swedish or international telephone number as people read it (070-112 34 57 stays readable; +46 … for
    international), or a ValidationError in Swedish."""
    text = (value or "").strip()
    if not text:
        return ""
    try:
        number = phonenumbers.parse(text, "SE")
    except phonenumbers.NumberParseException as error:
        raise ValidationError(
            _("Enter a telephone number, e.g. 070-123 45 67 or 019-21 10 00."), code="phone"
        ) from error
    if not phonenumbers.is_valid_number(number):
        raise ValidationError(
            _("Enter a telephone number, e.g. 070-123 45 67 or 019-21 10 00."), code="phone"
        )
    if number.country_code == 46:
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


def validate_swedish_phone_number(value) -> None:
    normalise_swedish_phone_number(value)
