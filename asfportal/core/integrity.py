"""A database constraint broken in a race past full_clean (two requests at once) is told in Swedish, never as a
500 page or a constraint's name: the constraint's own violation_error_message when the database names one of
ours, else a plain sentence for the kind of violation."""

from __future__ import annotations

from functools import cache

from django.apps import apps
from django.db import IntegrityError
from django.db.models import CheckConstraint, UniqueConstraint
from django.shortcuts import render
from django.utils.text import capfirst
from django.utils.translation import gettext as _

# PostgreSQL's SQLSTATE codes of integrity violations (Appendix A of its manual).
UNIQUE_VIOLATION, CHECK_VIOLATION, FOREIGN_KEY_VIOLATION, NOT_NULL_VIOLATION = (
    "23505",
    "23514",
    "23503",
    "23502",
)


@cache
def _constraint_messages() -> dict[str, object]:
    messages = {}
    for model in apps.get_models():
        for constraint in model._meta.constraints:
            if (
                isinstance(constraint, CheckConstraint | UniqueConstraint)
                and constraint.violation_error_message
            ):
                messages[constraint.name] = constraint.violation_error_message
    return messages


@cache
def _unique_field_messages() -> dict[str, list[tuple[str, object]]]:
    """Table -> (column, message) of fields declared unique=True (their database names are generated)."""
    found: dict[str, list[tuple[str, object]]] = {}
    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            if field.unique and not field.primary_key:
                message = field.error_messages["unique"] % {
                    "model_name": capfirst(model._meta.verbose_name),
                    "field_label": field.verbose_name,
                }
                found.setdefault(model._meta.db_table, []).append((field.column, message))
    return found


def integrity_message(error: IntegrityError) -> str:
    """The Swedish sentence for a broken database constraint."""
    diag = getattr(error.__cause__, "diag", None)
    name = getattr(diag, "constraint_name", None) or ""
    table = getattr(diag, "table_name", None) or ""
    state = getattr(error.__cause__, "sqlstate", None) or ""
    if name in _constraint_messages():
        return str(_constraint_messages()[name])
    for column, message in _unique_field_messages().get(table, []):
        if f"_{column}_" in name or name.endswith(f"_{column}"):
            return str(message)
    if state == UNIQUE_VIOLATION:
        return _("This has already been saved, perhaps a moment ago in another window. Reload the page.")
    if state == FOREIGN_KEY_VIOLATION:
        return _("Something this refers to has just been removed. Reload the page and try again.")
    if state == NOT_NULL_VIOLATION:
        return _("A required value is missing. Go back, fill in the form and try again.")
    return _("The values do not fit together. Go back, check the form and try again.")


class IntegrityErrorMiddleware:
    """Answers an IntegrityError that reached a view (after ATOMIC_REQUESTS rolled everything back) with a 409
    page saying what is wrong and leading back to the form; nothing was saved."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, IntegrityError):
            return None
        return integrity_response(request, exception)


def integrity_response(request, error: IntegrityError):
    """The 409 page for a constraint broken in a race: what is wrong, and back to the form; nothing was saved."""
    context = {"message": integrity_message(error), "back_url": request.get_full_path()}
    return render(request, "409.html", context, status=409)
