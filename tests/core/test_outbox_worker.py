"""The outbox on the real stack: PostgreSQL, Redis, real worker processes and a real SMTP server on loopback."""

import socket
import threading
import time
from datetime import timedelta

import pytest
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from asfportal.core.models import AccessibilityReport, Channel, Notification, NotificationPreference
from asfportal.core.notifications import message_id_for, notify
from asfportal.core.tasks import drain_outbox_task, run_reminder_sweep_task, send_digests_task

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

KIND = "accounts.password_changed"


def _wait(condition, timeout: float = 30, what: str = "condition") -> None:
    begun = time.monotonic()
    while not condition():
        assert time.monotonic() - begun < timeout, f"timed out waiting for {what}"
        time.sleep(0.05)


def _notify_committed(**kwargs) -> Notification:
    with transaction.atomic():
        return notify(**kwargs)


def _with_id(sink, notification: Notification) -> list:
    return [m for m in sink.messages if m["Message-ID"] == message_id_for(notification.key)]


class StallingMailServer:
    """Accepts connections on a port and never greets: a worker handing mail to it hangs before the hand-off."""

    def __init__(self, port: int) -> None:
        self.sock = socket.create_server(("127.0.0.1", port))
        self.sock.settimeout(0.1)
        self.connections: list[socket.socket] = []
        self._stopping = False
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self._thread.start()

    def _accept(self) -> None:
        while not self._stopping:
            try:
                self.connections.append(self.sock.accept()[0])
            except TimeoutError:
                continue

    def stop(self) -> None:
        self._stopping = True
        self._thread.join()
        for connection in self.connections:
            connection.close()
        self.sock.close()


def test_the_reminder_sweep_run_twice_delivers_once(start_worker, smtp_sink, admin_user):
    smtp_sink.start()
    NotificationPreference.objects.create(
        user=admin_user, kind="core.accessibility_report_waiting", channel=Channel.EMAIL_NOW
    )
    report = AccessibilityReport.objects.create(description="Bilden saknar alternativtext.")
    AccessibilityReport.objects.filter(pk=report.pk).update(created_at=timezone.now() - timedelta(days=20))
    start_worker(EMAIL_URL=smtp_sink.url)

    assert run_reminder_sweep_task.delay().get(timeout=30) == {"created": 1, "existing": 0}
    assert run_reminder_sweep_task.delay().get(timeout=30) == {"created": 0, "existing": 1}
    drain_outbox_task.delay().get(timeout=30)  # queued after the sweeps' deliveries: they have all run

    (message,) = smtp_sink.messages
    notification = Notification.objects.get()
    assert message["Message-ID"] == message_id_for(notification.key)
    assert message["To"] == admin_user.email
    assert notification.state == Notification.State.SENT


def test_a_worker_killed_while_holding_a_claim_delivers_once_after_restart(
    start_worker, smtp_sink, coordinator
):
    stalling = StallingMailServer(smtp_sink.port)
    doomed = start_worker("doomed", EMAIL_URL=smtp_sink.url, EMAIL_TIMEOUT=120, NOTIFICATION_LEASE_SECONDS=3)
    notification = _notify_committed(recipient=coordinator, kind=KIND)

    def claimed_and_connected():
        notification.refresh_from_db()
        return notification.lease_until is not None and stalling.connections

    _wait(claimed_and_connected, what="the worker to claim the row and connect to the mail server")
    doomed.kill()  # SIGKILL: no clean-up, the claim stays behind
    doomed.wait()
    notification.refresh_from_db()
    assert (notification.state, notification.attempts) == (Notification.State.PENDING, 1)

    stalling.stop()
    smtp_sink.start()
    start_worker("rescuer", EMAIL_URL=smtp_sink.url, NOTIFICATION_LEASE_SECONDS=3)
    _wait(lambda: timezone.now() > notification.lease_until, what="the lease to run out")
    drain_outbox_task.delay().get(timeout=30)

    assert len(_with_id(smtp_sink, notification)) == 1
    assert len(smtp_sink.messages) == 1
    notification.refresh_from_db()
    assert (notification.state, notification.attempts) == (Notification.State.SENT, 2)


