"""What the annual report needs beside the other apps' figures, and each generated version of the report."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from asfportal.accounts.models import Organisation
from asfportal.core.models import BaseModel


class ContractTotal(BaseModel):
    """All contract value an organisation awarded in a year, as its coordinator enters it from the finance system:
    the denominator of the ASF share in the annual report (the portal only sees the ASF awards)."""

    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisation"), on_delete=models.CASCADE, related_name="contract_totals"
    )
    year = models.PositiveSmallIntegerField(
        _("year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    total_value = models.DecimalField(
        _("all contract value awarded (SEK)"),
        max_digits=15,
        decimal_places=0,
        validators=[MinValueValidator(0)],
    )

    constraint_fields = {"one_contract_total_a_year": "year"}

    class Meta:
        verbose_name = _("contract value for a year")
        verbose_name_plural = _("contract values per year")
        ordering = ["-year"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "year"],
                name="one_contract_total_a_year",
                violation_error_message=_("The contract value for this year is already entered."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.organisation} {self.year}"


def report_path(report: AnnualReport, filename: str) -> str:
    return f"reports/{report.organisation_id}/{report.year}/{filename}"


class AnnualReport(BaseModel):
    """One generated version of an organisation's annual report. Its figures are frozen at generation, so later
    edits to companies, placements, tenders or plans do not change what was published; a new version is generated
    instead."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting to start")
        RUNNING = "running", _("Being generated")
        DONE = "done", _("Ready")
        FAILED = "failed", _("Failed")

    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisation"), on_delete=models.CASCADE, related_name="annual_reports"
    )
    year = models.PositiveSmallIntegerField(
        _("year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    version = models.PositiveSmallIntegerField(_("version"), default=1)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Empty for the automatic January run."),
    )
    status = models.CharField(_("status"), max_length=10, choices=Status, default=Status.QUEUED)
    progress = models.PositiveSmallIntegerField(
        _("progress (%)"), default=0, validators=[MaxValueValidator(100)]
    )
    step = models.CharField(_("current step"), max_length=100, blank=True)
    figures = models.JSONField(_("figures"), default=dict, blank=True)
    generated_at = models.DateTimeField(_("generated"), null=True, blank=True)
    pdf = models.FileField(_("PDF"), upload_to=report_path, blank=True)
    xlsx = models.FileField(_("Excel workbook"), upload_to=report_path, blank=True)
    error = models.CharField(_("error"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("annual report")
        verbose_name_plural = _("annual reports")
        ordering = ["-year", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "year", "version"],
                name="one_report_per_version",
                violation_error_message=_("This version of the report already exists; generate a new one."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.organisation} {self.year} v{self.version}"

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)

    @property
    def is_done(self) -> bool:
        return self.status == self.Status.DONE

    @property
    def is_failed(self) -> bool:
        return self.status == self.Status.FAILED

    @property
    def shows_active_now(self) -> bool:
        """ "Active now" describes the day the report was generated: it belongs only in a report on the year
        that was running then, never in one on a past year."""
        return self.generated_at is not None and self.year == timezone.localtime(self.generated_at).year
