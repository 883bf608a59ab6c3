"""Placement rules: the personnummer guard, capacity and overlap, consent, follow-ups, ending, retention, figures."""

from datetime import timedelta

import pytest
from django.utils import timezone

from asfportal.core import reminders
from asfportal.core.exceptions import DomainError
from asfportal.core.models import Notification
from placements import selectors, services
from placements.forms import ParticipantForm
from placements.models import AccessLogEntry, Consent, FollowUp, Participant, Placement
from tests.placements.factories import OfferFactory, ParticipantFactory

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def _place(participant, offer, actor, start=None, days=60, **extra):
    start = start or TODAY
    fields = {"support_measure": "af_work_training", "start_on": start, "planned_end_on": start + timedelta(days=days),
              "hours_per_week": 20, **extra}  # fmt: skip
    return services.placement_create(participant=participant, offer=offer, fields=fields, actor=actor)


def _end(placement, actor, outcome="work_at_asf", when=None):
    fields = {"ended_on": when or TODAY, "outcome": outcome, "end_reason": "Planerat slut",
              "income_after": "wage", "occupation_after": "work"}  # fmt: skip
    return services.placement_end(placement=placement, fields=fields, interrupted=False, actor=actor)


# The core guard (asfportal/core/personal_data.py) replaced placements' own Luhn-only check: issue 14 asks to refuse
# anything shaped like a personnummer or samordningsnummer whether or not its check digit is right (a mistyped
# number is still personal data), so 811218-9875, which the old check let through, is now refused; ordinary
# phone numbers stay allowed. The rule now holds in the services, not only in the forms.
PERSONAL_NUMBERS = ["811218-9876", "811218-9875", "19811218-9876", "8112189876", "Deltagaren 811218-9876 kom",
                    "701063-2391", "811218+9876", "19811218 9876"]  # fmt: skip
NOT_PERSONAL_NUMBERS = ["0701123457", "070-112 34 57", "08-123 456 78", "+46 70 112 34 57", "556036-0793",
                        "2026-11-23", "Mötte handledaren"]  # fmt: skip


@pytest.mark.parametrize("text", PERSONAL_NUMBERS)
def test_registering_refuses_a_personnummer_shaped_value_on_its_field(coordinator, text):
    with pytest.raises(DomainError) as error:
        services.participant_register(
            organisation=coordinator.organisation, fields={}, consent={"given_on": TODAY, "scope": text},
            actor=coordinator,
        )  # fmt: skip
    assert "personnummer" in " ".join(error.value.field_errors["consent_scope"])
    assert not Participant.objects.exists()


@pytest.mark.parametrize("text", PERSONAL_NUMBERS)
def test_placements_follow_ups_and_offers_refuse_a_personnummer_in_the_service(coordinator, text):
    participant = ParticipantFactory(organisation=coordinator.organisation)
    with pytest.raises(DomainError) as error:
        _place(participant, OfferFactory(), coordinator, goals=text)
    assert "goals" in error.value.field_errors
    placement = _place(participant, OfferFactory(), coordinator)
    services.placement_start(placement=placement, actor=coordinator)
    with pytest.raises(DomainError) as error:
        services.follow_up_record(
            follow_up=placement.follow_ups.first(), held_on=TODAY, note=text, actor=coordinator
        )
    assert "note" in error.value.field_errors
    offer = OfferFactory()
    with pytest.raises(DomainError) as error:
        services.offer_save(offer=offer, company=offer.company, fields={"tasks": text}, actor=coordinator)
    assert "tasks" in error.value.field_errors


@pytest.mark.parametrize("text", NOT_PERSONAL_NUMBERS)
def test_phone_numbers_and_other_numbers_are_not_mistaken_for_personnummer(coordinator, text):
    participant = ParticipantFactory(organisation=coordinator.organisation)
    assert _place(participant, OfferFactory(), coordinator, goals=text).goals == text


def test_the_participant_form_refuses_a_personnummer_with_an_explanation():
    # The ModelForm's own full_clean runs the same guard (BaseModel.clean_fields) on the model's fields.
    form = ParticipantForm({"initials": "", "consent_given_on": TODAY, "consent_scope": "Svar",
                            "birth_year": "19811218-9876"})  # fmt: skip
    assert not form.is_valid()
    assert "birth_year" in form.errors


def test_registration_generates_a_code_records_consent_and_logs(coordinator):
    participant = services.participant_register(
        organisation=coordinator.organisation,
        fields={"initials": "A.K.", "birth_year": 1988},
        consent={"given_on": TODAY, "scope": "Arbetsträning", "sus_form_collected": True},
        actor=coordinator,
    )
    assert participant.code.startswith(f"P-{coordinator.organisation.code}-")
    assert participant.consents.get().recorded_by == coordinator
    assert AccessLogEntry.objects.filter(participant_code=participant.code, user=coordinator).exists()


def test_places_cannot_be_overbooked(coordinator):
    offer = OfferFactory(places=1)
    _place(ParticipantFactory(organisation=coordinator.organisation), offer, coordinator)
    with pytest.raises(DomainError) as error:
        _place(ParticipantFactory(organisation=coordinator.organisation), offer, coordinator)
    assert "1" in error.value.message
    assert Placement.objects.count() == 1


def test_overlapping_placements_are_refused_naming_the_conflict(coordinator):
    participant = ParticipantFactory(organisation=coordinator.organisation)
    first = OfferFactory()
    _place(participant, first, coordinator)
    with pytest.raises(DomainError) as error:
        _place(participant, OfferFactory(), coordinator, start=TODAY + timedelta(days=30))
    assert first.company.name in error.value.message
    assert _place(participant, OfferFactory(), coordinator, start=TODAY + timedelta(days=61))


