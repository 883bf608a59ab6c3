"""The ASF registry: companies, their representatives, assessments against the four criteria, change requests."""

from __future__ import annotations

import calendar
from datetime import date

from django.conf import settings
from django.contrib.postgres.search import SearchVector
from django.core.validators import FileExtensionValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from asfportal.accounts.models import Organisation
from asfportal.core.models import BaseModel


class ServiceCategory(models.Model):
    """What ASF sell (café, cleaning, removals ...); `cpv_prefixes` lets tenders be matched by CPV code."""

    slug = models.SlugField(_("code"), unique=True)
    name = models.CharField(_("name (Swedish)"), max_length=100)
    name_en = models.CharField(_("name (English)"), max_length=100)
    cpv_prefixes = models.CharField(
        _("CPV prefixes"),
        max_length=200,
        blank=True,
        help_text=_("Comma-separated leading digits of CPV codes."),
    )

    class Meta:
        verbose_name = _("service category")
        verbose_name_plural = _("service categories")
        ordering = ["name"]

    def __str__(self) -> str:
        from django.utils.translation import get_language

        return self.name_en if (get_language() or "sv").startswith("en") else self.name


# What the directory search matches with Swedish stemming. Migration 0003 builds a GIN index on this very
# expression on PostgreSQL (SQLite, the local portal, has no full-text search and skips it).
SEARCH_VECTOR = SearchVector("name", "description", config="swedish")


class CompanyQuerySet(models.QuerySet):
    def listed(self) -> CompanyQuerySet:
        """What the public directory shows: verified companies whose assessment is still valid."""
        return self.filter(status=Company.Status.VERIFIED, verified_until__gte=timezone.localdate())

    def visible_to(self, user) -> CompanyQuerySet:
        """Coordinators, procurement officers and administrators see the whole registry (it is shared by all
        municipalities); a representative sees their own company; anyone else only the public directory."""
        role = getattr(user, "role", None) if user.is_authenticated else None
        if role in ("coordinator", "procurement_officer", "administrator"):
            return self.all()
        listed = Q(status=Company.Status.VERIFIED, verified_until__gte=timezone.localdate())
        if role == "company_representative":
            return self.filter(
                listed | Q(pk__in=Representative.objects.filter(user=user).values("company_id"))
            )
        return self.filter(listed)


class Company(BaseModel):
    class Status(models.TextChoices):
        APPLIED = "applied", _("Applied")
        UNDER_ASSESSMENT = "under_assessment", _("Under assessment")
        VERIFIED = "verified", _("Verified")
        NOT_VERIFIED = "not_verified", _("Not verified")
        LAPSED = "lapsed", _("Lapsed")
        CLOSED = "closed", _("Closed")

    class LegalForm(models.TextChoices):
        EKONOMISK_FORENING = "ekonomisk_forening", _("Economic association (ekonomisk förening)")
        AKTIEBOLAG_SVB = "aktiebolag_svb", _("Limited company with restricted dividends (svb)")
        IDEELL_FORENING = "ideell_forening", _("Non-profit association (ideell förening)")
        STIFTELSE = "stiftelse", _("Foundation (stiftelse)")
        AKTIEBOLAG = "aktiebolag", _("Other limited company (aktiebolag)")
        OTHER = "other", _("Other")

    name = models.CharField(_("name"), max_length=200)
    org_number = models.CharField(_("organisation number"), max_length=11, unique=True)
    legal_form = models.CharField(_("legal form"), max_length=30, choices=LegalForm)
    status = models.CharField(
        _("status"), max_length=20, choices=Status, default=Status.APPLIED, db_index=True
    )
    verified_until = models.DateField(_("verified until"), null=True, blank=True)
    skoopi_certified_until = models.DateField(_("Skoopi certification valid until"), null=True, blank=True)
    municipalities = models.ManyToManyField(
        Organisation,
        verbose_name=_("municipalities where it operates"),
        related_name="companies",
        limit_choices_to={"kind": "kommun"},
        blank=True,
    )
    visiting_address = models.CharField(_("visiting address"), max_length=200, blank=True)
    postal_code = models.CharField(_("postal code"), max_length=10, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    website = models.URLField(_("website"), blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    description = models.TextField(_("description (Swedish)"), max_length=4000, blank=True)
    description_en = models.TextField(_("description (English)"), max_length=4000, blank=True)
    service_categories = models.ManyToManyField(
        ServiceCategory, verbose_name=_("services"), related_name="companies", blank=True
    )
    # The facts the four criteria rest on. A representative may propose changes to them only through a change
    # request that a coordinator approves (see CRITERIA_FIELDS).
    employees_total = models.PositiveIntegerField(_("employees"), default=0)
    employees_integration = models.PositiveIntegerField(
        _("of whom employed for work integration"),
        default=0,
        help_text=_(
            "Employees from the target group; the share matters for reserved contracts (LOU 4 kap. 18 §)."
        ),
    )
    participants = models.PositiveIntegerField(_("people in work training or placements"), default=0)
    ownership = models.TextField(_("owners or members"), max_length=2000, blank=True)
    participation = models.TextField(_("how co-workers take part in decisions"), max_length=2000, blank=True)
    profit_use = models.TextField(_("how profits are used"), max_length=2000, blank=True)
    has_public_owner = models.BooleanField(_("a public body owns or controls the company"), default=False)
    work_training_places = models.PositiveIntegerField(_("work-training places"), default=0)
    history = HistoricalRecords(excluded_fields=["updated_at"])

    objects = CompanyQuerySet.as_manager()

    class Meta:
        verbose_name = _("company")
        verbose_name_plural = _("companies")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(employees_integration__lte=models.F("employees_total")),
                name="company_integration_within_employees",
            ),
            models.CheckConstraint(
                condition=Q(org_number__regex=r"^[0-9]{6}-[0-9]{4}$"), name="company_org_number_normalised"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.org_number})"

    @property
    def integration_share(self) -> int | None:
        """Percentage of employees employed for integration (LOU 4 kap. 18 §: at least 30 % for reserved contracts)."""
        if not self.employees_total:
            return None
        return round(100 * self.employees_integration / self.employees_total)

    def clean(self) -> None:
        from .validators import check_group_matches_legal_form

        if self.org_number and self.legal_form:
            check_group_matches_legal_form(self.org_number, self.legal_form)


