"""Audit entries about placements written before Placement.audit_label existed named the placement by str(), which
holds the participant's code. The trail outlives erasure and anonymisation, so those names are rewritten to the
label used since: "#<placement id> @ <company>"."""

from django.db import migrations

BATCH = 2000


def scrub(apps, schema_editor):
    AuditEntry = apps.get_model("core", "AuditEntry")
    Placement = apps.get_model("placements", "Placement")
    entries = AuditEntry.objects.filter(object_type="placements.placement").exclude(object_repr__startswith="#")
    batch = []
    for entry in entries.only("pk", "object_id").iterator(chunk_size=BATCH):
        batch.append(entry)
        if len(batch) == BATCH:
            _relabel(AuditEntry, Placement, batch)
            batch = []
    if batch:
        _relabel(AuditEntry, Placement, batch)


def _relabel(AuditEntry, Placement, entries):
    ids = [int(entry.object_id) for entry in entries if entry.object_id.isdigit()]
    companies = dict(Placement.objects.filter(pk__in=ids).values_list("pk", "company__name"))
    for entry in entries:
        placement_id = int(entry.object_id) if entry.object_id.isdigit() else None
        company = companies.get(placement_id)
        entry.object_repr = f"#{entry.object_id} @ {company}" if company else f"#{entry.object_id}"
    AuditEntry.objects.bulk_update(entries, ["object_repr"])


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0002_notifications"),
        ("placements", "0003_participant_list_index"),
    ]

    operations = [migrations.RunPython(scrub, migrations.RunPython.noop)]
