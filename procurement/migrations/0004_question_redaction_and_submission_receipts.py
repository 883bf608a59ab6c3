"""The buyer may edit a question before answering it (redacted_at); each answer carries a receipt id."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ('procurement', '0003_constraint_messages_and_https_notices'),
    ]

    operations = [
        migrations.AddField(
            model_name='question',
            name='redacted_at',
            field=models.DateTimeField(blank=True, null=True, verbose_name='edited by the buyer'),
        ),
        migrations.AddField(
            model_name='submission',
            name='receipt_id',
            field=models.CharField(blank=True, max_length=20, verbose_name='receipt'),
        ),
    ]
