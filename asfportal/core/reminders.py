"""The daily reminder sweep: each app contributes rules; the sweep turns their reminders into notifications.

A rule is a function `rule(today) -> iterable of Reminder`. It may return the same reminder every day until it is
dealt with: the notification key (kind, object, due date, recipient) makes each one arrive once.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.db import IntegrityError, models, transaction
from django.urls import reverse

from .models import AccessibilityReport, Notification, NotificationPreference
from .notifications import KINDS, build_notification, notification_key, notify, resolve_channel


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


SWEEP_BATCH = 500


def reminders_sweep(*, today: date) -> dict[str, int]:
    """Run every rule for `today`; each reminder is recorded once however often the sweep runs.

    Reminders are handled 500 at a time: one query finds which already exist, one finds the recipients'
    channel preferences, and the new ones are inserted together; the outbox drain e-mails them. With the whole
    country's data this keeps the sweep to seconds (make bench), where one notify() per reminder took 30 s.
    """
    counts = {"created": 0, "existing": 0}
    batch: list[Reminder] = []
    for rule in RULES:
        for reminder in rule(today):
            batch.append(reminder)
            if len(batch) >= SWEEP_BATCH:
                _record(batch, counts)
                batch = []
    if batch:
        _record(batch, counts)
    if counts["created"]:
        from .tasks import drain_outbox_task

        transaction.on_commit(lambda: _start_drain(drain_outbox_task))
    return counts


def _start_drain(task) -> None:
    # Broker down: beat's every-minute drain picks the mail up.
    with contextlib.suppress(Exception):
        task.apply_async(retry=False)


def _record(batch: list[Reminder], counts: dict[str, int]) -> None:
    keyed = {
        notification_key(kind=r.kind, recipient=r.recipient, subject_object=r.subject_object, due=r.due): r
        for r in batch
    }
    existing = set(Notification.objects.filter(key__in=list(keyed)).values_list("key", flat=True))
    counts["existing"] += len(batch) - (len(keyed) - len(existing))
    fresh = {key: r for key, r in keyed.items() if key not in existing}
    if not fresh:
        return
    chosen = {
        (user_id, kind): channel
        for user_id, kind, channel in NotificationPreference.objects.filter(
            user__in={r.recipient.pk for r in fresh.values()}
        ).values_list("user_id", "kind", "channel")
    }
    notifications = []
    for key, r in fresh.items():
        channel = resolve_channel(r.recipient, KINDS[r.kind], chosen.get((r.recipient.pk, r.kind)))
        notifications.append(
            build_notification(recipient=r.recipient, kind=r.kind, subject_object=r.subject_object, due=r.due,
                               url=r.url, context=r.context, key=key, channel=channel)
        )  # fmt: skip
    try:
        with transaction.atomic():
            Notification.objects.bulk_create(notifications)
        counts["created"] += len(notifications)
    except IntegrityError:
        # Another sweep inserted some of these meanwhile: record the rest one by one.
        for r in fresh.values():
            created = notify(recipient=r.recipient, kind=r.kind, subject_object=r.subject_object, due=r.due,
                             url=r.url, context=r.context)  # fmt: skip
            counts["created" if created else "existing"] += 1


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
