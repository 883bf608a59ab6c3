"""Every URL of the project has an expected answer for anonymous visitors and each role: a URL added without an
entry in one of the permission matrices fails here, so nothing can be added unprotected.

The app matrices live beside each app's tests (companies, procurement, placements, policies); this file holds the
core and accounts pages and the admin, and the check that the matrices together cover every pattern.
"""

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.apps import apps
from django.contrib import admin
from django.contrib.auth.models import Group
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from simple_history.admin import SimpleHistoryAdmin

from asfportal.accounts.models import Role, SsoRoleMapping
from asfportal.core import notifications
from asfportal.core.audit import audit
from asfportal.core.calendars import selectors as calendar_selectors
from asfportal.core.calendars import services as calendar_services
from asfportal.core.models import AccessibilityReport, WorkerHeartbeat
from companies import services as company_services
from companies.models import ChangeRequest, ServiceCategory
from procurement.models import Award, CpvCode
from tests.accounts.test_views_administration import MATRIX as ORGANISATION_ADMINISTRATION
from tests.companies.factories import CompanyFactory, RepresentativeFactory, assessment_fields
from tests.companies.test_views import MATRIX as COMPANIES
from tests.companies.test_views import POST_ONLY as COMPANIES_POST_ONLY
from tests.companies.test_views import VISITORS as COMPANIES_VISITORS
from tests.matrix import assert_post, assert_visit, assert_visit_as
from tests.placements.test_views import MATRIX as PLACEMENTS
from tests.placements.test_views import POST_ONLY as PLACEMENTS_POST_ONLY
from tests.placements.test_views import VISITORS as PLACEMENTS_VISITORS
from tests.policies.test_annual_report import MATRIX as REPORTS
from tests.policies.test_annual_report import VISITORS as REPORTS_VISITORS
from tests.policies.test_policies import MATRIX as POLICIES
from tests.policies.test_policies import POST_ONLY as POLICIES_POST_ONLY
from tests.policies.test_policies import VISITORS as POLICIES_VISITORS
from tests.procurement.factories import TenderFactory
from tests.procurement.test_views import MATRIX as PROCUREMENT
from tests.procurement.test_views import POST_ONLY as PROCUREMENT_POST_ONLY
from tests.procurement.test_views import VISITORS as PROCUREMENT_VISITORS
from tests.procurement.test_views import _matrix_values as procurement_values
from tests.procurement.test_views import other_rep, outsider_officer, rep  # noqa: F401 (fixtures, used by name)

pytestmark = pytest.mark.django_db

