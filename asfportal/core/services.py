"""State changes of the core: heartbeats and accessibility reports."""

from django.contrib.auth import get_user_model
from django.db import transaction
from django.urls import reverse

from .audit import audit
from .exceptions import clean_or_raise
from .models import AccessibilityReport, WorkerHeartbeat
from .notifications import notify


def heartbeat_record(*, worker: str, label: str) -> WorkerHeartbeat:
    """Record that a worker ran a task now."""
    return WorkerHeartbeat.objects.create(worker=worker[:200], label=label[:100])


@transaction.atomic
def accessibility_report_create(
    *, page_url: str, description: str, contact_email: str, actor
) -> AccessibilityReport:
    """Store a reported accessibility shortcoming and notify every administrator through the outbox."""
    report = AccessibilityReport(page_url=page_url, description=description, contact_email=contact_email)
    clean_or_raise(report)
    report.save()
    audit(actor, "core.accessibility_report.created", report)
    url = reverse("admin:core_accessibilityreport_change", args=[report.pk])
    for administrator in get_user_model().objects.filter(is_staff=True, is_active=True):
        notify(
            recipient=administrator, kind="core.accessibility_report_received", subject_object=report, url=url
        )
    return report
