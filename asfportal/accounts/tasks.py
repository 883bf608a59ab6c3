"""Periodic work of accounts: opening the yearly access reviews."""

from celery import shared_task
from django.db import OperationalError
from django.utils import timezone

from . import administration


@shared_task(acks_late=True, autoretry_for=(OperationalError,), retry_backoff=True)
def open_access_reviews_task() -> dict[str, int]:
    return administration.access_reviews_sweep(today=timezone.localdate())
