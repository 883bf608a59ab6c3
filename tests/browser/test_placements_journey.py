"""Work training in Chromium: places offered, a participant placed, followed up and ended; least access."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from companies.models import ServiceCategory
from placements.models import FollowUp, Offer, Participant, Placement
from tests.browser.helpers import assert_accessible, login, login_as, logout
from tests.companies.factories import CompanyFactory, RepresentativeFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_offer_register_place_follow_up_end_and_least_access(
    page, live_server, coordinator, outsider, municipality
):
    company = CompanyFactory(verified=True, name="Kafé Gemenskap")
    company.municipalities.add(municipality)
    rep = RepresentativeFactory(company=company).user
    today = timezone.localdate()

    # The representative publishes two places.
    login_as(page, live_server, rep)
    page.goto(f"{live_server.url}{reverse('placements:offer-create')}")
    assert_accessible(page)
    page.locator("#id_work_area").select_option(str(ServiceCategory.objects.get(slug="cafe").pk))
    page.locator("#id_tasks").fill("Servering, disk och kassa.")
    page.locator("#id_places").fill("2")
    page.locator("#id_hours_per_week").fill("20")
    page.locator("#id_supervisor").fill("Eva Lund")
    page.locator("#id_municipality").select_option(str(municipality.pk))
    page.locator("#id_available_from").fill((today - timedelta(days=60)).isoformat())
    page.get_by_role("button", name="Spara platserna").click()
    page.wait_for_url(f"{live_server.url}{reverse('placements:offer-list')}")
    offer = Offer.objects.get(company=company)
    assert offer.places == 2
    logout(page)

    # The coordinator registers a participant; a personnummer is refused first.
    login(page, live_server, coordinator)
    page.wait_for_url(f"{live_server.url}{reverse('accounts:dashboard-coordinator')}")
    page.goto(f"{live_server.url}{reverse('placements:participant-create')}")
    assert_accessible(page)
    page.locator("#id_initials").fill("A.K.")
    page.locator("#id_birth_year").fill("1988")
    page.locator("#id_consent_scope").fill("Samtycke 811218-9876")
    page.get_by_role("button", name="Registrera deltagaren").click()
    page.wait_for_load_state()
    assert "personnummer" in page.content()
    assert not Participant.objects.exists()
    page.locator("#id_consent_scope").fill("Registrering och uppföljning av arbetsträning")
    page.get_by_role("button", name="Registrera deltagaren").click()
    page.wait_for_load_state()
    participant = Participant.objects.get()
    assert_accessible(page)

    # ... places them, starts, records a follow-up and ends with an outcome.
    page.get_by_role("link", name="Placera i arbetsträning").click()
    page.locator("#id_offer").select_option(str(offer.pk))
    page.locator("#id_support_measure").select_option("af_work_training")
    page.locator("#id_start_on").fill((today - timedelta(days=35)).isoformat())
    page.locator("#id_planned_end_on").fill((today + timedelta(days=30)).isoformat())
    page.locator("#id_hours_per_week").fill("20")
    page.get_by_role("button", name="Placera deltagaren").click()
    page.wait_for_url(f"{live_server.url}{reverse('placements:participant-detail', args=[participant.pk])}")
    page.get_by_role("button", name="Starta placeringen").click()
    page.wait_for_load_state()
    follow_up = FollowUp.objects.filter(placement__participant=participant).order_by("due_on").first()
    page.goto(f"{live_server.url}{reverse('placements:follow-up-record', args=[follow_up.pk])}")
    page.locator("#id_held_on").fill(today.isoformat())
    page.locator("#id_note").fill("Trivs bra, vill prova kassan.")
    page.get_by_role("button", name="Spara uppföljningen").click()
    page.wait_for_load_state()
    page.get_by_role("link", name="Avsluta placeringen").click()
    page.locator("#id_outcome").select_option("work_at_asf")
    page.locator("#id_end_reason").fill("Fick anställning på kaféet")
    page.locator("#id_income_after").select_option("wage")
    page.locator("#id_occupation_after").select_option("work")
    page.get_by_role("button", name="Avsluta placeringen").click()
    page.wait_for_url(f"{live_server.url}{reverse('placements:participant-detail', args=[participant.pk])}")
    placement = Placement.objects.get()
    assert (placement.status, placement.outcome) == ("ended", "work_at_asf")

    # The dashboard figures show it.
    page.goto(f"{live_server.url}{reverse('accounts:dashboard-coordinator')}")
    assert_accessible(page)
    figures = page.locator("#figures-heading").locator("xpath=..").inner_text()
    assert "100 %" in figures
    logout(page)

    # The representative sees the placement, not the person.
    login_as(page, live_server, rep)
    page.goto(f"{live_server.url}{reverse('placements:offer-list')}")
    content = page.content()
    assert participant.code in content and "Trivs bra, vill prova kassan." in content
    assert "A.K." not in content and "1988" not in content
    logout(page)

    # A coordinator of another organisation gets 404 on the participant.
    login_as(page, live_server, outsider)
    response = page.goto(
        f"{live_server.url}{reverse('placements:participant-detail', args=[participant.pk])}"
    )
    assert response.status == 404