VISITORS = CORE_VISITORS = ["anonymous", "coordinator", "outsider", "officer", "company_rep", "admin_user"]
# name: (arguments, expected answer per visitor); "login" is a redirect to the login page, 302 another redirect.
CORE_AND_ACCOUNTS = {
    "core:home": ([], [200, 200, 200, 200, 200, 200]),
    "core:accessibility": ([], [200, 200, 200, 200, 200, 200]),
    "core:open-data": ([], [200, 200, 200, 200, 200, 200]),
    "core:publication-policy": ([], [200, 200, 200, 200, 200, 200]),
    "core:healthz": ([], [200, 200, 200, 200, 200, 200]),
    "core:help": ([], [200, 200, 200, 200, 200, 200]),
    "core:help-coordinator": ([], [200, 200, 200, 200, 200, 200]),
    "core:help-procurement": ([], [200, 200, 200, 200, 200, 200]),
    "core:help-company": ([], [200, 200, 200, 200, 200, 200]),
    "core:help-administrator": ([], [200, 200, 200, 200, 200, 200]),
    "core:notification-list": ([], ["login", 200, 200, 200, 200, 200]),
    "core:notification-open": (["notification"], ["login", 302, 404, 404, 404, 404]),
    "core:notification-mark-all-read": ([], ["login", 405, 405, 405, 405, 405]),
    "core:notification-preferences": ([], ["login", 200, 200, 200, 200, 200]),
    # The secret address is the key (the coordinator's here): it needs no session, whoever holds it.
    "core:calendar-feed": (["calendar_token"], [200, 200, 200, 200, 200, 200]),
    "core:calendar-feed-renew": ([], ["login", 405, 405, 405, 405, 405]),  # POST only
    "core:calendar-feed-revoke": ([], ["login", 405, 405, 405, 405, 405]),  # POST only
    "accounts:login": ([], [200, 302, 302, 302, 302, 302]),
    "accounts:logout": ([], ["login", 405, 405, 405, 405, 405]),  # POST only
    "accounts:password-change": ([], ["login", 200, 200, 200, 200, 200]),
    "accounts:password-change-done": ([], ["login", 200, 200, 200, 200, 200]),
    "accounts:password-reset": ([], [200, 200, 200, 200, 200, 200]),
    "accounts:password-reset-done": ([], [200, 200, 200, 200, 200, 200]),
    "accounts:password-reset-confirm": (["uid", "token"], [200, 200, 200, 200, 200, 200]),
    "accounts:password-reset-complete": ([], [200, 200, 200, 200, 200, 200]),
    # Verified sessions are sent on from the second step; representatives have no second step.
    "accounts:two-factor": ([], ["login", 302, 302, 302, 302, 302]),
    "accounts:two-factor-setup": ([], ["login", 302, 302, 302, 302, 302]),
    "accounts:two-factor-codes": ([], ["login", 200, 200, 200, 403, 200]),
    "accounts:dashboard": ([], ["login", 302, 302, 302, 302, 302]),
    # Administrators see every role's dashboard (accounts/permissions.can_view_dashboard).
    "accounts:dashboard-coordinator": ([], ["login", 200, 200, 403, 403, 200]),
    "accounts:dashboard-procurement": ([], ["login", 403, 403, 200, 403, 200]),
    "accounts:dashboard-company": ([], ["login", 403, 403, 403, 200, 200]),
    "accounts:dashboard-administrator": ([], ["login", 403, 403, 403, 403, 200]),
    "accounts:introduction-dismiss": ([], ["login", 405, 405, 405, 405, 405]),  # POST only
    "accounts:membership-switch": ([], ["login", 405, 405, 405, 405, 405]),  # POST only
    "set_language": ([], [302, 302, 302, 302, 302, 302]),
    # The API's documentation page, linked from the footer.
    "api:docs": ([], [200, 200, 200, 200, 200, 200]),
    # An organisation administrator's page only (tests/api/test_token_pages.py checks that role's answers).
    "accounts:api-token-list": ([], ["login", 403, 403, 403, 403, 403]),
    "accounts:api-token-revoke": (["api_token"], ["login", 405, 405, 405, 405, 405]),  # POST only
}
# The URLs above that answer a GET with 405, posted without data (they take no ids): marking one's own
# notifications read, and logging out.
CORE_POST_ONLY = {
    "core:notification-mark-all-read": ([], ["login", 302, 302, 302, 302, 302]),
    # Each person renews or turns off their own calendar address only.
    "core:calendar-feed-renew": ([], ["login", 302, 302, 302, 302, 302]),
    "core:calendar-feed-revoke": ([], ["login", 302, 302, 302, 302, 302]),
    "accounts:logout": ([], ["login", 302, 302, 302, 302, 302]),
    "accounts:introduction-dismiss": ([], ["login", 302, 302, 302, 302, 302]),
    # Without a membership id there is none of one's own to switch to.
    "accounts:membership-switch": ([], ["login", 404, 404, 404, 404, 404]),
    # Only an organisation administrator revokes the organisation's keys.
    "accounts:api-token-revoke": ([1], ["login", 403, 403, 403, 403, 403]),
}
# The API's URLs answer for a key, not a session: tests/api/test_api.py checks them per key and scope.
API_URL_NAMES = {
    "api:company-list", "api:company-detail", "api:tender-list", "api:tender-detail", "api:organisation-list",
    "api:organisation-detail", "api:policy-list", "api:policy-detail", "api:plan-list", "api:plan-detail",
    "api:own-tender-list", "api:own-tender-detail", "api:draft-create", "api:draft-update", "api:tender-publish",
    "api:tender-award", "api:question-answer", "api:activity-progress", "api:indicator-value", "api:schema",
    "api:not-found",
}  # fmt: skip


def _patterns(resolver=None, namespace=""):
    """(full name or route, namespace) of every URL pattern, walking included URLconfs."""
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _patterns(entry, inner)
        elif isinstance(entry, URLPattern):
            yield f"{namespace}{entry.name}" if entry.name else f"{namespace}<unnamed {entry.pattern}>"


