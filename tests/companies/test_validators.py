"""Organisationsnummer rules for ASF (domain notes §5), each refused with a Swedish explanation."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from companies.validators import check_group_matches_legal_form, normalise_org_number


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
        ("212000-0142", "kommuner"),
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
