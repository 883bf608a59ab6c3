"""Fixtures for the whole suite: one user per role plus outsiders, Chromium for Playwright, a real worker."""

import email
import email.policy
import importlib
import os
import signal
import socket
import subprocess
import sys
import time
from datetime import date, datetime
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import urlparse

import pytest

from asfportal.accounts.models import Role
from tests.accounts.factories import OrganisationFactory, UserFactory

# Playwright's sync API runs an asyncio loop in the main thread; Django's ORM would refuse to run beside it
# in browser tests (SynchronousOnlyOperation). The tests do not share connections across threads.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

PROJECT_DIR = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session", autouse=True)
def _nothing_holds_the_test_database_at_the_end(django_db_setup, django_db_blocker):
    """At the end of the session pytest-django drops the test database, which PostgreSQL refuses while any other
    session is connected to it ("being accessed by other users"). A process a test started (a Celery worker, a
    gunicorn node, a live server thread) may still be closing its connection: end those first, so the teardown
    never fails after every test has passed. Torn down before django_db_setup, which it depends on."""
    yield
    from django.db import connection

    with django_db_blocker.unblock():
        if connection.vendor != "postgresql":
            return
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                " WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )


def refresh_today() -> None:
    """Test modules name the date as `TODAY = timezone.localdate()`, read when the module is imported. A run that
    crosses midnight in Stockholm (23:00 UTC in winter) imported them yesterday, and its tests then asked the
    services for "yesterday" while the services, rightly, asked the clock: future adoption dates were accepted,
    starts fell outside offers. Every test module's TODAY is today's date again before each test."""
    from django.utils import timezone

    today = timezone.localdate()
    for name, module in list(sys.modules.items()):
        value = getattr(module, "TODAY", None) if name.startswith("tests.") else None
        if isinstance(value, date) and not isinstance(value, datetime) and value != today:
            module.TODAY = today


@pytest.fixture(autouse=True)
def _today_is_today():
    refresh_today()


@pytest.fixture(autouse=True)
def _the_default_language():
    """Each test starts in the site's language. A request through the test client runs in the test's thread, and
    LocaleMiddleware leaves the language it chose active there (the person's English, say): a later test in the
    same process then read English where it expects Swedish, depending on which tests ran before it."""
    from django.utils import translation

    translation.deactivate()


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts without cached page parts (the cache is the test Redis, shared with worker processes)."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True)
def _fast_and_plain(settings, tmp_path):
    # MD5 keeps logins fast in tests. live_server serves static files from the finders (unhashed names), so
    # the manifest storage is swapped for plain storage; scripts/test.sh runs collectstatic for the real one.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.MEDIA_ROOT = tmp_path / "media"  # uploads of one test never reach another, or the project folder
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(autouse=True)
def _second_factor_given(request, monkeypatch):
    """A test client signed in with force_login has also passed the two-factor step, as every real session of
    a coordinator, officer or administrator has: the permission tests are about what a *fully* signed-in user
    may do. tests/accounts/test_two_factor.py marks its tests `two_factor_pending` to see the step itself.
    """
    if request.node.get_closest_marker("two_factor_pending"):
        return
    from django.test import Client

    from asfportal.accounts import two_factor

    original = Client.force_login

    def force_login(self, user, backend=None):
        original(self, user, backend)
        if two_factor.is_required(user):
            session = self.session
            session[two_factor.SESSION_KEY] = user.two_factor_epoch
            session.save()

    monkeypatch.setattr(Client, "force_login", force_login)


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


def _member(role, organisation, **fields):
    from asfportal.accounts.services import membership_grant

    user = UserFactory(role=role, organisation=organisation, **fields)
    membership_grant(user=user, role=role, organisation=organisation)
    return user


@pytest.fixture
def org_admin(municipality):
    """The municipality's organisation administrator (huvudanvändare), with the membership behind the role."""
    return _member(Role.ORGANISATION_ADMINISTRATOR, municipality)


