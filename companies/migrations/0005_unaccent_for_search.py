"""The unaccent extension, so the directory and registry search ignore accents on PostgreSQL (companies/search.py).
A trusted extension since PostgreSQL 13: the database owner may create it. SQLite needs nothing (a Python
function is registered on each connection)."""

from django.contrib.postgres.operations import UnaccentExtension
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("companies", "0004_distributes_profits_limits_and_constraint_messages"),
    ]

    operations = [UnaccentExtension()]
