"""Every existing person keeps exactly what they had: their one role becomes their one (active) membership.

A coordinator, procurement officer or organisation administrator gets a membership for their organisation; a
company representative one for the company of their Representative row. The national administrator holds none
(that role is the installation's). Idempotent, so a re-run after a partial deploy creates nothing twice; the
reverse removes nothing the old release needs (User.role and organisation are untouched).
"""

from django.db import migrations

ORGANISATION_ROLES = ("coordinator", "procurement_officer", "organisation_administrator")


def forwards(apps, schema_editor):
    User = apps.get_model("accounts", "User")
    Membership = apps.get_model("accounts", "Membership")
    Representative = apps.get_model("companies", "Representative")
    existing = set(Membership.objects.values_list("user_id", "role", "organisation_id", "company_id"))
    new = []
    for user_id, role, organisation_id in User.objects.filter(
        role__in=ORGANISATION_ROLES, organisation__isnull=False
    ).values_list("pk", "role", "organisation_id"):
        if (user_id, role, organisation_id, None) not in existing:
            new.append(Membership(user_id=user_id, role=role, organisation_id=organisation_id))
    for user_id, company_id in Representative.objects.values_list("user_id", "company_id"):
        if (user_id, "company_representative", None, company_id) not in existing:
            new.append(Membership(user_id=user_id, role="company_representative", company_id=company_id))
    Membership.objects.bulk_create(new, batch_size=2000)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0008_memberships"),
        ("companies", "0005_unaccent_for_search"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
