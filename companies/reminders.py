"""Reminder rules of the registry for the daily sweep: assessments running out, and lapsed."""

from collections.abc import Iterable
from datetime import date, timedelta

from django.conf import settings
from django.db.models import Prefetch
from django.urls import reverse

from asfportal.core.reminders import Reminder, reminder_rule

from .models import Assessment, Company, Representative

# Lapsed companies are reminded about for this many days after their assessment ran out, no longer.
LAPSE_REMINDER_WINDOW_DAYS = 30


def _recipients(company: Company) -> list:
    people = [rep.user for rep in company.active_representatives]
    latest = company.latest_assessments[0] if company.latest_assessments else None
    if latest is not None and latest.assessed_by.is_active:
        people.append(latest.assessed_by)
    return people


def _with_recipients(companies):
    return companies.prefetch_related(
        Prefetch(
            "representatives",
            queryset=Representative.objects.select_related("user").filter(user__is_active=True),
            to_attr="active_representatives",
        ),
        Prefetch(
            "assessments",
            queryset=Assessment.objects.select_related("assessed_by").order_by("-assessed_on", "-pk"),
            to_attr="latest_assessments",
        ),
    )


@reminder_rule
def assessments_expiring(today: date) -> Iterable[Reminder]:
    """60 and 14 days (COMPANY_REMINDER_DAYS) before an assessment runs out; each threshold once, even if late."""
    longest = max(settings.COMPANY_REMINDER_DAYS, default=0)
    companies = _with_recipients(
        Company.objects.filter(
            status=Company.Status.VERIFIED,
            verified_until__gte=today,
            verified_until__lte=today + timedelta(longest),
        )
    )
    for company in companies:
        for days in settings.COMPANY_REMINDER_DAYS:
            due = company.verified_until - timedelta(days=days)
            if due > today:
                continue
            for person in _recipients(company):
                yield Reminder(
                    recipient=person,
                    kind="companies.assessment_expiring",
                    subject_object=company,
                    due=due,
                    url=reverse("companies:company-detail", args=[company.pk]),
                    context={"company": company, "days": days},
                )


@reminder_rule
def assessments_lapsed(today: date) -> Iterable[Reminder]:
    companies = _with_recipients(
        Company.objects.filter(
            status__in=[Company.Status.VERIFIED, Company.Status.LAPSED],
            verified_until__lt=today,
            verified_until__gte=today - timedelta(days=LAPSE_REMINDER_WINDOW_DAYS),
        )
    )
    for company in companies:
        for person in _recipients(company):
            yield Reminder(
                recipient=person,
                kind="companies.assessment_lapsed",
                subject_object=company,
                due=company.verified_until + timedelta(days=1),
                url=reverse("companies:company-detail", args=[company.pk]),
                context={"company": company},
            )
