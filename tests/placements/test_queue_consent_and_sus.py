"""The coordinator's work queue (issue 15 §1): consents that run out, and a samordningsförbund's registrations in
SUS at the start and out at the end. Each item links to its action and disappears once the action is done."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from asfportal.accounts.models import Role
from asfportal.core.exceptions import DomainError
from asfportal.core.queue import work_queue
from placements import services
from placements.models import Consent
from tests.accounts.factories import OrganisationFactory, UserFactory
from tests.placements.factories import OfferFactory, ParticipantFactory

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def _kinds(user, kind):
    return [item for item in work_queue(user).items if item.kind == kind]


def _placement(coordinator, *, start=True):
    placement = services.placement_create(
        participant=ParticipantFactory(organisation=coordinator.organisation), offer=OfferFactory(),
        actor=coordinator, fields={"support_measure": "af_work_training", "start_on": TODAY,
                                   "planned_end_on": TODAY + timedelta(days=60), "hours_per_week": 20},
    )  # fmt: skip
    if start:
        services.placement_start(placement=placement, actor=coordinator)
    return placement


@pytest.fixture
def forbund_coordinator():
    return UserFactory(role=Role.COORDINATOR, organisation=OrganisationFactory(samordningsforbund=True))


def test_a_consent_running_out_within_a_month_is_listed_and_a_new_one_clears_it(coordinator):
    participant = ParticipantFactory(organisation=coordinator.organisation, consent=False)
    Consent.objects.create(participant=participant, given_on=TODAY - timedelta(days=300), scope="A",
                           valid_until=TODAY + timedelta(days=20))  # fmt: skip
    ParticipantFactory(organisation=coordinator.organisation)  # a consent without end: nothing to do
    [item] = _kinds(coordinator, "placements.consent_expiring")
    assert (item.whom, item.due, item.overdue) == (participant.code, TODAY + timedelta(days=20), False)
    assert item.url == reverse("placements:consent-renew", args=[participant.pk])
    services.consent_renew(participant=participant, given_on=TODAY, valid_until=TODAY + timedelta(days=365),
                           scope="A", sus_form_collected=True, actor=coordinator)  # fmt: skip
    assert _kinds(coordinator, "placements.consent_expiring") == []
    assert participant.consents.filter(status=Consent.Status.EXPIRED, ended_on=TODAY).count() == 1


def test_a_consent_past_its_last_day_no_longer_counts_and_is_overdue_first(coordinator):
    participant = ParticipantFactory(organisation=coordinator.organisation, consent=False)
    Consent.objects.create(participant=participant, given_on=TODAY - timedelta(days=400), scope="A",
                           valid_until=TODAY - timedelta(days=1))  # fmt: skip
    assert not participant.has_valid_consent()
    assert participant.registration_blockers()
    first = work_queue(coordinator).items[0]
    assert (first.kind, first.overdue) == ("placements.consent_expiring", True)


def test_another_organisations_consents_are_not_in_the_queue(coordinator, outsider):
    participant = ParticipantFactory(organisation=outsider.organisation, consent=False)
    Consent.objects.create(participant=participant, given_on=TODAY, scope="A", valid_until=TODAY)
    assert _kinds(coordinator, "placements.consent_expiring") == []


def test_a_municipalitys_placements_are_never_registered_in_sus(coordinator):
    placement = _placement(coordinator)
    assert _kinds(coordinator, "placements.sus") == []
    with pytest.raises(DomainError):
        services.placement_sus_record(placement=placement, done_on=TODAY, actor=coordinator)


def test_a_forbund_registers_in_sus_at_the_start_and_out_at_the_end(forbund_coordinator):
    planned = _placement(forbund_coordinator, start=False)
    placement = _placement(forbund_coordinator)
    [item] = _kinds(forbund_coordinator, "placements.sus")  # not the planned one: it has not started
    assert item.what == f"Registrera in deltagaren i SUS för insatsen hos {placement.company.name}"
    assert item.url == reverse("placements:placement-sus", args=[placement.pk]) != planned.pk
    with pytest.raises(DomainError):
        services.placement_sus_record(placement=placement, done_on=TODAY + timedelta(days=1),
                                      actor=forbund_coordinator)  # fmt: skip
    services.placement_sus_record(placement=placement, done_on=TODAY, actor=forbund_coordinator)
    assert _kinds(forbund_coordinator, "placements.sus") == []
    with pytest.raises(DomainError):  # still running: nothing to de-register yet
        services.placement_sus_record(placement=placement, done_on=TODAY, actor=forbund_coordinator)
    services.placement_end(placement=placement, interrupted=False, actor=forbund_coordinator, fields={
        "ended_on": TODAY, "outcome": "work_at_asf", "end_reason": "Anställd.", "income_after": "wage",
        "occupation_after": "work"})  # fmt: skip
    [item] = _kinds(forbund_coordinator, "placements.sus")
    assert (
        item.what == f"Registrera ut deltagaren ur SUS: insatsen hos {placement.company.name} har avslutats"
    )
    services.placement_sus_record(placement=placement, done_on=TODAY, actor=forbund_coordinator)
    placement.refresh_from_db()
    assert placement.sus_registered_on == placement.sus_deregistered_on == TODAY
    assert _kinds(forbund_coordinator, "placements.sus") == []


def test_the_sus_page_records_the_registration(client, forbund_coordinator):
    placement = _placement(forbund_coordinator)
    client.force_login(forbund_coordinator)
    url = reverse("placements:placement-sus", args=[placement.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"done_on": TODAY.isoformat()})
    assert response.status_code == 302
    placement.refresh_from_db()
    assert placement.sus_registered_on == TODAY
