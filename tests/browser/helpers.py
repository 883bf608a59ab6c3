"""Helpers for the browser tests: log in through the form, and scan a page with axe-core."""

from axe_playwright_python.sync_playwright import Axe
from django.urls import reverse

from tests.accounts.factories import PASSWORD

WCAG_21_AA = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
    "resultTypes": ["violations"],
}


def login(page, live_server, user) -> None:
    page.goto(f"{live_server.url}{reverse('accounts:login')}")
    page.locator("#id_username").fill(user.email)
    page.locator("#id_password").fill(PASSWORD)
    page.get_by_role("button", name="Logga in").click()


def assert_accessible(page) -> None:
    result = Axe().run(page, options=WCAG_21_AA)
    assert result.violations_count == 0, result.generate_report()


def login_as(page, live_server, user) -> None:
    """Log in and wait for the landing page (any role)."""
    login(page, live_server, user)
    page.wait_for_load_state()


def logout(page) -> None:
    page.get_by_role("button", name="Logga ut").click()
    page.wait_for_load_state()
