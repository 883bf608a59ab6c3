"""The audit trail: one entry per state change, in the same transaction as the change."""

from collections.abc import Callable
from typing import Any

from django.db import models
from django.db.models import QuerySet

from .models import AuditEntry


def audit(actor: Any, action: str, obj: models.Model | None = None, **data: Any) -> AuditEntry:
    """Record that `actor` (a user, or None for the system) did `action` to `obj`.

    The entry names the object by its `audit_label()` when the model has one, else by `str(obj)`: a model whose
    `__str__` carries personal data (a placement shows the participant's code) gives a label without it, because
    the trail outlives erasure and anonymisation. `data` is stored as it is: pass ids and field names, never
    personal data or the content of a sealed answer.
    """
    label = obj.audit_label() if hasattr(obj, "audit_label") else str(obj) if obj is not None else ""
    return AuditEntry.objects.create(
        actor=actor if getattr(actor, "pk", None) else None,
        action=action,
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        object_repr=label[:200],
        data=data,
    )


# Entries that stay hidden while what they record is secret, wherever the trail is shown (the admin, the
# administrator's dashboard). The core cannot import the apps, so an app registers what it seals: procurement
# registers answers to tenders, sealed until the deadline.
_AUDIT_ENTRY_FILTERS: list[Callable[[QuerySet], QuerySet]] = []


def hide_audit_entries(exclude: Callable[[QuerySet], QuerySet]) -> Callable[[QuerySet], QuerySet]:
    """Register `exclude(entries) -> entries`, applied to the audit trail wherever it is shown."""
    _AUDIT_ENTRY_FILTERS.append(exclude)
    return exclude


def visible_audit_entries(entries: QuerySet | None = None) -> QuerySet:
    """`entries` (all by default) without those an app has sealed for now."""
    entries = AuditEntry.objects.all() if entries is None else entries
    for exclude in _AUDIT_ENTRY_FILTERS:
        entries = exclude(entries)
    return entries
