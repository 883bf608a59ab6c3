"""What the benchmark measures, as whom, and how it knows a page was served as itself.

Shared by scripts/bench.py (query counts and load) and scripts/topology.py (the two-node figures). A signed-in
benchmark session is made the way the portal's login makes one: the user id, a backend that loads users
(ModelBackend; AxesStandaloneBackend only authenticates and has no get_user), the password hash, both session
clocks of accounts/middleware.py and the second-factor mark that accounts/two_factor.py checks, saved through the
configured SESSION_ENGINE. Every measured answer is checked: status 200 (never a redirect to the login or the
second-factor step) and a marker of the page in the body.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from importlib import import_module

# The backend named in a benchmark session: the one that loads the user on every request.
USER_BACKEND = "django.contrib.auth.backends.ModelBackend"
ROLES = ("coordinator", "officer", "company", "administrator")
# Per page, the most SQL queries allowed with the cache empty; every other page has QUERY_TARGET.
QUERY_TARGET = 15
QUERY_TARGETS = {
    "notification settings": 10,
}
# In the quick run (inside `make test`): two pages per visitor (the coordinator also the filtered caseload of
# issue 15, whose query count must hold), besides the floors.
QUICK = {
    "floor",
    "floor, signed in",
    "start page",
    "directory, page 1",
    "coordinator dashboard",
    "placement list, filtered",
    "notification settings",
    "procurement officer dashboard",
    "our tenders (officer)",
    "company dashboard",
    "my enterprise",
    "administrator dashboard",
    "registry (administrator)",
    "API: open tenders",
}


@dataclass(frozen=True)
class Page:
    name: str
    path: str
    role: str | None  # None: anonymous
    marker: str  # a text the page itself contains, and a login or second-factor step does not

    @property
    def signed_in(self) -> bool:
        return self.role is not None


def user_for(role: str):
    """The benchmark's user per role: Stockholm's at national scale, the demo's otherwise."""
    from asfportal.accounts.models import User

    national = {
        "coordinator": User.objects.filter(email="samordnare-0180-1@scale.example"),
        "officer": User.objects.filter(email="upphandlare-0180@scale.example"),
        "company": User.objects.filter(email__endswith="@scale.example", representation__isnull=False),
        "administrator": User.objects.filter(email="admin@scale.example"),
    }
    demo = {
        "coordinator": "samordnare@orebro.example",
        "officer": "upphandlare@orebro.example",
        "company": "foretag@kafe-gemenskap.example",
        "administrator": "admin@asfportalen.example",
    }
    return national[role].order_by("pk").first() or User.objects.get(email=demo[role])


