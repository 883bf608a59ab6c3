"""A representative's proposed change to the facts the four criteria rest on."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from asfportal.core.models import BaseModel

from .company import Company


class ChangeRequest(BaseModel):
    """A representative's proposed change to the facts the criteria rest on, until a coordinator decides."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")

    company = models.ForeignKey(
        Company, verbose_name=_("company"), on_delete=models.CASCADE, related_name="change_requests"
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("requested by"), on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status, default=Status.PENDING, db_index=True
    )
    old_values = models.JSONField(_("current values"))
    new_values = models.JSONField(_("proposed values"))
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    comment = models.TextField(_("comment"), max_length=2000, blank=True)

    class Meta:
        verbose_name = _("change request")
        verbose_name_plural = _("change requests")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["company"],
                condition=Q(status="pending"),
                name="one_pending_change_request_per_company",
                violation_error_message=_(
                    "A change request is already waiting for a coordinator. Wait for the decision first."
                ),
            )
        ]

    def __str__(self) -> str:
        return f"{self.company.name} {self.created_at:%Y-%m-%d}"

    @property
    def is_pending(self) -> bool:
        return self.status == self.Status.PENDING

    @property
    def is_approved(self) -> bool:
        return self.status == self.Status.APPROVED

    def decide_blockers(self, *, approve: bool, comment: str) -> list[str]:
        if not self.is_pending:
            return [_("This change request has already been decided.")]
        if not approve and not (comment or "").strip():
            return [_("Say why the change is rejected, so the company can correct it.")]
        return []

    def proposed_company(self) -> Company:
        """The company as it would be after approval (unsaved), to check and to warn about."""
        company = Company.objects.get(pk=self.company_id)
        for name, value in self.new_values.items():
            setattr(company, name, value)
        return company

    def approval_warnings(self) -> list[str]:
        """What approving would break: a criterion (public ownership, distributed profits) or the 30 % share
        of reserved contracts, when the current facts do not already break it. Shown before the coordinator
        decides, and again after approval."""
        current = Company.objects.get(pk=self.company_id)
        already = set(current.criteria_warnings())
        return [w for w in self.proposed_company().criteria_warnings() if w not in already]

    def rows(self) -> list[tuple[str, object, object]]:
        """(field label, current, proposed) for a side-by-side view."""
        fields = {f.name: f for f in Company._meta.fields}

        def shown(field, value):
            return dict(field.flatchoices).get(value, value) if field.choices else value

        return [
            (
                fields[name].verbose_name,
                shown(fields[name], self.old_values.get(name)),
                shown(fields[name], value),
            )
            for name, value in self.new_values.items()
        ]
