"""The settings module: refuses to start insecurely, passes Django's deploy checks, runs the suite on PostgreSQL."""

import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.db import connection

from tests.conftest import PROJECT_DIR

PRODUCTION_ENV = {
    "DEBUG": "off",
    "SECRET_KEY": "a-long-random-production-secret-3f9a8c7b6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f1a",
    "ALLOWED_HOSTS": "asf.example.se",
    "CSRF_TRUSTED_ORIGINS": "https://asf.example.se",
    "SITE_URL": "https://asf.example.se",
}


def _run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess:
    # Start from the machine's environment without the test command's own development switches.
    dropped = {"SECRET_KEY", "SECRET_KEY_FILE", "DEBUG", "SECURE_SSL_REDIRECT", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    clean = {k: v for k, v in os.environ.items() if k not in dropped}
    return subprocess.run(
        [sys.executable, *args],
        cwd=PROJECT_DIR,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_settings_refuse_to_start_without_secret_key_when_debug_is_off():
    result = _run(["-c", "import django; django.setup()"], {"DEBUG": "off"})
    assert result.returncode != 0
    assert "SECRET_KEY must be set when DEBUG is off" in result.stderr


def test_settings_start_without_secret_key_in_development():
    result = _run(["-c", "import django; django.setup(); print('started')"], {"DEBUG": "on"})
    assert result.returncode == 0, result.stderr
    assert "started" in result.stdout


def test_deploy_check_is_clean_under_production_variables():
    result = _run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], PRODUCTION_ENV)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_production_settings_harden_cookies_and_transport():
    result = _run(
        [
            "-c",
            "import django; django.setup(); from django.conf import settings as s; "
            "print(s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS, "
            "s.SECURE_PROXY_SSL_HEADER)",
        ],
        PRODUCTION_ENV,
    )
    assert result.stdout.split() == [
        "True",
        "True",
        "True",
        "31536000",
        "('HTTP_X_FORWARDED_PROTO',",
        "'https')",
    ]


def test_swedish_and_stockholm_are_the_defaults():
    assert settings.LANGUAGE_CODE == "sv"
    assert settings.TIME_ZONE == "Europe/Stockholm"
    assert [code for code, _ in settings.LANGUAGES] == ["sv", "en"]


@pytest.mark.django_db
def test_suite_runs_on_postgresql():
    assert connection.vendor == "postgresql"
    assert connection.pg_version >= 150000


def test_celery_serialises_json_and_acknowledges_late():
    from asfportal.celery import app

    assert app.conf.task_serializer == "json"
    assert app.conf.accept_content == ["json"]
    assert app.conf.task_acks_late is True
