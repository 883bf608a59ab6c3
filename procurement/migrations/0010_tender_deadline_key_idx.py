# Expand only (issue 18): an index of every tender by deadline, built without locking the table against writes, so
# the previous release keeps taking answers while it is built during a rolling upgrade.

from django.db import migrations, models

from asfportal.core.migration_operations import AddIndexConcurrently


class Migration(migrations.Migration):
    atomic = False  # CREATE INDEX CONCURRENTLY cannot run in a transaction

    dependencies = [
        ("procurement", "0009_company_open_tender_deadline_idx"),
    ]

    operations = [
        AddIndexConcurrently(
            model_name="tender",
            index=models.Index(fields=["submission_deadline_at", "id"], name="tender_deadline_key_idx"),
        ),
    ]
