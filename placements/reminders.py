"""Reminder rules of placements for the daily sweep; all go to the referring organisation's coordinators."""

from collections.abc import Iterable
from datetime import date, timedelta

from django.urls import reverse

from asfportal.accounts.models import Role, User
from asfportal.core.reminders import Reminder, reminder_rule

from .models import FollowUp, Placement, SupportMeasure

END_WARNING_DAYS = 14


def _coordinators(organisation_ids: set[int]) -> dict[int, list[User]]:
    people: dict[int, list[User]] = {}
    for user in User.objects.filter(
        role=Role.COORDINATOR, is_active=True, organisation_id__in=organisation_ids
    ):
        people.setdefault(user.organisation_id, []).append(user)
    return people


def _remind(placements, kind: str, due_of) -> Iterable[Reminder]:
    placements = list(placements)
    people = _coordinators({p.referring_organisation_id for p in placements})
    for placement in placements:
        url = reverse("placements:participant-detail", args=[placement.participant_id])
        for person in people.get(placement.referring_organisation_id, []):
            yield Reminder(recipient=person, kind=kind, subject_object=placement, due=due_of(placement), url=url,
                           context={"placement": placement})  # fmt: skip


@reminder_rule
def follow_ups_due(today: date) -> Iterable[Reminder]:
    due = FollowUp.objects.filter(
        held_on__isnull=True, due_on__lte=today, due_on__gte=today - timedelta(days=30)
    )
    for follow_up in due.select_related("placement__participant"):
        kind = (
            "placements.follow_up_90_due"
            if follow_up.kind == FollowUp.Kind.AFTER_90_DAYS
            else "placements.follow_up_due"
        )
        yield from _remind([follow_up.placement], kind, lambda p, f=follow_up: f.due_on)


@reminder_rule
def ends_approaching(today: date) -> Iterable[Reminder]:
    soon = Placement.objects.filter(
        status=Placement.Status.ACTIVE,
        planned_end_on__gt=today,
        planned_end_on__lte=today + timedelta(END_WARNING_DAYS),
    ).select_related("participant")
    yield from _remind(
        soon, "placements.end_approaching", lambda p: p.planned_end_on - timedelta(END_WARNING_DAYS)
    )


@reminder_rule
def outcomes_missing(today: date) -> Iterable[Reminder]:
    late = Placement.objects.filter(
        status__in=Placement.OPEN_STATUSES, planned_end_on__lt=today
    ).select_related("participant")
    yield from _remind(late, "placements.outcome_missing", lambda p: p.planned_end_on)


@reminder_rule
def sus_registrations(today: date) -> Iterable[Reminder]:
    """Samordningsförbund-funded placements are registered in SUS at the start and out at the end."""
    forbund = Placement.objects.filter(support_measure=SupportMeasure.FORBUND_PROJECT).select_related(
        "participant"
    )
    started = forbund.filter(
        status=Placement.Status.ACTIVE, start_on__lte=today, start_on__gte=today - timedelta(7)
    )
    yield from _remind(started, "placements.sus_registration", lambda p: p.start_on)
    ended = forbund.filter(ended_on__lte=today, ended_on__gte=today - timedelta(7))
    yield from _remind(ended, "placements.sus_registration", lambda p: p.ended_on)
