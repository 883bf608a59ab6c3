"""The organisation administrator's API key pages: create (the secret shown once), revoke; nobody else's."""

import pytest
from django.urls import reverse

from asfportal.accounts.models import ApiToken
from tests.api.conftest import make_key

pytestmark = pytest.mark.django_db


def test_the_administrator_creates_a_key_and_sees_its_secret_once(client, organisation_admin):
    client.force_login(organisation_admin)
    response = client.post(reverse("accounts:api-token-list"), {"name": "Treserva", "scope": "tenders"})
    token = ApiToken.objects.get()
    assert response.status_code == 200 and token.prefix in response.content.decode()
    assert "asf_" in response.content.decode()
    again = client.get(reverse("accounts:api-token-list")).content.decode()
    assert "Treserva" in again and 'id="new-secret"' not in again


def test_the_administrator_revokes_a_key(client, organisation_admin, municipality):
    key = make_key(municipality, "read", organisation_admin)
    client.force_login(organisation_admin)
    response = client.post(reverse("accounts:api-token-revoke", args=[key.token.pk]))
    assert response.status_code == 302
    key.token.refresh_from_db()
    assert key.token.revoked_at is not None and key.token.revoked_by == organisation_admin


def test_another_organisations_key_is_not_found(client, organisation_admin, outsider):
    key = make_key(outsider.organisation, "read", outsider)
    client.force_login(organisation_admin)
    assert client.post(reverse("accounts:api-token-revoke", args=[key.token.pk])).status_code == 404
    assert key.token.revoked_at is None or False


def test_only_an_organisation_administrator_sees_the_key_pages(client, coordinator):
    client.force_login(coordinator)
    assert client.get(reverse("accounts:api-token-list")).status_code == 403
