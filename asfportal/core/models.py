"""Shared model base, the audit trail, worker heartbeats and accessibility reports."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class BaseModel(models.Model):
    """Every domain model records when it was created and last changed."""

    created_at = models.DateTimeField(_("created"), auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        abstract = True


class AuditEntry(models.Model):
    """One state change: who did what to which object, written in the change's own transaction."""

    at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="audit_entries",
    )
    # pretix-style dotted code, e.g. "accounts.user.created"
    action = models.CharField(_("action"), max_length=100, db_index=True)
    object_type = models.CharField(_("object type"), max_length=100, blank=True)
    object_id = models.CharField(_("object id"), max_length=64, blank=True)
    object_repr = models.CharField(_("object"), max_length=200, blank=True)
    data = models.JSONField(_("details"), default=dict, blank=True)

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit trail")
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["object_type", "object_id"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} {self.object_repr}"


class WorkerHeartbeat(models.Model):
    """Written by a periodic task, so administrators can see that beat and a worker run."""

    at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)
    worker = models.CharField(_("worker"), max_length=200, blank=True)
    label = models.CharField(_("label"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("worker heartbeat")
        verbose_name_plural = _("worker heartbeats")
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.worker}"


class AccessibilityReport(BaseModel):
    """A shortcoming reported by a visitor through the accessibility statement (DOS-lagen 2018:1937)."""

    class Status(models.TextChoices):
        NEW = "new", _("New")
        HANDLED = "handled", _("Handled")

    page_url = models.CharField(_("page where the problem is"), max_length=500, blank=True)
    description = models.TextField(_("description of the problem"), max_length=5000)
    contact_email = models.EmailField(_("your e-mail address (optional)"), blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status, default=Status.NEW)

    class Meta:
        verbose_name = _("accessibility report")
        verbose_name_plural = _("accessibility reports")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d} {self.description[:60]}"
