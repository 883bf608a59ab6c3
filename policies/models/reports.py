"""What the annual report needs beside the other apps' figures, and each generated version of the report."""

from __future__ import annotations

from datetime import date, timedelta

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


# Finsam (2003:1210) 7 §: the förbund follows up and reports to its board: interim reports after 30 April and 30
# September, and the annual report after the year, audited by the parties' auditors (finsamsos.se; finsam.se).
# The period ends are the law's custom; the days the board gives after each are UNCONFIRMED and the förbund's own.
BOARD_REPORT_PERIOD_ENDS = ((4, 30, "interim"), (9, 30, "interim"), (12, 31, "annual"))
BOARD_REPORT_DUE_DAYS = {"interim": 31, "annual": 45}
# Reports of periods that ended longer ago than this are no longer asked for (a förbund new to the portal is
# not told to report on years it kept elsewhere).
BOARD_REPORT_LOOKBACK_DAYS = 370


class BoardReport(BaseModel):
    """That a samordningsförbund's interim or annual report for a period was put before its board, recorded by its
    coordinator; the schedule (BOARD_REPORT_PERIOD_ENDS) says which periods are due, this row that one is done."""

    class Kind(models.TextChoices):
        INTERIM = "interim", _("Interim report")
        ANNUAL = "annual", _("Annual report")

    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisation"), on_delete=models.CASCADE, related_name="board_reports"
    )
    kind = models.CharField(_("kind of report"), max_length=10, choices=Kind)
    period_end = models.DateField(_("period ends"))
    submitted_on = models.DateField(_("put before the board on"))
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.SET_NULL, null=True,
        related_name="+",
    )  # fmt: skip

    constraint_fields = {"one_board_report_a_period": "period_end"}

    class Meta:
        verbose_name = _("report to the board")
        verbose_name_plural = _("reports to the board")
        ordering = ["-period_end"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "kind", "period_end"],
                name="one_board_report_a_period",
                violation_error_message=_("This report to the board is already recorded."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.organisation} {self.kind} {self.period_end}"

    @staticmethod
    def due_on(kind: str, period_end: date) -> date:
        return period_end + timedelta(days=BOARD_REPORT_DUE_DAYS[kind])

    @staticmethod
    def periods_due(*, today: date) -> list[tuple[str, date]]:
        """The (kind, period end) a förbund reports on now: periods ended within the lookback, oldest first."""
        periods = []
        for year in (today.year - 1, today.year):
            for month, day, kind in BOARD_REPORT_PERIOD_ENDS:
                end = date(year, month, day)
                if today - timedelta(days=BOARD_REPORT_LOOKBACK_DAYS) <= end < today:
                    periods.append((kind, end))
        return sorted(periods, key=lambda period: period[1])

    @classmethod
    def record_blockers(cls, *, organisation: Organisation, kind: str, period_end: date, on: date,
                        at: date) -> list[str]:  # fmt: skip
        """Why this report may not be recorded as put before the board `on`; empty when it may."""
        if organisation.kind != Organisation.Kind.SAMORDNINGSFORBUND:
            return [_("Only a samordningsförbund reports to its board here.")]
        if (kind, period_end) not in cls.periods_due(today=at):
            return [_("This is not a reporting period of the last year that has ended.")]
        if on > at:
            return [_("The date cannot be in the future.")]
        if on <= period_end:
            return [_("The report is put before the board after its period has ended.")]
        return []
