"""A municipality's stance on ASF: contact persons, adopted policies and action plans followed up year by year."""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.core.validators import FileExtensionValidator, MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from asfportal.accounts.models import Organisation
from asfportal.core.models import BaseModel


class ContactPerson(BaseModel):
    """Who to contact about ASF in an organisation ("Vem kontaktar jag?"), shown publicly."""

    class Responsibility(models.TextChoices):
        EXTERNAL = "external", _("Contact for companies")
        INTERNAL = "internal", _("Contact for staff considering starting an ASF")
        PROCUREMENT = "procurement", _("Procurement")
        BUSINESS = "business", _("Business development")
        LABOUR_MARKET = "labour_market", _("Labour market")

    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisation"), on_delete=models.CASCADE, related_name="asf_contacts"
    )
    name = models.CharField(_("name"), max_length=200)
    title = models.CharField(_("title"), max_length=200, blank=True)
    responsibility = models.CharField(_("responsibility"), max_length=20, choices=Responsibility)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)

    class Meta:
        verbose_name = _("ASF contact person")
        verbose_name_plural = _("ASF contact persons")
        ordering = ["responsibility", "name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.organisation})"


class PartnerRole(BaseModel):
    """A partner organisation (Arbetsförmedlingen, Coompanion, the region ...) and its role for ASF locally."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="asf_partners")
    partner = models.ForeignKey(
        Organisation, verbose_name=_("partner"), on_delete=models.CASCADE, related_name="partner_of"
    )
    role = models.CharField(_("role"), max_length=300)

    class Meta:
        verbose_name = _("partner")
        verbose_name_plural = _("partners")
        constraints = [
            models.UniqueConstraint(fields=["organisation", "partner"], name="one_role_per_partner")
        ]

    def __str__(self) -> str:
        return f"{self.partner}: {self.role}"


class Policy(BaseModel):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        ADOPTED = "adopted", _("Adopted")
        ARCHIVED = "archived", _("Archived")

    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisation"), on_delete=models.CASCADE, related_name="asf_policies"
    )
    title = models.CharField(_("title"), max_length=200)
    adopted_by = models.CharField(_("adopted by"), max_length=200, blank=True)
    adopted_on = models.DateField(_("adopted on"), null=True, blank=True)
    review_on = models.DateField(_("to be reviewed by"), null=True, blank=True)
    text = models.TextField(_("text (Markdown)"), max_length=50000, blank=True)
    document = models.FileField(
        _("document (PDF)"), upload_to="policies/", blank=True, validators=[FileExtensionValidator(["pdf"])]
    )
    status = models.CharField(_("status"), max_length=10, choices=Status, default=Status.DRAFT)

    class Meta:
        verbose_name = _("policy")
        verbose_name_plural = _("policies")
        ordering = ["-adopted_on", "title"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="adopted") | (Q(adopted_on__isnull=False) & ~Q(adopted_by="")),
                name="adopted_policy_has_body_and_date",
            )
        ]

    def __str__(self) -> str:
        return self.title


class ActionPlan(BaseModel):
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisation"), on_delete=models.CASCADE, related_name="action_plans"
    )
    policy = models.ForeignKey(
        Policy,
        verbose_name=_("policy"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="plans",
    )
    title = models.CharField(_("title"), max_length=200)
    start_year = models.PositiveSmallIntegerField(_("first year"), validators=[MinValueValidator(2000)])
    end_year = models.PositiveSmallIntegerField(_("last year"), validators=[MaxValueValidator(2100)])
    adopted_by = models.CharField(_("adopted by"), max_length=200, blank=True)
    adopted_on = models.DateField(_("adopted on"), null=True, blank=True)

    class Meta:
        verbose_name = _("action plan")
        verbose_name_plural = _("action plans")
        ordering = ["-start_year", "title"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_year__gte=models.F("start_year")), name="plan_years_in_order"
            )
        ]

    def __str__(self) -> str:
        return f"{self.title} {self.start_year}-{self.end_year}"

    @property
    def is_adopted(self) -> bool:
        return self.adopted_on is not None


class Goal(models.Model):
    plan = models.ForeignKey(ActionPlan, on_delete=models.CASCADE, related_name="goals")
    title = models.CharField(_("goal"), max_length=300)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("goal")
        verbose_name_plural = _("goals")
        ordering = ["order", "pk"]

    def __str__(self) -> str:
        return self.title


class Activity(BaseModel):
    class Kind(models.TextChoices):
        STRUCTURAL = "structural", _("Structural")
        INDIVIDUAL = "individual", _("Individual-oriented")

    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        ONGOING = "ongoing", _("Ongoing")
        DONE = "done", _("Done")
        POSTPONED = "postponed", _("Postponed")
        CANCELLED = "cancelled", _("Cancelled")

    class Category(models.TextChoices):
        """What the activity does; some are ruled out for samordningsförbund (see services.FORBUND_FORBIDDEN)."""

        AWARENESS = "awareness", _("Raising awareness, education, inspiration days")
        PROCUREMENT = "procurement", _("Procurement, reserved contracts and IOP")
        WORK_TRAINING = "work_training", _("Work training and rehabilitation at ASF")
        SUPPORT_STRUCTURE = "support_structure", _("Support structures and cooperation")
        SUPERVISOR_FUNDING = "supervisor_funding", _("Funding supervisors employed by a party")
        CASH_GRANT = "cash_grant", _("Cash grant to an individual company")
        START_OR_DEVELOP_ASF = "start_or_develop_asf", _("Starting or developing an ASF")
        MEMBERSHIP = "membership", _("Membership in an ASF or an interest organisation")
        STAFF_COMPETENCE = "staff_competence", _("Competence development for ASF staff")
        OTHER = "other", _("Other")

    # Progress when none is recorded (percent).
    DEFAULT_PROGRESS = {"planned": 0, "ongoing": 50, "done": 100, "postponed": 0, "cancelled": 0}

    plan = models.ForeignKey(
        ActionPlan, verbose_name=_("action plan"), on_delete=models.CASCADE, related_name="activities"
    )
    goal = models.ForeignKey(
        Goal,
        verbose_name=_("goal"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="activities",
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), max_length=4000, blank=True)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind, default=Kind.STRUCTURAL)
    category = models.CharField(_("category"), max_length=30, choices=Category, default=Category.OTHER)
    responsible_organisation = models.ForeignKey(
        Organisation, verbose_name=_("responsible organisation"), on_delete=models.PROTECT, related_name="+"
    )
    responsible_person = models.CharField(_("responsible person"), max_length=200, blank=True)
    partners = models.CharField(_("partners"), max_length=400, blank=True)
    start_on = models.DateField(_("start"))
    end_on = models.DateField(_("end"))
    budget = models.DecimalField(_("budget (SEK)"), max_digits=12, decimal_places=0, null=True, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status, default=Status.PLANNED)
    progress = models.PositiveSmallIntegerField(
        _("progress (%)"), null=True, blank=True, validators=[MaxValueValidator(100)]
    )
    public_supervisor = models.BooleanField(_("a supervisor is employed by a public body"), default=False)
    override_reason = models.CharField(
        _("reason to go ahead despite the warning"), max_length=300, blank=True
    )

    class Meta:
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
        ordering = ["start_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_on__gte=models.F("start_on")), name="activity_ends_after_start"
            )
        ]

    def __str__(self) -> str:
        return self.title

    def effective_progress(self) -> int:
        return self.progress if self.progress is not None else self.DEFAULT_PROGRESS[self.status]

    def signal(self, today: date) -> str:
        """Traffic light: "late" once the end has passed unfinished, "at_risk" when progress lags time, else "on_track"."""
        if self.status in (self.Status.DONE, self.Status.CANCELLED):
            return "on_track"
        if today > self.end_on:
            return "late"
        span = max((self.end_on - self.start_on).days, 1)
        elapsed = min(max((today - self.start_on).days, 0), span)
        return "at_risk" if 100 * elapsed / span - self.effective_progress() > 25 else "on_track"


class Indicator(models.Model):
    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="indicators")
    name = models.CharField(_("indicator"), max_length=200)
    baseline = models.DecimalField(_("baseline"), max_digits=12, decimal_places=2, null=True, blank=True)
    target = models.DecimalField(_("target"), max_digits=12, decimal_places=2, null=True, blank=True)
    kolada_id = models.CharField(
        _("Kolada key figure"), max_length=20, blank=True, help_text=_("For example N00945.")
    )
    actuals = models.JSONField(_("actual values per year"), default=dict, blank=True)

    class Meta:
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")

    def __str__(self) -> str:
        return self.name


class Milestone(models.Model):
    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="milestones")
    title = models.CharField(_("milestone"), max_length=200)
    due_on = models.DateField(_("due"))
    done_on = models.DateField(_("done"), null=True, blank=True)

    class Meta:
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")
        ordering = ["due_on"]

    def __str__(self) -> str:
        return self.title


class ProgressNote(models.Model):
    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="notes")
    noted_on = models.DateField(_("date"))
    text = models.TextField(_("note"), max_length=2000)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        verbose_name = _("progress note")
        verbose_name_plural = _("progress notes")
        ordering = ["-noted_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.noted_on}: {self.text[:40]}"


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

    class Meta:
        verbose_name = _("contract value for a year")
        verbose_name_plural = _("contract values per year")
        ordering = ["-year"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "year"], name="one_contract_total_a_year")
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
            models.UniqueConstraint(fields=["organisation", "year", "version"], name="one_report_per_version")
        ]

    def __str__(self) -> str:
        return f"{self.organisation} {self.year} v{self.version}"

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)
