"""The public directory and the public tender list (issue 15 §3): their filters update the results in place with
htmx, the address kept in step so a reload (or a shared link) shows the same list; without JavaScript the same
form sends a plain GET and the whole page answers."""

import re

import pytest
from django.urls import reverse

from tests.browser.helpers import assert_accessible
from tests.companies.factories import CompanyFactory
from tests.procurement.factories import TenderFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Set on the window before filtering: still there afterwards only if the page was not loaded again.
MARK = "window.__stillTheSamePage = true"
SAME_PAGE = "window.__stillTheSamePage === true"


def _names(page) -> str:
    return page.locator("#results").inner_text()


def test_the_directory_filters_in_place_and_keeps_the_address_in_step(page, live_server):
    CompanyFactory(verified=True, name="Kafé Linden")
    CompanyFactory(verified=True, name="Städkooperativet Norr")
    page.goto(f"{live_server.url}{reverse('companies:company-directory')}")
    assert "Kafé Linden" in _names(page) and "Städkooperativet Norr" in _names(page)
    page.evaluate(MARK)
    page.get_by_role("searchbox", name="Sök").fill("linden")
    page.wait_for_url(re.compile(r"q=linden"))
    page.locator("#results", has_not_text="Städkooperativet").wait_for()
    assert "Kafé Linden" in _names(page)
    assert page.evaluate(SAME_PAGE), "the page was loaded again instead of its results"
    page.reload()
    assert "Kafé Linden" in _names(page) and "Städkooperativet" not in _names(page)
    assert page.get_by_role("searchbox", name="Sök").input_value() == "linden"
    assert_accessible(page)


def test_the_tender_list_filters_in_place_and_keeps_the_address_in_step(page, live_server):
    TenderFactory(published=True, title="Fönsterputs av skolor")
    TenderFactory(published=True, title="Catering till äldreboenden")
    page.goto(f"{live_server.url}{reverse('procurement:tender-list')}")
    page.evaluate(MARK)
    page.get_by_role("searchbox", name="Sök").fill("fönsterputs")
    page.wait_for_url(re.compile(r"q=f%C3%B6nsterputs|q=fönsterputs"))
    page.locator("#results", has_not_text="Catering").wait_for()
    assert "Fönsterputs av skolor" in _names(page)
    assert page.evaluate(SAME_PAGE)
    page.reload()
    assert "Fönsterputs av skolor" in _names(page) and "Catering" not in _names(page)
    assert_accessible(page)


@pytest.mark.parametrize("list_name", ["companies:company-directory", "procurement:tender-list"])
def test_without_javascript_the_search_sends_the_form_and_the_page_answers(browser, live_server, list_name):
    CompanyFactory(verified=True, name="Kafé Linden")
    CompanyFactory(verified=True, name="Städkooperativet Norr")
    TenderFactory(published=True, title="Kafé Lindens catering")
    TenderFactory(published=True, title="Städning av Norrskolan")
    context = browser.new_context(java_script_enabled=False, locale="sv-SE")
    page = context.new_page()
    try:
        page.goto(f"{live_server.url}{reverse(list_name)}")
        page.get_by_role("searchbox", name="Sök").fill("linden")
        page.locator(".live-filters").get_by_role("button", name="Sök").click()
        page.wait_for_url(re.compile(r"q=linden"))
        assert "Linden" in _names(page) and "Norr" not in _names(page)
        assert page.get_by_role("heading", level=1).count() == 1  # the whole page, not the results alone
    finally:
        context.close()
