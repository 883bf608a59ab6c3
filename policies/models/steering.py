"""Who to contact about ASF in an organisation, its partners, and its policies (draft → adopted → archived)."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.core.validators import FileExtensionValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from asfportal.accounts.models import Organisation
from asfportal.core.models import BaseModel
from asfportal.core.personal_data import validate_swedish_phone_number


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
    phone = models.CharField(
        _("phone"), max_length=30, blank=True, validators=[validate_swedish_phone_number]
    )

    constraint_fields = {"one_contact_per_name_and_responsibility": "name"}

    class Meta:
        verbose_name = _("ASF contact person")
        verbose_name_plural = _("ASF contact persons")
        ordering = ["responsibility", "name"]
        constraints = [
            # The natural key: a double click or a resubmitted form finds the contact already there.
            models.UniqueConstraint(
                fields=["organisation", "name", "responsibility"],
                name="one_contact_per_name_and_responsibility",
                violation_error_message=_(
                    "This person is already a contact person with that responsibility."
                ),
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.organisation})"


class PartnerRole(BaseModel):
    """A partner organisation (Arbetsförmedlingen, Coompanion, the region ...) and its role for ASF locally."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="asf_partners")
    partner = models.ForeignKey(
        Organisation, verbose_name=_("partner"), on_delete=models.CASCADE, related_name="partner_of"
    )
    role = models.CharField(_("role"), max_length=300)

    constraint_fields = {"one_role_per_partner": "partner"}

    class Meta:
        verbose_name = _("partner")
        verbose_name_plural = _("partners")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "partner"],
                name="one_role_per_partner",
                violation_error_message=_("This partner already has a role; change that one instead."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.partner}: {self.role}"


class Policy(BaseModel):
    """A policy on ASF: written as a draft, adopted by a body on a date (then public), reviewed by a date,
    archived when a newer one replaces it. An adopted policy is never a draft again: a changed stance is a new
    decision, so it is archived and a new draft written."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        ADOPTED = "adopted", _("Adopted")
        ARCHIVED = "archived", _("Archived")

    # status now -> the statuses it may move to (staying is always allowed).
    TRANSITIONS = {
        Status.DRAFT: {Status.DRAFT, Status.ADOPTED, Status.ARCHIVED},
        Status.ADOPTED: {Status.ADOPTED, Status.ARCHIVED},
        Status.ARCHIVED: {Status.ARCHIVED},
    }

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
    # How often the review date in people's calendars moved, or the policy was archived: the entry's iCalendar
    # SEQUENCE (core/calendars), counted by policy_save.
    calendar_sequence = models.PositiveIntegerField(
        _("calendar revision"), default=0, db_default=0, editable=False
    )

    constraint_fields = {"adopted_policy_has_body_and_date": "adopted_by"}

    class Meta:
        verbose_name = _("policy")
        verbose_name_plural = _("policies")
        ordering = ["-adopted_on", "title"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="adopted") | (Q(adopted_on__isnull=False) & ~Q(adopted_by="")),
                name="adopted_policy_has_body_and_date",
                violation_error_message=_("An adopted policy needs the body that adopted it and the date."),
            )
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_public(self) -> bool:
        return self.status == self.Status.ADOPTED

    def calendar_state(self) -> tuple:
        """What the review's calendar entry shows: when it changes, the entry's SEQUENCE grows."""
        return (self.review_on, self.status == self.Status.ARCHIVED)

    def review_due(self, *, today: date) -> bool:
        """An adopted policy whose review date has come."""
        return self.is_public and self.review_on is not None and self.review_on <= today

    def status_change_blockers(self, *, to: str) -> list[str]:
        """Why the stored policy may not move to status `to` (empty = it may)."""
        if to in self.TRANSITIONS[self.Status(self.status)]:
            return []
        if self.status == self.Status.ADOPTED:
            return [_("An adopted policy cannot become a draft again: archive it and write a new draft.")]
        return [_("An archived policy stays archived: write a new draft instead.")]

    def clean(self) -> None:
        """Dates that cannot lie, and what an adopted policy must have to be published."""
        errors: dict[str, list] = {}
        today = timezone.localdate()
        if self.adopted_on and self.adopted_on > today:
            errors.setdefault("adopted_on", []).append(_("The adoption date cannot lie in the future."))
        if self.review_on and self.adopted_on and self.review_on <= self.adopted_on:
            errors.setdefault("review_on", []).append(_("The review date must come after the adoption date."))
        if self.status == self.Status.ADOPTED:
            if not self.adopted_by.strip():
                errors.setdefault("adopted_by", []).append(_("Name the body that adopted the policy."))
            if not self.adopted_on:
                errors.setdefault("adopted_on", []).append(_("Give the date the policy was adopted."))
            if not self.text.strip() and not self.document:
                errors.setdefault("text", []).append(
                    _("An adopted policy is published: write its text or attach it as a PDF.")
                )
        if errors:
            raise ValidationError(errors)
