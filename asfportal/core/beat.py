"""Exactly one beat: a second `celery beat` started by mistake (or a standby on another machine) sends nothing.

Celery beat has no election of its own; two running beats would each send every periodic task. This scheduler
holds a lock in Redis (the broker) before it sends anything: a key with the beat's own token and a lifetime of
LOCK_SECONDS, renewed on every tick. A beat that does not hold it waits as a standby and takes over within
LOCK_SECONDS once the holder stops renewing (stopped, killed, or its machine lost). Each periodic job is also
idempotent (README, "Background work"), so the one tick a take-over may repeat does no harm.
"""

from __future__ import annotations

import contextlib
import logging
import secrets

from celery.beat import PersistentScheduler

logger = logging.getLogger(__name__)

LOCK_KEY = "asfportal:beat-lock"
# Renew if the lock is ours; take it if it is free; otherwise report that another beat holds it.
_HOLD = """
if redis.call('get', KEYS[1]) == ARGV[1] then
  return redis.call('pexpire', KEYS[1], ARGV[2])
end
if redis.call('set', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then
  return 1
end
return 0
"""


class SingleBeatScheduler(PersistentScheduler):
    """PersistentScheduler that sends periodic tasks only while it holds the beat lock in Redis."""

    lock_seconds = 30.0

    def __init__(self, *args, **kwargs):
        self.token = secrets.token_hex(16)
        self.holding = False
        self._redis = None
        super().__init__(*args, **kwargs)

    def _client(self):
        if self._redis is None:
            import redis

            self._redis = redis.Redis.from_url(self.app.conf.broker_url)
        return self._redis

    def hold_lock(self) -> bool:
        try:
            held = bool(self._client().eval(_HOLD, 1, LOCK_KEY, self.token, int(self.lock_seconds * 1000)))
        except Exception as error:  # Redis down: the broker is down too, nothing could be sent anyway
            logger.warning("beat: cannot reach Redis for the beat lock (%s); waiting", error)
            held = False
        if held != self.holding:
            logger.warning("beat: %s", "holding the beat lock: sending periodic tasks" if held else
                           "another beat holds the lock: standing by")  # fmt: skip
            self.holding = held
        return held

    def tick(self, *args, **kwargs):
        if not self.hold_lock():
            return self.lock_seconds / 3
        # Wake at least three times per lock lifetime, so the lock is renewed long before it runs out.
        return min(super().tick(*args, **kwargs), self.lock_seconds / 3)

    def close(self):
        if self.holding:
            # Hand over at once on a clean stop (only if the lock is still ours); else it runs out by itself.
            with contextlib.suppress(Exception):
                self._client().eval(
                    "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) end return 0",
                    1,
                    LOCK_KEY,
                    self.token,
                )
        super().close()
