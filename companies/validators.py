"""Swedish organisationsnummer for ASF: structure, Luhn, and the rules that make a number unfit for an ASF."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from stdnum import luhn
from stdnum.se import orgnr as stdnum_orgnr

# First digit of an organisationsnummer: the group of legal person (Skatteverket; domain notes §5).
GROUP_PUBLIC_BODY = "2"
GROUPS_FOR_LEGAL_FORM = {
    "ekonomisk_forening": {"7"},
    "aktiebolag_svb": {"5"},
    "aktiebolag": {"5"},
    "ideell_forening": {"8"},
    "stiftelse": {"8"},
}


def normalise_org_number(value: str) -> str:
    """Return the number as NNNNNN-NNNN, or raise a ValidationError in Swedish explaining what is wrong."""
    text = str(value).strip()
    digits = "".join(ch for ch in text if ch.isdigit())
    if len(digits) == 12 and digits.startswith("16"):
        digits = digits[2:]  # the 12-digit form of a legal person adds the prefix 16
    if len(digits) != 10 or any(not (ch.isdigit() or ch in "- ") for ch in text):
        raise ValidationError(
            _("An organisation number has ten digits, written NNNNNN-NNNN."), code="org_number_format"
        )
    if int(digits[2]) < 2:
        # Month pair below 20: the shape of a personnummer, i.e. a sole trader (enskild firma).
        raise ValidationError(
            _(
                "This looks like a personal identity number. An ASF needs an organisation number of its own, "
                "so a sole trader (enskild firma) cannot be registered."
            ),
            code="org_number_personnummer",
        )
    if not stdnum_orgnr.is_valid(digits):
        raise ValidationError(
            _("The check digit does not match. Check the organisation number for typing errors."),
            code="org_number_checksum",
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


def org_number_from_stem(stem: str) -> str:
    """The normalised NNNNNN-NNNN organisationsnummer for nine digits, with its Luhn check digit (demo and scale
    data)."""
    return f"{stem[:6]}-{stem[6:]}{luhn.calc_check_digit(stem)}"
