"""The notification outbox in-process: recording, keys, preferences, delivery with leases, failures, digests."""

from datetime import timedelta

import pytest
from django.core import mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from asfportal.core import notifications, reminders
from asfportal.core.models import AccessibilityReport, Channel, Notification, NotificationPreference
from asfportal.core.notifications import message_id_for, notify
from tests.accounts.factories import UserFactory
from tests.conftest import free_port

pytestmark = pytest.mark.django_db

KIND = "accounts.password_changed"


def _report(days_old: int = 0) -> AccessibilityReport:
    report = AccessibilityReport.objects.create(page_url="/", description="Knappen saknar text.")
    if days_old:
        AccessibilityReport.objects.filter(pk=report.pk).update(
            created_at=timezone.now() - timedelta(days=days_old)
        )
        report.refresh_from_db()
    return report


def test_notify_renders_the_text_in_the_recipients_language(coordinator):
    english = UserFactory(language="en", organisation=coordinator.organisation)
    swedish = notify(recipient=coordinator, kind=KIND)
    other = notify(recipient=english, kind=KIND)
    assert swedish.subject == "Ditt lösenord till ASF-portalen har ändrats"
    assert other.subject == "Your password for ASF-portalen was changed"


def test_the_same_key_is_recorded_once(coordinator):
    report = _report()
    first = notify(recipient=coordinator, kind="core.accessibility_report_received", subject_object=report)
    second = notify(recipient=coordinator, kind="core.accessibility_report_received", subject_object=report)
    assert first is not None and second is None
    assert Notification.objects.count() == 1


def test_a_rolled_back_change_leaves_no_notification_and_sends_nothing(
    coordinator, django_capture_on_commit_callbacks
):
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        notify(recipient=coordinator, kind=KIND)
        raise RuntimeError("the change failed")
    assert callbacks == []
    assert not Notification.objects.exists()
    assert mail.outbox == []


def test_a_committed_notification_is_mailed_with_a_message_id_from_its_key(
    coordinator, settings, django_capture_on_commit_callbacks
):
    settings.SITE_URL = "https://asf.example.se"
    with django_capture_on_commit_callbacks(execute=True):
        notification = notify(recipient=coordinator, kind=KIND, url="/konto/losenord/")
    notification.refresh_from_db()
    assert notification.state == Notification.State.SENT
    (message,) = mail.outbox
    assert message.to == [coordinator.email]
    assert message.extra_headers["Message-ID"] == message_id_for(notification.key)
    assert message.extra_headers["Message-ID"].endswith("@asf.example.se>")
    assert f"https://asf.example.se/aviseringar/{notification.pk}/" in message.body
    assert "https://asf.example.se/aviseringar/installningar/" in message.body
    html = message.alternatives[0][0]
    assert "https://asf.example.se/aviseringar/installningar/" in html


def test_a_preference_for_the_digest_holds_the_mail_back(coordinator):
    NotificationPreference.objects.create(user=coordinator, kind=KIND, channel=Channel.DIGEST)
    notification = notify(recipient=coordinator, kind=KIND)
    assert notification.state == Notification.State.DIGEST
    assert notifications.notification_deliver(notification_id=notification.pk) == "skipped"
    assert mail.outbox == []


def test_portal_only_kinds_are_never_mailed(coordinator):
    NotificationPreference.objects.create(user=coordinator, kind=KIND, channel=Channel.PORTAL)
    notification = notify(recipient=coordinator, kind=KIND)
    assert notification.state == Notification.State.PORTAL
    assert notifications.outbox_drain() == {}


def test_a_live_claim_keeps_other_workers_away_until_its_lease_runs_out(coordinator, settings):
    settings.NOTIFICATION_LEASE_SECONDS = 300
    notification = notify(recipient=coordinator, kind=KIND)
    now = timezone.now()
    # A worker claimed it and died before handing it to the mail server.
    Notification.objects.filter(pk=notification.pk).update(
        lease_until=now + timedelta(seconds=300), attempts=1
    )
    assert notifications.notification_deliver(notification_id=notification.pk, now=now) == "skipped"
    assert mail.outbox == []
    later = now + timedelta(seconds=301)
    assert notifications.notification_deliver(notification_id=notification.pk, now=later) == "sent"
    assert notifications.notification_deliver(notification_id=notification.pk, now=later) == "skipped"
    assert len(mail.outbox) == 1
    notification.refresh_from_db()
    assert (notification.state, notification.attempts) == (Notification.State.SENT, 2)


