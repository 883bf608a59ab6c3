"""Reminder rules of the registry for the daily sweep: assessments running out, and lapsed."""

from collections.abc import Iterable
from datetime import date, timedelta

from django.conf import settings
from django.db.models import Prefetch
from django.urls import reverse

from asfportal.accounts.models import Role
from asfportal.accounts.selectors import people_with_role_by_holder
from asfportal.core.reminders import Reminder, reminder_rule

from .models import Assessment, Company

# Lapsed companies are reminded about for this many days after their assessment ran out, no longer.
LAPSE_REMINDER_WINDOW_DAYS = 30


def _recipients(company: Company, representatives: dict) -> list:
    people = list(representatives.get(company.pk, []))
    latest = company.latest_assessments[0] if company.latest_assessments else None
    if latest is not None and latest.assessed_by.is_active:
        people.append(latest.assessed_by)
    return people


def _with_recipients(companies) -> tuple[list[Company], dict]:
    """The companies with their latest assessments, and each one's representatives (through the memberships:
    a representative acting for another of their companies just now is reminded too)."""
    companies = list(_with_assessments(companies))
    representatives = people_with_role_by_holder(
        Role.COMPANY_REPRESENTATIVE, company_ids=[company.pk for company in companies]
    )
    return companies, representatives


def _with_assessments(companies):
    return companies.prefetch_related(
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
    companies, representatives = _with_recipients(
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
            for person in _recipients(company, representatives):
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
    companies, representatives = _with_recipients(
        Company.objects.filter(
            status__in=[Company.Status.VERIFIED, Company.Status.LAPSED],
            verified_until__lt=today,
            verified_until__gte=today - timedelta(days=LAPSE_REMINDER_WINDOW_DAYS),
        )
    )
    for company in companies:
        for person in _recipients(company, representatives):
            yield Reminder(
                recipient=person,
                kind="companies.assessment_lapsed",
                subject_object=company,
                due=company.verified_until + timedelta(days=1),
                url=reverse("companies:company-detail", args=[company.pk]),
                context={"company": company},
            )
