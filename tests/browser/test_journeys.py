"""Real-browser journeys in Debian's Chromium: login per role, and WCAG 2.1 A/AA scans with axe-core."""

import pytest
from django.urls import reverse

from tests.accounts.factories import PASSWORD
from tests.browser.helpers import assert_accessible, login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ROLE_DASHBOARDS = [
    ("coordinator", "accounts:dashboard-coordinator", "Översikt för samordnare"),
    ("officer", "accounts:dashboard-procurement", "Översikt för upphandlare"),
    ("company_rep", "accounts:dashboard-company", "Översikt för företag"),
    ("admin_user", "accounts:dashboard-administrator", "Översikt för administratörer"),
]


@pytest.mark.parametrize(("role_fixture", "url_name", "heading"), ROLE_DASHBOARDS)
def test_each_role_logs_in_and_lands_on_its_accessible_dashboard(
    page, live_server, request, role_fixture, url_name, heading
):
    user = request.getfixturevalue(role_fixture)
    login(page, live_server, user)
    page.wait_for_url(f"{live_server.url}{reverse(url_name)}")
    assert page.get_by_role("heading", level=1).inner_text() == heading
    assert page.locator("html").get_attribute("lang") == "sv"
    assert_accessible(page)


@pytest.mark.parametrize("url_name", ["core:home", "accounts:login", "core:accessibility"])
def test_public_pages_have_no_wcag_violations(page, live_server, url_name):
    page.goto(f"{live_server.url}{reverse(url_name)}")
    assert page.locator("html").get_attribute("lang") == "sv"
    assert_accessible(page)


def test_skip_link_is_first_and_moves_focus_to_the_main_content(page, live_server):
    page.goto(f"{live_server.url}/")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent.trim()")
    assert focused == "Hoppa till huvudinnehållet"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"


def test_visitor_switches_to_english_and_back(page, live_server):
    page.goto(f"{live_server.url}/")
    page.get_by_role("button", name="English").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.get_by_role("link", name="Skip to main content").count() == 1
    page.get_by_role("button", name="Svenska").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "sv"


def test_logout_ends_the_session(page, live_server, coordinator):
    login(page, live_server, coordinator)
    page.wait_for_url(f"{live_server.url}{reverse('accounts:dashboard-coordinator')}")
    page.get_by_role("button", name="Logga ut").click()
    page.wait_for_url(f"{live_server.url}/")
    page.goto(f"{live_server.url}{reverse('accounts:dashboard-coordinator')}")
    assert reverse("accounts:login") in page.url


@pytest.mark.parametrize("url_name", ["core:notification-list", "core:notification-preferences"])
def test_notification_pages_have_no_wcag_violations(page, live_server, coordinator, url_name):
    login(page, live_server, coordinator)
    page.wait_for_url(f"{live_server.url}{reverse('accounts:dashboard-coordinator')}")
    page.goto(f"{live_server.url}{reverse(url_name)}")
    assert_accessible(page)


def test_a_changed_password_shows_up_in_the_notification_list(page, live_server, coordinator):
    login(page, live_server, coordinator)
    page.wait_for_url(f"{live_server.url}{reverse('accounts:dashboard-coordinator')}")
    page.goto(f"{live_server.url}{reverse('accounts:password-change')}")
    page.locator("#id_old_password").fill(PASSWORD)
    page.locator("#id_new_password1").fill("Nytt-Långt-Lösen-42")
    page.locator("#id_new_password2").fill("Nytt-Långt-Lösen-42")
    page.get_by_role("button", name="Byt lösenord").click()
    page.wait_for_url(f"{live_server.url}{reverse('accounts:password-change-done')}")
    page.get_by_role("link", name="Aviseringar 1 oläst").click()
    assert page.get_by_role("link", name="Ditt lösenord till ASF-portalen har ändrats").is_visible()
