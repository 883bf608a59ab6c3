"""Reminder rules of placements for the daily sweep: to the referring organisation's coordinators, and for follow-up
meetings at a company also to the company's representatives. Each says the true number of days left or late."""

from collections.abc import Iterable
from datetime import date, timedelta

from django.urls import reverse

from asfportal.accounts.models import Role, User
from asfportal.accounts.selectors import people_with_role_by_holder
from asfportal.core.reminders import Reminder, reminder_rule

from .models import FollowUp, Placement, SupportMeasure

END_WARNING_DAYS = 14


def _coordinators(organisation_ids: set[int]) -> dict[int, list[User]]:
    # Through the memberships: a coordinator acting as another role just now is still reminded (issue 16).
    return people_with_role_by_holder(Role.COORDINATOR, organisation_ids=organisation_ids)


def _remind(placements, kind: str, due_of, today: date, extra_context=None) -> Iterable[Reminder]:
    placements = list(placements)
    people = _coordinators({p.referring_organisation_id for p in placements})
    for placement in placements:
        url = reverse("placements:participant-detail", args=[placement.participant_id])
        due = due_of(placement)
        context = {
            "placement": placement,
            **_days(placement, today),
            **(extra_context(placement) if extra_context else {}),
        }
        for person in people.get(placement.referring_organisation_id, []):
            yield Reminder(
                recipient=person, kind=kind, subject_object=placement, due=due, url=url, context=context
            )


def _days(placement: Placement, today: date) -> dict[str, int]:
    """Days to the planned end, counted on the day the reminder is made (never a fixed 14)."""
    return {
        "days_left": (placement.planned_end_on - today).days,
        "days_late": (today - placement.planned_end_on).days,
    }


def _representatives(company_ids: set[int]) -> dict[int, list[User]]:
    # Every representative of each company, also one acting for another of their companies just now.
    return people_with_role_by_holder(Role.COMPANY_REPRESENTATIVE, company_ids=company_ids)


@reminder_rule
def follow_ups_due(today: date) -> Iterable[Reminder]:
    due = FollowUp.objects.filter(
        held_on__isnull=True,
        cancelled_on__isnull=True,
        due_on__lte=today,
        due_on__gte=today - timedelta(days=30),
    ).select_related("placement__participant", "placement__company")
    due = list(due)
    representatives = _representatives(
        {f.placement.company_id for f in due if f.kind == FollowUp.Kind.REGULAR}
    )
    for follow_up in due:
        overdue = {"days_overdue": (today - follow_up.due_on).days, "follow_up": follow_up}
        if follow_up.kind == FollowUp.Kind.AFTER_90_DAYS:
            yield from _remind([follow_up.placement], "placements.follow_up_90_due", lambda p, f=follow_up: f.due_on,
                               today, lambda p, o=overdue: o)  # fmt: skip
            continue
        yield from _remind([follow_up.placement], "placements.follow_up_due", lambda p, f=follow_up: f.due_on,
                           today, lambda p, o=overdue: o)  # fmt: skip
        # The meeting is held at the company, so its representatives are reminded too (they see the placement).
        for person in representatives.get(follow_up.placement.company_id, []):
            yield Reminder(recipient=person, kind="placements.follow_up_due", subject_object=follow_up.placement,
                           due=follow_up.due_on, url=reverse("placements:offer-list"),
                           context={"placement": follow_up.placement, **overdue})  # fmt: skip


@reminder_rule
def ends_approaching(today: date) -> Iterable[Reminder]:
    soon = Placement.objects.filter(
        status=Placement.Status.ACTIVE,
        planned_end_on__gt=today,
        planned_end_on__lte=today + timedelta(END_WARNING_DAYS),
    ).select_related("participant")
    yield from _remind(
        soon, "placements.end_approaching", lambda p: p.planned_end_on - timedelta(END_WARNING_DAYS), today
    )


@reminder_rule
def outcomes_missing(today: date) -> Iterable[Reminder]:
    late = Placement.objects.filter(
        status__in=Placement.OPEN_STATUSES, planned_end_on__lt=today
    ).select_related("participant")
    yield from _remind(late, "placements.outcome_missing", lambda p: p.planned_end_on, today)


@reminder_rule
def sus_registrations(today: date) -> Iterable[Reminder]:
    """Samordningsförbund-funded placements are registered in SUS at the start and out at the end."""
    forbund = Placement.objects.filter(support_measure=SupportMeasure.FORBUND_PROJECT).select_related(
        "participant"
    )
    started = forbund.filter(
        status=Placement.Status.ACTIVE, start_on__lte=today, start_on__gte=today - timedelta(7)
    )
    yield from _remind(started, "placements.sus_registration", lambda p: p.start_on, today)
    ended = forbund.filter(ended_on__lte=today, ended_on__gte=today - timedelta(7))
    yield from _remind(ended, "placements.sus_registration", lambda p: p.ended_on, today)
