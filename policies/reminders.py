"""Reminder rules of policies for the daily sweep: reviews, late activities, samordningsförbund reports."""

from collections.abc import Iterable
from datetime import date, timedelta

from django.urls import reverse

from asfportal.accounts.models import Organisation, Role, User
from asfportal.accounts.selectors import people_with_role_by_holder
from asfportal.core.reminders import Reminder, reminder_rule

from .models import Activity, Policy

REVIEW_WARNING_DAYS = 30
# Finsam: interim reports after 30 April and 30 September, and the annual report early in the year.
FORBUND_REPORT_DATES = ((5, 1, "interim"), (10, 1, "interim"), (1, 15, "annual"))


def _coordinators(organisation_ids) -> dict[int, list[User]]:
    # Through the memberships: a coordinator acting as another role just now is still reminded (issue 16).
    return people_with_role_by_holder(Role.COORDINATOR, organisation_ids=set(organisation_ids))


@reminder_rule
def policies_due_for_review(today: date) -> Iterable[Reminder]:
    policies = list(
        Policy.objects.filter(
            status=Policy.Status.ADOPTED,
            review_on__lte=today + timedelta(REVIEW_WARNING_DAYS),
            review_on__gte=today - timedelta(days=60),
        )
    )
    people = _coordinators(p.organisation_id for p in policies)
    for policy in policies:
        for person in people.get(policy.organisation_id, []):
            yield Reminder(recipient=person, kind="policies.review_due", subject_object=policy,
                           due=policy.review_on - timedelta(REVIEW_WARNING_DAYS),
                           url=reverse("policies:policy-edit", args=[policy.pk]), context={"policy": policy})  # fmt: skip


@reminder_rule
def activities_late(today: date) -> Iterable[Reminder]:
    late = list(
        Activity.objects.filter(end_on__lt=today, end_on__gte=today - timedelta(days=60))
        .exclude(status__in=[Activity.Status.DONE, Activity.Status.CANCELLED])
        .select_related("plan")
    )
    people = _coordinators(a.plan.organisation_id for a in late)
    for activity in late:
        for person in people.get(activity.plan.organisation_id, []):
            yield Reminder(recipient=person, kind="policies.activity_late", subject_object=activity,
                           due=activity.end_on, url=reverse("policies:activity-progress", args=[activity.pk]),
                           context={"activity": activity})  # fmt: skip


@reminder_rule
def forbund_reports(today: date) -> Iterable[Reminder]:
    due_dates = [(date(today.year, month, day), kind) for month, day, kind in FORBUND_REPORT_DATES]
    current = [(due, kind) for due, kind in due_dates if due <= today < due + timedelta(days=14)]
    if not current:
        return
    forbund = list(Organisation.objects.filter(kind=Organisation.Kind.SAMORDNINGSFORBUND, is_active=True))
    people = _coordinators(o.pk for o in forbund)
    for due, kind in current:
        for organisation in forbund:
            for person in people.get(organisation.pk, []):
                yield Reminder(recipient=person, kind="policies.forbund_report_due", subject_object=organisation,
                               due=due, url=reverse("policies:steering"), context={"report": kind})  # fmt: skip
