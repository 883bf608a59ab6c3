"""Main pages issue the same number of SQL queries with a little data as with much more (no N+1)."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from asfportal.core.calendars import selectors as calendar_selectors
from asfportal.core.calendars import services as calendar_services
from companies import services as company_services
from companies.models import ContactPerson, ServiceCategory
from placements import services as placement_services
from procurement.models import Award
from tests.accounts.factories import OrganisationFactory
from tests.companies.factories import CompanyFactory, assessment_fields
from tests.placements.factories import OfferFactory, ParticipantFactory
from tests.procurement.factories import TenderFactory

pytestmark = pytest.mark.django_db


def _tenders(rows, officer):
    for _ in range(rows):
        tender = TenderFactory(buyer=officer.organisation, published=True)
        tender.municipalities.add(officer.organisation)


def _registry(rows, coordinator):
    for _ in range(rows):
        CompanyFactory().municipalities.add(coordinator.organisation)


def _participants(rows, coordinator):
    for _ in range(rows):
        ParticipantFactory(organisation=coordinator.organisation)


def _capacity(rows, coordinator):
    for _ in range(rows):
        offer = OfferFactory(places=3)
        placement_services.placement_create(
            participant=ParticipantFactory(organisation=coordinator.organisation), offer=offer, actor=coordinator,
            fields={"support_measure": "other", "start_on": timezone.localdate(),
                    "planned_end_on": timezone.localdate() + timedelta(days=10), "hours_per_week": 10},
        )  # fmt: skip


# page, who looks, how rows are made, expected queries (the same for 1 and 25 rows); signed-in pages read the
# session from the cache (SESSION_ENGINE cached_db), so the session costs no query once it is cached. A signed-in
# page's header lists the person's memberships (the switcher): one query with the cache empty, as here, none once
# it is cached with the person's header figures.
PAGES = [
    # 7 since the CPV filter became a search field (issue 17): the 9,454 codes are no longer read for a <select>.
    ("procurement:tender-list", None, _tenders, 7),
    # the directory's filters add two lists of choices (municipalities, services)
    ("companies:registry-list", "coordinator", _registry, 10),
    # the company filter's choices: the companies the organisation placed at
    ("placements:participant-list", "coordinator", _participants, 8),
    # count and page: the search runs in the database
    ("placements:capacity-search", "coordinator", _capacity, 9),
    ("placements:placement-list", "coordinator", _capacity, 8),
]


@pytest.mark.parametrize("rows", [1, 25])
@pytest.mark.parametrize(("url_name", "viewer", "make", "queries"), PAGES)
def test_list_pages_use_constant_queries(
    client, request, officer, coordinator, django_assert_num_queries, rows, url_name, viewer, make, queries
):
    make(rows, officer if make is _tenders else coordinator)
    if viewer:
        client.force_login(request.getfixturevalue(viewer))
    with django_assert_num_queries(queries):
        assert client.get(reverse(url_name)).status_code == 200


# --- Every main page of the benchmark: the query count with a little data equals that with much more ---------


def _grow_directory(coordinator, officer, n):
    for _ in range(n):
        company = CompanyFactory(verified=True, description="Café och catering med arbetsträning.")
        company.municipalities.add(coordinator.organisation)
        company.service_categories.set(ServiceCategory.objects.all()[:2])


def _grow_company(coordinator, officer, n, company):
    for _ in range(n):
        company_services.assessment_record(company=company, fields=assessment_fields(), actor=coordinator)
        company.municipalities.add(OrganisationFactory(kommun=True))
        ContactPerson.objects.create(company=company, name="Kontakt", email="k@example.se")


def _grow_tender(coordinator, officer, n, tender):
    for _ in range(n):
        company = CompanyFactory(verified=True)
        Award.objects.create(tender=tender, company=company, value=100_000)
        tender.municipalities.add(OrganisationFactory(kommun=True))


def _grow_dashboard(coordinator, officer, n):
    _grow_directory(coordinator, officer, n)
    _participants(n, coordinator)
    _tenders(n, officer)


CASELOAD_FILTERS = (
    "?q=P-&status=planned&follow_up=none&period_from=2000-01-01&period_to=2100-12-31&sort=follow_up"
)


def _grow_caseload(coordinator, officer, n):
    _capacity(n, coordinator)


@pytest.mark.parametrize(
    ("name", "url", "viewer", "grow"),
    [
        ("start page", lambda objs: reverse("core:home"), None, _grow_directory),
        ("directory", lambda objs: reverse("companies:company-directory"), None, _grow_directory),
        ("directory page 2", lambda objs: reverse("companies:company-directory") + "?page=2", None,
         _grow_directory),
        ("directory search", lambda objs: reverse("companies:company-directory") + "?q=caf%C3%A9", None,
         _grow_directory),
        ("company page", lambda objs: reverse("companies:company-detail", args=[objs["company"].pk]), None,
         "company"),
        ("tender page", lambda objs: reverse("procurement:tender-detail", args=[objs["tender"].pk]), None,
         "tender"),
        ("OCDS release", lambda objs: reverse("procurement:ocds-release", args=[objs["tender"].pk]), None,
         "tender"),
        ("coordinator dashboard", lambda objs: reverse("accounts:dashboard-coordinator"), "coordinator",
         _grow_dashboard),
        # The caseload lists with every filter and a sort (issue 15): the filters are subqueries, never a query a row.
        ("participant list, filtered", lambda objs: reverse("placements:participant-list") + CASELOAD_FILTERS,
         "coordinator", _grow_caseload),
        ("placement list, filtered", lambda objs: reverse("placements:placement-list") + CASELOAD_FILTERS,
         "coordinator", _grow_caseload),
        # Read by calendar applications without a session: one query per source, whatever the data.
        ("calendar feed", lambda objs: objs["calendar"], None, _grow_dashboard),
    ],
)  # fmt: skip
def test_main_pages_keep_their_query_count_as_data_grows(client, request, coordinator, officer, name, url, viewer,
                                                         grow):  # fmt: skip
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    company = CompanyFactory(verified=True)
    company.municipalities.add(coordinator.organisation)
    tender = TenderFactory(buyer=officer.organisation, published=True, status="awarded")
    feed = calendar_services.calendar_feed_renew(user=coordinator, actor=coordinator)
    calendar = reverse("core:calendar-feed", args=[calendar_selectors.feed_token(feed)])
    objs = {"company": company, "tender": tender, "calendar": calendar}
    grow_with = {"company": lambda c, o, n: _grow_company(c, o, n, company),
                 "tender": lambda c, o, n: _grow_tender(c, o, n, tender)}.get(grow, grow)  # fmt: skip
    if viewer:
        client.force_login(request.getfixturevalue(viewer))
    counts = []
    for n in (1, 30):
        grow_with(coordinator, officer, n)
        client.get(url(objs))  # the same caches warm for both sizes
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url(objs)).status_code == 200
        counts.append(len(captured))
    assert counts[0] == counts[1] <= 15, f"{name}: {counts}"


# --- The dashboards' work queues: every kind of item, a little and thirty times more -----------------------------


def _queue_items(coordinator, officer, rep, company, n):
    """n items of (nearly) every kind for each role's queue (tests/core/test_work_queue.py has one per kind)."""
    from companies.models import Company
    from placements.models import Placement
    from policies.models import ActionPlan, Activity, Policy
    from procurement import services as procurement_services
    from procurement.models import Submission

    today = timezone.localdate()
    plan = ActionPlan.objects.create(organisation=coordinator.organisation, title=f"Plan {n}",
                                     start_year=today.year - 1, end_year=today.year + 1)  # fmt: skip
    for i in range(n):
        CompanyFactory(status=Company.Status.APPLIED).municipalities.add(coordinator.organisation)
        CompanyFactory(
            status=Company.Status.VERIFIED, verified_until=today + timedelta(days=20)
        ).municipalities.add(coordinator.organisation)
        offer = OfferFactory(company=company, places=1, available_to=today + timedelta(days=400))
        participant = ParticipantFactory(organisation=coordinator.organisation)
        placement = placement_services.placement_create(
            participant=participant, offer=offer, actor=coordinator,
            fields={"support_measure": "other", "start_on": today - timedelta(days=40),
                    "planned_end_on": today + timedelta(days=10), "hours_per_week": 10},
        )  # fmt: skip
        Placement.objects.filter(pk=placement.pk).update(start_on=today - timedelta(days=40))
        placement_services.placement_start(placement=placement, actor=coordinator)
        # A consent running out (and, for a förbund, the started placement above to register in SUS).
        ParticipantFactory(organisation=coordinator.organisation).consents.update(
            valid_until=today + timedelta(days=5)
        )
        later = placement_services.placement_create(
            participant=ParticipantFactory(organisation=coordinator.organisation),
            offer=OfferFactory(company=company, places=2), actor=coordinator,
            fields={"support_measure": "other", "start_on": today + timedelta(days=3),
                    "planned_end_on": today + timedelta(days=60), "hours_per_week": 10},
        )  # fmt: skip
        assert later.status == Placement.Status.PLANNED
        Policy.objects.create(organisation=coordinator.organisation, title=f"Policy {n}-{i}", status="adopted",
                              adopted_by="KF", adopted_on=today - timedelta(days=400),
                              review_on=today + timedelta(days=5), text="Text")  # fmt: skip
        Activity.objects.create(plan=plan, title=f"Aktivitet {i}", start_on=today - timedelta(days=100),
                                end_on=today - timedelta(days=1), status="ongoing", progress=10,
                                responsible_organisation=coordinator.organisation)  # fmt: skip
        tender = TenderFactory(buyer=officer.organisation, published=True)
        procurement_services.question_ask(tender=tender, company=company, text=f"Fråga {i}?", actor=rep)
        procurement_services.submission_submit(tender=tender, company=company, message="Svar", occupied=10,
                                               in_target_group=6, actor=rep)  # fmt: skip
        Submission.objects.filter(tender=tender).update(needs_reconfirmation=True)
        TenderFactory(buyer=officer.organisation, published=True,
                      submission_deadline_at=timezone.now() + timedelta(days=3),
                      answers_published_by_at=None, question_deadline_at=None)  # fmt: skip


