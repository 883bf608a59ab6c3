"""Search that ignores case and accents ("kafe" finds "Kafé", "STÄD" finds "Städ", "örebro" finds "Örebro"),
the same on PostgreSQL (lower(unaccent(...)), the unaccent extension of migration 0005) and SQLite (a Python
function registered on each connection)."""

from __future__ import annotations

import unicodedata

from django.db.backends.signals import connection_created
from django.db.models import Func, TextField


def fold(text: str | None) -> str:
    """Lower case without diacritics, as the database's Folded() writes the column."""
    decomposed = unicodedata.normalize("NFKD", str(text or ""))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()


class Folded(Func):
    """The column in lower case without accents, for a `contains` match against fold(text)."""

    function = "asf_fold"
    output_field = TextField()

    def as_postgresql(self, compiler, connection, **extra_context):
        return self.as_sql(compiler, connection, template="lower(unaccent(%(expressions)s))", **extra_context)


def _register_sqlite_function(sender, connection, **kwargs) -> None:
    if connection.vendor == "sqlite":
        connection.connection.create_function("asf_fold", 1, fold, deterministic=True)


def connect() -> None:
    connection_created.connect(_register_sqlite_function, dispatch_uid="companies.search.fold")
