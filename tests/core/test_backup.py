"""Nothing lost: a backup restores into an empty database with the same rows and a working login, and a PostgreSQL
crash during a burst of writes loses no acknowledged write while every failed write raised an error."""

import io
import json
import os
import subprocess
import sys
import tarfile
import threading
import time
from dataclasses import dataclass
from datetime import timedelta
from wsgiref.util import setup_testing_defaults

import psycopg
import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.handlers.wsgi import WSGIHandler
from django.core.management import CommandError, call_command
from django.db import Error as DatabaseError
from django.db import close_old_connections, connection, connections, transaction
from django.urls import reverse
from django.utils import timezone, translation
from psycopg import sql

from asfportal.accounts.models import Role
from asfportal.core import services as core_services
from asfportal.core.models import AccessibilityReport, AuditEntry
from companies import services as company_services
from placements import services as placement_services
from procurement import services as procurement_services
from tests.accounts.factories import PASSWORD, OrganisationFactory, UserFactory
from tests.companies.factories import CompanyFactory, RepresentativeFactory, assessment_fields
from tests.conftest import PROJECT_DIR
from tests.placements.factories import OfferFactory, ParticipantFactory
from tests.procurement.factories import TenderFactory

on_postgresql = pytest.mark.skipif(
    "postgresql" not in settings.DATABASES["default"]["ENGINE"],
    reason="backup, restore and the restart test need PostgreSQL (scripts/test.sh always runs on it)",
)


# --- helpers -------------------------------------------------------------------------------------------------


def _server_connect(dbname: str = "postgres") -> psycopg.Connection:
    """A connection of our own to the test server (not through Django), with autocommit for CREATE DATABASE."""
    db = connection.settings_dict
    return psycopg.connect(
        host=db["HOST"],
        port=db["PORT"],
        user=db["USER"],
        password=db["PASSWORD"],
        dbname=dbname,
        autocommit=True,
    )


def _database_url(name: str) -> str:
    db = connection.settings_dict
    return f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:{db['PORT']}/{name}"


def _row_counts(dbname: str) -> dict[str, int]:
    """Rows of every table in the public schema, counted here (independently of the command's own count)."""
    with _server_connect(dbname) as conn:
        tables = [
            row[0]
            for row in conn.execute(
                "SELECT table_name FROM information_schema.tables "
                "WHERE table_schema = 'public' AND table_type = 'BASE TABLE'"
            )
        ]
        return {
            table: conn.execute(sql.SQL("SELECT count(*) FROM {}").format(sql.Identifier(table))).fetchone()[
                0
            ]
            for table in tables
        }


class ScratchDatabase:
    """A new, empty database on the test server beside pytest-django's; dropped on exit."""

    def __init__(self, suffix: str) -> None:
        self.name = f"{connection.settings_dict['NAME']}_{suffix}_{os.getpid()}"
        self.url = _database_url(self.name)

    def __enter__(self) -> "ScratchDatabase":
        with _server_connect() as conn:
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(self.name)))
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(self.name)))
        return self

    def __exit__(self, *exc) -> None:
        with _server_connect() as conn:
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(self.name)))


def _media(folder) -> dict[str, bytes]:
    return {
        path.relative_to(folder).as_posix(): path.read_bytes() for path in folder.rglob("*") if path.is_file()
    }


def _pdf(name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"%PDF-1.4 " + name.encode(), content_type="application/pdf")