@pytest.fixture
def other_org_admin(other_municipality):
    """Another organisation's administrator: must never see or change the first organisation's people."""
    return _member(Role.ORGANISATION_ADMINISTRATOR, other_municipality)


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


TRANSACTIONAL_FIXTURES = {"transactional_db", "live_server", "start_worker", "celery_worker_proc"}
# Rows our data migrations load, which a transactional test's flush wipes; put back before each DB test.
REFERENCE_DATA = [
    ("companies.migrations.0002_service_categories", "create"),
    ("procurement.migrations.0002_cpv_codes", "load"),
    ("procurement.migrations.0008_cpv_vocabulary", "load"),
]


@pytest.fixture(autouse=True)
def _reference_data(request):
    marker = request.node.get_closest_marker("django_db")
    transactional = TRANSACTIONAL_FIXTURES & set(request.fixturenames) or (
        marker is not None and marker.kwargs.get("transaction")
    )
    if transactional:
        request.getfixturevalue("transactional_db")
    elif marker is not None or "db" in request.fixturenames:
        request.getfixturevalue("db")
    else:
        return
    from procurement.models import CpvCode

    if not CpvCode.objects.exists():
        _restore_reference_data()


# The tables REFERENCE_DATA fills, and beside each a copy of its rows. The copies are no model's tables, so a flush
# leaves them; putting 9,500 CPV rows back from a copy takes milliseconds where running the loaders again took
# 0.75 s of CPU, before every one of the suite's transactional tests.
REFERENCE_MODELS = ("companies.ServiceCategory", "procurement.CpvCode")


def _restore_reference_data() -> None:
    from django.apps import apps
    from django.db import connection, models

    postgresql = connection.vendor == "postgresql"
    tables = [apps.get_model(label)._meta for label in REFERENCE_MODELS]
    with connection.cursor() as cursor:
        if postgresql:
            cursor.execute("SELECT to_regclass(%s)", [f"test_copy_{tables[-1].db_table}"])
            if cursor.fetchone()[0] is not None:
                for meta in tables:
                    table = meta.db_table
                    cursor.execute(
                        f"INSERT INTO {table} SELECT * FROM test_copy_{table} ON CONFLICT DO NOTHING"
                    )
                    if isinstance(meta.pk, models.AutoField | models.BigAutoField):
                        # Ids come from the copy: the sequence must be past them (a flush may have reset it).
                        column = meta.pk.column
                        cursor.execute(
                            f"SELECT setval(pg_get_serial_sequence('{table}', '{column}'), max({column})) FROM {table}"
                        )
                return
        for module, function in REFERENCE_DATA:
            getattr(importlib.import_module(module), function)(apps, None)
        # Inside a plain db test's transaction the copies roll back with it, and are made again next time.
        if postgresql:
            for meta in tables:
                cursor.execute(
                    f"CREATE TABLE IF NOT EXISTS test_copy_{meta.db_table} AS SELECT * FROM {meta.db_table}"
                )


@pytest.fixture(autouse=True)
def _celery_mode(request):
    """In-process tests run tasks eagerly (mail lands in Django's locmem outbox); `worker` tests use real workers.

    Before a worker test the queue is purged, so no task left by an earlier test reaches its worker.
    """
    from asfportal.celery import app

    uses_worker = request.node.get_closest_marker("worker") is not None
    app.conf.task_always_eager = not uses_worker
    if uses_worker:
        app.control.purge()
    yield
    app.conf.task_always_eager = False


