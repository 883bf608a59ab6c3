"""The calendar address in Chromium: the person opens their settings, copies the address, renews it, and the old
address stops working while the new one reads."""

from urllib.parse import urlsplit

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from tests.browser.helpers import assert_accessible, login_as

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_coordinator_copies_the_address_renews_it_and_the_old_one_stops_working(
    page, live_server, coordinator
):
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    login_as(page, live_server, coordinator)
    page.goto(f"{live_server.url}{reverse('core:notification-preferences')}")
    page.get_by_role("button", name="Skapa min kalenderadress").click()
    field = page.get_by_label("Din kalenderadress")
    expect(field).to_be_visible()
    page.get_by_role("button", name="Kopiera").click()
    expect(page.get_by_role("button", name="Kopierad")).to_be_visible()
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied == field.input_value() and copied.endswith(".ics")
    old = live_server.url + urlsplit(copied).path
    first = page.request.get(old)
    assert first.status == 200 and first.text().startswith("BEGIN:VCALENDAR")
    assert "noindex" in first.headers["x-robots-tag"]
    assert_accessible(page)

    page.get_by_role("button", name="Skaffa en ny adress").click()
    expect(page.get_by_text("den gamla fungerar inte längre")).to_be_visible()
    renewed = page.get_by_label("Din kalenderadress").input_value()
    assert renewed != copied
    assert page.request.get(old).status == 404
    assert page.request.get(live_server.url + urlsplit(renewed).path).status == 200
