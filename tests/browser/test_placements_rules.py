"""Placement rules where people met them in a browser (issue 14 §4, §5): withdrawing a consent, a double click on
"Avsluta placeringen", a follow-up note changed without losing the earlier text, an offer's places reduced below
its bookings."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from placements import services
from placements.models import FollowUp, FollowUpNote, Offer, Placement
from tests.browser.helpers import assert_accessible, login_as
from tests.companies.factories import CompanyFactory, RepresentativeFactory
from tests.placements.factories import OfferFactory, ParticipantFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
TODAY = timezone.localdate()


def _place(coordinator, offer, participant=None, start=None, days=60, started=True):
    participant = participant or ParticipantFactory(organisation=coordinator.organisation)
    start = start or TODAY - timedelta(days=35)
    placement = services.placement_create(
        participant=participant, offer=offer, actor=coordinator,
        fields={"support_measure": "af_work_training", "start_on": start, "planned_end_on": start + timedelta(days=days),
                "hours_per_week": 20},
    )  # fmt: skip
    if started:
        services.placement_start(placement=placement, actor=coordinator)
    return placement


def _detail(live_server, participant) -> str:
    return f"{live_server.url}{reverse('placements:participant-detail', args=[participant.pk])}"


def test_withdrawing_consent_is_confirmed_and_carried_through(page, live_server, coordinator):
    active = _place(coordinator, OfferFactory(), days=90)
    participant = active.participant
    planned = _place(
        coordinator, OfferFactory(), participant, start=TODAY + timedelta(days=80), started=False
    )
    login_as(page, live_server, coordinator)
    page.goto(_detail(live_server, participant))
    page.get_by_role("link", name="Registrera att samtycket är återkallat").click()

    # The confirmation names what will happen before anything does.
    page.wait_for_url("**/aterkalla-samtycke/")
    assert_accessible(page)
    text = page.locator("main").inner_text()
    assert active.company.name in text and planned.company.name in text
    assert "ingen uppföljning 90 dagar efter slutet bokas" in text.lower()
    assert Placement.objects.get(pk=active.pk).status == Placement.Status.ACTIVE

    page.get_by_role("button", name="Återkalla samtycket").click()
    page.wait_for_url(_detail(live_server, participant))
    assert_accessible(page)
    text = page.locator("main").inner_text()
    assert "1 pågående placering avbröts (samtycke återkallat)" in text
    assert "1 planerad placering ställdes in" in text
    assert "samtycke återkallat" in page.locator(f"#placement-{active.pk}").inner_text()
    assert "Inställd" in page.locator(f"#placement-{active.pk}").inner_text()
    assert page.get_by_role("link", name="Placera i arbetsträning").count() == 0
    active.refresh_from_db()
    planned.refresh_from_db()
    assert (active.status, planned.status) == (Placement.Status.INTERRUPTED, Placement.Status.CANCELLED)
    assert not FollowUp.objects.filter(
        placement__participant=participant, kind=FollowUp.Kind.AFTER_90_DAYS
    ).exists()


def test_a_double_click_on_end_ends_the_placement_once(page, live_server, coordinator):
    placement = _place(coordinator, OfferFactory())
    login_as(page, live_server, coordinator)
    page.goto(f"{live_server.url}{reverse('placements:placement-end', args=[placement.pk])}")
    page.locator("#id_outcome").select_option("work_at_asf")
    page.locator("#id_end_reason").fill("Fick anställning")
    page.locator("#id_income_after").select_option("wage")
    page.locator("#id_occupation_after").select_option("work")
    page.get_by_role("button", name="Avsluta placeringen").dblclick()
    page.wait_for_url(_detail(live_server, placement.participant))
    text = page.locator("main").inner_text()
    assert "Placeringen är avslutad" in text or "Placeringen är redan avslutad" in text
    assert page.locator(".alert-danger").count() == 0
    assert Placement.objects.get(pk=placement.pk).status == Placement.Status.ENDED
    assert FollowUp.objects.filter(placement=placement, kind=FollowUp.Kind.AFTER_90_DAYS).count() == 1

    # Coming back to the form (the back button, a second tab) shows that it is done, not an error.
    page.goto(f"{live_server.url}{reverse('placements:placement-end', args=[placement.pk])}")
    page.wait_for_url(_detail(live_server, placement.participant))
    assert "Placeringen är redan avslutad" in page.locator("main").inner_text()


def test_a_changed_follow_up_note_keeps_the_earlier_text(page, live_server, coordinator):
    placement = _place(coordinator, OfferFactory())
    follow_up = placement.follow_ups.order_by("due_on").first()
    login_as(page, live_server, coordinator)
    page.goto(f"{live_server.url}{reverse('placements:follow-up-record', args=[follow_up.pk])}")
    page.locator("#id_note").fill("Trivs bra.")
    page.get_by_role("button", name="Spara uppföljningen").click()
    page.wait_for_url(_detail(live_server, placement.participant))

    page.get_by_role("link", name="Ändra anteckningen").click()
    assert page.locator("#id_note").input_value() == "Trivs bra."  # the earlier text is shown, not a blank
    page.locator("#id_note").fill("Trivs bra, vill prova kassan.")
    page.get_by_role("button", name="Spara uppföljningen").click()
    page.wait_for_url(_detail(live_server, placement.participant))
    box = page.locator(f"#placement-{placement.pk}")
    assert "Trivs bra, vill prova kassan." in box.inner_text()
    box.get_by_text("Tidigare versioner av anteckningen").click()
    assert "Trivs bra." in box.locator("details").inner_text()
    assert_accessible(page)

    page.goto(f"{live_server.url}{reverse('placements:follow-up-record', args=[follow_up.pk])}")
    history = page.locator("main").inner_text()
    assert "Trivs bra.\n" in history + "\n" or "Trivs bra." in history
    assert list(FollowUpNote.objects.filter(follow_up=follow_up).order_by("pk").values_list("text", flat=True)) == [
        "Trivs bra.", "Trivs bra, vill prova kassan."
    ]  # fmt: skip


def test_an_offer_cannot_have_fewer_places_than_are_booked(page, live_server, coordinator):
    company = CompanyFactory(verified=True)
    rep = RepresentativeFactory(company=company).user
    offer = OfferFactory(company=company, places=3)
    first, second = _place(coordinator, offer), _place(coordinator, offer)
    login_as(page, live_server, rep)
    page.goto(f"{live_server.url}{reverse('placements:offer-edit', args=[offer.pk])}")
    assert "2 platser är bokade samtidigt" in page.locator("main").inner_text()
    page.locator("#id_places").fill("1")
    page.get_by_role("button", name="Spara platserna").click()
    page.wait_for_load_state()
    text = page.locator("main").inner_text()
    assert first.participant.code in text and second.participant.code in text
    assert "Begränsningen" not in text
    assert_accessible(page)
    assert Offer.objects.get(pk=offer.pk).places == 3
