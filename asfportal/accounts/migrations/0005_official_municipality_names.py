"""Municipalities carry their official names (asfportal/accounts/data/kommuner.csv, column `namn`). Names were
once built by a rule adding a genitive s ("Kalmars kommun", "Gotlands kommun", "Stockholms kommun"); the
seventeen it got wrong are corrected here, and only where the stored name is still the rule's (a name an
administrator changed since is left alone)."""

from django.db import migrations

CORRECTIONS = [
    ("0180", "Stockholms kommun", "Stockholms stad"),
    ("0183", "Sundbybergs kommun", "Sundbybergs stad"),
    ("0184", "Solna kommun", "Solna stad"),
    ("0186", "Lidingö kommun", "Lidingö stad"),
    ("0187", "Vaxholms kommun", "Vaxholms stad"),
    ("0880", "Kalmars kommun", "Kalmar kommun"),
    ("0980", "Gotlands kommun", "Region Gotland"),
    ("1280", "Malmö kommun", "Malmö stad"),
    ("1282", "Landskrona kommun", "Landskrona stad"),
    ("1283", "Helsingborgs kommun", "Helsingborgs stad"),
    ("1421", "Orusts kommun", "Orust kommun"),
    ("1480", "Göteborgs kommun", "Göteborgs Stad"),
    ("1481", "Mölndals kommun", "Mölndals stad"),
    ("1488", "Trollhättans kommun", "Trollhättans stad"),
    ("1490", "Borås kommun", "Borås Stad"),
    ("1980", "Västerås kommun", "Västerås stad"),
    ("2583", "Haparanda kommun", "Haparanda stad"),
]


def correct(apps, schema_editor):
    Organisation = apps.get_model("accounts", "Organisation")
    for code, built, official in CORRECTIONS:
        Organisation.objects.filter(kind="kommun", code=code, name=built).update(name=official)


def restore(apps, schema_editor):
    Organisation = apps.get_model("accounts", "Organisation")
    for code, built, official in CORRECTIONS:
        Organisation.objects.filter(kind="kommun", code=code, name=official).update(name=built)


class Migration(migrations.Migration):
    dependencies = [("accounts", "0004_constraint_messages")]

    operations = [migrations.RunPython(correct, restore)]
