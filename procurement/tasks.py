"""Background tasks of procurement: closing tenders whose deadline has passed."""

from celery import shared_task
from django.db import OperationalError

from . import services


@shared_task(autoretry_for=(OperationalError,), retry_backoff=True, max_retries=5)
def close_due_tenders_task() -> int:
    """Close every tender whose deadline passed; run every minute by beat (the only schedule: no task is queued
    per tender, which Redis would redeliver each visibility timeout until its distant due time); idempotent."""
    return services.tenders_close_due()
