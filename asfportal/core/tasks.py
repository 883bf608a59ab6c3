"""Background tasks of the core: heartbeat, outbox delivery and drain, digests and the daily reminder sweep.

E-mail retries are not Celery retries: a failed delivery is rescheduled in the outbox row itself (with backoff),
so it survives a lost broker message; the drain picks it up when due.
"""

from celery import shared_task
from celery.signals import worker_ready
from django.db import OperationalError
from django.utils import timezone

from . import form_tokens, notifications, reminders, services


@shared_task(bind=True)
def record_heartbeat_task(self, label: str = "beat") -> int:
    """Write a heartbeat row from inside the worker; returns its id."""
    return services.heartbeat_record(worker=self.request.hostname or "", label=label).pk


@shared_task(autoretry_for=(OperationalError,), retry_backoff=True, max_retries=5)
def deliver_notification_task(notification_id: int) -> str:
    return notifications.notification_deliver(notification_id=notification_id)


@shared_task(autoretry_for=(OperationalError,), retry_backoff=True, max_retries=5)
def drain_outbox_task() -> dict:
    return notifications.outbox_drain()


@shared_task(autoretry_for=(OperationalError,), retry_backoff=True, max_retries=5)
def send_digests_task() -> int:
    return notifications.digests_build()


@shared_task(autoretry_for=(OperationalError,), retry_backoff=True, max_retries=5)
def run_reminder_sweep_task() -> dict:
    return reminders.reminders_sweep(today=timezone.localdate())


@shared_task(autoretry_for=(OperationalError,), retry_backoff=True, max_retries=5)
def purge_form_submissions_task() -> int:
    return form_tokens.form_submissions_purge()


@worker_ready.connect
def _drain_outbox_on_startup(sender=None, **kwargs) -> None:
    # Whatever waited while no worker ran (or the broker was down) goes out as soon as a worker is back.
    drain_outbox_task.delay()
