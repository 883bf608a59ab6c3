"""The personnummer guard (BaseModel.clean_fields) checks what people type, not what the portal generates.

A token's SHA-256 in hex holds ten or twelve digits in a row often enough to look like a personnummer; before this,
an invitation or an API key was refused at random ("Det här ser ut som ett personnummer...") when its digest did.
"""

from datetime import timedelta

import pytest
from django.utils import timezone

from asfportal.accounts.models import OrganisationInvitation, Role
from companies.models import Invitation
from tests.companies.factories import CompanyFactory

pytestmark = pytest.mark.django_db

LOOKS_LIKE_A_PERSONNUMMER = "198112189876" + "ab" * 26  # 64 characters, a valid-looking personnummer first


def test_an_invitation_whose_token_hash_has_a_personnummer_shape_is_valid(org_admin):
    invitation = OrganisationInvitation(
        organisation=org_admin.organisation,
        email="kollega@example.se",
        full_name="Kim Kollega",
        role=Role.COORDINATOR,
        token_hash=LOOKS_LIKE_A_PERSONNUMMER,
        invited_by=org_admin,
        expires_at=timezone.now() + timedelta(days=7),
    )
    invitation.full_clean()


def test_a_company_invitation_whose_token_has_a_personnummer_shape_is_valid(coordinator):
    invitation = Invitation(
        company=CompanyFactory(),
        user=coordinator,
        token="19811218-9876" + "x" * 40,
        expires_at=timezone.now() + timedelta(days=7),
    )
    invitation.full_clean()


def test_a_typed_field_is_still_guarded(org_admin):
    invitation = OrganisationInvitation(
        organisation=org_admin.organisation,
        email="kollega@example.se",
        full_name="19811218-9876",
        role=Role.COORDINATOR,
        token_hash="0" * 64,
        expires_at=timezone.now() + timedelta(days=7),
    )
    with pytest.raises(Exception, match="personnummer"):
        invitation.full_clean()
