"""Every constraint says in Swedish what is wrong; a legal notice's link is https; one tender per procurement ID."""

import django.core.validators
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ('procurement', '0002_cpv_codes'),
    ]

    operations = [
        migrations.AlterField(
            model_name='tender',
            name='notice_url',
            field=models.URLField(blank=True, validators=[django.core.validators.URLValidator(message='Give the link as an https:// address.', schemes=['https'])], verbose_name='link to the legal notice'),
        ),
        migrations.AddConstraint(
            model_name='award',
            constraint=models.CheckConstraint(condition=models.Q(('contract_end_on__isnull', True), ('contract_start_on__isnull', True), ('contract_end_on__gte', models.F('contract_start_on')), _connector='OR'), name='award_contract_ends_after_start', violation_error_message='The contract cannot end before it starts.'),
        ),
        migrations.AddConstraint(
            model_name='tender',
            constraint=models.UniqueConstraint(condition=models.Q(('procurement_id', ''), _negated=True), fields=('buyer', 'procurement_id'), name='one_tender_per_procurement_id', violation_error_message='Your organisation already has a tender with this procurement ID.'),
        ),
        migrations.AlterConstraint(
            model_name='decline',
            name='one_decline_per_company',
            constraint=models.UniqueConstraint(fields=('tender', 'company'), name='one_decline_per_company', violation_error_message='Your company has already declined this tender.'),
        ),
        migrations.AlterConstraint(
            model_name='lot',
            name='lot_number_unique_per_tender',
            constraint=models.UniqueConstraint(fields=('tender', 'number'), name='lot_number_unique_per_tender', violation_error_message='The tender already has a lot with this number.'),
        ),
        migrations.AlterConstraint(
            model_name='submission',
            name='one_submission_per_company',
            constraint=models.UniqueConstraint(fields=('tender', 'company'), name='one_submission_per_company', violation_error_message='Your company has already answered this tender; replace that answer.'),
        ),
        migrations.AlterConstraint(
            model_name='submission',
            name='submission_target_group_within_occupied',
            constraint=models.CheckConstraint(condition=models.Q(('people_in_target_group__lte', models.F('people_occupied')), ('people_in_target_group__isnull', True), _connector='OR'), name='submission_target_group_within_occupied', violation_error_message='The target group cannot be larger than the number of people occupied.'),
        ),
        migrations.AlterConstraint(
            model_name='tender',
            name='tender_contract_ends_after_start',
            constraint=models.CheckConstraint(condition=models.Q(('contract_end_on__isnull', True), ('contract_start_on__isnull', True), ('contract_end_on__gte', models.F('contract_start_on')), _connector='OR'), name='tender_contract_ends_after_start', violation_error_message='The contract cannot end before it starts.'),
        ),
        migrations.AlterConstraint(
            model_name='watch',
            name='one_watch_per_user',
            constraint=models.UniqueConstraint(fields=('tender', 'user'), name='one_watch_per_user', violation_error_message='You already follow this tender.'),
        ),

    ]
