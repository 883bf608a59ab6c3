"""Every URL of the project has an expected answer for anonymous visitors and each role: a URL added without an
entry in one of the permission matrices fails here, so nothing can be added unprotected.

The app matrices live beside each app's tests (companies, procurement, placements, policies); this file holds the
core and accounts pages and the admin, and the check that the matrices together cover every pattern.
"""

import pytest
from django.contrib import admin
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from asfportal.core import notifications
from tests.companies.test_views import MATRIX as COMPANIES
from tests.matrix import assert_visit
from tests.placements.test_views import MATRIX as PLACEMENTS
from tests.policies.test_annual_report import MATRIX as REPORTS
from tests.policies.test_policies import MATRIX as POLICIES
from tests.procurement.test_views import MATRIX as PROCUREMENT

pytestmark = pytest.mark.django_db

VISITORS = ["anonymous", "coordinator", "outsider", "officer", "company_rep", "admin_user"]
# name: (arguments, expected answer per visitor); "login" is a redirect to the login page, 302 another redirect.
CORE_AND_ACCOUNTS = {
    "core:home": ([], [200, 200, 200, 200, 200, 200]),
    "core:accessibility": ([], [200, 200, 200, 200, 200, 200]),
    "core:healthz": ([], [200, 200, 200, 200, 200, 200]),
    "core:notification-list": ([], ["login", 200, 200, 200, 200, 200]),
    "core:notification-open": (["notification"], ["login", 302, 404, 404, 404, 404]),
    "core:notification-mark-all-read": ([], ["login", 405, 405, 405, 405, 405]),
    "core:notification-preferences": ([], ["login", 200, 200, 200, 200, 200]),
    "accounts:login": ([], [200, 302, 302, 302, 302, 302]),
    "accounts:logout": ([], ["login", 405, 405, 405, 405, 405]),  # POST only
    "accounts:password-change": ([], ["login", 200, 200, 200, 200, 200]),
    "accounts:password-change-done": ([], ["login", 200, 200, 200, 200, 200]),
    "accounts:password-reset": ([], [200, 200, 200, 200, 200, 200]),
    "accounts:password-reset-done": ([], [200, 200, 200, 200, 200, 200]),
    "accounts:password-reset-confirm": (["uid", "token"], [200, 200, 200, 200, 200, 200]),
    "accounts:password-reset-complete": ([], [200, 200, 200, 200, 200, 200]),
    "accounts:dashboard": ([], ["login", 302, 302, 302, 302, 302]),
    # Administrators see every role's dashboard (accounts/permissions.can_view_dashboard).
    "accounts:dashboard-coordinator": ([], ["login", 200, 200, 403, 403, 200]),
    "accounts:dashboard-procurement": ([], ["login", 403, 403, 200, 403, 200]),
    "accounts:dashboard-company": ([], ["login", 403, 403, 403, 200, 200]),
    "accounts:dashboard-administrator": ([], ["login", 403, 403, 403, 403, 200]),
    "set_language": ([], [302, 302, 302, 302, 302, 302]),
}


def _patterns(resolver=None, namespace=""):
    """(full name or route, namespace) of every URL pattern, walking included URLconfs."""
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _patterns(entry, inner)
        elif isinstance(entry, URLPattern):
            yield f"{namespace}{entry.name}" if entry.name else f"{namespace}<unnamed {entry.pattern}>"


def test_every_url_pattern_has_an_expected_answer_for_every_role():
    covered = set(CORE_AND_ACCOUNTS)
    for namespace, matrix in (("companies", COMPANIES), ("procurement", PROCUREMENT), ("placements", PLACEMENTS),
                              ("policies", POLICIES), ("policies", REPORTS)):  # fmt: skip
        covered |= {f"{namespace}:{name}" for name in matrix}
    found = set(_patterns())
    # The admin's URLs are checked model by model below (every registered ModelAdmin).
    missing = sorted(name for name in found - covered if not name.startswith("admin:"))
    assert missing == [], f"URL patterns without an entry in a permission matrix: {missing}"


@pytest.mark.parametrize("name", list(CORE_AND_ACCOUNTS))
@pytest.mark.parametrize("visitor_index", range(len(VISITORS)))
def test_core_and_account_pages_answer_each_visitor_as_expected(
    client, request, coordinator, name, visitor_index
):
    note = notifications.notify(
        recipient=coordinator, kind="policies.review_due", context={"policy": _Policy()}
    )
    values = {"notification": note.pk, "uid": "MQ", "token": "set-password"}
    args, expected = CORE_AND_ACCOUNTS[name]
    url = reverse(name, args=[values[a] for a in args])
    assert_visit(client, request, url, VISITORS[visitor_index], expected[visitor_index])


class _Policy:
    title = "Policy för ASF"
    review_on = None


def _admin_urls():
    for model, model_admin in admin.site._registry.items():
        info = (model._meta.app_label, model._meta.model_name)
        yield f"admin:{info[0]}_{info[1]}_changelist", model_admin
        yield f"admin:{info[0]}_{info[1]}_add", model_admin


@pytest.mark.parametrize(("name", "model_admin"), list(_admin_urls()), ids=lambda value: str(value))
@pytest.mark.parametrize("visitor", ["anonymous", "coordinator", "company_rep", "admin_user"])
def test_the_admin_is_for_administrators_only(client, request, name, model_admin, visitor, rf, admin_user):
    url = reverse(name)
    if visitor != "anonymous":
        client.force_login(request.getfixturevalue(visitor))
    response = client.get(url)
    if visitor == "anonymous":
        assert response.status_code == 302 and response.url.startswith(reverse("accounts:login"))
        return
    if visitor != "admin_user":
        # Signed in but not staff: sent to the admin's own login page, which lets no one else in.
        assert response.status_code == 302 and response.url.startswith(reverse("admin:login"))
        return
    wants_add = name.endswith("_add")
    probe = rf.get(url)
    probe.user = admin_user
    allowed = model_admin.has_add_permission(probe) if wants_add else model_admin.has_view_permission(probe)
    assert response.status_code == (200 if allowed else 403), url
