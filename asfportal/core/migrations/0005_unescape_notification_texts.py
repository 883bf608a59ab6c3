"""Notification texts were stored HTML-escaped ("Kumla Kök &amp; Kafé") and escaped again when shown; they are
plain text now (core/notifications.render_plain_text), so the stored ones are unescaped once."""

import html

from django.db import migrations
from django.db.models import Q


def unescape(apps, schema_editor):
    Notification = apps.get_model("core", "Notification")
    escaped = Notification.objects.filter(Q(subject__contains="&") | Q(body__contains="&"))
    batch = []
    for notification in escaped.only("pk", "subject", "body").iterator(chunk_size=1000):
        notification.subject = html.unescape(notification.subject)[:200]
        notification.body = html.unescape(notification.body)
        batch.append(notification)
        if len(batch) == 1000:
            Notification.objects.bulk_update(batch, ["subject", "body"])
            batch = []
    Notification.objects.bulk_update(batch, ["subject", "body"])


class Migration(migrations.Migration):
    dependencies = [("core", "0004_constraint_messages")]

    operations = [migrations.RunPython(unescape, migrations.RunPython.noop)]
