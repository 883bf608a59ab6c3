"""First sign-in through single sign-on: an organisation's mapping decides who is created, in which role."""

import pytest
from django.test import RequestFactory

from asfportal.accounts.models import Role, SsoRoleMapping, User
from asfportal.core.models import AuditEntry

ISSUER = "https://login.microsoftonline.com/tenant/v2.0"


@pytest.fixture
def backend(settings):
    settings.OIDC_RP_CLIENT_ID = "asf-portal"
    settings.OIDC_RP_CLIENT_SECRET = "hemligt"
    settings.OIDC_OP_TOKEN_ENDPOINT = "https://idp.example/token"
    settings.OIDC_OP_USER_ENDPOINT = "https://idp.example/userinfo"
    settings.OIDC_GROUPS_CLAIM = "groups"
    from asfportal.accounts.oidc import PortalOIDCBackend

    backend = PortalOIDCBackend()
    backend.request = RequestFactory().get("/oidc/callback/")
    backend.issuer = ISSUER
    backend.id_token_claims = {}
    return backend


@pytest.fixture
def mappings(municipality, other_municipality):
    SsoRoleMapping.objects.create(
        organisation=municipality, issuer=ISSUER, value="g-asf", role=Role.COORDINATOR
    )
    SsoRoleMapping.objects.create(
        organisation=other_municipality,
        issuer="https://other.example/",
        value="g-upph",
        role=Role.PROCUREMENT_OFFICER,
    )


def test_a_matching_group_creates_the_person_in_that_role_and_organisation(backend, mappings, municipality):
    user = backend.create_user({"email": "Ny@Kommun.example", "name": "Nora Ny", "groups": ["x", "g-asf"]})
    assert (user.role, user.organisation, user.full_name) == (Role.COORDINATOR, municipality, "Nora Ny")
    assert not user.has_usable_password()
    assert AuditEntry.objects.get(action="accounts.sso_user_created").object_id == str(user.pk)


def test_groups_in_the_id_token_count_too(backend, mappings, municipality):
    # Entra ID sends groups in the ID token only, not in its userinfo answer.
    backend.id_token_claims = {"groups": ["g-asf"]}
    assert backend.create_user({"email": "ny@kommun.example"}).organisation == municipality


@pytest.mark.parametrize(
    "claims",
    [
        {"email": "ny@kommun.example", "groups": ["g-other"]},
        {"email": "ny@kommun.example"},
        # Another provider's mapping does not let this provider's people in.
        {"email": "ny@kommun.example", "groups": ["g-upph"]},
    ],
)
def test_no_matching_mapping_creates_nobody_and_says_why(backend, mappings, claims):
    assert backend.create_user(claims) is None
    assert backend.request.sso_refusal == "no_mapping"
    assert not User.objects.filter(email="ny@kommun.example").exists()


def test_an_inactive_organisation_lets_nobody_in(backend, mappings, municipality):
    municipality.is_active = False
    municipality.save()
    assert backend.create_user({"email": "ny@kommun.example", "groups": ["g-asf"]}) is None


def test_a_value_gives_one_role_per_provider(mappings, other_municipality):
    from django.core.exceptions import ValidationError

    mapping = SsoRoleMapping(
        organisation=other_municipality, issuer=ISSUER, value="g-asf", role=Role.COORDINATOR
    )
    with pytest.raises(ValidationError) as error:
        mapping.full_clean()
    assert "value" in error.value.message_dict
