"""The OCDS releases published about each tender: one per change, never rewritten (OCDS: releases are immutable)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from .tenders import Tender


class OcdsRelease(models.Model):
    """A release as published: written by the service of the change it describes, in the same transaction."""

    tender = models.ForeignKey(
        Tender, verbose_name=_("tender"), on_delete=models.PROTECT, related_name="ocds_releases"
    )
    ocid = models.CharField(_("OCDS contracting process ID"), max_length=100)
    release_id = models.CharField(_("OCDS release ID"), max_length=120)
    date = models.DateTimeField(_("release date"))
    tag = models.JSONField(_("release tags"))
    data = models.JSONField(_("release"))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("OCDS release")
        verbose_name_plural = _("OCDS releases")
        ordering = ["tender_id", "date", "pk"]
        indexes = [models.Index(fields=["ocid", "date"], name="ocds_release_ocid_date")]
        constraints = [
            models.UniqueConstraint(
                fields=["ocid", "release_id"],
                name="ocds_release_id_unique_per_process",
                violation_error_message=_("This contracting process already has a release with this ID."),
            )
        ]

    def __str__(self) -> str:
        return self.release_id
