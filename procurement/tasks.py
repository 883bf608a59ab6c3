"""Background tasks of procurement: closing tenders at their deadline."""

from celery import shared_task
from django.db import OperationalError

from . import services


@shared_task(autoretry_for=(OperationalError,), retry_backoff=True, max_retries=5)
def close_due_tenders_task() -> int:
    """Close every tender whose deadline passed (every minute, and at each deadline); idempotent."""
    return services.tenders_close_due()


@shared_task(autoretry_for=(OperationalError,), retry_backoff=True, max_retries=5)
def close_tender_task(tender_id: int) -> int:
    """Due at a tender's submission deadline; closes whatever is due then (the tender id is for the log)."""
    return services.tenders_close_due()
