"""Escaped exactly once, in Chromium: a name with an ampersand reads as written in the notification list."""

import pytest
from django.core import mail
from django.urls import reverse

from tests.browser.helpers import login_as

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NAME = "Kumla Kök & Kafé"


def test_the_notification_list_and_the_mail_read_as_written(page, live_server, admin_user):
    page.goto(f"{live_server.url}{reverse('core:accessibility')}")
    page.locator("#id_page_url").fill(f"{NAME}, menyn")
    page.locator("#id_description").fill("Menyn går inte att öppna med tangentbordet.")
    page.get_by_role("button", name="Skicka anmälan").click()
    page.get_by_text("Tack! Vi har tagit emot din anmälan.").wait_for()
    (message,) = mail.outbox
    assert f"{NAME}, menyn" in message.body
    assert f"{NAME.replace('&', '&amp;')}, menyn" in message.alternatives[0][0]

    login_as(page, live_server, admin_user)
    page.goto(f"{live_server.url}{reverse('core:notification-list')}")
    text = page.locator("main").inner_text()
    assert f"{NAME}, menyn" in text
    assert "&amp;" not in text
