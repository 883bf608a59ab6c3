"""Pseudonymised participants, their consents and the log of every access to their records."""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from asfportal.accounts.models import Organisation
from asfportal.core.models import BaseModel

from ..choices import ACCESS_LOG_ACTIONS, IncomeSource, Occupation, TargetGroup


class Participant(BaseModel):
    """A pseudonymised person: a generated code, never a name or personnummer; belongs to the referring organisation."""

    class Gender(models.TextChoices):
        WOMAN = "woman", _("Woman")
        MAN = "man", _("Man")
        OTHER = "other", _("Other")

    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("referring organisation"),
        on_delete=models.PROTECT,
        related_name="participants",
    )
    code = models.CharField(_("participant code"), max_length=20, unique=True)
    initials = models.CharField(_("initials"), max_length=5, blank=True)
    birth_year = models.PositiveSmallIntegerField(
        _("birth year"), null=True, blank=True, validators=[MinValueValidator(1930), MaxValueValidator(2015)]
    )
    gender = models.CharField(_("gender"), max_length=10, choices=Gender, blank=True)
    target_group = models.CharField(_("target group"), max_length=30, choices=TargetGroup, blank=True)
    income_before = models.CharField(
        _("income source before"), max_length=30, choices=IncomeSource, blank=True
    )
    occupation_before = models.CharField(
        _("occupation before"), max_length=20, choices=Occupation, blank=True
    )
    anonymised_at = models.DateTimeField(_("anonymised"), null=True, blank=True)
    # The registration form's one-time key (see Offer.submission_key).
    submission_key = models.UUIDField(null=True, blank=True, editable=False)

    # The participant code is generated, never typed; it is shaped like no identity number.
    identity_number_exempt = ("code",)
    constraint_fields = {"participant_registered_once": "__all__"}

    class Meta:
        verbose_name = _("participant")
        verbose_name_plural = _("participants")
        ordering = ["code"]
        indexes = [
            # A coordinator's participant list: their organisation's participants still identifiable, by code.
            models.Index(
                fields=["organisation", "code"],
                condition=Q(anonymised_at__isnull=True),
                name="participant_list_idx",
            ),
            # The participant list sorted by registration (PARTICIPANT_SORTS["registered"]).
            models.Index(
                fields=["organisation", "created_at"],
                condition=Q(anonymised_at__isnull=True),
                name="participant_registered_idx",
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["submission_key"],
                name="participant_registered_once",
                violation_error_message=_("This participant is already registered."),
            ),
        ]

    def __str__(self) -> str:
        return self.code

    def has_valid_consent(self) -> bool:
        today = timezone.localdate()
        if "consents" in getattr(self, "_prefetched_objects_cache", {}):  # a page that listed them already
            return any(c.is_valid(today) for c in self.consents.all())
        return (
            self.consents.filter(status=Consent.Status.GIVEN)
            .filter(Q(valid_until__isnull=True) | Q(valid_until__gte=today))
            .exists()
        )

    def consent_renew_blockers(self) -> list[str]:
        if self.anonymised_at is not None:
            return [gettext("The participant is anonymised; nothing more may be registered.")]
        return []

    def registration_blockers(self) -> list[str]:
        """Why nothing more may be registered about the participant (a new placement, a start, a follow-up)."""
        if not self.has_valid_consent():
            return [gettext("The participant has no valid consent; nothing more may be registered.")]
        return []

    def consent_withdraw_blockers(self) -> list[str]:
        if not self.has_valid_consent():
            return [gettext("There is no valid consent to withdraw.")]
        return []


class Consent(BaseModel):
    class Status(models.TextChoices):
        GIVEN = "given", _("Given")
        WITHDRAWN = "withdrawn", _("Withdrawn")
        EXPIRED = "expired", _("Expired")

    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="consents")
    given_on = models.DateField(_("consent given"))
    scope = models.CharField(_("what the consent covers"), max_length=300)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    sus_form_collected = models.BooleanField(_("SUS consent form (9443) collected"), default=False)
    status = models.CharField(_("status"), max_length=10, choices=Status, default=Status.GIVEN)
    ended_on = models.DateField(_("withdrawn or expired"), null=True, blank=True)
    # A consent given for a period (a new one is needed for each measure, Försäkringskassan form 9443): after
    # this day it no longer counts, and the work queue asks for a new one beforehand.
    valid_until = models.DateField(_("valid until"), null=True, blank=True)

    constraint_fields = {"consent_ends_after_given": "ended_on", "consent_valid_after_given": "valid_until"}

    class Meta:
        verbose_name = _("consent")
        verbose_name_plural = _("consents")
        ordering = ["-given_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=models.F("given_on")),
                name="consent_ends_after_given",
                violation_error_message=_("A consent cannot end before it was given."),
            ),
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True) | Q(valid_until__gte=models.F("given_on")),
                name="consent_valid_after_given",
                violation_error_message=_("A consent cannot run out before it was given."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.participant.code} {self.given_on}"

    def is_valid(self, today: date) -> bool:
        return self.status == self.Status.GIVEN and (self.valid_until is None or self.valid_until >= today)


class AccessLogEntry(models.Model):
    """Who looked at which participant record, and when; readable by that organisation's coordinators."""

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    participant_code = models.CharField(_("participant code"), max_length=20)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    action = models.CharField(_("action"), max_length=50)

    class Meta:
        verbose_name = _("access log entry")
        verbose_name_plural = _("access log")
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.participant_code} {self.action}"

    @property
    def action_label(self) -> str:
        """The action in the interface language; an action without a label shows as it is stored."""
        return str(ACCESS_LOG_ACTIONS.get(self.action, self.action))
