"""Lists that hold a caseload, in Chromium (issue 15 §3): a coordinator filters the participant list by status and
company, types a code and pages to page 2 with the results updated in place and the address kept in step, so a
reload shows the same; the same without JavaScript; a municipality combobox chosen with the keyboard; axe-core."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from placements import services
from tests.accounts.factories import OrganisationFactory
from tests.browser.helpers import assert_accessible, login_as
from tests.companies.factories import CompanyFactory
from tests.placements.factories import OfferFactory, ParticipantFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
TODAY = timezone.localdate()


def _caseload(coordinator):
    wanted, other = (
        CompanyFactory(verified=True, name="Kafé Journey"),
        CompanyFactory(verified=True, name="Städ Journey"),
    )
    offers = {wanted: OfferFactory(company=wanted, places=80), other: OfferFactory(company=other, places=80)}
    for code, company, start in [*((f"P-JRN-A{n:04d}", wanted, True) for n in range(55)),
                                 *((f"P-JRN-B{n:04d}", other, True) for n in range(3)),
                                 *((f"P-JRN-A9{n:03d}", wanted, False) for n in range(3))]:  # fmt: skip
        participant = ParticipantFactory(organisation=coordinator.organisation, code=code)
        placement = services.placement_create(
            participant=participant, offer=offers[company], actor=coordinator,
            fields={"support_measure": "af_work_training", "start_on": TODAY, "planned_end_on": TODAY + timedelta(days=60),
                    "hours_per_week": 20},
        )  # fmt: skip
        if start:
            services.placement_start(placement=placement, actor=coordinator)
    return wanted


def _codes(page) -> list[str]:
    return re.findall(r"P-JRN-\w+", page.locator("#results tbody").inner_text())


def _csp_errors(page) -> list[str]:
    errors = []
    page.on("console", lambda m: errors.append(m.text) if "Content Security Policy" in m.text else None)
    return errors


def test_a_coordinator_filters_types_a_code_pages_and_reloads_the_same_list(page, live_server, coordinator):
    company = _caseload(coordinator)
    csp = _csp_errors(page)
    login_as(page, live_server, coordinator)
    page.goto(f"{live_server.url}{reverse('placements:participant-list')}")
    heading = page.locator("#result-heading")
    page.get_by_label("Placeringens status").select_option("active")
    page.wait_for_url(re.compile(r"status=active"))
    page.get_by_role("combobox", name="Företag").focus()
    page.keyboard.type("Kafé Jour")
    page.get_by_role("listbox", name="Företag").get_by_role("option", name="Kafé Journey").click()
    page.wait_for_url(re.compile(rf"company={company.pk}"))
    page.get_by_label("Deltagarkod").fill("jrn-a0")
    page.wait_for_url(re.compile(r"q=jrn-a0"))
    assert re.search(r"\b55 deltagare", heading.inner_text())
    first = _codes(page)
    assert len(first) == 50 and first[0] == "P-JRN-A0000"
    page.get_by_role("link", name="Nästa").click()
    page.wait_for_url(re.compile(r"page=2"))
    second = _codes(page)
    assert second == [f"P-JRN-A{n:04d}" for n in range(50, 55)]
    url = page.url
    assert "status=active" in url and f"company={company.pk}" in url and "q=jrn-a0" in url
    page.reload()
    assert _codes(page) == second and page.get_by_label("Deltagarkod").input_value() == "jrn-a0"
    assert_accessible(page)
    assert csp == []


def test_the_same_list_filters_and_pages_without_javascript(browser, live_server, coordinator):
    company = _caseload(coordinator)
    context = browser.new_context(java_script_enabled=False, locale="sv-SE")
    page = context.new_page()
    login_as(page, live_server, coordinator)
    page.goto(f"{live_server.url}{reverse('placements:participant-list')}")
    page.get_by_label("Placeringens status").select_option("active")
    page.get_by_label("Företag").select_option(str(company.pk))
    page.get_by_label("Deltagarkod").fill("jrn-a0")
    page.get_by_role("button", name="Sök").click()
    page.wait_for_url(re.compile(r"q=jrn-a0"))
    assert len(_codes(page)) == 50
    page.get_by_role("link", name="Nästa").click()
    page.wait_for_url(re.compile(r"page=2"))
    second = _codes(page)
    assert second == [f"P-JRN-A{n:04d}" for n in range(50, 55)]
    page.reload()
    assert _codes(page) == second
    context.close()


def test_a_municipality_is_chosen_in_the_combobox_with_the_keyboard(page, live_server):
    for name in ("Töreboda", "Kumla", "Öckerö"):
        OrganisationFactory(kommun=True, name=name)
    orebro = OrganisationFactory(kommun=True, name="Örebro")
    listed = CompanyFactory(verified=True, name="Örebro Kafé")
    listed.municipalities.add(orebro)
    CompanyFactory(verified=True, name="Någon Annanstans")
    csp = _csp_errors(page)
    page.goto(f"{live_server.url}{reverse('companies:company-directory')}")
    combobox = page.get_by_role("combobox", name="Kommun")
    combobox.focus()
    page.keyboard.type("öre")
    option = page.get_by_role("listbox", name="Kommun").get_by_role("option", name="Örebro", exact=True)
    option.wait_for()
    assert_accessible(page)  # the open listbox too
    while page.locator(".ts-dropdown .active").inner_text() != "Örebro":
        page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    assert page.locator("#id_municipality").input_value() == str(orebro.pk)
    page.get_by_role("button", name="Sök").click()
    page.wait_for_url(re.compile(rf"municipality={orebro.pk}"))
    page.reload()
    assert "Örebro Kafé" in page.locator("main").inner_text()
    assert "Någon Annanstans" not in page.locator("main").inner_text()
    assert_accessible(page)
    assert csp == []
