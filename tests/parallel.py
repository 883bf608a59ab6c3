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


# The longest tests of the suite (--durations of a full run: 15 to 85 s each), started first in a parallel run so
# that no worker is left with one of them while the other has finished; then every browser or worker test
# (seconds each), then the rest (a fraction of a second each). A worker takes the next test when it is free
# (--dist load), so the short tests fill the gaps at the end.
LONGEST = (
    "tests/browser/test_header_widths.py",
    "tests/browser/test_every_page_accessible.py",
    "tests/test_benchmark_quick.py::test_the_quick_benchmark",
    "tests/browser/test_pa11y.py",
    "tests/test_topology.py",
    "tests/test_rolling_upgrade.py",
    "tests/test_html_valid.py",
    "tests/core/test_english_interface.py",
    "tests/browser/test_visual_accessibility.py",
    "tests/browser/test_work_queue_journey.py",
    "tests/core/test_tasks.py::test_every_beat_schedule_entry",
)


def _weight(item) -> int:
    if item.nodeid.startswith(LONGEST):
        return 0
    if item.get_closest_marker("browser") or item.get_closest_marker("worker"):
        return 1
    return 2


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
    if os.environ.get("PYTEST_XDIST_WORKER"):
        items.sort(key=_weight)  # stable: within a weight, the files' own order
    choice = config.getoption("--serial")
    if choice == "include":
        return
    keep, drop = [], []
    for item in items:
        (keep if (item.get_closest_marker("serial") is not None) == (choice == "only") else drop).append(item)
    if drop:
        config.hook.pytest_deselected(items=drop)
        items[:] = keep
