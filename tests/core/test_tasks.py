"""Celery: a task round-trips through a real worker on the test Redis and writes to the test database."""

import pytest

from asfportal.core.models import WorkerHeartbeat
from asfportal.core.tasks import record_heartbeat_task


@pytest.mark.worker
def test_heartbeat_task_round_trips_through_a_real_worker(celery_worker_proc, settings):
    assert settings.CELERY_BROKER_URL.startswith("redis://")
    result = record_heartbeat_task.delay("from-test")
    heartbeat_id = result.get(timeout=30)  # the result comes back through the Redis result backend
    heartbeat = WorkerHeartbeat.objects.get(pk=heartbeat_id)
    assert heartbeat.label == "from-test"
    assert heartbeat.worker.startswith("pytest-")  # written by the worker process, not eagerly here


@pytest.mark.worker
def test_every_beat_schedule_entry_names_a_task_the_worker_knows(celery_worker_proc):
    from asfportal.celery import app

    replies = app.control.inspect(timeout=10).registered() or {}
    assert replies, "the worker did not answer the inspect call"
    known = {name for names in replies.values() for name in names}
    assert app.conf.beat_schedule
    for entry in app.conf.beat_schedule.values():
        assert entry["task"] in known
