"""Migration operations the apps share.

AddIndexConcurrently: CREATE INDEX CONCURRENTLY on PostgreSQL, so building an index on a large table never locks
it against writes while the previous release keeps serving (expand/contract, README "Upgrades without downtime").
Django's own operation refuses every other database, and `make run` migrates SQLite, so there it is a plain
CREATE INDEX (a development database is small and has no other writer).
"""

from django.contrib.postgres import operations as postgres_operations
from django.db.migrations.operations import AddIndex


class AddIndexConcurrently(postgres_operations.AddIndexConcurrently):
    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            return super().database_forwards(app_label, schema_editor, from_state, to_state)
        return AddIndex.database_forwards(self, app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            return super().database_backwards(app_label, schema_editor, from_state, to_state)
        return AddIndex.database_backwards(self, app_label, schema_editor, from_state, to_state)
