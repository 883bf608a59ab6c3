"""Work-queue items of placements (core/queue.py): the coordinator's follow-ups, ends and outcomes; a company's
placements about to start, follow-up meetings at the company and offers running full or ending.

Each item is listed only while its model says the action is possible (`record_blockers`, `end_blockers`), so it
disappears once done. Every provider reads in a fixed number of queries, whatever the caseload."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.db.models import Count, OuterRef, Prefetch, Q, Subquery
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from asfportal.accounts import capabilities
from asfportal.accounts.models import Role
from asfportal.core.queue import QueueItem, QueueKind, queue_provider, register_kinds

from .models import Consent, FollowUp, Offer, Placement
from .reminders import END_WARNING_DAYS


def _organisation(user):
    return [f"queue:org:{user.organisation_id}"]


def _company(user):
    return [f"queue:company:{capabilities.represented_company_id(user)}"]


# A follow-up shows a week before it is due; a company hears of a placement starting within a week.
FOLLOW_UP_AHEAD_DAYS = 7
START_AHEAD_DAYS = 7
# An offer "ends" when its last day is this close.
OFFER_END_WARNING_DAYS = 14
# A new consent takes a meeting to collect: ask a month before the current one runs out.
CONSENT_WARNING_DAYS = 30

register_kinds(
    QueueKind("placements.follow_up", _("Follow-ups due"), order=10),
    QueueKind("placements.follow_up_90", _("Follow-ups 90 days after the end"), order=12),
    QueueKind("placements.outcome_missing", _("Outcomes missing"), order=14),
    QueueKind("placements.ending", _("Placements ending within 14 days"), order=16),
    QueueKind("placements.consent_expiring", _("Consents that expire"), order=18),
    QueueKind("placements.sus", _("SUS registrations in and out"), order=20),
    QueueKind("placements.starting", _("Placements starting within a week"), order=10),
    QueueKind("placements.meeting_at_company", _("Follow-up meetings at the company"), order=12),
    QueueKind("placements.offer_full_or_ending", _("Places running full or ending"), order=14),
)


@queue_provider(Role.COORDINATOR, datasets=_organisation)
def coordinator_items(user, *, today: date, now: datetime):
    if not capabilities.is_coordinator(user):
        return
    organisation_id = user.organisation_id
    follow_ups = (
        FollowUp.objects.filter(
            placement__referring_organisation_id=organisation_id,
            held_on__isnull=True,
            cancelled_on__isnull=True,
            due_on__lte=today + timedelta(days=FOLLOW_UP_AHEAD_DAYS),
        )
        .select_related("placement__participant", "placement__company")
        .prefetch_related(
            Prefetch(
                "placement__participant__consents",
                queryset=Consent.objects.filter(status=Consent.Status.GIVEN),
            )
        )
        .order_by("due_on", "pk")
    )
    for follow_up in follow_ups:
        if follow_up.record_blockers(held_on=today, at=today):
            continue  # no consent, or the 90-day outcome not yet due: nothing can be recorded now
        placement = follow_up.placement
        after_90 = follow_up.kind == FollowUp.Kind.AFTER_90_DAYS
        yield QueueItem(
            kind="placements.follow_up_90" if after_90 else "placements.follow_up",
            what=gettext("Record the follow-up 90 days after the end and its outcome")
            if after_90
            else gettext("Hold and record the follow-up meeting at %(company)s")
            % {"company": placement.company.name},
            whom=placement.participant.code,
            url=reverse("placements:follow-up-record", args=[follow_up.pk]),
            due=follow_up.due_on,
            overdue=follow_up.due_on < today,
            action=gettext("Record the follow-up"),
        )
    placements = (
        Placement.objects.filter(
            referring_organisation_id=organisation_id,
            status__in=Placement.OPEN_STATUSES,
            planned_end_on__lte=today + timedelta(days=END_WARNING_DAYS),
        )
        .select_related("participant", "company")
        .order_by("planned_end_on", "pk")
    )
    for placement in placements:
        if placement.end_blockers(ended_on=None, at=today):
            continue
        missing = placement.planned_end_on < today
        yield QueueItem(
            kind="placements.outcome_missing" if missing else "placements.ending",
            what=gettext("The planned end has passed: record the end and the outcome")
            if missing
            else gettext("The placement at %(company)s ends: record the end and the outcome")
            % {"company": placement.company.name},
            whom=placement.participant.code,
            url=reverse("placements:placement-end", args=[placement.pk]),
            due=placement.planned_end_on,
            overdue=missing,
            action=gettext("End the placement"),
        )

    consents = (
        Consent.objects.filter(
            participant__organisation_id=organisation_id,
            participant__anonymised_at__isnull=True,
            status=Consent.Status.GIVEN,
            valid_until__lte=today + timedelta(days=CONSENT_WARNING_DAYS),
        )
        .select_related("participant")
        .order_by("valid_until", "pk")
    )
    for consent in consents:
        expired = consent.valid_until < today
        yield QueueItem(
            kind="placements.consent_expiring",
            what=gettext(
                "The consent has run out: nothing more may be registered until a new one is recorded"
            )
            if expired
            else gettext("The consent runs out: collect and record a new one"),
            whom=consent.participant.code,
            url=reverse("placements:consent-renew", args=[consent.participant_id]),
            due=consent.valid_until,
            overdue=expired,
            action=gettext("Record a new consent"),
        )
    if user.organisation.kind == user.organisation.Kind.SAMORDNINGSFORBUND:
        yield from _sus_items(organisation_id, today)


def _sus_items(organisation_id: int, today: date):
    """Registrations in SUS at the start and out at the end, due on the day (Finsam-funded efforts only)."""
    placements = (
        Placement.objects.filter(referring_organisation_id=organisation_id)
        .filter(
            Q(sus_registered_on__isnull=True, status__in=Placement.STARTED_STATUSES)
            | Q(
                sus_registered_on__isnull=False,
                sus_deregistered_on__isnull=True,
                status__in=Placement.FINISHED_STATUSES,
            )
        )
        .select_related("participant", "company")
        .order_by("start_on", "pk")
    )
    for placement in placements:
        registering = placement.sus_registered_on is None
        due = placement.start_on if registering else placement.ended_on
        yield QueueItem(
            kind="placements.sus",
            what=(
                gettext("Register the participant in SUS for the effort at %(company)s")
                if registering
                else gettext("De-register the participant from SUS: the effort at %(company)s has ended")
            )
            % {"company": placement.company.name},
            whom=placement.participant.code,
            url=reverse("placements:placement-sus", args=[placement.pk]),
            due=due,
            overdue=due is not None and due < today,
            action=gettext("Record in SUS"),
        )


def _open_now(today: date):
    return Placement.objects.filter(
        offer=OuterRef("pk"),
        status__in=Placement.OPEN_STATUSES,
        start_on__lte=today,
        planned_end_on__gte=today,
    )


@queue_provider(Role.COMPANY_REPRESENTATIVE, datasets=_company)
def company_items(user, *, today: date, now: datetime):
    company_id = capabilities.represented_company_id(user)
    if company_id is None:
        return
    offer_list = reverse("placements:offer-list")
    starting = (
        Placement.objects.filter(
            company_id=company_id,
            status=Placement.Status.PLANNED,
            start_on__lte=today + timedelta(days=START_AHEAD_DAYS),
            start_on__gte=today,
        )
        .select_related("participant", "offer__work_area")
        .order_by("start_on", "pk")
    )
    for placement in starting:
        yield QueueItem(
            kind="placements.starting",
            what=gettext("Receive the participant at %(area)s, %(hours)s hours a week")
            % {"area": placement.offer.work_area, "hours": placement.hours_per_week},
            whom=placement.participant.code,
            url=offer_list,
            due=placement.start_on,
            action=gettext("See the placement"),
        )
    meetings = (
        FollowUp.objects.filter(
            placement__company_id=company_id,
            kind=FollowUp.Kind.REGULAR,
            held_on__isnull=True,
            cancelled_on__isnull=True,
            due_on__lte=today + timedelta(days=FOLLOW_UP_AHEAD_DAYS),
            placement__status__in=Placement.OPEN_STATUSES,
        )
        .select_related("placement__participant")
        .order_by("due_on", "pk")
    )
    for follow_up in meetings:
        yield QueueItem(
            kind="placements.meeting_at_company",
            what=gettext("Follow-up meeting with the coordinator at the company"),
            whom=follow_up.placement.participant.code,
            url=offer_list,
            due=follow_up.due_on,
            overdue=follow_up.is_overdue(at=today),
            action=gettext("See the placement"),
        )
    taken = Coalesce(Subquery(_open_now(today).values("offer").annotate(n=Count("pk")).values("n")[:1]), 0)
    offers = (
        Offer.objects.filter(company_id=company_id, is_published=True)
        .filter(Q(available_to__isnull=True) | Q(available_to__gte=today))
        .annotate(taken=taken)
        .select_related("work_area")
        .order_by("available_to", "pk")
    )
    for offer in offers:
        ending = offer.available_to is not None and offer.available_to <= today + timedelta(
            days=OFFER_END_WARNING_DAYS
        )
        full = offer.taken >= offer.places
        if not (ending or full):
            continue
        if full and ending:
            what = gettext("Every place is taken and the offer ends: add places or extend the period")
        elif full:
            what = gettext("Every place is taken (%(places)s): add places if you can take more") % {
                "places": offer.places
            }
        else:
            what = gettext("The offer ends: extend the period if the places continue")
        yield QueueItem(
            kind="placements.offer_full_or_ending",
            what=what,
            whom=str(offer.work_area),
            url=reverse("placements:offer-edit", args=[offer.pk]),
            due=offer.available_to,
            action=gettext("Change the offer"),
        )
