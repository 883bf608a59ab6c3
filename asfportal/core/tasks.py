"""Background tasks of the core: the worker heartbeat."""

from celery import shared_task

from . import services


@shared_task(bind=True, acks_late=True)
def record_heartbeat_task(self, label: str = "beat") -> int:
    """Write a heartbeat row from inside the worker; returns its id."""
    return services.heartbeat_record(worker=self.request.hostname or "", label=label).pk
