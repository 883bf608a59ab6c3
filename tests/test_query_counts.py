"""Main pages issue the same number of SQL queries with a little data as with much more (no N+1)."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

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
# session from the cache (SESSION_ENGINE cached_db), so the session costs no query once it is cached.
PAGES = [
    ("procurement:tender-list", None, _tenders, 8),
    # the directory's filters add two lists of choices (municipalities, services)
    ("companies:registry-list", "coordinator", _registry, 9),
    # the company filter's choices: the companies the organisation placed at
    ("placements:participant-list", "coordinator", _participants, 7),
    # count and page: the search runs in the database
    ("placements:capacity-search", "coordinator", _capacity, 8),
    ("placements:placement-list", "coordinator", _capacity, 7),
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
    ],
)  # fmt: skip
def test_main_pages_keep_their_query_count_as_data_grows(client, request, coordinator, officer, name, url, viewer,
                                                         grow):  # fmt: skip
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    company = CompanyFactory(verified=True)
    company.municipalities.add(coordinator.organisation)
    tender = TenderFactory(buyer=officer.organisation, published=True, status="awarded")
    objs = {"company": company, "tender": tender}
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
