"""A coordinator's assessment of a company against Tillväxtverket's four ASF criteria."""

from __future__ import annotations

import calendar
from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import FileExtensionValidator, MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from asfportal.accounts.models import Organisation
from asfportal.core.models import BaseModel

from .company import Company, headcount_limit

EVIDENCE_EXTENSIONS = ["pdf", "docx", "odt", "xlsx"]


def evidence_path(instance, filename: str) -> str:
    # Random folder per upload; files are served only through a permission-checked view, never from MEDIA_URL.
    import uuid

    return f"evidence/{instance.company_id}/{uuid.uuid4().hex}/{filename}"


class Assessment(BaseModel):
    """A coordinator's assessment of one company against Tillväxtverket's four ASF criteria; never edited later."""

    class Verdict(models.TextChoices):
        MET = "met", _("Met")
        NOT_MET = "not_met", _("Not met")
        UNCLEAR = "unclear", _("Unclear")

    constraint_fields = {"assessment_public_owner_fails_c4": "c4_verdict"}

    company = models.ForeignKey(
        Company, verbose_name=_("company"), on_delete=models.PROTECT, related_name="assessments"
    )
    assessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("assessed by"), on_delete=models.PROTECT, related_name="+"
    )
    assessor_organisation = models.ForeignKey(
        Organisation, verbose_name=_("on behalf of"), on_delete=models.PROTECT, related_name="+"
    )
    assessed_on = models.DateField(_("assessment date"))
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    is_verified = models.BooleanField(_("all four criteria met"), default=False)
    note = models.TextField(_("overall comment"), max_length=4000, blank=True)
    # Criterion 1: work integration is the overall purpose.
    c1_verdict = models.CharField(_("criterion 1: verdict"), max_length=10, choices=Verdict)
    c1_employees = models.PositiveIntegerField(_("employees"), default=0, validators=[headcount_limit()])
    c1_participants = models.PositiveIntegerField(
        _("participants in work training"), default=0, validators=[headcount_limit()]
    )
    c1_target_group_hires = models.PositiveIntegerField(
        _("hires from the target group, last 12 months"), default=0, validators=[headcount_limit()]
    )
    c1_note = models.TextField(_("criterion 1: evidence"), max_length=2000, blank=True)
    # Criterion 2: co-workers take part in decisions.
    c2_verdict = models.CharField(_("criterion 2: verdict"), max_length=10, choices=Verdict)
    c2_document = models.FileField(
        _("participation document"),
        upload_to=evidence_path,
        blank=True,
        validators=[FileExtensionValidator(EVIDENCE_EXTENSIONS)],
    )
    c2_revised_on = models.DateField(_("participation document revised"), null=True, blank=True)
    c2_note = models.TextField(_("criterion 2: evidence"), max_length=2000, blank=True)
    # Criterion 3: profits are mainly reinvested.
    c3_verdict = models.CharField(_("criterion 3: verdict"), max_length=10, choices=Verdict)
    c3_articles = models.FileField(
        _("articles of association (stadgar)"),
        upload_to=evidence_path,
        blank=True,
        validators=[FileExtensionValidator(EVIDENCE_EXTENSIONS)],
    )
    c3_annual_report = models.FileField(
        _("latest approved annual report"),
        upload_to=evidence_path,
        blank=True,
        validators=[FileExtensionValidator(EVIDENCE_EXTENSIONS)],
    )
    c3_annual_report_year = models.PositiveSmallIntegerField(
        _("year of the annual report"),
        null=True,
        blank=True,
        validators=[
            MinValueValidator(1900, _("Enter a year from 1900 on.")),
            MaxValueValidator(2100, _("Enter a year up to 2100.")),
        ],
    )
    c3_salary_ratio = models.DecimalField(
        _("highest to lowest salary"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    c3_note = models.TextField(_("criterion 3: evidence"), max_length=2000, blank=True)
    # Criterion 4: organisationally independent of the public sector.
    c4_verdict = models.CharField(_("criterion 4: verdict"), max_length=10, choices=Verdict)
    c4_owners = models.TextField(_("owners or members"), max_length=2000, blank=True)
    c4_public_owner = models.BooleanField(_("a public body is among the owners"), default=False)
    c4_public_supervisor = models.BooleanField(_("a supervisor is employed by a public body"), default=False)
    c4_note = models.TextField(_("criterion 4: evidence"), max_length=2000, blank=True)

    class Meta:
        verbose_name = _("assessment")
        verbose_name_plural = _("assessments")
        ordering = ["-assessed_on", "-pk"]
        constraints = [
            # Skoopi: with a public owner, criterion 4 cannot be met.
            models.CheckConstraint(
                condition=~(Q(c4_public_owner=True) & Q(c4_verdict="met")),
                name="assessment_public_owner_fails_c4",
                violation_error_message=_(
                    "Criterion 4 cannot be met when a public body is among the owners."
                ),
            ),
            models.CheckConstraint(
                condition=Q(is_verified=False)
                | (Q(c1_verdict="met") & Q(c2_verdict="met") & Q(c3_verdict="met") & Q(c4_verdict="met")),
                name="assessment_verified_needs_all_four",
                violation_error_message=_(
                    "An assessment verifies a company only when all four criteria are met."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.company.name} {self.assessed_on}"

    def clean(self) -> None:
        """The assessment date: not in the future, and not before the company's latest assessment (the company's
        status follows its latest assessment, so an older one recorded later would overwrite a newer outcome)."""
        if self.assessed_on is None:
            return
        if self.assessed_on > timezone.localdate():
            raise ValidationError({"assessed_on": _("The assessment date cannot be in the future.")})
        if self.company_id and self._state.adding:
            latest = (
                Assessment.objects.filter(company_id=self.company_id)
                .order_by("-assessed_on")
                .values_list("assessed_on", flat=True)
                .first()
            )
            if latest and self.assessed_on < latest:
                raise ValidationError(
                    {
                        "assessed_on": _(
                            "The company already has an assessment dated %(date)s. A new assessment cannot be "
                            "dated before it."
                        )
                        % {"date": latest.isoformat()}
                    }
                )

    def has_run_out(self, *, today: date) -> bool:
        """A verified assessment whose validity is over (a back-dated one may have run out when recorded)."""
        return self.is_verified and self.valid_until is not None and self.valid_until < today

    def verdicts(self) -> list[tuple[int, str]]:
        return [(1, self.c1_verdict), (2, self.c2_verdict), (3, self.c3_verdict), (4, self.c4_verdict)]

    def all_met(self) -> bool:
        return all(verdict == self.Verdict.MET for _, verdict in self.verdicts())

    def warnings(self) -> list[str]:
        """Signals a coordinator should weigh, which do not by themselves fail a criterion."""
        found = []
        if self.c1_participants and not self.c1_employees and not self.c1_target_group_hires:
            found.append(
                _("The company only takes placements and has hired nobody: an ASF must employ people.")
            )
        if self.c3_salary_ratio is not None and self.c3_salary_ratio > SALARY_RATIO_LIMIT:
            found.append(_("The highest salary is more than 2.5 times the lowest (Skoopi's limit)."))
        if self.c3_verdict == self.Verdict.MET and self.company_id and self.company.distributes_profits:
            found.append(
                _("The company's facts say it distributes profits to its owners, yet criterion 3 is met.")
            )
        if self.c4_public_supervisor:
            found.append(
                _("A supervisor employed by a public body may conflict with independence (criterion 4).")
            )
        return found


# Skoopi: the highest salary should not exceed 2.5 times the lowest (criterion 3).
SALARY_RATIO_LIMIT = 2.5


def default_valid_until(assessed_on: date) -> date:
    """An assessment is valid COMPANY_ASSESSMENT_VALID_MONTHS after its date (default 12: renewed yearly)."""
    month_index = assessed_on.month - 1 + settings.COMPANY_ASSESSMENT_VALID_MONTHS
    year, month = assessed_on.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(assessed_on.day, calendar.monthrange(year, month)[1]))
