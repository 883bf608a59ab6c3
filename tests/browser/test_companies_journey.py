"""The registry as people use it, in Chromium: invite, activate, edit, assess, list, change request."""

import json
import re

import pytest
from django.core import mail
from django.urls import reverse

from companies.models import ChangeRequest, Company
from tests.browser.helpers import assert_accessible, login, logout
from tests.companies.factories import CompanyFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_invite_activate_edit_assess_list_and_change_request(page, live_server, coordinator, settings):
    settings.SITE_URL = live_server.url
    company = CompanyFactory(name="Cykelköket ekonomisk förening", legal_form="ekonomisk_forening")

    # A coordinator invites a representative.
    login(page, live_server, coordinator)
    page.wait_for_url(f"{live_server.url}{reverse('accounts:dashboard-coordinator')}")
    page.goto(f"{live_server.url}{reverse('companies:company-manage', args=[company.pk])}")
    assert_accessible(page)
    page.get_by_role("link", name="Bjud in en företagsrepresentant").click()
    page.locator("#id_full_name").fill("Maja Ek")
    page.locator("#id_email").fill("maja@cykelkoket.se")
    page.get_by_role("button", name="Skicka inbjudan").click()
    page.wait_for_url(f"{live_server.url}{reverse('companies:company-manage', args=[company.pk])}")
    logout(page)

    # The representative follows the link in the e-mail, chooses a password and edits the profile.
    (invitation_mail,) = [m for m in mail.outbox if m.to == ["maja@cykelkoket.se"]]
    link = re.search(r"http://\S+/foretag/inbjudan/\S+/", invitation_mail.body).group(0)
    page.goto(link)
    assert_accessible(page)
    page.locator("#id_password1").fill("Cykel-Köket-2026!")
    page.locator("#id_password2").fill("Cykel-Köket-2026!")
    page.get_by_role("button", name="Aktivera mitt konto").click()
    page.wait_for_url(f"{live_server.url}{reverse('companies:company-edit', args=[company.pk])}")
    assert_accessible(page)
    page.locator("#id_phone").fill("019-10 20 30")
    page.locator("#id_description").fill("Vi lagar och säljer begagnade cyklar.")
    page.get_by_role("button", name="Spara profilen").click()
    page.wait_for_load_state()
    company.refresh_from_db()
    assert company.phone == "019-10 20 30"

    # Another company's edit page does not exist for this representative.
    other = CompanyFactory(verified=True)
    response = page.goto(f"{live_server.url}{reverse('companies:company-edit', args=[other.pk])}")
    assert response.status == 404
    logout(page)

    # The coordinator assesses all four criteria with evidence.
    login(page, live_server, coordinator)
    page.wait_for_url(f"{live_server.url}{reverse('accounts:dashboard-coordinator')}")
    page.goto(f"{live_server.url}{reverse('companies:company-assess', args=[company.pk])}")
    assert_accessible(page)
    for criterion in range(1, 5):
        page.locator(f"input[name=c{criterion}_verdict][value=met]").check()
    page.locator("#id_c1_employees").fill("6")
    page.locator("#id_c1_target_group_hires").fill("2")
    page.locator("#id_c2_document").set_input_files(
        files=[{"name": "delaktighet.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4 delaktighet"}]
    )
    page.locator("#id_c4_owners").fill("Medlemmarna, alla anställda.")
    page.get_by_role("button", name="Spara bedömningen").click()
    page.wait_for_url(f"{live_server.url}{reverse('companies:company-manage', args=[company.pk])}")
    assert "Alla fyra kriterierna är uppfyllda" in page.content()
    logout(page)

    # The public finds it in the directory and in the open data.
    page.goto(f"{live_server.url}{reverse('companies:company-directory')}")
    assert_accessible(page)
    page.get_by_role("searchbox", name="Sök").fill("cyklar")
    page.get_by_role("button", name="Sök", exact=True).click()
    page.get_by_role("link", name="Cykelköket ekonomisk förening").click()
    assert "Ekonomisk förening" in page.content()
    assert_accessible(page)
    data = json.loads(page.goto(f"{live_server.url}/open-data/companies.json").text())
    assert "Cykelköket ekonomisk förening" in [row["name"] for row in data["companies"]]

    # The representative asks to change the number of employees; the public page keeps the old figure.
    page.goto(f"{live_server.url}{reverse('accounts:login')}")
    page.locator("#id_username").fill("maja@cykelkoket.se")
    page.locator("#id_password").fill("Cykel-Köket-2026!")
    page.get_by_role("button", name="Logga in").click()
    page.wait_for_load_state()
    page.goto(f"{live_server.url}{reverse('companies:company-facts', args=[company.pk])}")
    page.locator("#id_employees_total").fill("14")
    page.get_by_role("button", name="Skicka ändringsbegäran").click()
    page.wait_for_url(f"{live_server.url}{reverse('companies:company-edit', args=[company.pk])}")
    assert ChangeRequest.objects.filter(company=company, status="pending").exists()
    assert Company.objects.get(pk=company.pk).employees_total == 10
    logout(page)

    # The coordinator sees both values side by side and approves.
    login(page, live_server, coordinator)
    page.wait_for_url(f"{live_server.url}{reverse('accounts:dashboard-coordinator')}")
    page.goto(f"{live_server.url}{reverse('companies:change-request-list')}")
    page.get_by_role("link", name="Cykelköket ekonomisk förening").click()
    assert_accessible(page)
    page.get_by_role("button", name="Godkänn").click()
    page.wait_for_load_state()
    assert Company.objects.get(pk=company.pk).employees_total == 14


def test_registry_and_import_pages_have_no_wcag_violations(page, live_server, coordinator):
    CompanyFactory(verified=True)
    login(page, live_server, coordinator)
    page.wait_for_url(f"{live_server.url}{reverse('accounts:dashboard-coordinator')}")
    for name in ("companies:registry-list", "companies:company-create", "companies:company-import"):
        page.goto(f"{live_server.url}{reverse(name)}")
        assert_accessible(page)


def test_application_form_has_no_wcag_violations(page, live_server):
    page.goto(f"{live_server.url}{reverse('companies:company-apply')}")
    assert_accessible(page)
