"""Organisationsnummer rules for ASF (domain notes §5), each refused with a Swedish explanation."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from companies.validators import (
    check_group_matches_legal_form,
    normalise_org_number,
    normalise_postal_code,
    org_number_search_form,
)
from tests.companies.factories import luhn_complete


@pytest.fixture(autouse=True)
def _swedish():
    with translation.override("sv"):
        yield


@pytest.mark.parametrize(
    "given", ["556036-0793", "5560360793", "556036 0793", "16556036-0793", " 556036-0793 "]
)
def test_valid_numbers_are_normalised(given):
    assert normalise_org_number(given) == "556036-0793"


@pytest.mark.parametrize(
    ("given", "words"),
    [
        ("556036-0794", "Kontrollsiffran"),
        ("55603", "tio siffror"),
        ("556O36-0793", "tio siffror"),
        ("811218-9876", "personnummer"),
        ("19811218-9876", "personnummer"),
        ("198112189876", "personnummer"),
        ("811218+9876", "personnummer"),
        ("16811218-9876", "personnummer"),
        ("212000-0142", "kommuner"),
        ("16212000-0142", "kommuner"),
        (luhn_complete("142030405"), "dödsbon"),
        ("55603-60793", "bindestreck bara efter"),
        ("5560-360793", "bindestreck bara efter"),
        ("1655603607-93", "bindestreck bara efter"),
        ("556036--0793", "bindestreck bara efter"),
        ("17556036-0793", "tio siffror"),
    ],
)
def test_unfit_numbers_are_refused_with_a_reason(given, words):
    with pytest.raises(ValidationError) as error:
        normalise_org_number(given)
    assert words in error.value.messages[0]


def test_group_digit_must_fit_the_legal_form():
    check_group_matches_legal_form("556036-0793", "aktiebolag_svb")
    with pytest.raises(ValidationError) as error:
        check_group_matches_legal_form("556036-0793", "ekonomisk_forening")
    assert "ekonomiska föreningar med 7" in str(error.value)


@pytest.mark.parametrize(
    ("given", "expected"), [("70210", "702 10"), ("702 10", "702 10"), (" 702 10 ", "702 10")]
)
def test_postal_codes_are_normalised(given, expected):
    assert normalise_postal_code(given) == expected


@pytest.mark.parametrize("given", ["7021", "702100", "abc12", "012 34", "70-210"])
def test_unfit_postal_codes_are_refused(given):
    with pytest.raises(ValidationError) as error:
        normalise_postal_code(given)
    assert "fem siffror" in error.value.messages[0]


@pytest.mark.parametrize(
    ("text", "expected"),
    [("556036-0793", "556036-0793"), ("5560360793", "556036-0793"), ("16556036-0793", "556036-0793"),
     ("556036", "556036"), ("Kafé", None), ("19", None)],
)  # fmt: skip
def test_a_search_text_is_read_as_an_organisation_number_in_any_form(text, expected):
    assert org_number_search_form(text) == expected
