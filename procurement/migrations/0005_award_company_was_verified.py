"""Freeze on each award whether its company was a verified ASF on the award date, and backfill existing awards."""

from django.db import migrations, models


def backfill(apps, schema_editor):
    """An existing award counts as to a verified ASF when the company's latest assessment on or before the award
    date was verified and still valid that day (the registry's own definition of verified on a date)."""
    Award = apps.get_model("procurement", "Award")
    Assessment = apps.get_model("companies", "Assessment")
    for award in Award.objects.all().iterator():
        latest = (
            Assessment.objects.filter(company_id=award.company_id, assessed_on__lte=award.awarded_on)
            .order_by("-assessed_on", "-pk")
            .first()
        )
        verified = bool(
            latest and latest.is_verified and latest.valid_until and latest.valid_until >= award.awarded_on
        )
        if verified:
            Award.objects.filter(pk=award.pk).update(company_was_verified=True)


class Migration(migrations.Migration):
    dependencies = [
        ('companies', '0003_company_search_index'),
        ('procurement', '0004_question_redaction_and_submission_receipts'),
    ]

    operations = [
        migrations.AddField(
            model_name='award',
            name='company_was_verified',
            field=models.BooleanField(default=False, verbose_name='company verified ASF on the award date'),
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop),
    ]
