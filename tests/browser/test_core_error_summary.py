"""Errors people can read, in Chromium: a failed submit starts the page with a summary that takes the focus and
whose links take the person to each field."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from asfportal.core.models import AccessibilityReport
from tests.browser.helpers import assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_failed_submit_focuses_the_summary_and_its_link_focuses_the_field(page, live_server):
    page.goto(f"{live_server.url}{reverse('core:accessibility')}")
    page.locator("#id_description").fill("Ring mig, mitt personnummer är 19811218-9876.")
    page.get_by_role("button", name="Skicka anmälan").click()
    summary = page.get_by_role("alert").filter(has_text="Det finns ett fel att rätta")
    expect(summary).to_be_visible()
    expect(summary).to_be_focused()
    link = summary.get_by_role("link", name="personnummer")
    link.click()
    expect(page.locator("#id_description")).to_be_focused()
    assert not AccessibilityReport.objects.exists()
    assert_accessible(page)
