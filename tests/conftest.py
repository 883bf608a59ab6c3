"""Fixtures for the whole suite: one user per role plus outsiders, Chromium for Playwright, a real worker."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from asfportal.accounts.models import Role
from tests.accounts.factories import OrganisationFactory, UserFactory

# Playwright's sync API runs an asyncio loop in the main thread; Django's ORM would refuse to run beside it
# in browser tests (SynchronousOnlyOperation). The tests do not share connections across threads.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

PROJECT_DIR = Path(__file__).resolve().parent.parent


@pytest.fixture(autouse=True)
def _fast_and_plain(settings):
    # MD5 keeps logins fast in tests. live_server serves static files from the finders (unhashed names), so
    # the manifest storage is swapped for plain storage; scripts/test.sh runs collectstatic for the real one.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture
def municipality(db):
    return OrganisationFactory(kommun=True)


@pytest.fixture
def other_municipality(db):
    return OrganisationFactory(kommun=True)


@pytest.fixture
def coordinator(municipality):
    return UserFactory(role=Role.COORDINATOR, organisation=municipality)


@pytest.fixture
def officer(municipality):
    return UserFactory(role=Role.PROCUREMENT_OFFICER, organisation=municipality)


@pytest.fixture
def company_rep(db):
    return UserFactory(role=Role.COMPANY_REPRESENTATIVE, organisation=None)


@pytest.fixture
def admin_user(db):
    return UserFactory(role=Role.ADMINISTRATOR, organisation=None, is_staff=True, is_superuser=True)


@pytest.fixture
def outsider(other_municipality):
    """A coordinator of another organisation: must never see the first organisation's data."""
    return UserFactory(role=Role.COORDINATOR, organisation=other_municipality)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    """Debian's Chromium, never a downloaded browser; flags keep it off the (closed) network."""
    return {
        **browser_type_launch_args,
        "executable_path": os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"),
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-quic",
            "--no-first-run",
        ],
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    # An English browser: the portal must still answer in Swedish (tests/core/test_pages.py checks the header).
    return {**browser_context_args, "locale": "en-US"}


@pytest.fixture
def celery_worker_proc(transactional_db, tmp_path):
    """A real `celery worker` process on the broker from the environment, using the *test* database.

    The test needs transactional_db: rows written inside a plain db test's transaction are invisible to
    another process.
    """
    from django.db import connection

    db = connection.settings_dict
    env = {
        **os.environ,
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "DATABASE_URL": f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
    }
    log = tmp_path / "worker.log"
    started = time.monotonic()
    with open(log, "wb") as fh:
        proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "asfportal",
                "worker",
                "--pool=solo",
                "-l",
                "INFO",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
                "-n",
                f"pytest-{os.getpid()}@%h",
            ],
            cwd=PROJECT_DIR,
            env=env,
            stdout=fh,
            stderr=subprocess.STDOUT,
        )
    try:
        while b" ready." not in log.read_bytes():
            if proc.poll() is not None or time.monotonic() - started > 60:
                pytest.fail(f"celery worker did not start:\n{log.read_text()}")
            time.sleep(0.1)
        yield proc
    finally:
        proc.send_signal(signal.SIGTERM)  # warm shutdown
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
