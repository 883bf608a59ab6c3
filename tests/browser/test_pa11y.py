"""pa11y (HTML_CodeSniffer, WCAG2AA) finds no errors on the dashboards, lists and help pages, as every role.

HTML_CodeSniffer is a second opinion beside axe-core (tests/browser/test_every_page_accessible.py): the two rule
sets overlap but are not the same. pa11y runs in Node (tests/browser/pa11y, installed by scripts/setup.sh from its
lock file) and drives Debian's Chromium through Puppeteer: one run and one browser for every role's pages, each
role in a browser context of its own, signed in with the cookies of a Playwright sign-in (with the role's real
second factor).
"""

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.browser.helpers import login_as
from tests.main_pages import ROLES, fetch_html, main_pages, seed_portal

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

RUNNER = Path(__file__).parent / "pa11y"
# The pages of the issue: dashboards, lists (and the directories, searches and indexes that are lists), help.
KINDS = ("dashboard", "list", "directory", "index", "search", "help", "reports", "steering", "figures")


def _pa11y_available() -> bool:
    return shutil.which("node") is not None and (RUNNER / "node_modules" / "pa11y").is_dir()


def _wanted(label: str) -> bool:
    return any(kind in label for kind in KINDS) and "(no hits)" not in label


def test_pa11y_finds_no_wcag2aa_errors_on_dashboards_lists_and_help_as_every_role(
    page, live_server, client, coordinator, outsider, officer, company_rep, admin_user
):
    if not _pa11y_available():
        if os.environ.get("CI"):
            pytest.fail("pa11y is not installed (scripts/setup.sh installs it with npm ci)")
        pytest.skip("pa11y is not installed: run scripts/test.sh, whose set-up installs it with npm")
    users = {"anonymous": None, "coordinator": coordinator, "outsider": outsider, "officer": officer,
             "company_rep": company_rep, "admin_user": admin_user}  # fmt: skip
    pages = main_pages(seed_portal(users))
    visitors = []
    for role in ROLES:
        found, _broken = fetch_html(client, role, users[role], pages)
        urls = sorted({f"{live_server.url}{p.url}" for p, _html in found if _wanted(p.label)})
        cookies = []
        if users[role] is not None:
            login_as(page, live_server, users[role])
            cookies = page.context.cookies()
            # The next role signs in afresh; this role's session stays valid on the server for pa11y (signing
            # out would end it).
            page.context.clear_cookies()
        visitors.append({"role": role, "cookies": cookies, "urls": urls})
    # One run of pa11y (one Node and one Chromium) for every role's pages.
    request = {"chromium": os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"), "visitors": visitors}
    completed = subprocess.run(
        ["node", str(RUNNER / "run.js")],
        input=json.dumps(request),
        capture_output=True,
        text=True,
        timeout=1800,
    )
    assert completed.returncode == 0, completed.stderr[-3000:]
    problems, checked = [], {}
    for result in json.loads(completed.stdout):
        role = result["role"]
        checked[role] = checked.get(role, 0) + 1
        if "/konto/logga-in/" in result["url"] or result["title"].startswith("Logga in"):
            problems.append(f"{role}: pa11y was not signed in on {result['url']}")
        for issue in result["issues"]:
            problems.append(f"{role} {result['url']}: {issue['code']}: {issue['message']} "
                            f"[{issue['selector']}] {issue['context'][:120]}")  # fmt: skip
    assert checked == {v["role"]: len(v["urls"]) for v in visitors if v["urls"]}, checked
    assert sum(checked.values()) >= 20
    assert problems == [], f"{len(problems)} pa11y errors:\n" + "\n".join(problems)
