"""The ASF registry's companies, their representatives, contact persons and invitations, and the lifecycle of a
company (applied → under assessment → verified → lapsed / not verified → closed)."""

from __future__ import annotations

from datetime import date

from django.contrib.postgres.search import SearchVector
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Case, F, Q, Value, When
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from asfportal.accounts import capabilities
from asfportal.accounts.models import Organisation
from asfportal.core.models import BaseModel
from asfportal.core.personal_data import (
    normalise_swedish_phone_number,
    reject_personal_identity_number,
    validate_swedish_phone_number,
)

from ..validators import check_group_matches_legal_form, normalise_org_number, normalise_postal_code

# LOU 4 kap. 18 §: at least 30 % of the people a supplier occupies must be from the target group for a reserved
# contract (UHM "Vilka leverantörer avses").
RESERVED_CONTRACT_SHARE = 30
# Headcounts beyond any Swedish ASF; keeps the database's integer limit out of every message.
MAX_HEADCOUNT = 100_000


def headcount_limit() -> MaxValueValidator:
    return MaxValueValidator(MAX_HEADCOUNT, _("Enter at most %(limit_value)s."))


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


def _listed_on(day: date) -> Q:
    return Q(status=Company.Status.VERIFIED, verified_until__gte=day)


class CompanyQuerySet(models.QuerySet):
    def listed(self) -> CompanyQuerySet:
        """What the public directory shows: verified companies whose assessment is still valid today."""
        return self.filter(_listed_on(timezone.localdate()))

    def with_status_today(self) -> CompanyQuerySet:
        """Annotates `status_today`: the status a reader must see now. A verified company whose assessment ran
        out is lapsed from the day after, whether or not the nightly job (companies_lapse) has run yet."""
        today = timezone.localdate()
        return self.annotate(
            status_today=Case(
                When(
                    Q(status=Company.Status.VERIFIED) & ~_listed_on(today), then=Value(Company.Status.LAPSED)
                ),
                default=F("status"),
                output_field=models.CharField(),
            )
        )

    def visible_to(self, user) -> CompanyQuerySet:
        """Coordinators, procurement officers and administrators see the whole registry (it is shared by all
        municipalities); a representative sees their own company; anyone else only the public directory."""
        if capabilities.can_read_registry(user) or capabilities.is_procurement_officer(user):
            return self.all()
        listed = _listed_on(timezone.localdate())
        company_id = capabilities.represented_company_id(user)
        if company_id is not None:
            return self.filter(listed | Q(pk=company_id))
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

    # The organisation number has its own validator (normalise_org_number), which refuses personnummer itself.
    identity_number_exempt = ("org_number",)
    constraint_fields = {
        "company_integration_within_employees": "employees_integration",
        "company_org_number_normalised": "org_number",
    }

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
    phone = models.CharField(
        _("phone"), max_length=30, blank=True, validators=[validate_swedish_phone_number]
    )
    description = models.TextField(_("description (Swedish)"), max_length=4000, blank=True)
    description_en = models.TextField(_("description (English)"), max_length=4000, blank=True)
    service_categories = models.ManyToManyField(
        ServiceCategory, verbose_name=_("services"), related_name="companies", blank=True
    )
    # The facts the four criteria rest on. A representative may propose changes to them only through a change
    # request that a coordinator approves (see CRITERIA_FIELDS).
    employees_total = models.PositiveIntegerField(_("employees"), default=0, validators=[headcount_limit()])
    employees_integration = models.PositiveIntegerField(
        _("of whom employed for work integration"),
        default=0,
        validators=[headcount_limit()],
        help_text=_(
            "Employees from the target group; the share matters for reserved contracts (LOU 4 kap. 18 §)."
        ),
    )
    participants = models.PositiveIntegerField(
        _("people in work training or placements"), default=0, validators=[headcount_limit()]
    )
    ownership = models.TextField(_("owners or members"), max_length=2000, blank=True)
    participation = models.TextField(_("how co-workers take part in decisions"), max_length=2000, blank=True)
    profit_use = models.TextField(_("how profits are used"), max_length=2000, blank=True)
    distributes_profits = models.BooleanField(
        _("the company distributes profits to its owners"), default=False
    )
    has_public_owner = models.BooleanField(_("a public body owns or controls the company"), default=False)
    work_training_places = models.PositiveIntegerField(
        _("work-training places"), default=0, validators=[headcount_limit()]
    )
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
                violation_error_message=_("Cannot be more than the number of employees."),
            ),
            models.CheckConstraint(
                condition=Q(org_number__regex=r"^[0-9]{6}-[0-9]{4}$"),
                name="company_org_number_normalised",
                violation_error_message=_("An organisation number is stored as NNNNNN-NNNN."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.org_number})"

    # --- Validation: the one place each rule on a company's own fields lives (form, import, admin, service) ----

    def clean_fields(self, exclude=None) -> None:
        """Normalise the organisation number, postal code and phone number as people type them, before the
        length checks (a 13-character 16NNNNNN-NNNN is a valid entry for an 11-character column)."""
        exclude = set(exclude or ())
        errors: dict[str, list] = {}
        for name, normalise in (
            ("org_number", normalise_org_number),
            ("postal_code", normalise_postal_code),
            ("phone", normalise_swedish_phone_number),
        ):
            if name in exclude or (name != "org_number" and not getattr(self, name)):
                continue
            try:
                if name != "org_number":
                    reject_personal_identity_number(
                        getattr(self, name)
                    )  # the reason, not "not a phone number"
                setattr(self, name, normalise(getattr(self, name)))
            except ValidationError as error:
                errors[name] = error.error_list
                exclude.add(name)
        try:
            super().clean_fields(exclude=exclude)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        if errors:
            raise ValidationError(errors)

    def clean(self) -> None:
        if self.org_number and self.legal_form:
            check_group_matches_legal_form(self.org_number, self.legal_form)

    def unique_error_message(self, model_class, unique_check):
        if tuple(unique_check) == ("org_number",):
            existing = Company.objects.filter(org_number=self.org_number).exclude(pk=self.pk).first()
            if existing is not None:
                return ValidationError(
                    _("The organisation number %(number)s is already registered, for %(name)s.")
                    % {"number": existing.org_number, "name": existing.name},
                    code="unique",
                )
        return super().unique_error_message(model_class, unique_check)

    # --- Reading the state ---------------------------------------------------------------------------------------

    def status_on(self, day: date) -> str:
        """The status a reader sees on `day`: a verification that ran out is lapsed at once, not only after the
        nightly job."""
        if self.status == self.Status.VERIFIED and (self.verified_until is None or self.verified_until < day):
            return self.Status.LAPSED
        return self.status

    @property
    def status_today(self) -> str:
        return self.status_on(timezone.localdate())

    @status_today.setter
    def status_today(self, value: str) -> None:
        # Set by CompanyQuerySet.with_status_today(); the annotation and the property give the same answer.
        self.__dict__["_status_today"] = value

    @property
    def status_today_label(self) -> str:
        return self.Status(self.status_today).label

    @property
    def is_listed(self) -> bool:
        """Verified with an assessment valid today: in the public directory, may answer reserved tenders."""
        return self.status_today == self.Status.VERIFIED

    @property
    def is_closed(self) -> bool:
        return self.status == self.Status.CLOSED

    @property
    def integration_share(self) -> int | None:
        """Percentage of employees employed for integration (LOU 4 kap. 18 §: at least 30 % for reserved
        contracts)."""
        if not self.employees_total:
            return None
        return round(100 * self.employees_integration / self.employees_total)

    # --- Lifecycle: why an action is not allowed now (empty = allowed) -------------------------------------------

    def assess_blockers(self) -> list[str]:
        if self.is_closed:
            return [_("A closed company cannot be assessed.")]
        return []

    def close_blockers(self) -> list[str]:
        if self.is_closed:
            return [_("The company is already closed.")]
        return []

    def invite_blockers(self) -> list[str]:
        if self.is_closed:
            return [_("A closed company cannot get new representatives.")]
        return []

    def profile_edit_blockers(self) -> list[str]:
        if self.is_closed:
            return [_("The company is closed; its profile can no longer be changed.")]
        return []

    def change_request_blockers(self) -> list[str]:
        from .change_request import ChangeRequest

        if self.is_closed:
            return [_("The company is closed; its facts can no longer be changed.")]
        if self.change_requests.filter(status=ChangeRequest.Status.PENDING).exists():
            return [_("A change request is already waiting for a coordinator. Wait for the decision first.")]
        return []

    def lapse_blockers(self, *, today: date) -> list[str]:
        if self.status != self.Status.VERIFIED or (self.verified_until and self.verified_until >= today):
            return [_("Only a verified company whose assessment has run out lapses.")]
        return []

    def criteria_warnings(self) -> list[str]:
        """What in the company's facts breaks an ASF criterion or the share for reserved contracts."""
        found = []
        if self.has_public_owner:
            found.append(
                _("A public body owns or controls the company: criterion 4 (independence) is not met.")
            )
        if self.distributes_profits:
            found.append(
                _(
                    "The company distributes profits to its owners: criterion 3 (profits reinvested) is not met."
                )
            )
        share = self.integration_share
        if share is not None and share < RESERVED_CONTRACT_SHARE:
            found.append(
                _(
                    "Only %(share)s %% of the employees are from the target group: below the 30 %% a reserved "
                    "contract requires (LOU 4 kap. 18 §)."
                )
                % {"share": share}
            )
        return found

    def breaks_a_criterion(self) -> bool:
        """A fact that by itself fails one of the four criteria (not only the reserved-contract share)."""
        return self.has_public_owner or self.distributes_profits


# Edits to these need a coordinator's approval (issue 4 §4): they are what the criteria assessment rests on.
CRITERIA_FIELDS = (
    "legal_form",
    "ownership",
    "participation",
    "profit_use",
    "distributes_profits",
    "has_public_owner",
    "employees_total",
    "employees_integration",
    "participants",
)
