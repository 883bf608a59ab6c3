"""A GIN index on the directory search's Swedish full-text vector, on PostgreSQL only (see models.SEARCH_VECTOR)."""

from django.contrib.postgres.indexes import GinIndex
from django.db import migrations

from companies.models import SEARCH_VECTOR

INDEX = GinIndex(SEARCH_VECTOR, name="company_search_idx")


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.add_index(apps.get_model("companies", "Company"), INDEX)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.remove_index(apps.get_model("companies", "Company"), INDEX)


class Migration(migrations.Migration):
    dependencies = [("companies", "0002_service_categories")]

    operations = [migrations.RunPython(create, drop)]
