"""A rolling upgrade, for real (issue 18 §3): the previous release's code keeps serving on one node while this
release's newest migrations are applied, and no request of it fails.

"The previous release" is the code just before the newest commit that added a migration, on the first-parent line
of HEAD (on main: the state main was in before that migration landed), so the migrations between it and HEAD are
exactly what an upgrade from it applies. The test takes that code with `git archive` into a folder of its own,
builds a database of its own with that code's `migrate` (the state the old release left), seeds a little with
that code's own factories, and starts that code's gunicorn (the same venv; the old folder first on the path).
While a load generator drives the old node with public pages, a signed-in page and form posts, this release's
`migrate` applies the newest migrations; the load goes on for a while after. Every request must succeed and every
acknowledged write must be in the database. The expand/contract rule (tests/test_migrations_expand_contract.py)
is what makes this pass; this test is the proof on a running server.

A shallow clone has no previous release: the test is skipped with a loud reason (CI must fetch the history).
"""

import os
import secrets
import shutil
import socket
import subprocess  # nosec B404  # git, msgfmt, manage.py and gunicorn with argument lists, no shell
import sys
import time
from pathlib import Path
from urllib.parse import urlparse

import pytest

from tests.conftest import PROJECT_DIR

sys.path.insert(0, str(PROJECT_DIR / "scripts"))

from loadgen import Load  # scripts/ is not a package

MIGRATIONS = "*/migrations/0*.py"  # git's pathspec `*` crosses folders: apps at the top and under asfportal/
LOAD_AFTER_SECONDS = 3
# Redis databases of this test's own beside the test command's (0-2), the quick benchmark's (5-7) and the
# topology's (2-3): the page-part cache, the sessions and a broker no worker listens on (posted tasks wait there).
CACHE_DB, SESSION_DB, BROKER_DB = 10, 11, 12


def _git(*args: str) -> str:
    return subprocess.run(  # nosec B603, B607  # git from PATH with fixed arguments
        ["git", *args], cwd=PROJECT_DIR, capture_output=True, text=True, check=True
    ).stdout.strip()


def previous_release() -> tuple[str, str]:
    """(the previous release's commit, the newest migration-adding commit); skips when history is missing."""
    try:
        shallow = _git("rev-parse", "--is-shallow-repository")
    except (OSError, subprocess.CalledProcessError) as error:
        pytest.skip(
            f"NOT TESTED: the rolling upgrade needs the git history, and there is none here ({error})"
        )
    if shallow == "true":
        pytest.skip(
            "NOT TESTED: this is a shallow clone, so the previous release's code is missing; "
            "clone with the full history (git fetch --unshallow) to test the rolling upgrade"
        )
    # --first-parent with -m: a merge counts with what it brought into this line, as the release did.
    newest = _git(
        "log", "--first-parent", "-m", "--diff-filter=A", "--format=%H", "-1", "HEAD", "--", MIGRATIONS
    )
    if not newest:
        pytest.skip("NOT TESTED: no commit added a migration")
    return _git("rev-parse", f"{newest}^1"), newest


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _run(argv: list[str], *, cwd: Path, env: dict, timeout: float = 300) -> str:
    result = subprocess.run(argv, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)  # nosec B603  # fixed programs
    assert result.returncode == 0, (
        f"{' '.join(argv[:4])} failed:\n{result.stdout[-2000:]}\n{result.stderr[-3000:]}"
    )
    return result.stdout.strip()


def _python(code: str, *, cwd: Path, env: dict) -> str:
    return _run([sys.executable, "-c", f"import django; django.setup()\n{code}"], cwd=cwd, env=env)


def _unapply_targets(old: Path) -> list[tuple[str, str]]:
    """Per app of ours with migrations the previous release lacks: (label, its last migration there, or zero)."""
    from django.apps import apps

    targets = []
    for config in apps.get_app_configs():
        folder = Path(config.path) / "migrations"
        if not str(folder).startswith(str(PROJECT_DIR)) or "/.venv/" in str(folder) or not folder.is_dir():
            continue
        had = {p.stem for p in (old / folder.relative_to(PROJECT_DIR)).glob("0*.py")}
        if {p.stem for p in folder.glob("0*.py")} - had:
            targets.append((config.label, max(had) if had else "zero"))  # numbered, one line per app
    return targets


