"""The calendar feed is cached per person (calendar applications poll it hourly): a repeated fetch reads only
whose address it is, yet a change of any event through a service shows at once, a renewed or turned-off address
answers 404 at once, and one person's cached feed never reaches another."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from asfportal.core.calendars import services
from placements import services as placement_services
from procurement import services as procurement_services
from tests.companies.factories import CompanyFactory
from tests.core.test_calendar_feed import _feed_path
from tests.ical import events_by_uid, strict_calendar
from tests.placements.factories import OfferFactory, ParticipantFactory
from tests.procurement.factories import TenderFactory

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def _fetch(client, path):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    assert response.status_code == 200
    return strict_calendar(response.content), len(captured)


def _placement(coordinator):
    placement = placement_services.placement_create(
        participant=ParticipantFactory(organisation=coordinator.organisation, initials="AB"),
        offer=OfferFactory(company=CompanyFactory(verified=True)), actor=coordinator,
        fields={"support_measure": "af_work_training", "start_on": TODAY, "planned_end_on": TODAY + timedelta(days=90),
                "hours_per_week": 20, "goals": "Kassa", "supervisor": "Eva"},
    )  # fmt: skip
    return placement_services.placement_start(placement=placement, actor=coordinator)


def test_a_repeated_fetch_is_served_from_the_cache_and_a_moved_deadline_shows_at_once(
    client, coordinator, officer
):
    tender = TenderFactory(buyer=officer.organisation, published=True, title="Städning av skolor")
    procurement_services.tender_watch(tender=tender, user=coordinator)
    path = _feed_path(coordinator)
    first, cold = _fetch(client, path)
    again, warm = _fetch(client, path)
    assert warm < cold and warm <= 1, (cold, warm)  # only whose address it is
    assert events_by_uid(again).keys() == events_by_uid(first).keys()
    uid = next(u for u in events_by_uid(first) if "submission" in u)
    before = events_by_uid(first)[uid].decoded("DTSTART")

    procurement_services.tender_amend(
        tender=tender, changes={"submission_deadline_at": tender.submission_deadline_at + timedelta(days=3)},
        reason="Mer tid.", is_substantial=False, actor=officer,
    )  # fmt: skip
    moved, _count = _fetch(client, path)
    event = events_by_uid(moved)[uid]
    assert event.decoded("DTSTART") == before + timedelta(days=3)
    assert int(event["SEQUENCE"]) == int(events_by_uid(first)[uid]["SEQUENCE"]) + 1


def test_a_new_follow_up_and_a_newly_followed_tender_show_at_once(client, coordinator):
    path = _feed_path(coordinator)
    empty, _count = _fetch(client, path)
    assert not events_by_uid(empty)
    placement = _placement(coordinator)  # the follow-ups are written in bulk, without signals of their own
    with_meetings, _count = _fetch(client, path)
    assert {f"follow-up-{f.pk}" for f in placement.follow_ups.all()} <= set(events_by_uid(with_meetings))
    tender = TenderFactory(published=True, title="Fönsterputs i Kumla")
    procurement_services.tender_watch(tender=tender, user=coordinator)
    followed, _count = _fetch(client, path)
    assert "Fönsterputs i Kumla" in followed.to_ical().decode()


def test_a_renewed_or_turned_off_address_answers_404_at_once_though_its_feed_was_cached(client, coordinator):
    old = _feed_path(coordinator)
    _fetch(client, old)
    new = _feed_path(coordinator)
    assert client.get(old).status_code == 404
    _fetch(client, new)
    services.calendar_feed_revoke(user=coordinator, actor=coordinator)
    assert client.get(new).status_code == 404


def test_one_persons_cached_feed_never_reaches_another(client, coordinator, outsider):
    tender = TenderFactory(published=True, title="Matleveranser till äldreboenden")
    procurement_services.tender_watch(tender=tender, user=coordinator)
    mine, _count = _fetch(client, _feed_path(coordinator))
    theirs, _count = _fetch(client, _feed_path(outsider))
    assert "Matleveranser" in mine.to_ical().decode()
    assert "Matleveranser" not in theirs.to_ical().decode()


def test_a_change_of_language_renders_the_feed_afresh(client, coordinator):
    coordinator.language = "sv"
    coordinator.save()
    path = _feed_path(coordinator)
    swedish, _count = _fetch(client, path)
    coordinator.language = "en"
    coordinator.save(update_fields=["language"])
    english, _count = _fetch(client, path)
    assert str(swedish["X-WR-CALNAME"]) != str(english["X-WR-CALNAME"])
