"""API keys in Chromium: the organisation administrator creates a tenders key and sees its secret once, the
organisation's system uses it over HTTP to write a draft, and once revoked the same key is refused at once."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from asfportal.accounts.models import Role
from procurement.models import Tender
from tests.accounts.factories import UserFactory
from tests.browser.helpers import assert_accessible, login_as

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_organisation_administrator_creates_a_key_uses_it_and_revokes_it(page, live_server, municipality):
    administrator = UserFactory(role=Role.ORGANISATION_ADMINISTRATOR, organisation=municipality)
    login_as(page, live_server, administrator)
    page.goto(f"{live_server.url}{reverse('accounts:api-token-list')}")
    expect(page.get_by_text("Organisationen har inga API-nycklar ännu.")).to_be_visible()
    page.get_by_label("Namn").fill("Upphandlingssystemet")
    page.get_by_label("Upphandlingar: skriva utkast").check()
    page.get_by_role("button", name="Skapa nyckel").click()
    expect(page.get_by_text("Den visas bara denna gång.")).to_be_visible()
    secret = page.get_by_label("Nyckel", exact=True).input_value()
    assert secret.startswith("asf_")
    assert_accessible(page)

    api = f"{live_server.url}/api/v1"
    headers = {"Authorization": f"Bearer {secret}", "Content-Type": "application/json"}
    draft = {"title": "Städning av skolor", "description": "Tre skolor.",
             "legal_basis": Tender.LegalBasis.RESERVED_4_18_1.value, "cpv_codes": ["90910000-9"],
             "estimated_value": "900000", "procurement_id": "UH-API-1",
             "submission_deadline_at": (timezone.now() + timedelta(days=40)).isoformat()}  # fmt: skip
    created = page.request.post(f"{api}/own/drafts/", data=draft, headers=headers)
    assert created.status == 201, created.text()
    assert created.json()["buyer"]["id"] == municipality.pk and created.json()["status"] == "draft"

    # The secret is gone from the page once it is left; the list shows that the key was used.
    page.goto(f"{live_server.url}{reverse('accounts:api-token-list')}")
    expect(page.get_by_label("Nyckel", exact=True)).to_have_count(0)
    row = page.get_by_role("row", name="Upphandlingssystemet")
    expect(row).not_to_contain_text("Aldrig")
    row.get_by_role("button", name="Återkalla Upphandlingssystemet").click()
    expect(page.get_by_text("Nyckeln Upphandlingssystemet är återkallad.")).to_be_visible()

    refused = page.request.get(f"{api}/own/tenders/", headers=headers)
    assert refused.status == 401 and refused.json()["code"] == "not_authenticated"
    assert Tender.objects.filter(buyer=municipality).count() == 1
