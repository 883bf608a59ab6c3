"""The benchmark cannot rot: its sessions are real, its checks catch a page that is not itself, and a quick run
(a tiny country, 1 s per page, two pages per visitor) passes inside `make test` with no failed request and every
query count within its target. Timings are printed, never asserted: the machine is shared.
"""

import importlib
import json
import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlparse

import pytest
from django.test import Client
from django.urls import reverse

from tests.conftest import PROJECT_DIR

sys.path.insert(0, str(PROJECT_DIR / "scripts"))

import bench_pages  # scripts/ is not a package


def _cookie_client(cookie: str) -> Client:
    name, value = cookie.split("=", 1)
    client = Client(raise_request_exception=False)  # a 500 is an answer the benchmark must report
    client.cookies[name] = value
    return client


@pytest.mark.django_db
def test_a_benchmark_session_is_signed_in_with_the_second_factor_given(coordinator):
    page = bench_pages.Page("dashboard", reverse("accounts:dashboard-coordinator"), "coordinator", "logga-ut")
    response = _cookie_client(bench_pages.session_cookie(coordinator)).get(page.path)

    assert response.status_code == 200
    assert bench_pages.problem(page, response.status_code, "", response.content) is None


@pytest.mark.django_db
def test_a_session_without_the_second_factor_is_reported_as_not_the_page(coordinator):
    """What made every signed-in request of the old benchmark fail: the pages answered with the two-factor step."""
    from django.conf import settings

    from asfportal.accounts import two_factor

    cookie = bench_pages.session_cookie(coordinator)
    store = importlib.import_module(settings.SESSION_ENGINE).SessionStore(cookie.split("=", 1)[1])
    del store[two_factor.SESSION_KEY]
    store.save()
    page = bench_pages.Page("dashboard", reverse("accounts:dashboard-coordinator"), "coordinator", "logga-ut")
    response = _cookie_client(cookie).get(page.path)

    found = bench_pages.problem(page, response.status_code, response["Location"], response.content)
    assert found is not None and "redirect to /konto/tvafaktor/" in found


@pytest.mark.django_db
def test_a_session_naming_a_backend_without_get_user_is_reported_as_an_error(coordinator):
    """AxesStandaloneBackend only authenticates and has no get_user: a session naming it ends in a 500, as every
    signed-in request of the old benchmark did under load."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY

    cookie = bench_pages.session_cookie(coordinator)
    store = importlib.import_module(settings.SESSION_ENGINE).SessionStore(cookie.split("=", 1)[1])
    store[BACKEND_SESSION_KEY] = "axes.backends.AxesStandaloneBackend"
    store.save()
    page = bench_pages.Page("dashboard", reverse("accounts:dashboard-coordinator"), "coordinator", "logga-ut")
    response = _cookie_client(cookie).get(page.path)

    found = bench_pages.problem(page, response.status_code, response.get("Location", ""), response.content)
    assert found == "dashboard: status 500"


def test_an_error_or_a_page_without_its_marker_is_a_problem():
    page = bench_pages.Page("start page", "/", None, "<h1")
    assert bench_pages.problem(page, 200, "", b"<html><h1>ASF</h1>") is None
    assert "status 500" in bench_pages.problem(page, 500, "", b"<h1>Serverfel</h1>")
    assert "status 0" in bench_pages.problem(page, 0, "ConnectionRefusedError", b"")
    assert "marker" in bench_pages.problem(page, 200, "", b"<html>tom</html>")


def test_the_quick_benchmark_passes_with_no_failed_request_and_every_query_count_within_target(tmp_path):
    """The whole benchmark (scripts/bench.sh --quick) on a database of its own beside the tests' one."""
    database = urlparse(os.environ["DATABASE_URL"])
    redis = urlparse(os.environ["CELERY_BROKER_URL"])
    out = tmp_path / "bench"
    env = {
        **os.environ,
        "BENCH_SERVICES": "external",
        "PG_PORT": str(database.port),
        "REDIS_PORT": str(redis.port),
        "PG_DB": f"asfportal_quickbench_{os.getpid()}",
        "BENCH_OUT": str(out),
        "SVC_DIR": str(tmp_path / "svc"),
    }
    result = subprocess.run(
        ["bash", "scripts/bench.sh", "--quick"],
        cwd=PROJECT_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    print(result.stdout[-6000:])
    assert result.returncode == 0, (
        f"the quick benchmark failed:\n{result.stdout[-4000:]}\n{result.stderr[-3000:]}"
    )

    load = json.loads(Path(out / "load.json").read_text())
    queries = json.loads(Path(out / "queries-national.json").read_text())
    measured = {name: row for name, row in load.items() if not name.startswith("_")}
    assert set(measured) == bench_pages.QUICK
    assert all(row["requests"] > 0 and row["errors"] == 0 for row in measured.values()), measured
    assert all(row["status"] == 200 and row["queries"] <= row["target"] for row in queries.values()), queries
    assert queries["notification settings"]["queries"] <= 10
