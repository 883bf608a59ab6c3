"""State changes of the core: heartbeats and accessibility reports."""

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils.translation import gettext as _

from .audit import audit
from .models import AccessibilityReport, WorkerHeartbeat


def heartbeat_record(*, worker: str, label: str) -> WorkerHeartbeat:
    """Record that a worker ran a task now."""
    return WorkerHeartbeat.objects.create(worker=worker[:200], label=label[:100])


@transaction.atomic
def accessibility_report_create(
    *, page_url: str, description: str, contact_email: str, actor
) -> AccessibilityReport:
    """Store a reported accessibility shortcoming and tell the responsible address after commit."""
    report = AccessibilityReport(page_url=page_url, description=description, contact_email=contact_email)
    report.full_clean()
    report.save()
    audit(actor, "core.accessibility_report.created", report)
    body = _(
        "A visitor reported an accessibility problem.\n\nPage: %(page)s\nContact: %(contact)s\n\n%(text)s"
    ) % {
        "page": page_url or "-",
        "contact": contact_email or "-",
        "text": description,
    }
    transaction.on_commit(
        lambda: send_mail(
            _("Accessibility report #%(id)s") % {"id": report.pk},
            body,
            settings.DEFAULT_FROM_EMAIL,
            [settings.ACCESSIBILITY_EMAIL],
            fail_silently=True,
        )
    )
    return report