@pytest.fixture
def upgrade(tmp_path, transactional_db):
    """The previous release's code in a folder, and an environment for a database and Redis of this test's own,
    the database at the previous release's migrations."""
    import psycopg
    import redis
    from django.db import connections

    commit, newest = previous_release()
    old = tmp_path / "previous"
    old.mkdir()
    archive = subprocess.run(["git", "archive", commit], cwd=PROJECT_DIR, capture_output=True, check=True)  # nosec B603, B607
    subprocess.run(["tar", "-x", "-C", str(old)], input=archive.stdout, check=True)  # nosec B603, B607
    for catalogue in old.glob("asfportal/locale/*/LC_MESSAGES/*.po"):  # compiled catalogues are not committed
        subprocess.run(["msgfmt", "-o", str(catalogue.with_suffix(".mo")), str(catalogue)], check=True)  # nosec B603, B607
    # The static files as collected for this release, when the old one's are the same; else its own collection.
    static_changed = subprocess.run(["git", "diff", "--quiet", commit, "HEAD", "--", "static"], cwd=PROJECT_DIR).returncode  # nosec B603, B607  # fmt: skip

    server = urlparse(os.environ["DATABASE_URL"])
    broker = urlparse(os.environ["CELERY_BROKER_URL"])
    name = f"asfportal_upgrade_{os.getpid()}"
    admin_url = server._replace(path="/postgres").geturl()
    redis_base = f"redis://{broker.hostname}:{broker.port}"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "asfportal.settings",
        "DATABASE_URL": server._replace(path=f"/{name}").geturl(),
        "DEBUG": "off",
        "SECRET_KEY": "upgrade-" + secrets.token_urlsafe(40),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_SSL_REDIRECT": "off",
        "CACHE_URL": f"{redis_base}/{CACHE_DB}",
        "SESSION_ENGINE": "cache",
        "SESSION_CACHE_URL": f"{redis_base}/{SESSION_DB}",
        "CELERY_BROKER_URL": f"{redis_base}/{BROKER_DB}",
        "CELERY_RESULT_BACKEND": "",
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "EMAIL_URL": "dummymail://",
        "MEDIA_ROOT": str(tmp_path / "media"),
    }
    old_env = {**env, "PYTHONPATH": str(old)}  # the old folder before the venv's editable install of this one
    if static_changed:
        _run([sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=old, env=old_env)
    else:
        (old / "staticfiles").symlink_to(PROJECT_DIR / "staticfiles")
    for db in (CACHE_DB, SESSION_DB, BROKER_DB):
        redis.Redis.from_url(f"{redis_base}/{db}").flushdb()

    # The database the previous release left. Fast: a copy of the tests' database (this release's schema) with
    # the newest migrations unapplied by this release's code. When the copy cannot be made (another session
    # holds the tests' database), the old code's own migrate from nothing, which takes half a minute more.
    begun, how = time.monotonic(), "the tests' database copied, the newest migrations unapplied"
    template = connections["default"].settings_dict["NAME"]
    assert template.startswith("test_"), template  # the tests' own database, migrated by pytest-django
    connections.close_all()
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        try:
            conn.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
        except psycopg.errors.ObjectInUse:
            conn.execute(f'CREATE DATABASE "{name}"')
            how = "the previous release's migrate from nothing"
    if how.startswith("the tests'"):
        for label, target in _unapply_targets(old):
            _run([sys.executable, "manage.py", "migrate", label, target, "-v0"], cwd=PROJECT_DIR, env=env)
        # The previous release finds every one of its migrations applied, and no other.
        missing = _pending(old_env, cwd=old)
        assert missing == [], f"the previous release lacks these migrations after the rollback: {missing}"
    else:
        _run([sys.executable, "manage.py", "migrate", "-v0"], cwd=old, env=old_env)
    prepared = {"how": how, "seconds": round(time.monotonic() - begun, 1)}
    yield {"commit": commit, "newest": newest, "old": old, "env": env, "old_env": old_env, "db": prepared}
    for db in (CACHE_DB, SESSION_DB, BROKER_DB):
        redis.Redis.from_url(f"{redis_base}/{db}").flushdb()
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


SEED = """
import sys; sys.path.insert(0, 'scripts')
import bench_pages
from asfportal.accounts.models import Role
from tests.accounts.factories import OrganisationFactory, UserFactory
from tests.companies.factories import RepresentativeFactory
from tests.procurement.factories import TenderFactory
municipality = OrganisationFactory(kommun=True)
coordinator = UserFactory(role=Role.COORDINATOR, organisation=municipality)
UserFactory(role=Role.PROCUREMENT_OFFICER, organisation=municipality)
UserFactory(role=Role.ADMINISTRATOR, organisation=None, is_staff=True)
tender = TenderFactory(buyer=municipality, published=True)
representative = RepresentativeFactory().user
print(tender.pk, bench_pages.session_cookie(coordinator), bench_pages.session_cookie(representative))
"""

STORED = """
from asfportal.core.models import AccessibilityReport
from procurement.models import Question
keys = {keys!r}
print(sum(AccessibilityReport.objects.filter(description__contains=k).exists()
          or Question.objects.filter(text__contains=k).exists() for k in keys))
"""


def _pending(env: dict, cwd: Path = PROJECT_DIR) -> list[str]:
    """The migrations of the code in `cwd` (this release's) not applied to the database, as `app.name`."""
    out = _run([sys.executable, "manage.py", "showmigrations", "--plan"], cwd=cwd, env=env)
    return [line.split("]", 1)[1].strip() for line in out.splitlines() if line.startswith("[ ]")]


def test_the_previous_release_keeps_serving_while_the_newest_migrations_are_applied(upgrade):
    old, env, old_env = upgrade["old"], upgrade["env"], upgrade["old_env"]
    begun = time.monotonic()
    serving_code = _run(
        [sys.executable, "-c", "import asfportal; print(asfportal.__file__)"], cwd=old, env=old_env
    )
    assert serving_code.startswith(str(old)), (
        serving_code
    )  # the old node runs the old code, not this checkout's

    pending = _pending(env)
    assert pending, f"the previous release {upgrade['commit'][:10]} already has every migration"
    tender_pk, coordinator_cookie, company_cookie = _python(SEED, cwd=old, env=old_env).split()
    prepared_s = time.monotonic() - begun

    port = _free_port()
    log = open(old.parent / "old-node.log", "wb")  # noqa: SIM115  # the node writes to it until it stops
    node = subprocess.Popen(  # nosec B603  # the venv's gunicorn with fixed arguments
        [str(PROJECT_DIR / ".venv/bin/gunicorn"), "asfportal.wsgi", "-b", f"127.0.0.1:{port}", "-w", "2",
         "--chdir", str(old), "--log-level", "warning"],
        cwd=old, env=old_env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
    )  # fmt: skip
    try:
        for _ in range(300):
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    break
            except OSError:
                assert node.poll() is None, (old.parent / "old-node.log").read_text()[-3000:]
                time.sleep(0.1)
        load = Load(
            f"http://127.0.0.1:{port}",
            public_paths=["/", "/foretag/", "/upphandlingar/", f"/upphandlingar/{tender_pk}/"],
            signed_in=[(coordinator_cookie, "/oversikt/samordnare/")],
            posts=[
                ("", "/tillganglighet/", "description", {"page_url": "/foretag/", "contact_email": ""}),
                (company_cookie, f"/upphandlingar/{tender_pk}/", "text", {}),
            ],
            threads=4,
        ).start()
        time.sleep(2)  # the old node serving before the upgrade starts
        migrate_started = time.monotonic()
        _run([sys.executable, "manage.py", "migrate", "-v0"], cwd=PROJECT_DIR, env=env)
        migrate_ended = time.monotonic()
        time.sleep(LOAD_AFTER_SECONDS)
        load.stop()
    finally:
        os.killpg(node.pid, 15)
        node.wait(timeout=30)
        log.close()

    requests = [r for r in load.requests if r.ended]
    failed = [(r.kind, r.path, r.status, r.error[:80]) for r in requests if not r.ok]
    during = [r for r in requests if r.started < migrate_ended and r.ended > migrate_started]
    after = [r for r in requests if r.started >= migrate_ended]
    acknowledged = {r.key for r in requests if r.kind == "post" and r.key and r.ok}
    stored = int(_python(STORED.format(keys=sorted(acknowledged)), cwd=PROJECT_DIR, env=env))
    latencies = sorted(r.ended - r.started for r in requests)
    figures = {
        "previous release (serving)": upgrade["commit"][:12],
        "newest migration-adding commit": upgrade["newest"][:12],
        "migrations applied under load": pending,
        "the previous release's database": f"{upgrade['db']['how']}, {upgrade['db']['seconds']} s",
        "seeding it with the previous release's factories, s": round(prepared_s, 1),
        "migrate took, s": round(migrate_ended - migrate_started, 2),
        "requests": len(requests),
        "by kind": {k: sum(r.kind == k for r in requests) for k in ("public", "signed-in", "post")},
        "during the migration / after it": f"{len(during)} / {len(after)}",
        "failed": len(failed),
        "failed requests": failed[:10],
        "acknowledged writes / in the database": f"{len(acknowledged)} / {stored}",
        "p50 / p95 ms": f"{latencies[len(latencies) // 2] * 1000:.0f} / {latencies[int(len(latencies) * 0.95)] * 1000:.0f}",
    }
    print("\nRolling upgrade:", *(f"  {key}: {value}" for key, value in figures.items()), sep="\n")

    assert _pending(env) == []  # this release's schema is in place
    assert during and after and acknowledged, figures
    assert {r.kind for r in during} >= {"public", "signed-in"}, figures
    assert {r.kind for r in after} == {"public", "signed-in", "post"}, figures
    assert failed == [], figures
    assert stored == len(acknowledged), figures
    shutil.rmtree(old, ignore_errors=True)
