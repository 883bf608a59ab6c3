"""The suite in parallel (pytest-xdist, scripts/test.sh): each worker process gets Redis databases of its own.

Loaded with ``-p tests.parallel`` (pyproject addopts), so this runs before pytest-django reads the settings.
pytest-django already gives each worker a test database of its own (test_asfportal_gw0, ...). Redis is shared by
every worker, so without this one worker's ``cache.clear()`` (FLUSHDB) would empty another's cache mid-test, and
one worker's Celery processes would take tasks queued by another's test. Worker N uses databases 16+4N to 19+4N
(broker, results, cache, sessions); 0-15 stay for a run without xdist, the quick benchmark and the topology.
scripts/services.sh starts Redis with 64 databases, room for 12 workers.

Tests that stop a server every worker shares (Redis, PostgreSQL) are marked ``serial``: scripts/test.sh runs
them after the parallel phase, alone (``--serial=exclude`` in the parallel phase, ``--serial=only`` after).
"""

import os
import re

import pytest

# Fixtures that stop and start a server the other workers use at the same moment.
SERIAL_FIXTURES = {"redis_control", "throwaway_postgres"}


def _worker_redis_url(url: str, database: int) -> str:
    return re.sub(r"(redis://[^/]+)(/\d*)?$", rf"\g<1>/{database}", url)


def _isolate_worker_redis() -> None:
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    if not worker.startswith("gw"):
        return
    base = 16 + 4 * int(worker[2:])
    for offset, name in enumerate(
        ("CELERY_BROKER_URL", "CELERY_RESULT_BACKEND", "CACHE_URL", "SESSION_CACHE_URL")
    ):
        value = os.environ.get(name, "")
        if value.startswith("redis://"):
            os.environ[name] = _worker_redis_url(value, base + offset)


_isolate_worker_redis()


def pytest_addoption(parser):
    parser.addoption(
        "--serial",
        choices=("include", "exclude", "only"),
        default="include",
        help="tests that stop a shared server: run them (include), leave them out (exclude) or run only them",
    )


def pytest_configure(config):
    config.addinivalue_line(
        "markers", "serial: stops a server every test shares; runs alone, after the others"
    )


def pytest_collection_modifyitems(config, items):
    for item in items:
        if SERIAL_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.serial)
    choice = config.getoption("--serial")
    if choice == "include":
        return
    keep, drop = [], []
    for item in items:
        (keep if (item.get_closest_marker("serial") is not None) == (choice == "only") else drop).append(item)
    if drop:
        config.hook.pytest_deselected(items=drop)
        items[:] = keep