# Edits to these need a coordinator's approval (issue 4 §4): they are what the criteria assessment rests on.
CRITERIA_FIELDS = (
    "legal_form",
    "ownership",
    "participation",
    "profit_use",
    "has_public_owner",
    "employees_total",
    "employees_integration",
    "participants",
)


class Representative(BaseModel):
    """A user who acts for one company."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="representation",
    )
    company = models.ForeignKey(
        Company, verbose_name=_("company"), on_delete=models.PROTECT, related_name="representatives"
    )

    class Meta:
        verbose_name = _("company representative")
        verbose_name_plural = _("company representatives")

    def __str__(self) -> str:
        return f"{self.user}: {self.company.name}"


class ContactPerson(BaseModel):
    company = models.ForeignKey(
        Company, verbose_name=_("company"), on_delete=models.CASCADE, related_name="contacts"
    )
    name = models.CharField(_("name"), max_length=200)
    title = models.CharField(_("role"), max_length=200, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)

    class Meta:
        verbose_name = _("contact person")
        verbose_name_plural = _("contact persons")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Invitation(BaseModel):
    """A single-use link that lets a (new) representative set a password and act for the company."""

    company = models.ForeignKey(
        Company, verbose_name=_("company"), on_delete=models.CASCADE, related_name="invitations"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("invited user"), on_delete=models.CASCADE, related_name="+"
    )
    token = models.CharField(max_length=64, unique=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("invited by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    expires_at = models.DateTimeField(_("expires"))
    used_at = models.DateTimeField(_("used"), null=True, blank=True)

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")

    def __str__(self) -> str:
        return f"{self.user.email} → {self.company.name}"

    def is_usable(self) -> bool:
        return self.used_at is None and self.expires_at > timezone.now()


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
    c1_employees = models.PositiveIntegerField(_("employees"), default=0)
    c1_participants = models.PositiveIntegerField(_("participants in work training"), default=0)
    c1_target_group_hires = models.PositiveIntegerField(
        _("hires from the target group, last 12 months"), default=0
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
        _("year of the annual report"), null=True, blank=True
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
            ),
            models.CheckConstraint(
                condition=Q(is_verified=False)
                | (Q(c1_verdict="met") & Q(c2_verdict="met") & Q(c3_verdict="met") & Q(c4_verdict="met")),
                name="assessment_verified_needs_all_four",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.company.name} {self.assessed_on}"

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
        if self.c4_public_supervisor:
            found.append(
                _("A supervisor employed by a public body may conflict with independence (criterion 4).")
            )
        return found


# Skoopi: the highest salary should not exceed 2.5 times the lowest (criterion 3).
SALARY_RATIO_LIMIT = 2.5


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
            )
        ]

    def __str__(self) -> str:
        return f"{self.company.name} {self.created_at:%Y-%m-%d}"

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


def default_valid_until(assessed_on: date) -> date:
    """An assessment is valid COMPANY_ASSESSMENT_VALID_MONTHS after its date (default 12: renewed yearly)."""
    month_index = assessed_on.month - 1 + settings.COMPANY_ASSESSMENT_VALID_MONTHS
    year, month = assessed_on.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(assessed_on.day, calendar.monthrange(year, month)[1]))