# The seven kinds of visitor the issue names, and the fixture that plays each in every app's matrix. Core and
# account pages hold no company's objects, so one representative stands for both representative columns there.
KINDS = {
    "anonymous": "anonymous",
    "coordinator of the owning organisation": "coordinator",
    "coordinator of another organisation": "outsider",
    "procurement officer": "officer",
    "representative of the owning company": "rep",
    "representative of another company": "other_rep",
    "administrator": "admin_user",
}


@pytest.mark.parametrize(
    ("matrix_visitors", "renamed"),
    [
        (CORE_VISITORS, {"rep": "company_rep", "other_rep": "company_rep"}),
        (COMPANIES_VISITORS, {}),
        # In procurement the owning organisation is the buyer: its officer owns the tender.
        (PROCUREMENT_VISITORS, {}),
        (PLACEMENTS_VISITORS, {}),
        (POLICIES_VISITORS, {}),
        (REPORTS_VISITORS, {"rep": "company_rep"}),
    ],
)
def test_every_matrix_has_a_column_for_each_kind_of_visitor(matrix_visitors, renamed):
    missing = [
        kind for kind, fixture in KINDS.items() if renamed.get(fixture, fixture) not in matrix_visitors
    ]
    assert missing == [], f"matrix {matrix_visitors} has no column for {missing}"


@pytest.mark.parametrize(
    ("matrix", "post_only"),
    [
        (CORE_AND_ACCOUNTS, CORE_POST_ONLY),
        (COMPANIES, COMPANIES_POST_ONLY),
        (PROCUREMENT, PROCUREMENT_POST_ONLY),
        (PLACEMENTS, PLACEMENTS_POST_ONLY),
        (POLICIES, POLICIES_POST_ONLY),
        (REPORTS, {}),
    ],
    ids=["core", "companies", "procurement", "placements", "policies", "reports"],
)
def test_every_url_that_refuses_a_get_is_posted_by_every_visitor(matrix, post_only):
    """A GET of a POST-only URL answers 405 to everyone and proves nothing about ids: each has a POST row."""
    answers_of = {name: entry[1] if isinstance(entry, tuple) else entry for name, entry in matrix.items()}
    refusing_get = {name for name, answers in answers_of.items() if set(answers[1:]) == {405}}
    assert set(post_only) == refusing_get


def test_every_url_pattern_has_an_expected_answer_for_every_role():
    # Organisation administration's matrix (tests/accounts/test_views_administration.py) adds the organisation
    # administrator and another organisation's administrator as visitors.
    covered = set(CORE_AND_ACCOUNTS) | set(ORGANISATION_ADMINISTRATION) | API_URL_NAMES
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
    feed = calendar_services.calendar_feed_renew(user=coordinator, actor=coordinator)
    values = {"notification": note.pk, "uid": "MQ", "token": "set-password",
              "calendar_token": calendar_selectors.feed_token(feed), "api_token": 1}  # fmt: skip
    args, expected = CORE_AND_ACCOUNTS[name]
    url = reverse(name, args=[values[a] for a in args])
    assert_visit(client, request, url, VISITORS[visitor_index], expected[visitor_index])


@pytest.mark.parametrize("name", list(CORE_POST_ONLY))
@pytest.mark.parametrize("visitor_index", range(len(VISITORS)))
def test_core_and_account_post_only_urls_answer_each_visitor_as_expected(
    client, request, name, visitor_index
):
    args, expected = CORE_POST_ONLY[name]
    assert_post(client, request, reverse(name, args=args), VISITORS[visitor_index], expected[visitor_index])


# --- The visitors memberships add (issue 16; tests/matrix.py MEMBERSHIP_VISITORS) -------------------------------
# A person with coordinator and procurement-officer memberships, checked in each (one plays the coordinator's
# column, acting as coordinator after acting as officer; the other the officer's, the other way round), a
# representative of two companies in each, and a deactivated person, who answers as the anonymous visitor.
MEMBERSHIP_MODES = [("two", "coordinator"), ("two", "officer"), ("deactivated", "coordinator")]
# What a deactivated person's own keys open, unlike an anonymous visitor's: the secret calendar address of a
# person who left is found no more (calendars/selectors.py: the holder must be active).
DEACTIVATED_UNLIKE_ANONYMOUS = {"core:calendar-feed": 404}


