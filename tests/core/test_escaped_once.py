"""Notification texts and e-mails are escaped exactly once: "Kumla Kök & Kafé" reads as such everywhere."""

import importlib

import pytest
from django.apps import apps
from django.core import mail
from django.urls import reverse

from asfportal.core import notifications
from asfportal.core.models import AccessibilityReport, Notification

pytestmark = pytest.mark.django_db

NAME = "Kumla Kök & Kafé <meny>"


def _report_notification(admin_user, django_capture_on_commit_callbacks) -> Notification:
    report = AccessibilityReport.objects.create(page_url=NAME, description="Menyn går inte att nå.")
    with django_capture_on_commit_callbacks(execute=True):
        notifications.notify(
            recipient=admin_user, kind="core.accessibility_report_received", subject_object=report, url="/"
        )
    return Notification.objects.get()


def test_the_stored_text_is_plain(admin_user, django_capture_on_commit_callbacks):
    notification = _report_notification(admin_user, django_capture_on_commit_callbacks)
    assert NAME in notification.body and "&amp;" not in notification.body and "&lt;" not in notification.body


def test_the_text_mail_is_plain_and_the_html_mail_escaped_once(
    admin_user, django_capture_on_commit_callbacks
):
    _report_notification(admin_user, django_capture_on_commit_callbacks)
    (message,) = mail.outbox
    assert NAME in message.body and "&amp;" not in message.body
    html = message.alternatives[0][0]
    assert "Kumla Kök &amp; Kafé &lt;meny&gt;" in html and "&amp;amp;" not in html and "<meny>" not in html


def test_the_list_shows_the_text_escaped_once(client, admin_user, django_capture_on_commit_callbacks):
    _report_notification(admin_user, django_capture_on_commit_callbacks)
    client.force_login(admin_user)
    html = client.get(reverse("core:notification-list")).content.decode()
    assert "Kumla Kök &amp; Kafé &lt;meny&gt;" in html and "&amp;amp;" not in html


def test_the_migration_unescapes_texts_stored_escaped(admin_user):
    Notification.objects.create(
        key="k", recipient=admin_user, kind="x", subject="Kumla Kök &amp; Kafé", body="Om Kumla Kök &amp; Kafé",
        channel="portal", state="portal",
    )  # fmt: skip
    module = importlib.import_module("asfportal.core.migrations.0005_unescape_notification_texts")
    module.unescape(apps, None)
    notification = Notification.objects.get()
    assert (notification.subject, notification.body) == ("Kumla Kök & Kafé", "Om Kumla Kök & Kafé")