@pytest.mark.parametrize(
    ("viewer", "url_name"),
    [
        ("coordinator", "accounts:dashboard-coordinator"),
        # A samordningsförbund's: also SUS registrations and the reports to the board.
        ("forbund_coordinator", "accounts:dashboard-coordinator"),
        ("officer", "accounts:dashboard-procurement"),
        ("rep", "accounts:dashboard-company"),
    ],
)
def test_dashboards_with_their_work_queue_keep_their_query_count(
    client, coordinator, officer, viewer, url_name
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from asfportal.core.queue import work_queue
    from tests.companies.factories import RepresentativeFactory

    company = CompanyFactory(verified=True)
    company.service_categories.set(ServiceCategory.objects.filter(cpv_prefixes__contains="909")[:1])
    rep = RepresentativeFactory(company=company).user
    if viewer == "forbund_coordinator":
        from asfportal.accounts.models import Role
        from tests.accounts.factories import OrganisationFactory, UserFactory

        coordinator = UserFactory(
            role=Role.COORDINATOR, organisation=OrganisationFactory(samordningsforbund=True)
        )
    people = {"coordinator": coordinator, "forbund_coordinator": coordinator, "officer": officer, "rep": rep}
    client.force_login(people[viewer])
    counts, sizes = [], []
    for n in (1, 30):
        _queue_items(coordinator, officer, rep, company, n)
        client.get(reverse(url_name))  # the same caches warm for both sizes
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse(url_name)).status_code == 200
        counts.append(len(captured))
        sizes.append(work_queue(people[viewer]).count)
    assert sizes[1] > sizes[0] > 0, sizes
    assert counts[0] == counts[1] <= 15, f"{viewer}: {counts} queries for {sizes} items"