def _fill() -> dict:
    """A realistic little portal: organisations and every role, companies (one assessed, with evidence), tenders
    (one with a document), offers, participants with consent and placements, and the audit trail of each."""
    today = timezone.localdate()
    municipality, other = OrganisationFactory(kommun=True), OrganisationFactory(kommun=True)
    OrganisationFactory(samordningsforbund=True)
    coordinator = UserFactory(role=Role.COORDINATOR, organisation=municipality)
    officer = UserFactory(role=Role.PROCUREMENT_OFFICER, organisation=municipality)
    UserFactory(role=Role.COORDINATOR, organisation=other)
    UserFactory(role=Role.ADMINISTRATOR, organisation=None, is_staff=True, is_superuser=True)
    representative = RepresentativeFactory()
    companies = [representative.company, *CompanyFactory.create_batch(3), CompanyFactory(verified=True)]
    company_services.assessment_record(
        company=companies[0],
        fields=assessment_fields(c2_document=_pdf("delaktighet.pdf"), c3_articles=_pdf("stadgar.pdf")),
        actor=coordinator,
    )
    tender = TenderFactory(buyer=municipality, created_by=officer)
    procurement_services.tender_add_document(
        tender=tender, title="Förfrågningsunderlag", file=_pdf("ffu.pdf"), actor=officer
    )
    TenderFactory.create_batch(2, buyer=municipality, created_by=officer, published=True)
    offer = OfferFactory(company=companies[0], municipality=municipality, places=3)
    for participant in ParticipantFactory.create_batch(3, organisation=municipality):
        fields = {"support_measure": "af_work_training", "start_on": today, "hours_per_week": 20,
                  "planned_end_on": today + timedelta(days=90)}  # fmt: skip
        placement_services.placement_create(
            participant=participant, offer=offer, fields=fields, actor=coordinator
        )
    return {"representative": representative.user}


# --- backup and restore --------------------------------------------------------------------------------------


