"""The daily reminder sweep: each app contributes rules; the sweep turns their reminders into notifications.

A rule is a function `rule(today) -> iterable of Reminder`. It may return the same reminder every day until it is
dealt with: the notification key (kind, object, due date, recipient) makes each one arrive once.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.db import models, transaction
from django.urls import reverse

from .models import AccessibilityReport
from .notifications import notify


@dataclass(frozen=True)
class Reminder:
    recipient: Any
    kind: str
    subject_object: models.Model
    due: date
    url: str = ""
    context: dict[str, Any] = field(default_factory=dict)


ReminderRule = Callable[[date], Iterable[Reminder]]
RULES: list[ReminderRule] = []


def reminder_rule(rule: ReminderRule) -> ReminderRule:
    """Register a rule with the daily sweep (use as a decorator in the app's reminders module)."""
    RULES.append(rule)
    return rule


def reminders_sweep(*, today: date) -> dict[str, int]:
    """Run every rule for `today`; each reminder is recorded once however often the sweep runs."""
    counts = {"created": 0, "existing": 0}
    for rule in RULES:
        for reminder in rule(today):
            with transaction.atomic():
                created = notify(
                    recipient=reminder.recipient,
                    kind=reminder.kind,
                    subject_object=reminder.subject_object,
                    due=reminder.due,
                    url=reminder.url,
                    context=reminder.context,
                )
            counts["created" if created else "existing"] += 1
    return counts


# An accessibility report should be answered promptly; after two weeks unhandled, administrators are reminded.
ACCESSIBILITY_REPORT_REMINDER_DAYS = 14


@reminder_rule
def accessibility_reports_waiting(today: date) -> Iterable[Reminder]:
    cutoff = today - timedelta(days=ACCESSIBILITY_REPORT_REMINDER_DAYS)
    reports = list(
        AccessibilityReport.objects.filter(
            status=AccessibilityReport.Status.NEW, created_at__date__lte=cutoff
        )
    )
    if not reports:
        return
    administrators = list(get_user_model().objects.filter(is_staff=True, is_active=True))
    for report in reports:
        due = report.created_at.date() + timedelta(days=ACCESSIBILITY_REPORT_REMINDER_DAYS)
        for admin in administrators:
            yield Reminder(
                recipient=admin,
                kind="core.accessibility_report_waiting",
                subject_object=report,
                due=due,
                url=reverse("admin:core_accessibilityreport_change", args=[report.pk]),
            )
