"""Swedish organisationsnummer for ASF: structure, Luhn, and the rules that make a number unfit for an ASF; the
postal code of an address."""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from stdnum import luhn
from stdnum.se import orgnr as stdnum_orgnr

from asfportal.core.personal_data import looks_like_personal_identity_number

# First digit of an organisationsnummer: the group of legal person (Skatteverket; domain notes §5).
GROUP_ESTATE = "1"  # dödsbon: the estate of a deceased physical person
GROUP_PUBLIC_BODY = "2"  # the state, regions, municipalities, parishes
GROUPS_FOR_LEGAL_FORM = {
    "ekonomisk_forening": {"7"},
    "aktiebolag_svb": {"5"},
    "aktiebolag": {"5"},
    "ideell_forening": {"8"},
    "stiftelse": {"8"},
}
# The three ways people write the number: NNNNNN-NNNN, NNNNNNNNNN, and the 12-digit form of a legal person with the
# prefix 16 (16NNNNNN-NNNN). A hyphen (or a space) only between the sixth and the seventh digit of the ten.
_SHAPE = re.compile(r"^(?:16)?\d{6}[- ]?\d{4}$")
# Longest thing a person could mean as an organisation number (the form never cuts what was typed shorter).
INPUT_MAX_LENGTH = 20

PERSONNUMMER_MESSAGE = _(
    "This looks like a personal identity number (personnummer). An ASF needs an organisation number of its own, so "
    "a sole trader (enskild firma) cannot be registered, and the portal never stores personal identity numbers."
)


def normalise_org_number(value: str) -> str:
    """Return the number as NNNNNN-NNNN, or raise a ValidationError in Swedish explaining what is wrong."""
    text = str(value or "").strip()
    if looks_like_personal_identity_number(text):
        # Checked before the shape: 19811218-9876 is a personnummer with its century, not a badly typed number.
        raise ValidationError(PERSONNUMMER_MESSAGE, code="org_number_personnummer")
    if not _SHAPE.match(text):
        raise ValidationError(
            _(
                "An organisation number has ten digits, written NNNNNN-NNNN (a hyphen only after the sixth digit), "
                "NNNNNNNNNN or 16NNNNNN-NNNN."
            ),
            code="org_number_format",
        )
    digits = "".join(ch for ch in text if ch.isdigit())
    if len(digits) == 12:
        digits = digits[2:]  # the 12-digit form of a legal person adds the prefix 16
    if int(digits[2]) < 2:
        # Month pair below 20: the shape of a personnummer, i.e. a sole trader (enskild firma).
        raise ValidationError(PERSONNUMMER_MESSAGE, code="org_number_personnummer")
    if not stdnum_orgnr.is_valid(digits):
        raise ValidationError(
            _("The check digit does not match. Check the organisation number for typing errors."),
            code="org_number_checksum",
        )
    # Groups 1 and 2 are refused whatever legal form is declared (domain notes §5).
    if digits[0] == GROUP_ESTATE:
        raise ValidationError(
            _(
                "Numbers starting with 1 belong to estates of deceased persons (dödsbon). An ASF is an "
                "association, a foundation or a company with a number of its own."
            ),
            code="org_number_estate",
        )
    if digits[0] == GROUP_PUBLIC_BODY:
        raise ValidationError(
            _(
                "Numbers starting with 2 belong to the state, regions and municipalities. An ASF must be "
                "independent of the public sector (criterion 4)."
            ),
            code="org_number_public_body",
        )
    return f"{digits[:6]}-{digits[6:]}"


def org_number_search_form(text: str) -> str | None:
    """The NNNNNN-NNNN (or leading part of it) a search text means when it is an organisation number in any of the
    accepted forms, else None."""
    text = text.strip()
    if not re.fullmatch(r"[0-9][0-9 -]{4,14}", text):
        return None
    digits = "".join(ch for ch in text if ch.isdigit())
    if len(digits) == 12 and digits.startswith("16"):
        digits = digits[2:]
    if len(digits) < 6 or len(digits) > 10:
        return None
    return digits if len(digits) == 6 else f"{digits[:6]}-{digits[6:]}"


def check_group_matches_legal_form(org_number: str, legal_form: str) -> None:
    """The first digit tells the kind of legal person; it must fit the declared legal form."""
    allowed = GROUPS_FOR_LEGAL_FORM.get(legal_form)
    if allowed and org_number[:1] not in allowed:
        raise ValidationError(
            {
                "legal_form": _(
                    "The organisation number (starting with %(digit)s) does not belong to this legal form. "
                    "Aktiebolag start with 5, ekonomiska föreningar with 7, ideella föreningar and stiftelser with 8."
                )
                % {"digit": org_number[:1]}
            },
            code="org_number_legal_form",
        )


_POSTAL_CODE = re.compile(r"^(\d{3}) ?(\d{2})$")


def normalise_postal_code(value: str) -> str:
    """A Swedish postal code as NNN NN (Postnord), or a ValidationError in Swedish; empty stays empty."""
    text = (value or "").strip()
    if not text:
        return ""
    match = _POSTAL_CODE.match(text)
    if not match or text.startswith("0"):
        raise ValidationError(
            _("A postal code has five digits, written NNN NN, e.g. 702 10."), code="postal_code"
        )
    return f"{match.group(1)} {match.group(2)}"


def org_number_from_stem(stem: str) -> str:
    """The normalised NNNNNN-NNNN organisationsnummer for nine digits, with its Luhn check digit (demo and scale
    data)."""
    return f"{stem[:6]}-{stem[6:]}{luhn.calc_check_digit(stem)}"
