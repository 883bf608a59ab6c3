"""Placements pages: least access (404 outside one's reach), the access log, the company's limited view."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from placements import services
from placements.models import AccessLogEntry, Participant
from tests.accounts.factories import UserFactory
from tests.companies.factories import CompanyFactory, RepresentativeFactory
from tests.matrix import assert_post, assert_visit
from tests.placements.factories import OfferFactory, ParticipantFactory

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


@pytest.fixture
def rep():
    return RepresentativeFactory(company=CompanyFactory(verified=True)).user


@pytest.fixture
def other_rep():
    return RepresentativeFactory().user


VISITORS = ["anonymous", "coordinator", "outsider", "officer", "rep", "other_rep", "admin_user"]
MATRIX = {
    "offer-list": ([], ["login", 403, 403, 403, 200, 200, 403]),
    "offer-create": ([], ["login", 403, 403, 403, 200, 200, 403]),
    "offer-edit": (["offer"], ["login", 403, 403, 403, 200, 404, 403]),
    "capacity-search": ([], ["login", 200, 200, 403, 403, 403, 403]),
    # A published offer of a listed company, for every coordinator alike, as the capacity search lists it.
    "offer-detail": (["offer"], ["login", 200, 200, 403, 403, 403, 403]),
    "figures": ([], ["login", 200, 200, 403, 403, 403, 403]),
    "participant-list": ([], ["login", 200, 200, 403, 403, 403, 403]),
    "placement-list": ([], ["login", 200, 200, 403, 403, 403, 403]),
    "participant-create": ([], ["login", 200, 200, 403, 403, 403, 403]),
    "access-log": ([], ["login", 200, 200, 403, 403, 403, 403]),
    "participant-detail": (["participant"], ["login", 200, 404, 403, 403, 403, 403]),
    "participant-export": (["participant"], ["login", 200, 404, 403, 403, 403, 403]),
    "participant-erase": (["participant"], ["login", 200, 404, 403, 403, 403, 403]),
    # A confirmation page first (GET), naming what withdrawing does; the POST carries it through.
    "consent-withdraw": (["participant"], ["login", 200, 404, 403, 403, 403, 403]),
    "consent-renew": (["participant"], ["login", 200, 404, 403, 403, 403, 403]),
    "placement-create": (["participant"], ["login", 200, 404, 403, 403, 403, 403]),
    "placement-start": (["placement"], ["login", 405, 405, 405, 405, 405, 405]),
    "placement-end": (["placement"], ["login", 200, 404, 403, 403, 403, 403]),
    # A municipality's placement: the page says SUS is for a samordningsförbund's (no form).
    "placement-sus": (["placement"], ["login", 200, 404, 403, 403, 403, 403]),
    "follow-up-record": (["follow_up"], ["login", 200, 404, 403, 403, 403, 403]),
    # The meeting is at the representative's company: its calendar file is theirs too, nobody else's.
    "follow-up-ics": (["follow_up"], ["login", 200, 404, 403, 200, 404, 403]),
}


def _setup(coordinator, rep):
    offer = OfferFactory(company=rep.representation.company)
    participant = ParticipantFactory(organisation=coordinator.organisation)
    placement = services.placement_create(
        participant=participant, offer=offer, actor=coordinator,
        fields={"support_measure": "af_work_training", "start_on": TODAY, "planned_end_on": TODAY + timedelta(days=60),
                "hours_per_week": 20, "goals": "Kassa"},
    )  # fmt: skip
    services.placement_start(placement=placement, actor=coordinator)
    return offer, participant, placement


def test_the_matrix_lists_every_placements_url():
    from placements.urls import urlpatterns

    assert {p.name for p in urlpatterns} == set(MATRIX)


def _values(coordinator, rep) -> dict[str, int]:
    offer, participant, placement = _setup(coordinator, rep)
    return {"offer": offer.pk, "participant": participant.pk, "placement": placement.pk,
            "follow_up": placement.follow_ups.first().pk}  # fmt: skip


@pytest.mark.parametrize("name", list(MATRIX))
@pytest.mark.parametrize("visitor_index", range(len(VISITORS)))
def test_every_placements_url_answers_each_visitor_as_expected(
    client, request, coordinator, rep, name, visitor_index
):
    values = _values(coordinator, rep)
    arg_names, expected = MATRIX[name]
    url = reverse(f"placements:{name}", args=[values[a] for a in arg_names])
    assert_visit(client, request, url, VISITORS[visitor_index], expected[visitor_index])


# The URLs that answer a GET with 405 (above), tried with a POST without data: the referring organisation's
# coordinator's is carried out or refused with a message and redirected (302); another organisation's coordinator
# does not find the participant or placement (404); every other role is refused (403).
POST_ONLY = {
    "placement-start": (["placement"], ["login", 302, 404, 403, 403, 403, 403]),
}


@pytest.mark.parametrize("name", list(POST_ONLY))
@pytest.mark.parametrize("visitor_index", range(len(VISITORS)))
def test_every_post_only_placements_url_answers_each_visitor_as_expected(
    client, request, coordinator, rep, name, visitor_index
):
    values = _values(coordinator, rep)
    arg_names, expected = POST_ONLY[name]
    url = reverse(f"placements:{name}", args=[values[a] for a in arg_names])
    assert_post(client, request, url, VISITORS[visitor_index], expected[visitor_index])


def test_every_view_of_a_participant_is_logged_for_the_organisation(client, coordinator):
    participant = ParticipantFactory(organisation=coordinator.organisation)
    colleague = UserFactory(role="coordinator", organisation=coordinator.organisation)
    client.force_login(colleague)
    client.get(reverse("placements:participant-detail", args=[participant.pk]))
    entry = AccessLogEntry.objects.get(participant_code=participant.code)
    assert (entry.user, entry.action, entry.organisation_id) == (
        colleague,
        "viewed",
        coordinator.organisation_id,
    )
    client.force_login(coordinator)
    html = client.get(reverse("placements:access-log")).content.decode()
    assert participant.code in html and colleague.full_name in html


def test_the_company_sees_code_hours_and_notes_but_not_the_person(client, coordinator, rep):
    _offer, participant, placement = _setup(coordinator, rep)
    follow_up = placement.follow_ups.first()
    services.follow_up_record(
        follow_up=follow_up, held_on=TODAY, note="Trivs bra i kassan.", actor=coordinator
    )
    Participant.objects.filter(pk=participant.pk).update(initials="Q.Z.", birth_year=1977)
    client.force_login(rep)
    html = client.get(reverse("placements:offer-list")).content.decode()
    assert participant.code in html and "Trivs bra i kassan." in html
    assert "Q.Z." not in html and "1977" not in html and "Långtidsarbetslös" not in html


def test_a_personnummer_typed_into_the_participant_form_is_refused(client, coordinator):
    client.force_login(coordinator)
    response = client.post(
        reverse("placements:participant-create"),
        {"initials": "", "birth_year": 1990, "consent_given_on": TODAY, "consent_scope": "811218-9876"},
    )
    assert response.status_code == 200
    assert "personnummer" in response.content.decode()
    assert not Participant.objects.exists()


def test_export_holds_everything_and_erase_leaves_no_personal_data(client, coordinator, rep):
    _offer, participant, _placement = _setup(coordinator, rep)
    client.force_login(coordinator)
    data = client.get(reverse("placements:participant-export", args=[participant.pk])).json()
    assert data["participant"]["code"] == participant.code
    assert data["placements"][0]["goals"] == "Kassa"
    client.post(reverse("placements:participant-erase", args=[participant.pk]))
    assert not Participant.objects.exists()
    assert not AccessLogEntry.objects.filter(participant_code=participant.code).exists()
