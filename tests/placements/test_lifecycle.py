"""The placement lifecycle (issue 14 §1, §4, §5): each rule where it lives, on the model and in the service."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from asfportal.core.exceptions import DomainError
from placements import services
from placements.models import Consent, FollowUp, FollowUpNote, Offer, Participant, Placement
from placements.services import AlreadyDone
from tests.placements.factories import OfferFactory, ParticipantFactory

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def _place(participant, offer, actor, start=None, days=60, **extra):
    start = start or TODAY
    fields = {"support_measure": "af_work_training", "start_on": start, "planned_end_on": start + timedelta(days=days),
              "hours_per_week": 20, **extra}  # fmt: skip
    return services.placement_create(participant=participant, offer=offer, fields=fields, actor=actor)


def _end(placement, actor, outcome="work_at_asf", when=None, interrupted=False):
    fields = {"ended_on": when or TODAY, "outcome": outcome, "end_reason": "Planerat slut",
              "income_after": "wage", "occupation_after": "work"}  # fmt: skip
    return services.placement_end(placement=placement, fields=fields, interrupted=interrupted, actor=actor)


@pytest.fixture
def participant(coordinator):
    return ParticipantFactory(organisation=coordinator.organisation)


def _active(participant, coordinator, offer=None, start=None, days=60):
    placement = _place(participant, offer or OfferFactory(), coordinator, start=start or TODAY - timedelta(days=30),
                       days=days)  # fmt: skip
    return services.placement_start(placement=placement, actor=coordinator)


# --- Consent withdrawal ---------------------------------------------------------------------------------------


def test_withdrawing_consent_interrupts_active_cancels_planned_and_their_follow_ups(coordinator, participant):
    active = _active(participant, coordinator, days=90)
    planned = _place(participant, OfferFactory(), coordinator, start=TODAY + timedelta(days=70))
    unheld = active.follow_ups.filter(held_on__isnull=True).count()
    assert unheld

    done = services.consent_withdraw(participant=participant, actor=coordinator)

    assert done == {"interrupted": 1, "cancelled": 1, "follow_ups_cancelled": unheld}
    active.refresh_from_db()
    planned.refresh_from_db()
    assert (active.status, active.end_reason, active.outcome, active.ended_on) == (
        Placement.Status.INTERRUPTED, "samtycke återkallat", "not_known", TODAY,
    )  # fmt: skip
    assert planned.status == Placement.Status.CANCELLED
    assert not FollowUp.objects.filter(placement__participant=participant, cancelled_on__isnull=True,
                                       held_on__isnull=True).exists()  # fmt: skip
    assert not FollowUp.objects.filter(kind=FollowUp.Kind.AFTER_90_DAYS).exists()
    assert participant.consents.get().status == Consent.Status.WITHDRAWN


def test_withdrawing_twice_says_it_is_already_withdrawn(coordinator, participant):
    services.consent_withdraw(participant=participant, actor=coordinator)
    with pytest.raises(AlreadyDone, match="redan återkallat"):
        services.consent_withdraw(participant=participant, actor=coordinator)


def test_after_withdrawal_nothing_more_is_registered(coordinator, participant):
    placement = _place(participant, OfferFactory(), coordinator, start=TODAY - timedelta(days=1))
    services.consent_withdraw(participant=participant, actor=coordinator)
    with pytest.raises(DomainError, match="samtycke"):
        _place(participant, OfferFactory(), coordinator, start=TODAY + timedelta(days=200))
    placement.refresh_from_db()
    assert placement.start_blockers(at=TODAY)


# --- Offers ---------------------------------------------------------------------------------------------------


def test_an_offer_cannot_have_fewer_places_than_are_booked_at_once_naming_them(coordinator, participant):
    offer = OfferFactory(places=3)
    first = _active(participant, coordinator, offer=offer)
    second = _place(ParticipantFactory(organisation=coordinator.organisation), offer, coordinator)
    with pytest.raises(DomainError) as error:
        services.offer_save(offer=offer, company=offer.company, fields={"places": 1}, actor=coordinator)
    assert first.participant.code in error.value.message and second.participant.code in error.value.message
    assert Offer.objects.get(pk=offer.pk).places == 3
    assert (
        services.offer_save(
            offer=offer, company=offer.company, fields={"places": 2}, actor=coordinator
        ).places
        == 2
    )


def test_places_booked_one_after_the_other_need_only_one_place(coordinator, participant):
    offer = OfferFactory(places=2)
    _place(participant, offer, coordinator, start=TODAY, days=10)
    _place(ParticipantFactory(organisation=coordinator.organisation), offer, coordinator,
           start=TODAY + timedelta(days=20), days=10)  # fmt: skip
    assert (
        services.offer_save(
            offer=offer, company=offer.company, fields={"places": 1}, actor=coordinator
        ).places
        == 1
    )


def test_an_offer_cannot_end_or_be_unpublished_while_placements_run_on_it(coordinator, participant):
    offer = OfferFactory()
    running = _active(participant, coordinator, offer=offer)
    for fields in ({"available_to": TODAY}, {"is_published": False}):
        with pytest.raises(DomainError) as error:
            services.offer_save(offer=offer, company=offer.company, fields=fields, actor=coordinator)
        assert running.participant.code in error.value.message
    _end(running, coordinator)
    assert not services.offer_save(offer=offer, company=offer.company, fields={"is_published": False},
                                   actor=coordinator).is_published  # fmt: skip


@pytest.mark.parametrize("model_hours", [0])
def test_hours_per_week_must_be_above_zero_for_offers_and_placements(coordinator, participant, model_hours):
    offer = OfferFactory()
    with pytest.raises(DomainError) as error:
        services.offer_save(offer=offer, company=offer.company, fields={"hours_per_week": model_hours},
                            actor=coordinator)  # fmt: skip
    assert "hours_per_week" in error.value.field_errors
    with pytest.raises(DomainError) as error:
        _place(participant, OfferFactory(), coordinator, hours_per_week=model_hours)
    assert "hours_per_week" in error.value.field_errors


def test_an_offer_sent_twice_is_saved_once(coordinator):
    offer = OfferFactory()
    key = "9b0c9d3e-52a1-4c6a-8a0e-6f1f7e3f0a11"
    fields = {"work_area": offer.work_area, "tasks": "Disk.", "places": 1, "hours_per_week": 10, "supervisor": "Eva",
              "municipality": offer.municipality, "available_from": TODAY}  # fmt: skip
    first = services.offer_save(
        offer=None, company=offer.company, fields=fields, actor=coordinator, submission_key=key
    )
    with pytest.raises(AlreadyDone) as again:
        services.offer_save(
            offer=None, company=offer.company, fields=fields, actor=coordinator, submission_key=key
        )
    assert again.value.result == first
    assert Offer.objects.filter(company=offer.company).count() == 2  # the factory's and this one


def test_the_supervisor_contact_is_a_phone_number_or_an_e_mail_address(coordinator):
    offer = OfferFactory()
    for good in ("070-112 34 57", "eva@example.se"):
        services.offer_save(
            offer=offer, company=offer.company, fields={"supervisor_contact": good}, actor=coordinator
        )
    with pytest.raises(DomainError) as error:
        services.offer_save(offer=offer, company=offer.company, fields={"supervisor_contact": "ring mig"},
                            actor=coordinator)  # fmt: skip
    assert "supervisor_contact" in error.value.field_errors


# --- Participants and placements sent twice -------------------------------------------------------------------


def test_a_registration_sent_twice_registers_once(coordinator):
    key = "1c7f3b0e-52a1-4c6a-8a0e-6f1f7e3f0a11"
    kwargs = {"organisation": coordinator.organisation, "fields": {"initials": "A.K."},
              "consent": {"given_on": TODAY, "scope": "Arbetsträning"}, "actor": coordinator, "submission_key": key}  # fmt: skip
    first = services.participant_register(**kwargs)
    with pytest.raises(AlreadyDone) as again:
        services.participant_register(**kwargs)
    assert again.value.result == first and Participant.objects.count() == 1


def test_the_same_booking_sent_twice_is_made_once(coordinator, participant):
    offer = OfferFactory()
    first = _place(participant, offer, coordinator)
    with pytest.raises(AlreadyDone, match="redan planerad") as again:
        _place(participant, offer, coordinator)
    assert again.value.result == first and Placement.objects.count() == 1


def test_starting_or_ending_twice_shows_that_it_already_happened(coordinator, participant):
    placement = _active(participant, coordinator)
    booked = placement.follow_ups.count()
    with pytest.raises(AlreadyDone, match="redan startat"):
        services.placement_start(placement=placement, actor=coordinator)
    assert placement.follow_ups.count() == booked
    _end(placement, coordinator)
    with pytest.raises(AlreadyDone, match="redan avslutad"):
        _end(placement, coordinator)
    assert placement.follow_ups.filter(kind=FollowUp.Kind.AFTER_90_DAYS).count() == 1


# --- Start, end and the outcome after 90 days -----------------------------------------------------------------


def test_a_placement_cannot_start_before_the_day_it_was_planned_for(coordinator, participant):
    placement = _place(participant, OfferFactory(), coordinator, start=TODAY + timedelta(days=3))
    with pytest.raises(DomainError, match="kan startas från den dagen"):
        services.placement_start(placement=placement, actor=coordinator)
    assert Placement.objects.get(pk=placement.pk).status == Placement.Status.PLANNED
    assert placement.start_blockers(at=TODAY + timedelta(days=3)) == []


def test_an_ended_placement_cancels_the_meetings_not_held_and_books_day_90(coordinator, participant):
    placement = _active(participant, coordinator, days=90)
    _end(placement, coordinator)
    assert not placement.follow_ups.filter(
        kind="regular", cancelled_on__isnull=True, held_on__isnull=True
    ).exists()
    assert placement.follow_ups.get(kind="after_90_days").due_on == TODAY + timedelta(days=90)


def test_the_outcome_after_90_days_is_recorded_from_day_90_only(coordinator, participant):
    placement = _active(participant, coordinator, start=TODAY - timedelta(days=200))
    _end(placement, coordinator, when=TODAY - timedelta(days=89))
    follow_up = placement.follow_ups.get(kind="after_90_days")
    with pytest.raises(DomainError, match="från"):
        services.follow_up_record(
            follow_up=follow_up, held_on=TODAY, note="", outcome_90="studies", actor=coordinator
        )
    assert Placement.objects.get(pk=placement.pk).outcome_90 == ""
    Placement.objects.filter(pk=placement.pk).update(ended_on=TODAY - timedelta(days=90))
    services.follow_up_record(
        follow_up=follow_up, held_on=TODAY, note="", outcome_90="studies", actor=coordinator
    )
    assert Placement.objects.get(pk=placement.pk).outcome_90 == "studies"


def test_overdue_follow_ups_are_marked_overdue(coordinator, participant):
    placement = _active(participant, coordinator, start=TODAY - timedelta(days=40), days=80)
    first, later = placement.follow_ups.order_by("due_on")[:2]
    assert first.is_overdue(at=TODAY) and not later.is_overdue(at=TODAY)
    services.follow_up_record(follow_up=first, held_on=TODAY, note="", actor=coordinator)
    first.refresh_from_db()
    assert not first.is_overdue(at=TODAY)


# --- Follow-up notes ------------------------------------------------------------------------------------------


def test_a_follow_up_note_is_never_overwritten_every_text_is_kept(coordinator, participant):
    follow_up = _active(participant, coordinator).follow_ups.order_by("due_on").first()
    services.follow_up_record(
        follow_up=follow_up, held_on=TODAY, note="Trivs bra.", actor=coordinator, version=0
    )
    services.follow_up_record(follow_up=follow_up, held_on=TODAY, note="Trivs bra, vill prova kassan.",
                              actor=coordinator, version=1)  # fmt: skip
    texts = list(
        FollowUpNote.objects.filter(follow_up=follow_up).order_by("pk").values_list("text", flat=True)
    )
    assert texts == ["Trivs bra.", "Trivs bra, vill prova kassan."]


def test_a_change_over_someone_elses_newer_note_is_refused_with_their_text(coordinator, participant):
    follow_up = _active(participant, coordinator).follow_ups.order_by("due_on").first()
    services.follow_up_record(
        follow_up=follow_up, held_on=TODAY, note="Första.", actor=coordinator, version=0
    )
    services.follow_up_record(
        follow_up=follow_up, held_on=TODAY, note="Kollegans.", actor=coordinator, version=1
    )
    with pytest.raises(DomainError) as error:
        services.follow_up_record(
            follow_up=follow_up, held_on=TODAY, note="Min.", actor=coordinator, version=1
        )
    assert "Kollegans." in " ".join(error.value.field_errors["note"])
    assert FollowUp.objects.get(pk=follow_up.pk).note == "Kollegans."


def test_the_same_follow_up_sent_twice_is_recorded_once(coordinator, participant):
    follow_up = _active(participant, coordinator).follow_ups.order_by("due_on").first()
    services.follow_up_record(follow_up=follow_up, held_on=TODAY, note="Bra.", actor=coordinator, version=0)
    with pytest.raises(AlreadyDone):
        services.follow_up_record(
            follow_up=follow_up, held_on=TODAY, note="Bra.", actor=coordinator, version=0
        )
    assert follow_up.notes.count() == 1


# --- Retention ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (date(2026, 12, 7), 24, date(2024, 12, 7)),
        (date(2026, 3, 31), 1, date(2026, 2, 28)),
        (date(2024, 3, 31), 1, date(2024, 2, 29)),
        (date(2026, 1, 15), 13, date(2024, 12, 15)),
    ],
)
def test_retention_counts_calendar_months(day, months, expected):
    assert services.months_before(day, months) == expected


def test_a_participant_is_kept_24_calendar_months_not_720_days(coordinator, settings, participant):
    settings.PLACEMENT_RETENTION_MONTHS = 24
    placement = _active(participant, coordinator, start=TODAY - timedelta(days=1000), days=30)
    ended = services.months_before(TODAY, 24) + timedelta(days=1)  # 24 months less a day ago: over 720 days
    _end(placement, coordinator, when=ended)
    Participant.objects.filter(pk=participant.pk).update(created_at=timezone.now() - timedelta(days=1000))
    assert (TODAY - ended).days > 720
    assert services.participants_anonymise(today=TODAY) == 0
    assert services.participants_anonymise(today=TODAY + timedelta(days=1)) == 1
