"""Background tasks of the registry."""

from celery import shared_task
from django.db import OperationalError
from django.utils import timezone

from . import services


@shared_task(autoretry_for=(OperationalError,), retry_backoff=True, max_retries=5)
def lapse_expired_companies_task() -> int:
    """Move companies whose assessment ran out to "lapsed"; idempotent."""
    return services.companies_lapse(today=timezone.localdate())
