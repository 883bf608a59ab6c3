"""`make run` migrates an SQLite database from nothing (README Quick start): every migration must apply there too,
the PostgreSQL-only ones included (an index built CONCURRENTLY is a plain CREATE INDEX on SQLite)."""

import os
import subprocess
import sys

from tests.conftest import PROJECT_DIR


def _manage(*args: str, database) -> subprocess.CompletedProcess:
    env = {**os.environ, "DEBUG": "on", "DATABASE_URL": f"sqlite:///{database}"}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=PROJECT_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )


def test_every_migration_applies_to_an_empty_sqlite_database_and_the_newest_index_rolls_back(tmp_path):
    database = tmp_path / "run.sqlite3"
    result = _manage("migrate", "-v0", database=database)
    assert result.returncode == 0, result.stderr[-3000:]
    back = _manage("migrate", "procurement", "0008", "-v0", database=database)  # both new indexes
    assert back.returncode == 0, back.stderr[-3000:]
    again = _manage("migrate", "-v0", database=database)
    assert again.returncode == 0, again.stderr[-3000:]
