"""The suite's parallel run (tests/parallel.py): each worker's Redis databases, and the serial phase."""

import os
import subprocess
import sys

from tests.conftest import PROJECT_DIR


def _isolated_env(worker: str) -> dict:
    code = (
        "import os, tests.parallel;"
        "print(*(os.environ.get(n, '') for n in "
        "('CELERY_BROKER_URL', 'CELERY_RESULT_BACKEND', 'CACHE_URL', 'SESSION_CACHE_URL')))"
    )
    env = {
        **os.environ,
        "PYTEST_XDIST_WORKER": worker,
        "CELERY_BROKER_URL": "redis://127.0.0.1:6399/0",
        "CELERY_RESULT_BACKEND": "redis://127.0.0.1:6399/1",
        "CACHE_URL": "redis://127.0.0.1:6399/2",
        "SESSION_CACHE_URL": "",
    }
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=PROJECT_DIR, env=env, capture_output=True, text=True, check=True
    )
    return result.stdout.split()


def test_each_worker_gets_redis_databases_no_other_worker_uses():
    first, second = _isolated_env("gw0"), _isolated_env("gw1")
    assert first == ["redis://127.0.0.1:6399/16", "redis://127.0.0.1:6399/17", "redis://127.0.0.1:6399/18"]
    assert second == ["redis://127.0.0.1:6399/20", "redis://127.0.0.1:6399/21", "redis://127.0.0.1:6399/22"]


def test_the_tests_that_stop_a_shared_server_run_only_in_the_serial_phase():
    files = ["tests/core/test_outbox_worker.py", "tests/core/test_backup.py"]

    def collected(choice: str) -> set[str]:
        result = subprocess.run(
            [
                sys.executable,
                "-m",
                "pytest",
                "-p",
                "no:cacheprovider",
                "--co",
                "-q",
                f"--serial={choice}",
                *files,
            ],
            cwd=PROJECT_DIR,
            capture_output=True,
            text=True,
        )
        assert result.returncode == 0, result.stdout + result.stderr
        return {line.split("::")[1] for line in result.stdout.splitlines() if "::" in line}

    serial, others = collected("only"), collected("exclude")
    assert serial == {
        "test_with_redis_down_a_notifying_request_succeeds_and_mail_arrives_after_restart",
        "test_a_postgresql_crash_during_a_burst_of_writes_loses_no_acknowledged_write",
        "test_with_persistent_connections_the_first_request_after_a_restart_succeeds",
    }
    assert others and not serial & others
    assert serial | others == collected("include")
