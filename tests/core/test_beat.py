"""Exactly one beat (issue 18): a second beat started by mistake does not double the periodic work."""

import time

import pytest
import redis

from asfportal.celery import app
from asfportal.core.beat import LOCK_KEY, SingleBeatScheduler


@pytest.fixture
def beats(tmp_path, settings):
    client = redis.Redis.from_url(app.conf.broker_url)
    client.delete(LOCK_KEY)
    made = []

    def make(name: str) -> SingleBeatScheduler:
        scheduler = SingleBeatScheduler(app=app, schedule_filename=str(tmp_path / name))
        scheduler.lock_seconds = 1.0
        scheduler.schedule.clear()
        scheduler.update_from_dict(
            {"often": {"task": "asfportal.core.tasks.record_heartbeat_task", "schedule": 0.05}}
        )
        scheduler.sent = []
        scheduler.apply_entry = lambda entry, producer=None: scheduler.sent.append(entry.name)
        made.append(scheduler)
        return scheduler

    yield make
    client.delete(LOCK_KEY)


def _tick(schedulers, seconds: float) -> None:
    until = time.monotonic() + seconds
    while time.monotonic() < until:
        for scheduler in schedulers:
            scheduler.tick()
        time.sleep(0.06)


def test_the_settings_use_the_single_beat_scheduler_on_redis():
    assert app.conf.beat_scheduler == "asfportal.core.beat:SingleBeatScheduler"


def test_a_second_beat_stands_by_and_takes_over_only_when_the_first_is_gone(beats):
    first, second = beats("first"), beats("second")

    _tick([first, second], 1.5)
    assert first.sent and not second.sent  # the periodic work is done once, by the holder of the lock
    assert (first.holding, second.holding) == (True, False)

    # The first beat dies without a word (SIGKILL: no clean-up); its lock runs out and the standby takes over.
    sent_before = len(first.sent)
    _tick([second], 1.6)
    assert second.holding and second.sent
    assert len(first.sent) == sent_before

    # A clean stop hands the lock over at once.
    second.close()
    third = beats("third")
    _tick([third], 0.2)
    assert third.holding and third.sent
