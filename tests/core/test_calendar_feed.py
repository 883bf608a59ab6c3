"""The personal calendar feed: a secret address that needs no session, is never indexed or shared by a cache,
stops working at once when renewed or turned off, and reads in a fixed number of queries."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from asfportal.core.calendars import selectors, services
from asfportal.core.models import AuditEntry, CalendarFeed
from placements import services as placement_services
from procurement import services as procurement_services
from tests.companies.factories import CompanyFactory, RepresentativeFactory
from tests.ical import events_by_uid, strict_calendar
from tests.placements.factories import OfferFactory, ParticipantFactory
from tests.procurement.factories import TenderFactory

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def _feed_path(user) -> str:
    feed = services.calendar_feed_renew(user=user, actor=user)
    return reverse("core:calendar-feed", args=[selectors.feed_token(feed)])


def _placement(coordinator, company):
    placement = placement_services.placement_create(
        participant=ParticipantFactory(organisation=coordinator.organisation, initials="AB"),
        offer=OfferFactory(company=company), actor=coordinator,
        fields={"support_measure": "af_work_training", "start_on": TODAY, "planned_end_on": TODAY + timedelta(days=90),
                "hours_per_week": 20, "goals": "Kassa och servering", "supervisor": "Eva Handledare"},
    )  # fmt: skip
    return placement_services.placement_start(placement=placement, actor=coordinator)


def test_the_feed_is_read_without_a_session_and_never_indexed_or_kept_by_a_shared_cache(client, coordinator):
    path = _feed_path(coordinator)
    response = client.get(path)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert "noindex" in response["X-Robots-Tag"]
    assert "private" in response["Cache-Control"] and "no-store" in response["Cache-Control"]
    assert response["Referrer-Policy"] == "no-referrer"
    assert not response.cookies  # no session is started for a calendar application
    strict_calendar(response.content)


def test_the_settings_page_shows_the_address_and_renewing_stops_the_old_one_at_once(client, coordinator):
    client.force_login(coordinator)
    page = client.get(reverse("core:notification-preferences"))
    assert "calendar-url" not in page.content.decode()
    client.post(reverse("core:calendar-feed-renew"))
    first = client.get(reverse("core:notification-preferences")).context["calendar_url"]
    assert first.startswith("http") and first.endswith(".ics")
    old_path = first.split("//", 1)[1].split("/", 1)[1]
    assert client.get("/" + old_path).status_code == 200

    response = client.post(reverse("core:calendar-feed-renew"))
    assert response.status_code == 302 and response.url.endswith("#calendar")
    second = client.get(reverse("core:notification-preferences")).context["calendar_url"]
    assert second != first
    assert client.get("/" + old_path).status_code == 404
    assert client.get("/" + second.split("//", 1)[1].split("/", 1)[1]).status_code == 200


def test_a_turned_off_address_answers_404_and_the_page_offers_a_new_one(client, coordinator):
    path = _feed_path(coordinator)
    client.force_login(coordinator)
    client.post(reverse("core:calendar-feed-revoke"))
    client.logout()
    assert client.get(path).status_code == 404
    assert not CalendarFeed.objects.filter(user=coordinator).exists()
    assert AuditEntry.objects.filter(action="core.calendar_feed.revoked", actor=coordinator).exists()


def test_a_deactivated_persons_address_stops_working(client, coordinator):
    path = _feed_path(coordinator)
    coordinator.is_active = False
    coordinator.save()
    assert client.get(path).status_code == 404


@pytest.mark.parametrize("change", ["another person's id", "a changed key", "no signature", "garbage"])
def test_an_altered_or_guessed_address_answers_404_without_reading_the_database(
    client, coordinator, outsider, change
):
    feed = services.calendar_feed_renew(user=coordinator, actor=coordinator)
    token = selectors.feed_token(feed)
    value, signature = token.rsplit(".", 1)
    altered = {
        "another person's id": f"{outsider.pk}-{feed.key}.{signature}",
        "a changed key": f"{coordinator.pk}-{'0' * 32}.{signature}",
        "no signature": value,
        "garbage": "x" * 80,
    }[change]
    assert selectors.feed_owner(altered) is None
    with CaptureQueriesContext(connection) as queries:
        assert selectors.feed_owner(altered) is None
    assert len(queries) == 0
    assert client.get(reverse("core:calendar-feed", args=[altered])).status_code == 404


def test_a_half_signed_in_browser_still_reads_the_feed(client, coordinator, settings):
    """The second factor guards the portal, not the calendar: the secret address is the key."""
    path = _feed_path(coordinator)
    client.force_login(coordinator)
    session = client.session
    session.pop("two_factor_epoch", None)
    session.save()
    assert client.get(path).status_code == 200


def test_another_organisations_coordinator_sees_none_of_the_first_ones_items(client, coordinator, outsider):
    company = CompanyFactory(verified=True, name="Kafé Gemenskap")
    _placement(coordinator, company)
    _placement(outsider, CompanyFactory(verified=True, name="Returbutiken"))
    tender = TenderFactory(published=True, title="Städning av skolor i Kumla")
    procurement_services.tender_watch(tender=tender, user=coordinator)
    mine = strict_calendar(client.get(_feed_path(coordinator)).content)
    theirs = strict_calendar(client.get(_feed_path(outsider)).content)
    mine_text, theirs_text = mine.to_ical().decode(), theirs.to_ical().decode()
    assert "Kafé Gemenskap" in mine_text and "Kafé Gemenskap" not in theirs_text
    assert "Returbutiken" in theirs_text and "Returbutiken" not in mine_text
    assert "Städning av skolor i Kumla" in mine_text and "Städning av skolor i Kumla" not in theirs_text
    assert not set(events_by_uid(mine)) & set(events_by_uid(theirs))


def test_a_representative_sees_only_their_own_companys_meetings(client, coordinator):
    rep = RepresentativeFactory(company=CompanyFactory(verified=True, name="Kafé Gemenskap")).user
    other = RepresentativeFactory(company=CompanyFactory(verified=True, name="Returbutiken")).user
    ours = _placement(coordinator, rep.representation.company)
    theirs = _placement(coordinator, other.representation.company)
    uids = set(events_by_uid(strict_calendar(client.get(_feed_path(rep)).content)))
    assert {f"follow-up-{f.pk}" for f in ours.follow_ups.all()} <= uids
    assert not {f"follow-up-{f.pk}" for f in theirs.follow_ups.all()} & uids


def test_the_feed_names_a_participant_by_code_and_nothing_else(client, coordinator):
    placement = _placement(coordinator, CompanyFactory(verified=True))
    body = client.get(_feed_path(coordinator)).content.decode()
    calendar = strict_calendar(body.encode())
    (event, *_rest) = [e for e in calendar.walk("VEVENT") if str(e["UID"]).startswith("follow-up-")]
    assert placement.participant.code in str(event["SUMMARY"])
    assert str(event["CLASS"]) == "PRIVATE"
    unfolded = body.replace("\r\n ", "")
    for personal in ("AB", "1990", "Kassa och servering", "Eva Handledare", "woman", "Kvinna"):
        assert f":{personal}" not in unfolded and f" {personal}" not in unfolded, personal


def _grow(coordinator, officer, rep, rows):
    for _ in range(rows):
        _placement(coordinator, rep.representation.company)
        tender = TenderFactory(buyer=officer.organisation, published=True)
        procurement_services.tender_watch(tender=tender, user=coordinator)
        procurement_services.tender_watch(tender=tender, user=rep)
        procurement_services.tender_amend(
            tender=tender, changes={"submission_deadline_at": tender.submission_deadline_at + timedelta(days=3)},
            reason="Mer tid.", is_substantial=False, actor=officer,
        )  # fmt: skip
        from procurement.models import Award

        Award.objects.create(tender=tender, company=rep.representation.company, value=10_000)
        from policies.models import ActionPlan, Activity, Policy

        policy = Policy.objects.create(
            organisation=coordinator.organisation, title=f"Policy {tender.pk}", status="adopted",
            adopted_by="Kommunfullmäktige", adopted_on=TODAY - timedelta(days=5),
            review_on=TODAY + timedelta(days=100), text="Text.",
        )  # fmt: skip
        plan = ActionPlan.objects.create(organisation=coordinator.organisation, title=policy.title,
                                         start_year=TODAY.year, end_year=TODAY.year + 1)  # fmt: skip
        Activity.objects.create(plan=plan, title="Inspirationsdag", responsible_organisation=coordinator.organisation,
                                start_on=TODAY, end_on=TODAY + timedelta(days=30))  # fmt: skip


@pytest.mark.parametrize("viewer", ["coordinator", "officer", "rep"])
def test_the_feed_reads_in_the_same_number_of_queries_with_much_more_data(client, request, coordinator, officer,
                                                                          viewer):  # fmt: skip
    rep = RepresentativeFactory(company=CompanyFactory(verified=True)).user
    person = {"coordinator": coordinator, "officer": officer, "rep": rep}[viewer]
    path = _feed_path(person)
    counts, sizes = [], []
    for rows in (1, 25):
        _grow(coordinator, officer, rep, rows)
        with CaptureQueriesContext(connection) as captured:
            response = client.get(path)
        assert response.status_code == 200
        counts.append(len(captured))
        sizes.append(len(strict_calendar(response.content).walk("VEVENT")))
    assert sizes[1] > sizes[0]
    assert counts[0] == counts[1] <= 6, counts
