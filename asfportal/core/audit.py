"""The audit trail: one entry per state change, in the same transaction as the change."""

from typing import Any

from django.db import models

from .models import AuditEntry


def audit(actor: Any, action: str, obj: models.Model | None = None, **data: Any) -> AuditEntry:
    """Record that `actor` (a user, or None for the system) did `action` to `obj`."""
    return AuditEntry.objects.create(
        actor=actor if getattr(actor, "pk", None) else None,
        action=action,
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        object_repr=str(obj)[:200] if obj is not None else "",
        data=data,
    )