def pages(*, quick: bool = False) -> list[Page]:
    """The floor and every main page, with the heaviest objects chosen."""
    from django.db.models import Count
    from django.urls import reverse

    from asfportal.core.calendars import selectors as calendar_selectors
    from asfportal.core.calendars import services as calendar_services
    from companies.models import Company
    from companies.views import PAGE_SIZE
    from policies.models import AnnualReport
    from procurement.models import Tender

    coordinator = user_for("coordinator")
    represented = user_for("company").representation.company_id
    listed = Company.objects.listed()
    deep = max(1, int(listed.count() / PAGE_SIZE * 0.8))  # four fifths of the way to the last page
    company = listed.annotate(n=Count("assessments")).order_by("-n", "pk").first()
    tender = Tender.objects.public().annotate(n=Count("submissions")).order_by("-n", "pk").first()
    awarded = Tender.objects.filter(status="awarded").order_by("pk").first() or tender
    report = (
        AnnualReport.objects.filter(organisation_id=coordinator.organisation_id, status="done")
        .order_by("-pk")
        .first()
    )
    # The coordinator's personal calendar (issue 15), fetched as Outlook or Google fetch it: by its secret
    # address, without a session, so it is compared with the anonymous floor.
    feed = calendar_selectors.feed_for(user=coordinator) or calendar_services.calendar_feed_renew(
        user=coordinator, actor=coordinator
    )
    signed_in = reverse("accounts:logout")  # the header's log-out form: only on a signed-in page
    directory = reverse("companies:company-directory")
    caseload = "q=P-&status=active&follow_up=overdue&sort=follow_up"
    found = [
        Page("floor", "/bench/floor/", None, "<h1>"),
        # The same trivial page for a signed-in coordinator: session, user and header cost what every signed-in
        # page costs, so signed-in pages are compared with this floor (the anonymous one is printed beside).
        Page("floor, signed in", "/bench/floor/", "coordinator", signed_in),
        Page("start page", reverse("core:home"), None, "<h1"),
        Page("directory, page 1", directory, None, "<h1"),
        Page("directory, deep page", f"{directory}?page={deep}", None, "<h1"),
        Page("directory search", f"{directory}?q=caf%C3%A9", None, "<h1"),
        Page("company page", reverse("companies:company-detail", args=[company.pk]), None, "<h1"),
        Page("open tenders", reverse("procurement:tender-list"), None, "<h1"),
        Page("tender page", reverse("procurement:tender-detail", args=[tender.pk]), None, "<h1"),
        Page(
            "OCDS release package", reverse("procurement:ocds-release", args=[awarded.pk]), None, '"releases"'
        ),
        Page("coordinator dashboard", reverse("accounts:dashboard-coordinator"), "coordinator", signed_in),
        Page(
            "placement list (participants)", reverse("placements:participant-list"), "coordinator", signed_in
        ),
        # The caseload lists with filters and a sort (issue 15), as a coordinator filters them.
        Page(
            "participant list, filtered",
            f"{reverse('placements:participant-list')}?{caseload}",
            "coordinator",
            signed_in,
        ),
        Page(
            "placement list, filtered",
            f"{reverse('placements:placement-list')}?{caseload}",
            "coordinator",
            signed_in,
        ),
        Page(
            "calendar feed (coordinator)",
            reverse("core:calendar-feed", args=[calendar_selectors.feed_token(feed)]),
            None,
            "BEGIN:VCALENDAR",
        ),
        Page("capacity search", reverse("placements:capacity-search"), "coordinator", signed_in),
        Page(
            "notification settings", reverse("core:notification-preferences"), "coordinator", 'type="radio"'
        ),
        Page(
            "procurement officer dashboard", reverse("accounts:dashboard-procurement"), "officer", signed_in
        ),
        Page("our tenders (officer)", reverse("procurement:officer-tender-list"), "officer", signed_in),
        Page("company dashboard", reverse("accounts:dashboard-company"), "company", signed_in),
        Page("my enterprise", reverse("companies:company-edit", args=[represented]), "company", signed_in),
        Page(
            "administrator dashboard", reverse("accounts:dashboard-administrator"), "administrator", signed_in
        ),
        Page("registry (administrator)", reverse("companies:registry-list"), "administrator", signed_in),
        # The open API's lists (issue 19), read without a key as a municipality's intranet or BI tool reads them.
        Page("API: companies", reverse("api:company-list"), None, '"results"'),
        Page("API: companies, search", f"{reverse('api:company-list')}?q=caf%C3%A9", None, '"results"'),
        Page("API: open tenders", reverse("api:tender-list"), None, '"results"'),
        Page("API: awarded tenders", f"{reverse('api:tender-list')}?status=awarded", None, '"results"'),
        Page("API: organisations", reverse("api:organisation-list"), None, '"results"'),
        Page("API: policies", reverse("api:policy-list"), None, '"results"'),
        Page("API: action plans", reverse("api:plan-list"), None, '"results"'),
    ]
    if report:
        found.append(
            Page(
                "annual report page",
                reverse("policies:report-detail", args=[report.pk]),
                "coordinator",
                signed_in,
            )
        )
    return [page for page in found if page.name in QUICK] if quick else found


def query_target(name: str) -> int:
    return QUERY_TARGETS.get(name, QUERY_TARGET)


def session_cookie(user) -> str:
    """A signed-in session for `user` in the configured session store, second factor given, as after login."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY

    from asfportal.accounts import two_factor
    from asfportal.accounts.middleware import IDLE_KEY, STARTED_KEY

    if USER_BACKEND not in settings.AUTHENTICATION_BACKENDS:
        raise SystemExit(f"bench: {USER_BACKEND} is not in AUTHENTICATION_BACKENDS; sessions would not load")
    session = import_module(settings.SESSION_ENGINE).SessionStore()
    now = int(time.time())
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = USER_BACKEND
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session[two_factor.SESSION_KEY] = user.two_factor_epoch
    session[STARTED_KEY] = now
    session[IDLE_KEY] = now
    session.create()
    return f"{settings.SESSION_COOKIE_NAME}={session.session_key}"


def signed_in_client(user):
    """A Django test client holding the same kind of session as session_cookie()."""
    from django.conf import settings
    from django.test import Client

    client = Client()
    client.cookies[settings.SESSION_COOKIE_NAME] = session_cookie(user).split("=", 1)[1]
    return client


def problem(page: Page, status: int, location: str, body: bytes) -> str | None:
    """Why this answer is not the page itself, or None when it is."""
    if status in (301, 302, 303, 307, 308):
        return f"{page.name}: {status} redirect to {location or '?'} (a login or second-factor step?)"
    if status != 200:
        return f"{page.name}: status {status}"
    if page.marker.encode() not in body:
        return f"{page.name}: 200 but without its marker {page.marker!r} (not the page itself)"
    return None
