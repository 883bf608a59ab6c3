"""Main list pages issue the same number of SQL queries for 1 and for 25 rows (no N+1)."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from placements import services as placement_services
from tests.companies.factories import CompanyFactory
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


# page, who looks, how rows are made, expected queries (the same for 1 and 25 rows)
PAGES = [
    ("procurement:tender-list", None, _tenders, 8),
    ("companies:registry-list", "coordinator", _registry, 8),
    ("placements:participant-list", "coordinator", _participants, 7),
    ("placements:capacity-search", "coordinator", _capacity, 8),
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
