"""The header at the widths officials use: nothing off-screen at 1280 and 1366 px for the role with the most menu
items, and the whole menu usable without JavaScript on a phone-sized screen (regression: the name and "Logga ut"
were cut off at 1280/1366 px, and below 992 px the menu was a toggle that needed JavaScript)."""

import pytest
from django.urls import reverse

from tests.browser.helpers import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTHS = [1280, 1366, 1024, 991, 768, 375]


def _assert_on_screen(page, width: int) -> None:
    for locator in (page.locator(".portal-user"), page.get_by_role("button", name="Logga ut")):
        box = locator.bounding_box()
        assert box is not None and locator.is_visible(), f"{locator} hidden at {width} px"
        assert box["x"] >= 0 and box["x"] + box["width"] <= width, (
            f"{locator} off-screen at {width} px: {box}"
        )
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"the page scrolls sideways by {overflow} px at {width} px"
    for link in page.locator("#main-menu a").all():
        assert link.is_visible(), f"menu link {link.inner_text()} hidden at {width} px"
        box = link.bounding_box()
        assert box["x"] + box["width"] <= width, f"menu link {link.inner_text()} off-screen at {width} px"


@pytest.mark.parametrize("width", WIDTHS)
def test_a_coordinator_sees_their_name_log_out_and_every_menu_link_at_common_widths(
    page, live_server, coordinator, width
):
    coordinator.full_name = "Margareta Johansson-Lindqvist"
    coordinator.save(update_fields=["full_name"])
    page.set_viewport_size({"width": width, "height": 800})
    login(page, live_server, coordinator)
    page.goto(f"{live_server.url}{reverse('accounts:dashboard')}")
    _assert_on_screen(page, width)
    assert page.locator("#main-menu a", has_text="Deltagare").is_visible()


def test_the_menu_works_without_javascript_on_a_small_screen(browser, live_server, coordinator):
    context = browser.new_context(
        java_script_enabled=False, viewport={"width": 375, "height": 800}, locale="sv-SE"
    )
    page = context.new_page()
    try:
        login(page, live_server, coordinator)
        page.goto(f"{live_server.url}{reverse('accounts:dashboard')}")
        _assert_on_screen(page, 375)
        page.locator("#main-menu a", has_text="Deltagare").click()
        page.wait_for_url("**/deltagare/**")
    finally:
        context.close()
