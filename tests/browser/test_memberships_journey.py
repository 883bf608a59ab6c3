"""Memberships in Chromium (issue 16): a person with coordinator and procurement-officer memberships switches
through the header and sees each dashboard and only its data; a representative of two companies edits each
company's profile only while acting for it."""

import re

import pytest
from django.urls import reverse

from asfportal.accounts import services
from asfportal.accounts.models import Organisation, Role
from companies.models import Company
from tests.accounts.factories import OrganisationFactory, UserFactory
from tests.browser.helpers import assert_accessible, login_as
from tests.companies.factories import CompanyFactory, RepresentativeFactory
from tests.placements.factories import ParticipantFactory
from tests.procurement.factories import TenderFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _switch_to(page, label: str) -> None:
    """Pick a membership in the header's switcher and press its button, as a person does."""
    page.get_by_label("Agerar som").select_option(label=label)
    page.get_by_role("button", name="Byt roll").click()
    page.wait_for_load_state()


def _acting_as(page) -> str:
    """The membership the header's switcher shows as the one the person acts in."""
    return page.get_by_label("Agerar som").locator("option:checked").inner_text().strip()


def _menu(page):
    return page.get_by_role("navigation", name="Huvudmeny")


def _menu_link(page, name):
    """A link of the main menu wherever it sits, a closed group's included (hidden until the group is opened)."""
    return _menu(page).get_by_role("link", name=name, include_hidden=True)


def _follow(page, name):
    """Follow a menu link as a person does: open its group first when it sits in one (the menus are grouped)."""
    link = _menu_link(page, name)
    if not link.is_visible():
        link.locator("xpath=ancestor::details[1]/summary").click()
    link.click()


def test_a_coordinator_who_is_also_a_procurement_officer_switches_between_the_two(page, live_server):
    services.reference_organisations_load()  # the shipped SCB names: Örebro kommun, Region Örebro län
    orebro = Organisation.objects.get(kind="kommun", code="1880")
    region = Organisation.objects.get(kind="region", code="18")
    person = UserFactory(role=Role.COORDINATOR, organisation=orebro, full_name="Sara Lind")
    services.membership_grant(user=person, role=Role.PROCUREMENT_OFFICER, organisation=region, activate=False)
    ParticipantFactory(organisation=orebro, code="P-OREBRO-1")
    ParticipantFactory(organisation=OrganisationFactory(kommun=True), code="P-ANNAN-1")
    TenderFactory(buyer=region, published=True, title="Städning av regionens lokaler")
    TenderFactory(buyer=orebro, published=True, title="Catering till Örebros skolor")

    login_as(page, live_server, person)
    page.wait_for_url(f"{live_server.url}{reverse('accounts:dashboard-coordinator')}")
    assert page.get_by_role("heading", level=1).inner_text() == "Översikt för samordnare"
    assert _acting_as(page) == "Samordnare · Örebro kommun"
    assert_accessible(page)
    _follow(page, "Deltagare")
    page.wait_for_load_state()
    main = page.get_by_role("main").inner_text()
    assert "P-OREBRO-1" in main and "P-ANNAN-1" not in main
    assert _menu_link(page, "Våra upphandlingar").count() == 0

    _switch_to(page, "Upphandlare · Region Örebro län")
    page.wait_for_url(f"{live_server.url}{reverse('accounts:dashboard-procurement')}")
    assert page.get_by_role("heading", level=1).inner_text() == "Översikt för upphandlare"
    assert _acting_as(page) == "Upphandlare · Region Örebro län"
    assert "Du agerar nu som upphandlare för Region Örebro län." in page.get_by_role("main").inner_text()
    assert_accessible(page)
    assert _menu_link(page, "Deltagare").count() == 0
    _follow(page, "Våra upphandlingar")
    page.wait_for_load_state()
    main = page.get_by_role("main").inner_text()
    assert "Städning av regionens lokaler" in main and "Catering till Örebros skolor" not in main
    # The coordinator's pages are not the officer's: the participant list refuses while acting as officer.
    response = page.goto(f"{live_server.url}{reverse('placements:participant-list')}")
    assert response.status == 403

    page.go_back()  # from the refusal back to the tender list, whose header switches as every page's does
    _switch_to(page, "Samordnare · Örebro kommun")
    page.wait_for_url(f"{live_server.url}{reverse('accounts:dashboard-coordinator')}")
    assert page.get_by_role("heading", level=1).inner_text() == "Översikt för samordnare"
    assert _menu_link(page, "Deltagare").count() == 1


def test_a_representative_of_two_companies_edits_each_profile_only_while_acting_for_it(page, live_server):
    cafe = CompanyFactory(verified=True, name="Kafé Gemenskap")
    shop = CompanyFactory(verified=True, name="Returbutiken")
    person = RepresentativeFactory(company=cafe).user
    services.membership_grant(user=person, role=Role.COMPANY_REPRESENTATIVE, company=shop, activate=False)

    login_as(page, live_server, person)
    _follow(page, "Mitt företag")
    page.wait_for_url(f"{live_server.url}{reverse('companies:company-edit', args=[cafe.pk])}")
    assert_accessible(page)
    page.locator("#id_phone").fill("019-11 11 11")
    page.get_by_role("button", name="Spara profilen").click()
    page.wait_for_load_state()
    assert page.goto(f"{live_server.url}{reverse('companies:company-edit', args=[shop.pk])}").status == 404

    _switch_to(page, "Företagsrepresentant · Returbutiken")
    _follow(page, "Mitt företag")
    page.wait_for_url(f"{live_server.url}{reverse('companies:company-edit', args=[shop.pk])}")
    assert re.search("Returbutiken", page.get_by_role("main").inner_text())
    page.locator("#id_phone").fill("019-22 22 22")
    page.get_by_role("button", name="Spara profilen").click()
    page.wait_for_load_state()
    assert page.goto(f"{live_server.url}{reverse('companies:company-edit', args=[cafe.pk])}").status == 404

    phones = dict(Company.objects.filter(pk__in=[cafe.pk, shop.pk]).values_list("name", "phone"))
    assert phones == {"Kafé Gemenskap": "019-11 11 11", "Returbutiken": "019-22 22 22"}
