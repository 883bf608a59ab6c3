"""Invariants of people and organisations, enforced by the database as well as by clean()."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from asfportal.accounts.models import Organisation, Role, User
from tests.accounts.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("kind", "code"),
    [("kommun", "180"), ("kommun", ""), ("region", "1880"), ("samordningsforbund", "18"), ("kommun", "18a0")],
)
def test_database_refuses_an_official_code_that_does_not_fit_the_kind(kind, code):
    with pytest.raises(IntegrityError), transaction.atomic():
        Organisation.objects.create(name="Fel", kind=kind, code=code)


def test_clean_explains_a_missing_municipality_code_in_swedish():
    with pytest.raises(ValidationError) as error:
        Organisation(name="Kommunen", kind="kommun", code="").full_clean()
    assert "kommunkod" in str(error.value)


def test_two_organisations_cannot_share_an_official_code():
    OrganisationFactory(kind="kommun", code="9999")
    with pytest.raises(IntegrityError), transaction.atomic():
        OrganisationFactory(kind="kommun", code="9999")


def test_coordinator_without_organisation_is_refused_by_the_database():
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create_user("ensam@example.se", "x", full_name="Ensam", role=Role.COORDINATOR)


def test_email_is_unique_regardless_of_case(coordinator):
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create(
            email=coordinator.email.upper(), full_name="Dubblett", role=Role.COMPANY_REPRESENTATIVE
        )


def test_has_role_checks_role_and_organisation(coordinator, outsider):
    assert coordinator.has_role(Role.COORDINATOR, organisation_id=coordinator.organisation_id)
    assert not coordinator.has_role(Role.COORDINATOR, organisation_id=outsider.organisation_id)
    assert not coordinator.has_role(Role.PROCUREMENT_OFFICER)