@pytest.mark.parametrize("name", list(CORE_AND_ACCOUNTS))
@pytest.mark.parametrize(("mode", "column"), MEMBERSHIP_MODES)
def test_core_and_account_pages_answer_a_person_of_two_memberships_as_the_active_one(
    client, request, coordinator, officer, name, mode, column
):
    note = notifications.notify(
        recipient=coordinator, kind="policies.review_due", context={"policy": _Policy()}
    )
    feed = calendar_services.calendar_feed_renew(user=coordinator, actor=coordinator)
    values = {"notification": note.pk, "uid": "MQ", "token": "set-password",
              "calendar_token": calendar_selectors.feed_token(feed)}  # fmt: skip
    args, expected = CORE_AND_ACCOUNTS[name]
    plays = "anonymous" if mode == "deactivated" else column
    want = expected[VISITORS.index(plays)]
    if mode == "deactivated":
        want = DEACTIVATED_UNLIKE_ANONYMOUS.get(name, want)
    assert_visit_as(client, request, reverse(name, args=[values[a] for a in args]), column, want, mode=mode)


PROCUREMENT_MEMBERSHIP_MODES = [
    *MEMBERSHIP_MODES,
    ("two", "rep"),
    ("two", "other_rep"),
    ("deactivated", "officer"),
    ("deactivated", "rep"),
]


@pytest.mark.parametrize("name", list(PROCUREMENT))
@pytest.mark.parametrize(("mode", "column"), PROCUREMENT_MEMBERSHIP_MODES)
def test_procurement_urls_answer_a_person_of_two_memberships_as_the_active_one(
    client, request, officer, coordinator, name, mode, column
):
    """The buyer's tenders and the rep's company's answers: another organisation's or company's ids answer 404 to
    a person who also holds a membership there but acts in the other one now."""
    values = procurement_values(officer, request.getfixturevalue("rep"))
    request.getfixturevalue("other_rep")
    arg_names, expected = PROCUREMENT[name]
    url_name = name.removesuffix("-draft").removesuffix("-open")
    url = reverse(f"procurement:{url_name}", args=[values[a] for a in arg_names])
    plays = "anonymous" if mode == "deactivated" else column
    want = expected[PROCUREMENT_VISITORS.index(plays)]
    assert_visit_as(client, request, url, column, want, mode=mode)


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


# --- Admin object pages: each registered model's change, delete and history page, for each role ---------------

# One saved object per model in the admin, made as the portal makes it. A model registered without an entry here
# fails test_admin_object_pages_are_for_administrators_only: add one (or, where that is truly hard, a reason in
# ADMIN_OBJECTS_NOT_TRIED).
ADMIN_OBJECTS = {
    "auth.group": lambda request: Group.objects.create(name="Granskare"),
    "axes.accessattempt": lambda request: AccessAttempt.objects.create(
        **_AXES_FIELDS, get_data="", post_data="", failures_since_start=1
    ),
    "axes.accesslog": lambda request: AccessLog.objects.create(**_AXES_FIELDS),
    "axes.accessfailurelog": lambda request: AccessFailureLog.objects.create(**_AXES_FIELDS),
    "core.auditentry": lambda request: audit(request.getfixturevalue("officer"), "core.test.entry", None),
    "core.accessibilityreport": lambda request: AccessibilityReport.objects.create(
        description="Knapp utan text."
    ),
    "core.workerheartbeat": lambda request: WorkerHeartbeat.objects.create(
        worker="celery@test", label="test"
    ),
    "core.notification": lambda request: notifications.notify(
        recipient=request.getfixturevalue("coordinator"),
        kind="policies.review_due",
        context={"policy": _Policy()},
    ),
    "accounts.organisation": lambda request: request.getfixturevalue("other_municipality"),
    "accounts.user": lambda request: request.getfixturevalue("officer"),
    "accounts.ssorolemapping": lambda request: SsoRoleMapping.objects.create(
        organisation=request.getfixturevalue("other_municipality"),
        issuer="https://login.example.se/",
        value="asf-samordnare",
        role=Role.COORDINATOR,
    ),
    "companies.company": lambda request: CompanyFactory(),
    "companies.assessment": lambda request: company_services.assessment_record(
        company=CompanyFactory(), fields=assessment_fields(), actor=request.getfixturevalue("coordinator")
    ),
    "companies.changerequest": lambda request: ChangeRequest.objects.create(
        company=CompanyFactory(),
        requested_by=RepresentativeFactory().user,
        old_values={},
        new_values={"phone": "1"},
    ),
    "companies.servicecategory": lambda request: ServiceCategory.objects.get(slug="cafe"),
    "companies.representative": lambda request: RepresentativeFactory(),
    "companies.invitation": lambda request: company_services.representative_invite(
        company=CompanyFactory(), email="ny@foretag.se", full_name="Ny Person", actor=None
    ),
    "procurement.cpvcode": lambda request: CpvCode.objects.get(code="90910000-9"),
    "procurement.tender": lambda request: TenderFactory(published=True),
    "procurement.award": lambda request: Award.objects.create(
        tender=TenderFactory(status="awarded"), company=CompanyFactory(verified=True), value=850_000
    ),
}
ADMIN_OBJECTS_NOT_TRIED: dict[str, str] = {}  # label: why no object can be made for it here
_AXES_FIELDS = {"user_agent": "pytest", "ip_address": "127.0.0.1", "username": "person@example.se",
                "http_accept": "text/html", "path_info": "/konto/logga-in/"}  # fmt: skip
