"""The whole CPV 2008 vocabulary (9,454 codes with their official Swedish labels, data/cpv_sv.csv) beside the
curated list, which becomes the shortcut (is_shortcut); every code gets its accent-folded search text.

Expand only: two columns with database defaults (the previous release inserts no codes anyway) and rows added.
The curated codes keep their labels and English wording (the EU's Swedish label is in their search text); the
rest have the EU's Swedish label only.
"""

import csv
import unicodedata
from pathlib import Path

from django.db import migrations, models

DATA = Path(__file__).resolve().parent.parent / "data"


def check_digit(eight: str) -> int:
    # Same rule as procurement.models.cpv_check_digit (a migration must not import app code that may change).
    return sum(int(d) * w for d, w in zip(eight, (3, 7, 1, 3, 7, 1, 3, 7), strict=True)) % 10


def fold(*parts: str) -> str:
    # Same rule as procurement.models.search_text.
    decomposed = unicodedata.normalize("NFKD", " ".join(parts).casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def load(apps, schema_editor):
    """Mark the curated codes as the shortcut and add every other code of the vocabulary; idempotent (the test
    suite's reference data calls it again)."""
    CpvCode = apps.get_model("procurement", "CpvCode")
    with open(DATA / "cpv_asf_services.csv", encoding="utf-8") as fh:
        curated = {f"{row['cpv']}-{check_digit(row['cpv'])}" for row in csv.DictReader(fh)}
    with open(DATA / "cpv_sv.csv", encoding="utf-8") as fh:
        official = {f"{row['code']}-{check_digit(row['code'])}": row["label_sv"] for row in csv.DictReader(fh)}
    existing = {}
    for code in CpvCode.objects.all():
        code.is_shortcut = code.code in curated
        # A curated code keeps our plainer wording and is found by the EU's too ("städning" finds "Rengöring").
        code.search_text = fold(code.code, code.label, code.label_en, official.get(code.code, ""))
        existing[code.code] = code
    CpvCode.objects.bulk_update(existing.values(), ["is_shortcut", "search_text"], batch_size=500)
    new = [
        CpvCode(code=code, label=label[:200], label_en="", search_text=fold(code, label[:200]))
        for code, label in official.items()
        if code not in existing
    ]
    CpvCode.objects.bulk_create(new, batch_size=1000, ignore_conflicts=True)


class Migration(migrations.Migration):
    dependencies = [("procurement", "0007_award_decisions_standstill_and_answer_lots")]

    operations = [
        migrations.AddField(
            model_name="cpvcode",
            name="is_shortcut",
            field=models.BooleanField(db_default=False, default=False, verbose_name="in the curated list for ASF"),
        ),
        migrations.AddField(
            model_name="cpvcode",
            name="search_text",
            field=models.CharField(
                blank=True, db_default="", editable=False, max_length=400, verbose_name="search text"
            ),
        ),
        migrations.AlterField(
            model_name="cpvcode",
            name="label_en",
            field=models.CharField(blank=True, max_length=200, verbose_name="label (English)"),
        ),
        migrations.RunPython(load, migrations.RunPython.noop),
    ]
