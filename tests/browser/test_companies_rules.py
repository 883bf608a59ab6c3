"""Registry rules where people meet them, in Chromium: a personnummer typed as the organisation number on the
coordinator's form and on the public application, the directory's page 2 and accent-blind search, the assessment
radios that start unselected, and the page of a company that is no longer verified."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from companies import services
from companies.models import Company
from tests.browser.helpers import assert_accessible, login
from tests.companies.factories import CompanyFactory, assessment_fields

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PERSONNUMMER = "19811218-9876"


def _fill_company(page, number: str) -> None:
    page.locator("#id_name").fill("Kafé Personnummer")
    page.locator("#id_org_number").fill(number)
    page.locator("#id_legal_form").select_option("ekonomisk_forening")


def _assert_refused_as_personnummer(page) -> None:
    field = page.locator("#id_org_number")
    assert field.input_value() == PERSONNUMMER  # nothing cut off as it was typed
    assert field.get_attribute("aria-invalid") == "true" or "is-invalid" in (
        field.get_attribute("class") or ""
    )
    assert "personnummer" in page.locator("#div_id_org_number").inner_text()
    assert not Company.objects.exists()


def test_a_coordinator_typing_a_personnummer_as_org_number_is_refused_on_the_field(
    page, live_server, coordinator
):
    login(page, live_server, coordinator)
    page.goto(f"{live_server.url}{reverse('companies:company-create')}")
    _fill_company(page, PERSONNUMMER)
    page.get_by_role("button", name="Registrera företaget").click()
    page.wait_for_load_state()
    _assert_refused_as_personnummer(page)


def test_an_applicant_typing_a_personnummer_as_org_number_is_refused_on_the_field(page, live_server):
    page.goto(f"{live_server.url}{reverse('companies:company-apply')}")
    _fill_company(page, PERSONNUMMER)
    page.locator("#id_applicant_name").fill("Eva Ek")
    page.locator("#id_applicant_email").fill("eva@example.se")
    page.get_by_role("button", name="Skicka ansökan").click()
    page.wait_for_load_state()
    _assert_refused_as_personnummer(page)


def test_the_twelve_digit_form_is_typed_whole_and_accepted(page, live_server):
    company = CompanyFactory.build()
    page.goto(f"{live_server.url}{reverse('companies:company-apply')}")
    _fill_company(page, f"16{company.org_number}")
    page.locator("#id_applicant_name").fill("Eva Ek")
    page.locator("#id_applicant_email").fill("eva@example.se")
    page.get_by_role("button", name="Skicka ansökan").click()
    page.wait_for_load_state()
    assert Company.objects.get().org_number == company.org_number


def test_the_directory_pages_and_searches_without_case_or_accents(page, live_server):
    for n in range(23):
        CompanyFactory(verified=True, name=f"Kafé {n:02d}", city="Örebro")
    CompanyFactory(verified=True, name="Städkraft", city="Kumla")
    page.goto(f"{live_server.url}{reverse('companies:company-directory')}")
    page.get_by_role("searchbox", name="Sök").fill("kafe")
    page.get_by_role("button", name="Sök", exact=True).click()
    # The search arrives in place too: a reader waits for the address to carry it before reading the list (read
    # at once, this was the unsearched page, whose page 2 holds Städkraft).
    page.wait_for_url(re.compile(r"q=kafe"))
    page.wait_for_load_state("networkidle")
    first = set(page.locator("h3.card-title").all_inner_texts())
    assert len(first) == 20 and "Städkraft" not in first
    page.get_by_role("link", name="Nästa").click()
    # With JavaScript the next page arrives in place (htmx) and the address follows: wait for both, as a reader
    # waits for the list to change, before reading it.
    page.wait_for_url(re.compile(r"page=2"))
    expect(page.locator("h3.card-title")).to_have_count(3)
    second = set(page.locator("h3.card-title").all_inner_texts())
    assert second == {"Kafé 20", "Kafé 21", "Kafé 22"}
    assert not first & second
    assert page.get_by_role("searchbox", name="Sök").input_value() == "kafe"  # the search is kept
    assert_accessible(page)

    page.get_by_role("searchbox", name="Sök").fill("STÄD")
    page.get_by_role("button", name="Sök", exact=True).click()
    expect(page.locator("h3.card-title")).to_have_text(["Städkraft"])
    page.get_by_role("searchbox", name="Sök").fill("örebro")
    page.get_by_role("button", name="Sök", exact=True).click()
    expect(page.locator("h3.card-title", has_text="Kafé 00")).to_have_count(1)


def test_the_assessment_radios_start_unselected(page, live_server, coordinator):
    company = CompanyFactory()
    login(page, live_server, coordinator)
    page.goto(f"{live_server.url}{reverse('companies:company-assess', args=[company.pk])}")
    for criterion in range(1, 5):
        radios = page.locator(f"input[name=c{criterion}_verdict]")
        assert radios.count() == 3  # met, not met, unclear: no empty "---------" option
        assert all(not radios.nth(i).is_checked() for i in range(3))
    assert "---------" not in page.content()


@pytest.mark.parametrize("closed", [False, True])
def test_a_company_no_longer_verified_says_so_instead_of_not_found(page, live_server, coordinator, closed):
    company = CompanyFactory(name="Förr Verifierad")
    back_then = timezone.localdate() - timedelta(days=500)
    services.assessment_record(
        company=company, fields=assessment_fields(assessed_on=back_then), actor=coordinator
    )
    if closed:
        services.company_close(company=company, reason="Verksamheten har upphört.", actor=coordinator)
    response = page.goto(f"{live_server.url}{reverse('companies:company-detail', args=[company.pk])}")
    assert response.status == 200
    assert "Förr Verifierad" in page.locator("h1").inner_text()
    assert "inte längre verifierat" in page.content()
    assert_accessible(page)
    never = CompanyFactory(name="Aldrig Listad")
    assert page.goto(f"{live_server.url}{reverse('companies:company-detail', args=[never.pk])}").status == 404


def test_the_registry_pages_with_its_search_and_status_kept(page, live_server, coordinator):
    Company.objects.bulk_create(
        CompanyFactory.build(name=f"Kafé {n:02d}", status=Company.Status.UNDER_ASSESSMENT) for n in range(53)
    )
    CompanyFactory(name="Kafé Verifierat", verified=True)
    login(page, live_server, coordinator)
    page.goto(f"{live_server.url}{reverse('companies:registry-list')}?q=KAFE&status=under_assessment")
    first = set(page.locator("tbody tr td:first-child").all_inner_texts())
    assert len(first) == 50 and "Kafé Verifierat" not in first
    page.get_by_role("link", name="Nästa").click()
    # With JavaScript the next page replaces the results in place (htmx) and the address follows.
    page.wait_for_url("**page=2**")
    page.locator("tbody tr td:first-child", has_text="Kafé 50").wait_for()
    second = set(page.locator("tbody tr td:first-child").all_inner_texts())
    assert second == {"Kafé 50", "Kafé 51", "Kafé 52"}
    assert page.locator("#registry-q").input_value() == "KAFE"
    assert page.locator("#registry-status").input_value() == "under_assessment"


def test_a_page_link_clicked_while_a_search_is_on_its_way_never_shows_the_old_list(page, live_server):
    # An impatient reader searches and clicks "Nästa" before the results have changed: the link is the old
    # list's, without the search. The list shown afterwards must still be the one the search box and the address
    # name (the newest search), never page 2 of the unsearched directory.
    for n in range(23):
        CompanyFactory(verified=True, name=f"Kafé {n:02d}", city="Örebro")
    CompanyFactory(verified=True, name="Städkraft", city="Kumla")
    page.goto(f"{live_server.url}{reverse('companies:company-directory')}")
    unsearched_next = page.get_by_role("link", name="Nästa").get_attribute("href")
    assert "q=kafe" not in unsearched_next
    # The search's answer is held on the network until "Nästa" has been clicked, whatever the machine's speed
    # (sleeping in the handler instead let a fast answer arrive first on CI, and "Nästa" was then the search's own).
    held = []
    page.route("**/foretag/?q=kafe*", lambda route: held.append(route))
    page.get_by_role("searchbox", name="Sök").fill("kafe")
    page.get_by_role("button", name="Sök", exact=True).click()
    for _ in range(100):
        if held:
            break
        page.wait_for_timeout(50)
    assert held, "the search never left the browser"
    page.get_by_role("link", name="Nästa").click()
    page.wait_for_timeout(300)
    for route in held:
        route.continue_()
    page.wait_for_url(re.compile(r"q=kafe"))
    page.wait_for_load_state("networkidle")
    page.wait_for_timeout(300)  # any late answer would have been swapped in by now
    shown = set(page.locator("h3.card-title").all_inner_texts())
    assert "Städkraft" not in shown
    assert shown == {f"Kafé {n:02d}" for n in range(20)}
    assert "q=kafe" in page.url and "page=2" not in page.url
    assert page.get_by_role("searchbox", name="Sök").input_value() == "kafe"
