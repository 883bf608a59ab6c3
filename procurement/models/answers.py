"""What companies send in about a tender (questions, answers, declines), the award, and who follows tenders."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import FileExtensionValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import formats, timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from asfportal.accounts.models import Organisation
from asfportal.core.models import BaseModel
from companies.models import Company

from .tenders import DOCUMENT_EXTENSIONS, Lot, Tender, document_path


class Question(BaseModel):
    """A supplier's question; the answer is published to everyone and the asker is never named publicly."""

    tender = models.ForeignKey(
        Tender, verbose_name=_("tender"), on_delete=models.CASCADE, related_name="questions"
    )
    company = models.ForeignKey(
        Company, verbose_name=_("company"), on_delete=models.PROTECT, related_name="+"
    )
    asked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("asked by"), on_delete=models.PROTECT, related_name="+"
    )
    text = models.TextField(_("question"), max_length=2000)
    answer = models.TextField(_("answer"), max_length=4000, blank=True)
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    # The buyer may take a name or other personal data out of the question before the answer is published.
    redacted_at = models.DateTimeField(_("edited by the buyer"), null=True, blank=True)

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        ordering = ["created_at"]

    def __str__(self) -> str:
        return self.text[:60]

    @property
    def is_answered(self) -> bool:
        return bool(self.answered_at)

    def answer_blockers(self, *, at) -> list[str]:
        """Answered once, while the tender is open; the answer is published to everyone at once."""
        if self.is_answered:
            return [gettext("The question is already answered.")]
        return self.tender.answer_question_blockers(at=at)


class Submission(BaseModel):
    """A company's answer to a tender: sealed until the submission deadline."""

    tender = models.ForeignKey(
        Tender, verbose_name=_("tender"), on_delete=models.PROTECT, related_name="submissions"
    )
    company = models.ForeignKey(
        Company, verbose_name=_("company"), on_delete=models.PROTECT, related_name="submissions"
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("submitted by"), on_delete=models.PROTECT, related_name="+"
    )
    message = models.TextField(_("message"), max_length=10000)
    document = models.FileField(
        _("document"),
        upload_to=document_path,
        blank=True,
        validators=[FileExtensionValidator(DOCUMENT_EXTENSIONS)],
    )
    # LOU 4 kap. 18 §: the share is declared as of the submission date, in aggregate counts only.
    people_occupied = models.PositiveIntegerField(_("people the company occupies"), null=True, blank=True)
    people_in_target_group = models.PositiveIntegerField(
        _("of whom in the target group"), null=True, blank=True
    )
    # The lots the answer covers; none chosen (or a tender without lots) is an answer to the whole tender.
    lots = models.ManyToManyField(Lot, verbose_name=_("lots"), blank=True, related_name="submissions")
    submitted_at = models.DateTimeField(_("submitted"))
    # Given anew each time the answer is submitted or replaced: the company's proof of what arrived when.
    receipt_id = models.CharField(_("receipt"), max_length=20, blank=True)
    needs_reconfirmation = models.BooleanField(_("must be confirmed again after a change"), default=False)

    class Meta:
        verbose_name = _("submission")
        verbose_name_plural = _("submissions")
        constraints = [
            models.UniqueConstraint(
                fields=["tender", "company"],
                name="one_submission_per_company",
                violation_error_message=_(
                    "Your company has already answered this tender; replace that answer."
                ),
            ),
            models.CheckConstraint(
                condition=Q(people_in_target_group__lte=models.F("people_occupied"))
                | Q(people_in_target_group__isnull=True),
                name="submission_target_group_within_occupied",
                violation_error_message=_(
                    "The target group cannot be larger than the number of people occupied."
                ),
            ),
        ]

    constraint_fields = {
        "one_submission_per_company": "message",
        "submission_target_group_within_occupied": "people_in_target_group",
    }

    def __str__(self) -> str:
        return f"{self.company.name} → {self.tender}"


class Decline(BaseModel):
    tender = models.ForeignKey(
        Tender, verbose_name=_("tender"), on_delete=models.CASCADE, related_name="declines"
    )
    company = models.ForeignKey(
        Company, verbose_name=_("company"), on_delete=models.PROTECT, related_name="+"
    )
    reason = models.TextField(_("reason"), max_length=2000)

    class Meta:
        verbose_name = _("declined tender")
        verbose_name_plural = _("declined tenders")
        constraints = [
            models.UniqueConstraint(
                fields=["tender", "company"],
                name="one_decline_per_company",
                violation_error_message=_("Your company has already declined this tender."),
            )
        ]

    constraint_fields = {"one_decline_per_company": "reason"}

    def __str__(self) -> str:
        return f"{self.company.name} ✗ {self.tender}"