def test_a_mail_server_failure_is_retried_with_backoff_and_finally_marked_failed(coordinator, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", free_port()  # nothing listens there
    settings.NOTIFICATION_RETRY_SECONDS, settings.NOTIFICATION_MAX_ATTEMPTS = 60, 3
    notification = notify(recipient=coordinator, kind=KIND)

    before = timezone.now()
    assert notifications.notification_deliver(notification_id=notification.pk) == "retry"
    notification.refresh_from_db()
    assert notification.state == Notification.State.PENDING
    assert "Connection refused" in notification.last_error
    assert (
        before + timedelta(seconds=59) < notification.next_attempt_at < timezone.now() + timedelta(seconds=61)
    )
    # Not due yet: the drain leaves it alone.
    assert notifications.outbox_drain() == {}

    second = notification.next_attempt_at + timedelta(seconds=1)
    assert notifications.notification_deliver(notification_id=notification.pk, now=second) == "retry"
    notification.refresh_from_db()
    assert notification.next_attempt_at - timezone.now() > timedelta(seconds=110)  # doubled

    third = notification.next_attempt_at + timedelta(seconds=1)
    assert notifications.notification_deliver(notification_id=notification.pk, now=third) == "failed"
    notification.refresh_from_db()
    assert (notification.state, notification.attempts, notification.next_attempt_at) == ("failed", 3, None)
    assert Notification.objects.filter(pk=notification.pk).exists()  # failed, not dropped


def test_the_digest_bundles_a_days_items_into_one_mail(coordinator):
    NotificationPreference.objects.create(user=coordinator, kind=KIND, channel=Channel.DIGEST)
    items = [notify(recipient=coordinator, kind=KIND, key=f"test-{n}") for n in range(3)]
    assert notifications.digests_build() == 1
    assert notifications.digests_build() == 0
    digest = Notification.objects.get(is_digest=True)
    assert digest.subject == "3 nya aviseringar från ASF-portalen"
    assert notifications.notification_deliver(notification_id=digest.pk) == "sent"
    (message,) = mail.outbox
    for item in items:
        assert f"/aviseringar/{item.pk}/" in message.body
    assert set(Notification.objects.filter(digest=digest).values_list("state", flat=True)) == {"sent"}


def test_the_reminder_sweep_run_twice_records_each_reminder_once(admin_user):
    report = _report(days_old=20)
    _report(days_old=3)  # too young to remind about
    today = timezone.localdate()
    assert reminders.reminders_sweep(today=today) == {"created": 1, "existing": 0}
    assert reminders.reminders_sweep(today=today) == {"created": 0, "existing": 1}
    notification = Notification.objects.get()
    assert (notification.recipient, notification.object_id) == (admin_user, str(report.pk))
    assert notification.due_on == report.created_at.date() + timedelta(days=14)


def test_a_changed_password_notifies_its_owner(client, coordinator, django_capture_on_commit_callbacks):
    client.force_login(coordinator)
    new = "Nytt-Långt-Lösen-42"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("accounts:password-change"),
            {"old_password": "Korrekt-Häst-Batteri-7", "new_password1": new, "new_password2": new},
        )
    assert response.status_code == 302
    assert Notification.objects.get(recipient=coordinator).kind == KIND
    assert mail.outbox[0].subject == "Ditt lösenord till ASF-portalen har ändrats"


@pytest.mark.parametrize("rows", [1, 25])
def test_notification_list_shows_only_ones_own_in_constant_queries(
    client, coordinator, outsider, django_assert_num_queries, rows
):
    for n in range(rows):
        notify(recipient=coordinator, kind=KIND, key=f"mine-{n}")
    notify(recipient=outsider, kind=KIND, key="theirs")
    client.force_login(coordinator)
    # session, user, savepoint + release, count + page of notifications, unread count in the header, the header's
    # memberships (both cached with the person's header figures once computed)
    with django_assert_num_queries(7):
        response = client.get(reverse("core:notification-list"))
    assert len(response.context["page_obj"]) == rows
    assert all(n.recipient_id == coordinator.pk for n in response.context["page_obj"])
    assert f"{rows} oläst{'a' if rows > 1 else ''}</span>" in response.content.decode()