def test_a_withdrawn_consent_stops_registration(coordinator):
    participant = ParticipantFactory(organisation=coordinator.organisation)
    services.consent_withdraw(participant=participant, actor=coordinator)
    with pytest.raises(DomainError):
        _place(participant, OfferFactory(), coordinator)
    assert participant.consents.get().status == Consent.Status.WITHDRAWN


def test_starting_books_follow_ups_every_four_weeks(coordinator):
    placement = _place(
        ParticipantFactory(organisation=coordinator.organisation), OfferFactory(), coordinator, days=90
    )
    services.placement_start(placement=placement, actor=coordinator)
    dues = list(placement.follow_ups.values_list("due_on", flat=True))
    assert dues == [TODAY + timedelta(weeks=w) for w in (4, 8, 12)]


def test_a_placement_cannot_end_without_an_outcome(coordinator):
    placement = _place(ParticipantFactory(organisation=coordinator.organisation), OfferFactory(), coordinator)
    with pytest.raises(DomainError):
        services.placement_end(placement=placement, fields={"ended_on": TODAY, "outcome": ""}, interrupted=False,
                               actor=coordinator)  # fmt: skip
    ended = _end(placement, coordinator)
    assert ended.status == Placement.Status.ENDED
    assert ended.follow_ups.get(kind=FollowUp.Kind.AFTER_90_DAYS).due_on == TODAY + timedelta(days=90)


def test_reminders_for_follow_ups_ends_missing_outcomes_and_sus(coordinator):
    participant = ParticipantFactory(organisation=coordinator.organisation)
    placement = _place(participant, OfferFactory(), coordinator, start=TODAY - timedelta(days=40), days=50,
                       support_measure="forbund_project")  # fmt: skip
    services.placement_start(placement=placement, actor=coordinator)
    reminders.reminders_sweep(today=TODAY)
    reminders.reminders_sweep(today=TODAY)
    kinds = sorted(Notification.objects.filter(recipient=coordinator).values_list("kind", flat=True))
    assert kinds == ["placements.end_approaching", "placements.follow_up_due"]
    reminders.reminders_sweep(today=TODAY + timedelta(days=11))
    assert Notification.objects.filter(kind="placements.outcome_missing").count() == 1


def test_anonymisation_clears_the_person_and_keeps_the_statistics(coordinator, settings):
    settings.PLACEMENT_RETENTION_MONTHS = 24
    participant = ParticipantFactory(organisation=coordinator.organisation, initials="A.K.", birth_year=1987)
    placement = _place(participant, OfferFactory(), coordinator, start=TODAY - timedelta(days=900), days=30,
                       goals="Bli trygg i kassan")  # fmt: skip
    services.placement_start(placement=placement, actor=coordinator)
    _end(placement, coordinator, when=TODAY - timedelta(days=850))
    Participant.objects.filter(pk=participant.pk).update(created_at=timezone.now() - timedelta(days=900))
    year = (TODAY - timedelta(days=850)).year
    before = selectors.placement_figures(organisation_id=coordinator.organisation_id, year=year)

    assert services.participants_anonymise(today=TODAY) == 1
    assert services.participants_anonymise(today=TODAY) == 0
    participant.refresh_from_db()
    assert (participant.initials, participant.birth_year, participant.target_group) == ("", 1985, "")
    assert participant.code.startswith("ANON-")
    assert not participant.consents.exists()
    assert Placement.objects.get().goals == ""
    assert selectors.placement_figures(organisation_id=coordinator.organisation_id, year=year) == before


def test_recent_participants_are_not_anonymised(coordinator):
    participant = ParticipantFactory(organisation=coordinator.organisation)
    _place(participant, OfferFactory(), coordinator)
    assert services.participants_anonymise(today=TODAY) == 0


def test_figures_count_starts_actives_ends_and_employment(coordinator):
    offer = OfferFactory(places=5)
    org = coordinator.organisation
    year_start = TODAY.replace(month=1, day=1)
    placements = [_place(ParticipantFactory(organisation=org), offer, coordinator, start=year_start, days=20)
                  for _ in range(3)]  # fmt: skip
    for p in placements:
        services.placement_start(placement=p, actor=coordinator)
    _end(placements[0], coordinator, "work_at_asf", when=year_start + timedelta(days=10))
    _end(placements[1], coordinator, "studies", when=year_start + timedelta(days=10))
    figures = selectors.placement_figures(organisation_id=org.pk, year=TODAY.year)
    assert (figures["started"], figures["active"], figures["ended"]) == (3, 1, 2)
    assert figures["employment_share"] == 50
    assert figures["employed_at_asf"] == 1
    assert figures["average_days"] == 10


def test_capacity_search_shows_places_freeing_within_the_chosen_weeks(coordinator):
    offer = OfferFactory(places=1)
    _place(ParticipantFactory(organisation=coordinator.organisation), offer, coordinator,
           start=TODAY - timedelta(days=10), days=20)  # fmt: skip
    assert list(selectors.capacity_search(today=TODAY, weeks=0)) == []
    (found,) = selectors.capacity_search(today=TODAY, weeks=2)
    assert (found.pk, found.free_now, found.free_soon) == (offer.pk, 0, 1)


def test_placements_only_at_listed_companies_and_within_the_offer_period(coordinator):
    from companies.models import Company

    offer = OfferFactory(available_to=TODAY + timedelta(days=30))
    participant = ParticipantFactory(organisation=coordinator.organisation)
    with pytest.raises(DomainError):
        _place(participant, offer, coordinator, days=60)  # ends after the offer
    Company.objects.filter(pk=offer.company_id).update(status="lapsed")
    with pytest.raises(DomainError):
        _place(participant, offer, coordinator, days=10)
    assert not Placement.objects.exists()