@on_postgresql
def test_a_backup_restores_into_an_empty_database_with_the_same_rows_files_and_a_working_login(
    transactional_db, settings, tmp_path
):
    # transactional_db: pg_dump is another process and sees only committed rows.
    user = _fill()["representative"]
    # The login check runs in a separate process with the portal's real hashers (the suite uses MD5).
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.PBKDF2PasswordHasher"]
    user.set_password(PASSWORD)
    user.save(update_fields=["password"])
    source = _row_counts(connection.settings_dict["NAME"])
    assert (
        min(source[t] for t in ["companies_assessment", "procurement_tenderdocument", "placements_placement"])
        > 0
    )
    source_media = _media(settings.MEDIA_ROOT)
    assert len(source_media) == 3

    archive = tmp_path / "backups" / "portal.tar"
    out = io.StringIO()
    with translation.override("en"):
        call_command("backup", output=archive, stdout=out)
    assert archive.stat().st_mode & 0o777 == 0o600  # personal data: the owner only
    assert str(archive) in out.getvalue()
    assert f"{len(source)} tables, {sum(source.values())} rows. Uploaded files: 3" in out.getvalue()
    with tarfile.open(archive) as tar:
        assert tar.getnames()[:2] == ["manifest.json", "database.dump"]
        assert sorted(name for name in tar.getnames() if name.startswith("media/")) == [
            f"media/{name}" for name in sorted(source_media)
        ]

    settings.MEDIA_ROOT = tmp_path / "restored-media"
    with ScratchDatabase("restored") as target:
        out = io.StringIO()
        with translation.override("en"):
            call_command("restore", str(archive), database_url=target.url, yes=True, stdout=out)
        assert "the same as in the backup" in out.getvalue()
        assert _row_counts(target.name) == source
        assert _media(settings.MEDIA_ROOT) == source_media

        # A login against the restored database, by the portal itself in a process of its own.
        check = subprocess.run(
            [sys.executable, "manage.py", "shell", "-c", LOGIN_CHECK],
            cwd=PROJECT_DIR,
            env={
                **os.environ,
                "DATABASE_URL": target.url,
                "CHECK_EMAIL": user.email,
                "CHECK_PASSWORD": PASSWORD,
            },
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert check.returncode == 0, check.stderr
        assert json.loads(check.stdout.strip().splitlines()[-1]) == {
            "user": user.pk,
            "wrong": None,
            "page": 200,
        }


LOGIN_CHECK = """
import json, os
from django.contrib.auth import authenticate
from django.test import Client, RequestFactory
from django.urls import reverse
email, password = os.environ["CHECK_EMAIL"], os.environ["CHECK_PASSWORD"]
wrong = authenticate(RequestFactory().post("/"), username=email, password=password + "x")
user = authenticate(RequestFactory().post("/"), username=email, password=password)
client = Client()
client.force_login(user)  # writes a session row: the restored sequences hand out new keys
page = client.get(reverse("accounts:dashboard-company"))
print(json.dumps({"user": user and user.pk, "wrong": wrong and wrong.pk, "page": page.status_code}))
"""


@on_postgresql
def test_restore_refuses_a_database_that_already_holds_tables(db, tmp_path):
    call_command("backup", output=tmp_path / "b.tar", stdout=io.StringIO())
    with translation.override("en"), pytest.raises(CommandError) as refused:
        call_command("restore", str(tmp_path / "b.tar"), yes=True, stdout=io.StringIO())  # DATABASE_URL: ours
    assert "already holds" in str(refused.value)
    assert "A restore only goes into an empty database" in str(refused.value)


@on_postgresql
def test_restore_checks_every_tables_row_count_against_the_backup(db, tmp_path):
    """The safety net after pg_restore: a table whose rows differ from the backup's manifest fails the restore."""
    call_command("backup", output=tmp_path / "b.tar", stdout=io.StringIO())
    tampered = tmp_path / "tampered.tar"
    with tarfile.open(tmp_path / "b.tar") as source, tarfile.open(tampered, "w") as copy:
        for member in source.getmembers():
            data = source.extractfile(member).read()
            if member.name == "manifest.json":
                manifest = json.loads(data)
                manifest["tables"]["public.accounts_organisation"] += 1
                data = json.dumps(manifest).encode()
                member.size = len(data)
            copy.addfile(member, io.BytesIO(data))
    with (
        ScratchDatabase("tampered") as target,
        translation.override("en"),
        pytest.raises(
            CommandError, match=r"differs from the backup in these tables: public\.accounts_organisation\. "
        ),
    ):
        call_command("restore", str(tampered), database_url=target.url, yes=True, skip_media=True)


@on_postgresql
def test_restore_asks_before_writing_and_refuses_files_it_did_not_write(db, tmp_path, monkeypatch):
    call_command("backup", output=tmp_path / "b.tar", stdout=io.StringIO())
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))  # no terminal to ask on
    with ScratchDatabase("unasked") as target:
        with translation.override("en"), pytest.raises(CommandError, match="pass --yes to confirm"):
            call_command("restore", str(tmp_path / "b.tar"), database_url=target.url)
        assert _row_counts(target.name) == {}
    (tmp_path / "other.tar").write_bytes(b"not a tar file")
    with translation.override("en"), pytest.raises(CommandError, match="is not a backup written by"):
        call_command("restore", str(tmp_path / "other.tar"), yes=True)


def test_restore_refuses_sqlite_and_says_what_to_do_instead(tmp_path):
    with translation.override("en"), pytest.raises(CommandError) as refused:
        call_command("restore", "any.tar", database_url=f"sqlite:///{tmp_path / 'db.sqlite3'}", yes=True)
    assert "works on PostgreSQL only" in str(refused.value)
    assert f"copy the file {tmp_path / 'db.sqlite3'}" in str(refused.value)


