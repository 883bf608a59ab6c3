"""Upgrades without downtime (issue 18; README, "Running in production"): during a rolling upgrade the previous
release's code keeps serving on the other nodes while the new migration is applied, so every migration must
leave a schema the previous code still works with (expand first, contract in a later release).

A migration that removes or renames a table or column, or adds or tightens a column the old code does not fill
(NOT NULL without a database default), breaks the old code at once. Such an operation is refused here unless its
migration says why it is safe, in a class attribute:

    class Migration(migrations.Migration):
        backward_incompatible_reason = "The column was unused since release 2026.3 (expanded there)."
"""

from django.apps import apps
from django.db import migrations
from django.db.migrations.loader import MigrationLoader
from django.db.models import NOT_PROVIDED

from tests.conftest import PROJECT_DIR

CONTRACTING = (
    migrations.RemoveField,
    migrations.DeleteModel,
    migrations.RenameField,
    migrations.RenameModel,
    migrations.AlterModelTable,
    migrations.RemoveConstraint,  # harmless alone, but usually half of a rename: say why
)


def _contracting(operation) -> str | None:
    if isinstance(operation, CONTRACTING):
        return type(operation).__name__
    field = getattr(operation, "field", None)
    # Django's `default` is not kept in the database: the old code's INSERTs would fail on the new column.
    added = isinstance(operation, migrations.AddField) and not (field.null or field.many_to_many)
    if added and field.db_default is NOT_PROVIDED:
        return f"AddField {operation.name} NOT NULL without db_default"
    return None


# Written before this check existed (issue 18), when no rolling upgrade was promised yet.
GRANDFATHERED = {
    "accounts.0002_organisation_org_number",
    "accounts.0003_two_factor_epoch",
    "procurement.0004_question_redaction_and_submission_receipts",
    "procurement.0005_award_company_was_verified",
    "policies.0003_rules_single_sourced",
    "placements.0005_lifecycle_rules_constraint_messages_and_note_history",
    "companies.0004_distributes_profits_limits_and_constraint_messages",
}


def _ours(app_label: str) -> bool:
    path = str(apps.get_app_config(app_label).path)
    return path.startswith(str(PROJECT_DIR)) and "/.venv/" not in path


def test_every_migration_keeps_the_previous_release_working_or_says_why():
    loader = MigrationLoader(None, ignore_no_migrations=True)
    refused = []
    for (app_label, name), migration in sorted(loader.disk_migrations.items()):
        if not _ours(app_label) or migration.initial or f"{app_label}.{name}" in GRANDFATHERED:
            continue  # a new app's first migration creates what no old code uses
        if getattr(migration, "backward_incompatible_reason", "").strip():
            continue
        # A field added to a table this same migration creates is part of a new table no old code uses.
        created = {op.name_lower for op in migration.operations if isinstance(op, migrations.CreateModel)}
        refused += [
            f"{app_label}.{name}: {what}"
            for op in migration.operations
            if getattr(op, "model_name", None) not in created and (what := _contracting(op)) is not None
        ]
    assert refused == [], (
        "These migrations break the code still serving during a rolling upgrade (expand first, contract in a "
        "later release), or say why not with backward_incompatible_reason:\n" + "\n".join(refused)
    )


def test_the_check_refuses_a_contracting_migration_without_a_reason():
    from django.db import models

    assert _contracting(migrations.RemoveField("company", "name")) == "RemoveField"
    assert _contracting(migrations.AddField("company", "x", models.IntegerField())) is not None
    assert _contracting(migrations.AddField("company", "x", models.IntegerField(null=True))) is None
    assert _contracting(migrations.AddField("company", "x", models.IntegerField(db_default=0))) is None