def test_two_workers_racing_over_the_outbox_deliver_each_item_once(start_worker, smtp_sink, coordinator):
    smtp_sink.start()
    items = [_notify_committed(recipient=coordinator, kind=KIND, key=f"race-{n}") for n in range(30)]
    for _ in range(4):  # besides one delivery task per item, drains race over the same rows
        drain_outbox_task.delay()
    start_worker("a", EMAIL_URL=smtp_sink.url)
    start_worker("b", EMAIL_URL=smtp_sink.url)

    _wait(lambda: not Notification.objects.exclude(state=Notification.State.SENT).exists(), what="all sent")
    # A row is claimed only while pending, so once all are sent no further e-mail can leave.
    ids = [m["Message-ID"] for m in smtp_sink.messages]
    assert len(ids) == 30
    assert sorted(ids) == sorted(message_id_for(item.key) for item in items)
    assert set(Notification.objects.values_list("attempts", flat=True)) == {1}


def test_a_rolled_back_change_sends_nothing(start_worker, smtp_sink, coordinator):
    smtp_sink.start()
    start_worker(EMAIL_URL=smtp_sink.url)
    with pytest.raises(RuntimeError), transaction.atomic():
        notify(recipient=coordinator, kind=KIND)
        raise RuntimeError("the change failed")
    assert drain_outbox_task.delay().get(timeout=30) == {}
    assert not Notification.objects.exists()
    assert smtp_sink.messages == []


def test_mail_server_down_then_back_delivers_once(start_worker, smtp_sink, coordinator):
    start_worker(EMAIL_URL=smtp_sink.url, NOTIFICATION_RETRY_SECONDS=1)  # nothing listens yet
    notification = _notify_committed(recipient=coordinator, kind=KIND)

    def failed_once():
        notification.refresh_from_db()
        return notification.attempts == 1 and notification.last_error

    _wait(failed_once, what="the first delivery attempt to fail")
    assert notification.state == Notification.State.PENDING
    assert "Connection refused" in notification.last_error

    smtp_sink.start()
    begun = time.monotonic()
    while not smtp_sink.messages:  # the retry is due one second after the failure
        assert time.monotonic() - begun < 30
        drain_outbox_task.delay().get(timeout=30)
    drain_outbox_task.delay().get(timeout=30)

    assert len(smtp_sink.messages) == 1
    notification.refresh_from_db()
    assert (notification.state, notification.attempts, notification.last_error) == ("sent", 2, "")


def test_the_digest_groups_a_days_items_into_one_mail(start_worker, smtp_sink, coordinator):
    smtp_sink.start()
    NotificationPreference.objects.create(user=coordinator, kind=KIND, channel=Channel.DIGEST)
    items = [_notify_committed(recipient=coordinator, kind=KIND, key=f"digest-{n}") for n in range(3)]
    start_worker(EMAIL_URL=smtp_sink.url)

    assert send_digests_task.delay().get(timeout=30) == 1
    assert send_digests_task.delay().get(timeout=30) == 0
    drain_outbox_task.delay().get(timeout=30)

    (message,) = smtp_sink.wait_for(1)
    text = message.get_body(preferencelist=("plain",)).get_content()
    for item in items:
        assert f"/aviseringar/{item.pk}/" in text
    assert message["Subject"] == "3 nya aviseringar från ASF-portalen"


def test_with_redis_down_a_notifying_request_succeeds_and_mail_arrives_after_restart(
    client, admin_user, redis_control, start_worker, smtp_sink
):
    smtp_sink.start()
    redis_control.stop()
    response = client.post(
        reverse("core:accessibility"),
        {"page_url": "/", "description": "Fokus syns inte på knapparna.", "contact_email": ""},
        follow=True,
    )
    assert response.status_code == 200
    notification = Notification.objects.get()
    assert notification.state == Notification.State.PENDING

    redis_control.start()
    start_worker(EMAIL_URL=smtp_sink.url)  # drains the outbox on start-up
    (message,) = smtp_sink.wait_for(1)
    assert message["Message-ID"] == message_id_for(notification.key)
    assert message["To"] == admin_user.email