ADMIN_OBJECT_PAGES = ["change", "delete", "history"]
ADMIN_VISITORS = CORE_VISITORS = [
    "anonymous",
    "coordinator",
    "outsider",
    "officer",
    "company_rep",
    "admin_user",
]


def _admin_labels() -> list[str]:
    return sorted(
        model._meta.label_lower
        for model in admin.site._registry
        if model._meta.label_lower not in ADMIN_OBJECTS_NOT_TRIED
    )


def _admin_page(obj, page: str, pk=None) -> str:
    return reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_{page}", args=[pk or obj.pk])


@pytest.mark.parametrize("label", _admin_labels())
@pytest.mark.parametrize("visitor", ADMIN_VISITORS)
def test_admin_object_pages_are_for_administrators_only(client, request, rf, admin_user, label, visitor):
    assert label in ADMIN_OBJECTS, f"{label} is in the admin: add a way to make one to ADMIN_OBJECTS"
    obj = ADMIN_OBJECTS[label](request)
    model_admin = admin.site.get_model_admin(type(obj))
    if visitor != "anonymous":
        client.force_login(request.getfixturevalue(visitor))
    for page in ADMIN_OBJECT_PAGES:
        url = _admin_page(obj, page)
        response = client.get(url)
        if visitor == "anonymous":
            assert response.status_code == 302 and response.url.startswith(reverse("accounts:login")), url
        elif visitor != "admin_user":
            # Signed in but not staff: sent to the admin's own login page, never shown the object.
            assert response.status_code == 302 and response.url.startswith(reverse("admin:login")), url
        else:
            probe = rf.get(url)
            probe.user = admin_user
            allowed = (
                model_admin.has_delete_permission(probe, obj)
                if page == "delete"
                else model_admin.has_view_or_change_permission(probe, obj)
            )
            assert response.status_code == (200 if allowed else 403), url
            if allowed:
                shown = response.context["original" if page == "change" else "object"]
                assert shown == obj, url


@pytest.mark.parametrize("label", _admin_labels())
def test_a_missing_object_in_the_admin_gets_the_does_not_exist_answer_not_an_error(
    client, rf, admin_user, label
):
    model = apps.get_model(label)
    model_admin = admin.site.get_model_admin(model)
    probe = rf.get("/")
    probe.user = admin_user
    client.force_login(admin_user)
    integer_key = model._meta.pk.get_internal_type() in ("AutoField", "BigAutoField", "IntegerField")
    for missing in ["999999999" if integer_key else "no-such-key", "not-a-number"]:
        for page in ADMIN_OBJECT_PAGES:
            url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{page}", args=[missing])
            response = client.get(url)
            if page == "delete" and not model_admin.has_delete_permission(probe):
                assert response.status_code == 403, (
                    url
                )  # never deletable (the audit trail): refused before the lookup
            elif response.status_code == 404:
                # simple-history keeps a deleted company's history readable, so its history page looks the id up
                # among past versions too, and answers an id that never existed with 404.
                assert page == "history" and isinstance(model_admin, SimpleHistoryAdmin), url
            else:
                assert response.status_code == 302 and response.url == reverse("admin:index"), url
