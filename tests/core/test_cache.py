"""Cached page parts never go stale: a change to the data they show is visible on the next request."""

import pytest
from django.urls import reverse

from companies import services as company_services
from tests.companies.factories import CompanyFactory, assessment_fields
from tests.placements.factories import OfferFactory
from tests.procurement.factories import TenderFactory

pytestmark = pytest.mark.django_db


def test_the_directory_shows_a_company_as_soon_as_it_is_verified(client, coordinator):
    company = CompanyFactory(name="Nyverifierade Caféet ekonomisk förening")
    company.municipalities.add(coordinator.organisation)
    url = reverse("companies:company-directory")
    assert "Nyverifierade Caféet" not in client.get(url).content.decode()
    assert "Nyverifierade Caféet" not in client.get(url).content.decode()  # now served from the cache
    company_services.assessment_record(company=company, fields=assessment_fields(), actor=coordinator)
    assert "Nyverifierade Caféet" in client.get(url).content.decode()
    company.refresh_from_db()
    company.name = "Omdöpta Caféet ekonomisk förening"
    company.save()
    assert "Omdöpta Caféet" in client.get(url).content.decode()


def test_the_tender_list_shows_a_published_tender_at_once(client, officer):
    url = reverse("procurement:tender-list")
    client.get(url)
    TenderFactory(buyer=officer.organisation, published=True, title="Snöröjning av skolgårdar")
    assert "Snöröjning av skolgårdar" in client.get(url).content.decode()


def test_the_capacity_search_follows_offers(client, coordinator):
    client.force_login(coordinator)
    url = reverse("placements:capacity-search")
    assert "Servering och disk" not in client.get(url).content.decode()
    OfferFactory(tasks="Servering och disk")
    offer_count = client.get(url).content.decode()
    assert "1 plats" in offer_count or "1 erbjudande" in offer_count