@pytest.fixture
def start_worker(transactional_db, tmp_path):
    """Start real `celery worker` processes on the test Redis and the *test* database; stops them afterwards.

    The test needs transactional_db: rows written inside a plain db test's transaction are invisible to another
    process. Keyword arguments become environment variables of the worker (EMAIL_URL=..., and so on).
    """
    from django.db import connection

    db = connection.settings_dict
    started: list[subprocess.Popen] = []

    def start(name: str = "worker", **env_overrides) -> subprocess.Popen:
        env = {
            **os.environ,
            "CELERY_TASK_ALWAYS_EAGER": "false",
            "DATABASE_URL": f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
            **{key: str(value) for key, value in env_overrides.items()},
        }
        log = tmp_path / f"{name}-{len(started)}.log"
        begun = time.monotonic()
        with open(log, "wb") as fh:
            proc = subprocess.Popen(
                [sys.executable, "-m", "celery", "-A", "asfportal", "worker", "--pool=solo", "-l", "INFO"]
                + ["--without-gossip", "--without-mingle", "--without-heartbeat"]
                + ["-n", f"pytest-{name}-{len(started)}-{os.getpid()}@%h"],
                cwd=PROJECT_DIR,
                env=env,
                stdout=fh,
                stderr=subprocess.STDOUT,
            )
        proc.log = log
        started.append(proc)
        while b" ready." not in log.read_bytes():
            if proc.poll() is not None or time.monotonic() - begun > 60:
                pytest.fail(f"celery worker did not start:\n{log.read_text()}")
            time.sleep(0.1)
        return proc

    yield start
    for proc in started:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)  # warm shutdown
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


@pytest.fixture
def celery_worker_proc(start_worker):
    """One real worker with the environment of the test command."""
    return start_worker()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class SmtpSink:
    """A real SMTP server on loopback (aiosmtpd) that keeps every message it accepted."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.messages: list[email.message.Message] = []
        self._controller = None

    @property
    def url(self) -> str:
        return f"smtp://127.0.0.1:{self.port}"

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(email.message_from_bytes(envelope.content, policy=email.policy.default))
        return "250 Message accepted for delivery"

    def start(self) -> "SmtpSink":
        from aiosmtpd.controller import Controller

        self._controller = Controller(self, hostname="127.0.0.1", port=self.port)
        self._controller.start()
        return self

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    def wait_for(self, count: int, timeout: float = 30) -> list[email.message.Message]:
        begun = time.monotonic()
        while len(self.messages) < count:
            assert time.monotonic() - begun < timeout, f"{len(self.messages)} of {count} messages arrived"
            time.sleep(0.05)
        return self.messages


@pytest.fixture
def smtp_sink():
    """An SMTP server on a free port, not yet started (a test may want the mail server down first)."""
    sink = SmtpSink(free_port())
    yield sink
    sink.stop()


@pytest.fixture
def redis_control():
    """Stop and start the test command's Redis, to prove the portal survives a broker outage."""
    port = urlparse(os.environ["CELERY_BROKER_URL"]).port
    folder = Path(os.environ["SVC_DIR"]) / "redis"

    def ping() -> bool:
        result = subprocess.run(["redis-cli", "-p", str(port), "ping"], capture_output=True, text=True)
        return "PONG" in result.stdout

    def wait(up: bool) -> None:
        begun = time.monotonic()
        while ping() != up:
            assert time.monotonic() - begun < 10, f"redis did not come {'up' if up else 'down'}"
            time.sleep(0.05)

    def stop() -> None:
        subprocess.run(["redis-cli", "-p", str(port), "shutdown", "nosave"], capture_output=True)
        wait(False)

    def start() -> None:
        subprocess.run(
            [
                "redis-server",
                "--bind",
                "127.0.0.1",
                "--port",
                str(port),
                "--daemonize",
                "yes",
                "--dir",
                str(folder),
            ]
            + ["--pidfile", str(folder / "redis.pid"), "--logfile", str(folder / "redis.log")]
            + ["--save", "", "--appendonly", "no", "--databases", "64"],  # as scripts/services.sh
            check=True,
            capture_output=True,
        )
        wait(True)

    yield SimpleNamespace(stop=stop, start=start)
    if not ping():
        start()