# --- The open API's lists (issue 19): the same query count with 1 row as with 25 ----------------------------


def _api_companies(rows, coordinator):
    _grow_directory(coordinator, None, rows)


def _api_tenders(rows, coordinator):
    for _ in range(rows):
        tender = TenderFactory(buyer=coordinator.organisation, published=True)
        tender.municipalities.add(coordinator.organisation)
        tender.lots.create(number=1, title="Del 1")
        Award.objects.create(tender=tender, company=CompanyFactory(verified=True), value=100_000)


def _api_organisations(rows, coordinator):
    from policies.models import ContactPerson as AsfContact

    for _ in range(rows):
        organisation = OrganisationFactory(kommun=True)
        AsfContact.objects.create(organisation=organisation, name="Kontakt", responsibility="external")


def _api_policies(rows, coordinator):
    from policies.models import Policy

    for n in range(rows):
        Policy.objects.create(organisation=OrganisationFactory(kommun=True), title=f"Policy {n}", adopted_by="KF",
                              adopted_on=timezone.localdate(), status=Policy.Status.ADOPTED)  # fmt: skip


def _api_plans(rows, coordinator):
    from policies.models import ActionPlan, Activity, Indicator

    today = timezone.localdate()
    for n in range(rows):
        organisation = OrganisationFactory(kommun=True)
        plan = ActionPlan.objects.create(organisation=organisation, title=f"Plan {n}", start_year=today.year,
                                         end_year=today.year + 1, adopted_by="KF", adopted_on=today)  # fmt: skip
        activity = Activity.objects.create(plan=plan, title="Aktivitet", responsible_organisation=organisation,
                                           start_on=today, end_on=today + timedelta(days=30))  # fmt: skip
        Indicator.objects.create(activity=activity, name="Anställda")
        activity.milestones.create(title="Start", due_on=today)


# list, how rows are made, expected queries (the same for 1 and 25 rows), each with the request's savepoint and
# its release (ATOMIC_REQUESTS). No key: no token lookup or audit.
API_LISTS = [
    ("api:company-list", "", _api_companies, 6),
    ("api:tender-list", "?status=all", _api_tenders, 8),
    ("api:organisation-list", "", _api_organisations, 5),
    ("api:policy-list", "", _api_policies, 4),
    ("api:plan-list", "", _api_plans, 7),
]


@pytest.mark.parametrize("rows", [1, 25])
@pytest.mark.parametrize(("url_name", "query", "make", "queries"), API_LISTS)
def test_api_lists_use_constant_queries(
    client, coordinator, django_assert_num_queries, rows, url_name, query, make, queries
):
    make(rows, coordinator)
    with django_assert_num_queries(queries):
        response = client.get(reverse(url_name) + query)
    assert response.status_code == 200 and response.json()["count"] >= rows


def test_an_api_list_read_with_a_key_costs_three_queries_more(client, coordinator, django_assert_num_queries):
    from asfportal.accounts import api_tokens

    key = api_tokens.api_token_create(organisation=coordinator.organisation, name="BI", scope="read",
                                      actor=coordinator)  # fmt: skip
    _api_policies(25, coordinator)
    with django_assert_num_queries(
        4 + 3
    ):  # the token (with its organisation and actor), last used, the audit
        assert (
            client.get(reverse("api:policy-list"), HTTP_AUTHORIZATION=f"Bearer {key.secret}").status_code
            == 200
        )