class Award(BaseModel):
    tender = models.ForeignKey(
        Tender, verbose_name=_("tender"), on_delete=models.PROTECT, related_name="awards"
    )
    lot = models.ForeignKey(
        Lot, verbose_name=_("lot"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    company = models.ForeignKey(
        Company, verbose_name=_("company"), on_delete=models.PROTECT, related_name="awards"
    )
    value = models.DecimalField(
        _("contract value (SEK)"), max_digits=14, decimal_places=0, validators=[MinValueValidator(0)]
    )
    contract_start_on = models.DateField(_("contract start"), null=True, blank=True)
    contract_end_on = models.DateField(_("contract end"), null=True, blank=True)
    # The award decision (tilldelningsbeslut) date: the day the decision is sent to the bidders.
    awarded_on = models.DateField(_("award decision date"), default=timezone.localdate)
    # db_default: the release still serving during a rolling upgrade inserts awards without these columns.
    reasons = models.TextField(_("reasons for the decision"), max_length=4000, blank=True, db_default="")
    decision_sent_electronically = models.BooleanField(
        _("decision sent electronically"), default=True, db_default=True
    )
    signed_on = models.DateField(_("contract signed"), null=True, blank=True)
    # Frozen at the award: the figure "value awarded to ASF" counts only companies verified on the award date,
    # whatever happens to their verification later.
    company_was_verified = models.BooleanField(_("company verified ASF on the award date"), default=False)

    class Meta:
        verbose_name = _("award")
        verbose_name_plural = _("awards")
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(contract_end_on__isnull=True)
                | Q(contract_start_on__isnull=True)
                | Q(contract_end_on__gte=models.F("contract_start_on")),
                name="award_contract_ends_after_start",
                violation_error_message=_("The contract cannot end before it starts."),
            ),
        ]

    constraint_fields = {"award_contract_ends_after_start": "contract_end_on"}

    def __str__(self) -> str:
        return f"{self.tender} → {self.company.name}"

    def clean(self) -> None:
        super().clean()
        if self.awarded_on and self.awarded_on > timezone.localdate():
            raise ValidationError({"awarded_on": gettext("The award decision date cannot be in the future.")})

    @property
    def has_standstill(self) -> bool:
        # LOU 20 kap. 3 §: no standstill for a direct award; an IOP is an agreement outside LOU altogether.
        return self.tender.legal_basis not in (Tender.LegalBasis.DIRECT_AWARD, Tender.LegalBasis.IOP)

    @property
    def standstill_ends_on(self) -> date | None:
        """The last day of the standstill period (avtalsspärr), LOU 20 kap. 1-2 §§: the contract may not be
        signed until PROCUREMENT_STANDSTILL_DAYS days (…_NOT_ELECTRONIC when the decision went by post) have
        passed since the award decision was sent."""
        if not self.has_standstill:
            return None
        days = (
            settings.PROCUREMENT_STANDSTILL_DAYS
            if self.decision_sent_electronically
            else settings.PROCUREMENT_STANDSTILL_DAYS_NOT_ELECTRONIC
        )
        return self.awarded_on + timedelta(days=days)

    def sign_blockers(self, *, at: datetime) -> list[str]:
        """Why the contract may not be marked signed at `at`; empty when it may."""
        if self.signed_on:
            return [gettext("The contract is already signed.")]
        ends = self.standstill_ends_on
        if ends and timezone.localdate(at) <= ends:
            return [
                gettext(
                    "The standstill period (avtalsspärr, LOU 20 kap.) runs until %(end)s; the contract can be "
                    "signed from %(first)s."
                )
                % {
                    "end": formats.date_format(ends, "DATE_FORMAT"),
                    "first": formats.date_format(ends + timedelta(days=1), "DATE_FORMAT"),
                }
            ]
        return []


class Watch(models.Model):
    """Whoever watches a tender (or downloaded its documents, or answered it) hears of every change."""

    tender = models.ForeignKey(Tender, on_delete=models.CASCADE, related_name="watches")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("watch")
        verbose_name_plural = _("watches")
        constraints = [
            models.UniqueConstraint(
                fields=["tender", "user"],
                name="one_watch_per_user",
                violation_error_message=_("You already follow this tender."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.user_id} ★ {self.tender_id}"


class SavedSearch(BaseModel):
    """A representative's saved search: a new tender that matches it causes a notification."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="saved_searches"
    )
    text = models.CharField(_("words"), max_length=200, blank=True)
    municipality = models.ForeignKey(
        Organisation,
        verbose_name=_("municipality"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    cpv_prefix = models.CharField(_("CPV code begins with"), max_length=8, blank=True)

    class Meta:
        verbose_name = _("saved search")
        verbose_name_plural = _("saved searches")

    def __str__(self) -> str:
        return self.text or self.cpv_prefix or str(self.municipality)