def test_opening_a_notification_marks_it_read_and_follows_its_link(client, coordinator):
    notification = notify(recipient=coordinator, kind=KIND, url="/konto/losenord/")
    client.force_login(coordinator)
    response = client.get(reverse("core:notification-open", args=[notification.pk]))
    assert response.url == "/konto/losenord/"
    notification.refresh_from_db()
    assert notification.read_at is not None


def test_nobody_else_can_open_a_notification(client, coordinator, outsider):
    notification = notify(recipient=coordinator, kind=KIND)
    client.force_login(outsider)
    assert client.get(reverse("core:notification-open", args=[notification.pk])).status_code == 404
    notification.refresh_from_db()
    assert notification.read_at is None


def test_mark_all_read_clears_the_unread_count(client, coordinator):
    notify(recipient=coordinator, kind=KIND, key="a")
    notify(recipient=coordinator, kind=KIND, key="b")
    client.force_login(coordinator)
    response = client.post(reverse("core:notification-mark-all-read"), follow=True)
    assert "2 aviseringar markerade som lästa." in response.content.decode()
    assert not Notification.objects.unread().exists()


def test_preferences_are_saved_per_kind_and_audited(client, coordinator):
    client.force_login(coordinator)
    page = client.get(reverse("core:notification-preferences"))
    offered = set(page.context["form"].fields)
    assert KIND in offered
    assert "core.accessibility_report_received" not in offered  # administrators only
    response = client.post(reverse("core:notification-preferences"), {KIND: Channel.DIGEST})
    assert response.status_code == 302
    assert NotificationPreference.objects.get(user=coordinator, kind=KIND).channel == Channel.DIGEST
    assert notify(recipient=coordinator, kind=KIND).state == Notification.State.DIGEST


def test_an_unknown_channel_is_refused_with_a_swedish_message(client, coordinator):
    client.force_login(coordinator)
    response = client.post(reverse("core:notification-preferences"), {KIND: "pigeon"})
    assert response.status_code == 200
    assert "Välj ett giltigt alternativ" in response.content.decode()
    assert not NotificationPreference.objects.exists()


def test_administrators_see_failed_mail_on_their_dashboard(client, admin_user):
    notification = notify(recipient=admin_user, kind=KIND)
    Notification.objects.filter(pk=notification.pk).update(state="failed", last_error="SMTPConnectError")
    client.force_login(admin_user)
    html = client.get(reverse("accounts:dashboard-administrator")).content.decode()
    assert "Utkorg för e-post: 0 väntar, 1 misslyckades." in html


def test_without_a_preference_the_kinds_default_applies(admin_user):
    report = _report()
    waiting = notify(recipient=admin_user, kind="core.accessibility_report_waiting", subject_object=report)
    received = notify(recipient=admin_user, kind="core.accessibility_report_received", subject_object=report)
    assert (waiting.channel, received.channel) == (Channel.DIGEST, Channel.EMAIL_NOW)


def test_a_refused_channel_is_shown_on_its_group_and_the_other_choices_stay(client, coordinator):
    NotificationPreference.objects.create(user=coordinator, kind=KIND, channel=Channel.DIGEST)
    client.force_login(coordinator)
    other = next(
        name
        for name in client.get(reverse("core:notification-preferences")).context["form"].fields
        if name != KIND
    )
    html = client.post(reverse("core:notification-preferences"), {other: "pigeon"}).content.decode()
    # The error sits on the group that was wrong and links there from the summary; the group left out of the
    # post still shows the saved choice, as saving would have kept it.
    assert f'href="#id_{other}"' in html and f'id="id_{other}_error"' in html
    assert f'id="id_{KIND}_1" value="{Channel.DIGEST}" checked' in html
