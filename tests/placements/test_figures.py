"""Placement figures as the README's "Figures" section defines them (issue 14 §6), and reminders (§5)."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from asfportal.core import reminders
from asfportal.core.models import Notification
from placements import selectors, services
from placements.models import Placement
from tests.companies.factories import RepresentativeFactory
from tests.placements.factories import OfferFactory, ParticipantFactory

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def _placement(organisation, offer, start, *, status="active", ended_on=None, outcome="", outcome_90=""):
    return Placement.objects.create(
        participant=ParticipantFactory(organisation=organisation), offer=offer, company=offer.company,
        referring_organisation=organisation, support_measure="af_work_training", start_on=start,
        planned_end_on=start + timedelta(days=120), hours_per_week=20, status=status, ended_on=ended_on,
        outcome=outcome, outcome_90=outcome_90,
    )  # fmt: skip


def test_started_counts_placements_that_started_not_planned_or_cancelled_ones(coordinator):
    org, offer = coordinator.organisation, OfferFactory(places=9)
    day = date(TODAY.year, 1, 2)
    _placement(org, offer, day)
    _placement(org, offer, day, status="ended", ended_on=day + timedelta(days=5), outcome="studies")
    _placement(org, offer, day, status="planned")
    _placement(org, offer, day, status="cancelled", ended_on=day)
    figures = selectors.placement_figures(organisation_id=org.pk, year=TODAY.year, today=TODAY)
    assert figures["started"] == 2


def test_active_now_is_given_only_for_the_current_year(coordinator):
    org, offer = coordinator.organisation, OfferFactory()
    _placement(org, offer, TODAY - timedelta(days=400))
    assert selectors.placement_figures(organisation_id=org.pk, year=TODAY.year, today=TODAY)["active"] == 1
    assert (
        selectors.placement_figures(organisation_id=org.pk, year=TODAY.year - 1, today=TODAY)["active"]
        is None
    )


def test_the_90_day_share_is_over_placements_past_day_90_with_an_outcome(coordinator):
    org, offer = coordinator.organisation, OfferFactory(places=9)
    year = TODAY.year - 1
    start = date(year, 1, 5)
    # Past day 90 by today: two followed up (one in work), one not followed up.
    _placement(org, offer, start, status="ended", ended_on=date(year, 3, 1), outcome="work_at_asf",
               outcome_90="work_at_asf")  # fmt: skip
    _placement(
        org, offer, start, status="ended", ended_on=date(year, 3, 1), outcome="studies", outcome_90="seeking"
    )
    _placement(org, offer, start, status="interrupted", ended_on=date(year, 3, 1), outcome="dropped_out")
    figures = selectors.placement_figures(organisation_id=org.pk, year=year, today=TODAY)
    assert (figures["ended"], figures["employed"], figures["employment_share"]) == (3, 1, 33)
    assert (figures["past_90"], figures["followed_90"], figures["employed_90"]) == (3, 2, 1)
    assert (figures["employment_share_90"], figures["not_followed_90"]) == (50, 1)
    # On the 89th day after its end a placement is not yet in the 90-day figures, whatever was recorded.
    recent = TODAY - timedelta(days=89)
    before = selectors.placement_figures(organisation_id=org.pk, year=recent.year, today=TODAY)
    _placement(org, offer, recent - timedelta(days=30), status="ended", ended_on=recent, outcome="work_at_asf",
               outcome_90="work_at_asf")  # fmt: skip
    after = selectors.placement_figures(organisation_id=org.pk, year=recent.year, today=TODAY)
    assert after["ended"] == before["ended"] + 1
    keys = ("past_90", "followed_90", "employed_90")
    assert [after[k] for k in keys] == [before[k] for k in keys]


def test_the_company_record_counts_its_ended_placements_into_work(coordinator):
    org, offer = coordinator.organisation, OfferFactory(places=9)
    long_ago = TODAY - timedelta(days=400)
    _placement(org, offer, long_ago, status="ended", ended_on=long_ago + timedelta(days=100), outcome="work_at_asf",
               outcome_90="work_elsewhere")  # fmt: skip
    _placement(
        org, offer, long_ago, status="ended", ended_on=long_ago + timedelta(days=100), outcome="studies"
    )
    _placement(org, offer, long_ago, status="ended", ended_on=long_ago + timedelta(days=100), outcome="seeking",
               outcome_90="seeking")  # fmt: skip
    _placement(org, offer, TODAY - timedelta(days=5))  # still running: not counted
    record = selectors.company_placement_record(company_id=offer.company_id, today=TODAY)
    assert (record["employed"], record["ended"], record["employment_share"]) == (1, 3, 33)
    assert (record["employed_90"], record["followed_90"], record["employment_share_90"]) == (1, 2, 50)


def test_the_company_page_shows_the_record_to_coordinators_only(client, coordinator):
    offer = OfferFactory()
    ended = TODAY - timedelta(days=200)
    _placement(coordinator.organisation, offer, ended - timedelta(days=60), status="ended", ended_on=ended,
               outcome="work_at_asf")  # fmt: skip
    url = reverse("companies:company-detail", args=[offer.company_id])
    client.force_login(coordinator)
    html = client.get(url).content.decode()
    assert "Arbetsträning på företaget" in html and "1 av 1 avslutade" in html
    client.force_login(RepresentativeFactory(company=offer.company).user)
    assert "Arbetsträning på företaget" not in client.get(url).content.decode()


def test_the_figures_page_shows_each_share_with_its_count_and_denominator(client, coordinator):
    org, offer = coordinator.organisation, OfferFactory(places=9)
    start = date(TODAY.year, 1, 2)
    for outcome in ("work_at_asf", "studies", "seeking"):
        _placement(org, offer, start, status="ended", ended_on=start + timedelta(days=1), outcome=outcome)
    client.force_login(coordinator)
    html = client.get(reverse("placements:figures")).content.decode()
    assert "33 %" in html and "1 av 3 avslutade" in html


# --- Reminders ------------------------------------------------------------------------------------------------


def _start(coordinator, offer, start, days):
    placement = services.placement_create(
        participant=ParticipantFactory(organisation=coordinator.organisation), offer=offer, actor=coordinator,
        fields={"support_measure": "af_work_training", "start_on": start, "planned_end_on": start + timedelta(days=days),
                "hours_per_week": 20},
    )  # fmt: skip
    return services.placement_start(placement=placement, actor=coordinator)


def test_the_end_reminder_says_the_true_number_of_days_left(coordinator):
    _start(coordinator, OfferFactory(), TODAY - timedelta(days=20), 25)  # ends in 5 days, first seen today
    reminders.reminders_sweep(today=TODAY)
    notice = Notification.objects.get(recipient=coordinator, kind="placements.end_approaching")
    assert "5 dagar" in notice.subject and "14" not in notice.subject


def test_company_representatives_are_reminded_of_follow_ups_at_their_company(coordinator):
    offer = OfferFactory()
    rep = RepresentativeFactory(company=offer.company).user
    other = RepresentativeFactory().user
    _start(coordinator, offer, TODAY - timedelta(days=30), 90)  # the meeting of week 4 is 2 days overdue
    reminders.reminders_sweep(today=TODAY)
    notice = Notification.objects.get(recipient=rep, kind="placements.follow_up_due")
    assert "2 dagar" in notice.body and notice.url == reverse("placements:offer-list")
    assert Notification.objects.filter(recipient=coordinator, kind="placements.follow_up_due").exists()
    assert not Notification.objects.filter(recipient=other).exists()


def test_cancelled_follow_ups_are_not_reminded(coordinator):
    placement = _start(coordinator, OfferFactory(), TODAY - timedelta(days=30), 90)
    services.consent_withdraw(participant=placement.participant, actor=coordinator)
    reminders.reminders_sweep(today=TODAY)
    assert not Notification.objects.filter(kind="placements.follow_up_due").exists()
