"""Load the curated ASF CPV codes and the social-services codes, with computed check digits."""

import csv
from pathlib import Path

from django.db import migrations

DATA = Path(__file__).resolve().parent.parent / "data"


def check_digit(eight: str) -> int:
    # Same rule as procurement.models.cpv_check_digit (a migration must not import app code that may change).
    return sum(int(d) * w for d, w in zip(eight, (3, 7, 1, 3, 7, 1, 3, 7), strict=True)) % 10


def load(apps, schema_editor):
    CpvCode = apps.get_model("procurement", "CpvCode")
    for name, social in (("cpv_asf_services.csv", False), ("cpv_social_services.csv", True)):
        with open(DATA / name, encoding="utf-8") as fh:
            for row in csv.DictReader(fh):
                code = f"{row['cpv']}-{check_digit(row['cpv'])}"
                CpvCode.objects.update_or_create(
                    code=code, defaults={"label": row["sv"], "label_en": row["en"], "is_social_service": social}
                )


class Migration(migrations.Migration):
    dependencies = [("procurement", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
