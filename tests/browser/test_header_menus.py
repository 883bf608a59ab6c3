"""The header's grouped menus (issue 15 §4): each role's links in a few disclosure menus that open by mouse, by
keyboard and without JavaScript, one at a time, and close on Escape with the focus back on the menu's button."""

import pytest
from django.urls import reverse

from asfportal.accounts.models import Role
from tests.accounts.factories import UserFactory
from tests.browser.helpers import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _menu(page, name):
    return page.locator("#main-menu details").filter(has=page.locator("summary", has_text=name))


def test_a_coordinator_opens_a_menu_by_keyboard_and_closes_it_with_escape(page, live_server, coordinator):
    login(page, live_server, coordinator)
    page.goto(f"{live_server.url}{reverse('accounts:dashboard')}")
    registry = page.locator("#main-menu").get_by_role("link", name="Register", exact=True)
    assert not registry.is_visible()
    summary = _menu(page, "Företag").locator("summary")
    summary.focus()
    page.keyboard.press("Enter")
    assert registry.is_visible()
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent.trim()") == "Företagskatalogen"
    page.keyboard.press("Escape")
    assert not registry.is_visible()
    assert page.evaluate("document.activeElement.tagName") == "SUMMARY"


def test_opening_one_menu_closes_the_other_and_a_click_outside_closes_it(page, live_server, coordinator):
    login(page, live_server, coordinator)
    page.goto(f"{live_server.url}{reverse('accounts:dashboard')}")
    _menu(page, "Företag").locator("summary").click()
    _menu(page, "Styrning").locator("summary").click()
    assert page.locator("#main-menu").get_by_role("link", name="Årsrapporter").is_visible()
    assert not page.locator("#main-menu").get_by_role("link", name="Register", exact=True).is_visible()
    page.locator("footer").click()
    assert not page.locator("#main-menu").get_by_role("link", name="Årsrapporter").is_visible()


def test_without_javascript_a_menu_opens_and_its_link_is_followed(browser, live_server, officer):
    context = browser.new_context(java_script_enabled=False, viewport={"width": 1024, "height": 800})
    page = context.new_page()
    try:
        login(page, live_server, officer)
        page.goto(f"{live_server.url}{reverse('accounts:dashboard')}")
        _menu(page, "Upphandling").locator("summary").click()
        page.locator("#main-menu").get_by_role("link", name="Våra upphandlingar").click()
        page.wait_for_url(f"**{reverse('procurement:officer-tender-list')}")
    finally:
        context.close()


def test_each_role_sees_only_its_own_menus(page, live_server, company_rep):
    from tests.companies.factories import RepresentativeFactory

    RepresentativeFactory(user=company_rep)
    login(page, live_server, company_rep)
    page.goto(f"{live_server.url}{reverse('accounts:dashboard')}")
    menu = page.locator("#main-menu")
    # Links of closed menus are out of the accessibility tree until opened, hence include_hidden.
    assert menu.get_by_role("link", name="Mitt företag", include_hidden=True).count() == 1
    assert menu.get_by_role("link", name="Register", exact=True, include_hidden=True).count() == 0
    assert menu.get_by_role("link", name="Deltagare", include_hidden=True).count() == 0


def test_the_organisation_administrator_has_a_menu_with_their_overview_and_their_organisations_pages(
    browser, live_server, municipality
):
    # Written when the organisation administrator had no dashboard (the link would have answered 403); the
    # organisation administration (issue 16) gave them one, so the overview is in their menu like everyone's.
    administrator = UserFactory(role=Role.ORGANISATION_ADMINISTRATOR, organisation=municipality)
    context = browser.new_context(java_script_enabled=False, viewport={"width": 320, "height": 700})
    page = context.new_page()
    try:
        login(page, live_server, administrator)
        page.goto(f"{live_server.url}{reverse('core:help')}")
        menu = page.locator("#main-menu")
        overview = menu.get_by_role("link", name="Min översikt")
        assert overview.get_attribute("href") == reverse("accounts:dashboard")
        _menu(page, "Mitt konto").locator("summary").click()
        for name in ("Byt lösenord", "Vilka har behörighet", "API-nycklar för organisationens system"):
            link = menu.get_by_role("link", name=name)
            box = link.bounding_box()
            assert link.is_visible() and box["x"] >= 0 and box["x"] + box["width"] <= 320, name
        assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
    finally:
        context.close()
