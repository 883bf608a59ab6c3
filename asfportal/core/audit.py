"""The audit trail: one entry per state change, in the same transaction as the change."""

from typing import Any

from django.db import models

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