def test_backup_refuses_sqlite_and_writes_nothing(tmp_path):
    result = subprocess.run(
        [sys.executable, "manage.py", "backup", "--output", str(tmp_path / "b.tar")],
        cwd=PROJECT_DIR,
        env={**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}", "LANGUAGE_CODE": "en"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 1
    assert "manage.py backup works on PostgreSQL only" in result.stderr
    assert list(tmp_path.iterdir()) in ([], [tmp_path / "db.sqlite3"])


# --- a PostgreSQL crash during a burst of writes -------------------------------------------------------------


class ThrowawayPostgres:
    """The test command's own PostgreSQL, controlled through scripts/services.sh (never another server)."""

    def __init__(self) -> None:
        self.env = {**os.environ, "PG_PORT": str(connection.settings_dict["PORT"])}

    def _run(self, function: str) -> None:
        subprocess.run(
            ["bash", "-c", f". scripts/services.sh && {function}"],
            cwd=PROJECT_DIR,
            env=self.env,
            check=True,
            capture_output=True,
            timeout=90,
        )

    def crash(self) -> None:
        """pg_ctl stop -m immediate: every backend is killed at once, no shutdown checkpoint (like a crash)."""
        self._run("pg_crash")

    def start(self) -> None:
        """Start (crash recovery first) and wait until it accepts connections; a no-op while it runs."""
        self._run("pg_start")


@pytest.fixture
def throwaway_postgres(transactional_db):
    # After transactional_db, so this teardown runs first: the server is up again before the database is flushed.
    if "SVC_DIR" not in os.environ:
        pytest.skip("restarts the throwaway PostgreSQL of scripts/test.sh (SVC_DIR), never another server")
    server = ThrowawayPostgres()
    yield server
    server.start()
    connection.close()  # this thread's connection died with the server


def _wsgi_get(path: str, cookie: str = "") -> int:
    """A GET through Django's WSGI handler as gunicorn calls it: request_started and request_finished close
    unusable or expired connections, as in production (the test client leaves that out on purpose)."""
    environ = {}
    setup_testing_defaults(environ)
    environ.update(PATH_INFO=path, REQUEST_METHOD="GET", HTTP_HOST="testserver", HTTP_COOKIE=cookie)
    statuses = []
    response = WSGIHandler()(environ, lambda status, headers, exc_info=None: statuses.append(status))
    try:
        b"".join(response)
    finally:
        response.close()
    return int(statuses[0].split()[0])


@dataclass
class Attempt:
    key: str
    began: float
    ended: float = 0.0
    acknowledged: bool = False
    phase: str = (
        "body"  # "commit" once the transaction's body ran: a failure there leaves the outcome in doubt
    )
    error: Exception | None = None


class Burst:
    """Threads that each save accessibility reports (a report and its audit entry in one transaction) as fast as
    they can, like concurrent requests: a write counts as acknowledged only when the commit returned."""

    def __init__(self, threads: int = 4) -> None:
        self.attempts: list[Attempt] = []
        self._stop = threading.Event()
        self._threads = [threading.Thread(target=self._run, args=(n,), daemon=True) for n in range(threads)]

    def start(self) -> None:
        for thread in self._threads:
            thread.start()

    def stop(self) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join(timeout=30)

    def acknowledged_since(self, moment: float) -> list[Attempt]:
        return [a for a in list(self.attempts) if a.acknowledged and a.began > moment]

    def _run(self, number: int) -> None:
        try:
            for sequence in range(1_000_000):
                if self._stop.is_set():
                    break
                attempt = Attempt(key=f"burst-{number}-{sequence}", began=time.monotonic())
                self.attempts.append(attempt)
                self._write(attempt)
                attempt.ended = time.monotonic()
                if attempt.error is not None:
                    time.sleep(0.02)
        finally:
            connections.close_all()

    @staticmethod
    def _write(attempt: Attempt) -> None:
        close_old_connections()  # what Django does when a request (or a Celery task) starts
        try:
            with transaction.atomic():
                # The throwaway server runs with synchronous_commit=off for speed; with it, a commit reported to
                # the client may still be lost at a crash. Production keeps PostgreSQL's default, on, which this
                # transaction asks for: the test proves the application side, that a write reported as a success
                # is committed and a failure surfaces as an error. fsync=off on that server is no loophole here:
                # the immediate stop kills processes, not the machine, and the OS page cache keeps what was
                # written.
                with connection.cursor() as cursor:
                    cursor.execute("SET LOCAL synchronous_commit = on")
                core_services.accessibility_report_create(
                    page_url="/tillganglighet/", description=attempt.key, contact_email="", actor=None
                )
                attempt.phase = "commit"
            attempt.acknowledged = True
        except Exception as error:  # recorded and checked below: it must be a database error
            attempt.error = error
        finally:
            close_old_connections()  # and when it ends


def _wait_for(condition, what: str, timeout: float = 20) -> None:
    begun = time.monotonic()
    while not condition():
        assert time.monotonic() - begun < timeout, f"timed out waiting for {what}"
        time.sleep(0.02)


@on_postgresql
def test_a_postgresql_crash_during_a_burst_of_writes_loses_no_acknowledged_write(throwaway_postgres, client):
    representative = RepresentativeFactory().user
    client.force_login(representative)
    cookie = f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"
    page = reverse("accounts:dashboard-company")
    assert _wsgi_get(page, cookie) == 200

    burst = Burst(threads=4)
    burst.start()
    try:
        _wait_for(lambda: len(burst.acknowledged_since(0)) >= 40, "40 writes before the crash")
        throwaway_postgres.crash()
        down_from = time.monotonic()
        time.sleep(0.5)  # writes keep coming while the server is down
        down_until = time.monotonic()
        throwaway_postgres.start()
        up_at = time.monotonic()
        _wait_for(lambda: len(burst.acknowledged_since(up_at)) >= 20, "20 writes after the restart")
    finally:
        burst.stop()

    attempts = burst.attempts
    acknowledged = [a for a in attempts if a.acknowledged]
    failed = [a for a in attempts if not a.acknowledged]
    close_old_connections()
    connection.close()
    stored = dict(
        AccessibilityReport.objects.filter(description__startswith="burst-").values_list("description", "pk")
    )
    audited = set(
        AuditEntry.objects.filter(action="core.accessibility_report.created").values_list(
            "object_id", flat=True
        )
    )

    # The crash hit the burst: writes failed, including every one made while the server was down.
    assert failed, "the crash should have failed some writes"
    during_outage = [a for a in attempts if a.began >= down_from and a.ended and a.ended <= down_until]
    assert during_outage and not [a.key for a in during_outage if a.acknowledged]
    # Every acknowledged write survived the crash.
    assert [a.key for a in acknowledged if a.key not in stored] == []
    # Every failed write raised a database error (none was swallowed or reported as a success), and one that
    # failed before its commit left nothing behind. A failure at commit may have committed: either way is honest.
    assert [repr(a.error) for a in failed if not isinstance(a.error, DatabaseError)] == []
    assert [a.key for a in failed if a.phase == "body" and a.key in stored] == []
    # Each stored report has its audit entry (one transaction), and nothing is stored that was not attempted.
    assert {str(pk) for pk in stored.values()} <= audited
    assert set(stored) <= {a.key for a in attempts}
    # The portal recovered by itself: writes succeed again, and a signed-in page answers.
    assert _wsgi_get(page, cookie) == 200
    assert _wsgi_get("/healthz") == 200


@on_postgresql
def test_with_persistent_connections_the_first_request_after_a_restart_succeeds(
    throwaway_postgres, monkeypatch
):
    """CONN_MAX_AGE > 0 (README) keeps a connection between requests; after a database restart it is dead, and
    without CONN_HEALTH_CHECKS the first request on it would answer 500."""
    monkeypatch.setitem(connection.settings_dict, "CONN_MAX_AGE", 60)
    connection.close()
    assert _wsgi_get("/healthz") == 200
    assert connection.connection is not None  # kept for the next request
    throwaway_postgres.crash()
    throwaway_postgres.start()
    # settings.py turns CONN_HEALTH_CHECKS on: the kept connection is tried before use and replaced.
    assert _wsgi_get("/healthz") == 200
    assert _wsgi_get("/healthz") == 200
