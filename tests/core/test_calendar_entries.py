"""What the calendars hold: every .ics passes both strict parsers, a moved date keeps its UID with a higher
SEQUENCE, and what is cancelled is STATUS:CANCELLED."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from asfportal.core.calendars import selectors, services
from placements import services as placement_services
from policies import services as policy_services
from procurement import services as procurement_services
from tests.companies.factories import CompanyFactory, RepresentativeFactory
from tests.ical import events_by_uid, strict_calendar
from tests.placements.factories import OfferFactory, ParticipantFactory
from tests.procurement.factories import TenderFactory

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def _feed(client, user):
    feed = services.calendar_feed_renew(user=user, actor=user)
    return events_by_uid(
        strict_calendar(client.get(reverse("core:calendar-feed", args=[selectors.feed_token(feed)])).content)
    )


def _tender_ics(client, tender):
    return events_by_uid(
        strict_calendar(client.get(reverse("procurement:tender-ics", args=[tender.pk])).content)
    )


def test_a_moved_deadline_keeps_its_uid_with_a_higher_sequence_in_the_feed_and_the_download(client, officer):
    tender = TenderFactory(buyer=officer.organisation, published=True)
    uid = f"tender-{tender.pk}-submission"
    before, download = _feed(client, officer)[uid], _tender_ics(client, tender)[uid]
    assert int(before["SEQUENCE"]) == int(download["SEQUENCE"]) == 0
    later = tender.submission_deadline_at + timedelta(days=7)
    procurement_services.tender_amend(tender=tender, changes={"submission_deadline_at": later}, reason="Mer tid.",
                                      is_substantial=False, actor=officer)  # fmt: skip
    after, download = _feed(client, officer)[uid], _tender_ics(client, tender)[uid]
    assert int(after["SEQUENCE"]) == int(download["SEQUENCE"]) == 1
    assert after.decoded("DTSTART") == later.replace(microsecond=0)
    assert after.decoded("LAST-MODIFIED") >= before.decoded("LAST-MODIFIED")
    # The question deadline did not move: its entry keeps its SEQUENCE.
    assert int(_feed(client, officer)[f"tender-{tender.pk}-questions"]["SEQUENCE"]) == 0


def test_a_cancelled_tender_is_cancelled_in_every_calendar_that_holds_it(client, officer, coordinator):
    tender = TenderFactory(buyer=officer.organisation, published=True)
    procurement_services.tender_watch(tender=tender, user=coordinator)
    procurement_services.tender_cancel(tender=tender, reason="Behovet försvann.", actor=officer)
    for events in (_feed(client, officer), _feed(client, coordinator), _tender_ics(client, tender)):
        entry = events[f"tender-{tender.pk}-submission"]
        assert str(entry["STATUS"]) == "CANCELLED" and int(entry["SEQUENCE"]) == 1


def test_the_officer_sees_answers_and_award_days_and_no_draft(client, officer, rep_company=None):
    tender = TenderFactory(buyer=officer.organisation, published=True)
    draft = TenderFactory(buyer=officer.organisation)
    from procurement.models import Award

    award = Award.objects.create(tender=tender, company=CompanyFactory(verified=True), value=5)
    events = _feed(client, officer)
    assert {f"tender-{tender.pk}-answers", f"award-{award.pk}"} <= set(events)
    assert not any(uid.startswith(f"tender-{draft.pk}-") for uid in events)


def _placement(coordinator, company):
    placement = placement_services.placement_create(
        participant=ParticipantFactory(organisation=coordinator.organisation), offer=OfferFactory(company=company),
        actor=coordinator, fields={"support_measure": "af_work_training", "start_on": TODAY,
                                   "planned_end_on": TODAY + timedelta(days=90), "hours_per_week": 20},
    )  # fmt: skip
    return placement_services.placement_start(placement=placement, actor=coordinator)


def test_a_cancelled_meeting_is_cancelled_and_its_download_is_the_same_entry(client, coordinator):
    rep = RepresentativeFactory(company=CompanyFactory(verified=True)).user
    placement = _placement(coordinator, rep.representation.company)
    follow_up = placement.follow_ups.first()
    uid = f"follow-up-{follow_up.pk}"
    client.force_login(coordinator)
    download = events_by_uid(
        strict_calendar(client.get(reverse("placements:follow-up-ics", args=[follow_up.pk])).content)
    )
    assert (
        str(download[uid]["STATUS"]) == "CONFIRMED" and download[uid].decoded("DTSTART") == follow_up.due_on
    )
    placement_services.placement_end(placement=placement, interrupted=True, actor=coordinator, fields={
        "ended_on": TODAY, "outcome": "work_at_asf", "end_reason": "Fick jobb.", "income_after": "wage",
        "occupation_after": "work"})  # fmt: skip
    for events in (_feed(client, coordinator), _feed(client, rep)):
        assert str(events[uid]["STATUS"]) == "CANCELLED" and int(events[uid]["SEQUENCE"]) == 1


def test_a_moved_review_date_and_activity_end_raise_their_sequence_and_archiving_cancels(client, coordinator):
    organisation = coordinator.organisation
    policy = policy_services.policy_save(policy=None, organisation=organisation, actor=coordinator, fields={
        "title": "Policy för ASF", "status": "adopted", "adopted_by": "Kommunfullmäktige",
        "adopted_on": TODAY - timedelta(days=10), "review_on": TODAY + timedelta(days=60), "text": "Vi köper av ASF."})  # fmt: skip
    plan = policy_services.plan_save(plan=None, organisation=organisation, goals=[], actor=coordinator,
                                     fields={"title": "Plan", "start_year": TODAY.year - 1, "end_year": TODAY.year + 2})  # fmt: skip
    fields = {"title": "Inspirationsdag", "category": "awareness", "responsible_organisation": organisation,
              "start_on": TODAY - timedelta(days=5), "end_on": TODAY + timedelta(days=20), "status": "ongoing"}  # fmt: skip
    activity = policy_services.activity_save(activity=None, plan=plan, fields=fields, actor=coordinator)
    events = _feed(client, coordinator)
    assert (
        int(events[f"policy-review-{policy.pk}"]["SEQUENCE"])
        == int(events[f"activity-end-{activity.pk}"]["SEQUENCE"])
        == 0
    )
    policy_services.policy_save(policy=policy, organisation=organisation, actor=coordinator,
                                fields={"review_on": TODAY + timedelta(days=90)})  # fmt: skip
    policy_services.activity_save(activity=activity, plan=plan, actor=coordinator,
                                  fields={**fields, "end_on": TODAY + timedelta(days=40)})  # fmt: skip
    events = _feed(client, coordinator)
    assert int(events[f"policy-review-{policy.pk}"]["SEQUENCE"]) == 1
    assert events[f"activity-end-{activity.pk}"].decoded("DTSTART") == TODAY + timedelta(days=40)
    assert int(events[f"activity-end-{activity.pk}"]["SEQUENCE"]) == 1
    policy_services.policy_save(
        policy=policy, organisation=organisation, actor=coordinator, fields={"status": "archived"}
    )
    entry = _feed(client, coordinator)[f"policy-review-{policy.pk}"]
    assert str(entry["STATUS"]) == "CANCELLED" and int(entry["SEQUENCE"]) == 2


def test_a_samordningsforbund_coordinator_gets_the_report_days(client):
    from tests.accounts.factories import OrganisationFactory, UserFactory

    forbund = UserFactory(role="coordinator", organisation=OrganisationFactory(samordningsforbund=True))
    assert any(uid.startswith("forbund-report-") for uid in _feed(client, forbund))


def test_the_open_tenders_calendar_passes_both_parsers(client):
    TenderFactory(
        published=True, title="Snöröjning, Kumla; vintern 2026/2027 med en lång titel som måste vikas"
    )
    strict_calendar(client.get(reverse("procurement:tenders-ics")).content)
