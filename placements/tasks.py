"""Background tasks of placements: retention."""

from celery import shared_task
from django.db import OperationalError
from django.utils import timezone

from . import services


@shared_task(autoretry_for=(OperationalError,), retry_backoff=True, max_retries=5)
def anonymise_participants_task() -> int:
    """Anonymise participants past the retention time; idempotent."""
    return services.participants_anonymise(today=timezone.localdate())
