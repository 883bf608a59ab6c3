"""Every main page, as every role, in Chromium: no axe-core violations of WCAG 2.1 A/AA.

The pages come from the permission matrices (tests/main_pages.py), with the demo data behind them; downloads are
left out. Each role logs in once and visits all its pages; every violation is collected, and the test fails once
with the whole list (page, role, rule, elements).
"""

import re

import pytest
from axe_playwright_python.base import AXE_FILE_PATH as AXE_SCRIPT

from tests.browser.helpers import WCAG_21_AA, login_as, logout
from tests.main_pages import ROLES, fetch_html, main_pages, seed_portal

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NODES_SHOWN = 3  # per rule and page; the rest are counted


def _violations(page) -> list[str]:
    lines = []
    for violation in page.evaluate("options => axe.run(document, options)", WCAG_21_AA)["violations"]:
        nodes = violation["nodes"]
        lines.append(f"  {violation['id']} ({violation['impact']}): {violation['help']}")
        for node in nodes[:NODES_SHOWN]:
            lines.append(f"    {', '.join(map(str, node['target']))}: {node['html'][:160]}")
        if len(nodes) > NODES_SHOWN:
            lines.append(f"    … and {len(nodes) - NODES_SHOWN} more")
    return lines


def _without_header(html: str) -> str:
    """The page without what differs between roles and sessions on every page: the header, the CSRF token."""
    html = re.sub(r"<header\b.*?</header>", "", html, count=1, flags=re.DOTALL)
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", html)


def test_every_main_page_has_no_wcag_violations_for_any_role(
    page, live_server, client, coordinator, outsider, officer, company_rep, admin_user
):
    users = {"anonymous": None, "coordinator": coordinator, "outsider": outsider, "officer": officer,
             "company_rep": company_rep, "admin_user": admin_user}  # fmt: skip
    pages = main_pages(seed_portal(users))
    # axe-core is loaded into every page as it opens, rather than sent over for each scan (as Axe.run does).
    page.context.add_init_script(path=AXE_SCRIPT)
    report, broken, seen, visited = [], [], set(), 0
    for role in ROLES:
        # The test client picks the role's HTML pages (a browser cannot open a download as a page).
        found, role_broken = fetch_html(client, role, users[role], pages)
        broken += role_broken
        if users[role] is not None:
            login_as(page, live_server, users[role])
        for index, (main_page, html) in enumerate(found):
            # A page another role already showed with the very same content is skipped: only the header
            # differs, and this role's header is scanned on its other pages (always on its first).
            content = (main_page.url, _without_header(html))
            if index and content in seen:
                continue
            seen.add(content)
            page.goto(f"{live_server.url}{main_page.url}")
            visited += 1
            if page.url != f"{live_server.url}{main_page.url}":  # the browser is not signed in as the role
                broken.append(f"{role} on {main_page.label}: the browser was sent to {page.url}")
                continue
            if lines := _violations(page):
                report.append(f"{main_page.label} as {role} ({main_page.url}):\n" + "\n".join(lines))
        if users[role] is not None:
            logout(page)
    assert broken == [], "\n".join(broken)
    summary = f"{len(report)} of {visited} pages have WCAG 2.1 AA violations:"
    assert report == [], "\n".join([summary, *report])
