"""Tenders that reserve contracts for ASF or demand integration employment: terms, lots, documents, amendments."""

from __future__ import annotations

import unicodedata

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import FileExtensionValidator, MinValueValidator, URLValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from asfportal.accounts import capabilities
from asfportal.accounts.models import Organisation
from asfportal.core.models import BaseModel
from companies.models import Company

from ..lifecycle import TenderLifecycle, swedish_time

DOCUMENT_EXTENSIONS = ["pdf", "docx", "xlsx", "odt"]
# A legal notice lives in a registered advertisement database, always served over HTTPS.
https_only = URLValidator(schemes=["https"], message=_("Give the link as an https:// address."))


def cpv_check_digit(eight_digits: str) -> int:
    """The CPV check digit: digits weighted 3, 7, 1, 3, 7, 1, 3, 7, summed, modulo 10."""
    weights = (3, 7, 1, 3, 7, 1, 3, 7)
    return sum(int(d) * w for d, w in zip(eight_digits, weights, strict=True)) % 10


def search_text(*parts: str) -> str:
    """Text folded for accent- and case-insensitive search: "Städning" and "stadning" both become "stadning".
    Kept in a column (CpvCode.search_text) so one LIKE over 9,454 short rows answers a search on
    SQLite and PostgreSQL alike, without the unaccent extension."""
    decomposed = unicodedata.normalize("NFKD", " ".join(parts).casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


class CpvCodeQuerySet(models.QuerySet):
    def shortcut(self) -> CpvCodeQuerySet:
        """The portal's curated list of codes ASF commonly sell, offered before anything is typed."""
        return self.filter(is_shortcut=True)

    def search(self, query: str) -> CpvCodeQuerySet:
        """Codes whose digits begin with the query's digits, or whose label has every word of the query, ignoring
        case and accents ("stad" finds "Städning"); the curated codes and the shorter (broader) codes first."""
        words = search_text(query).replace("-", " ").split()
        codes = self
        for word in words:
            if word.isdigit():
                codes = codes.filter(code__startswith=word)
            else:
                codes = codes.filter(search_text__contains=word)
        return codes.order_by("-is_shortcut", "code")


class CpvCode(models.Model):
    """A CPV code (Common Procurement Vocabulary) as `NNNNNNNN-C`: the whole vocabulary (9,454 codes with their
    official Swedish labels) and the curated list, both shipped as data."""

    code = models.CharField(_("CPV code"), max_length=10, primary_key=True)
    label = models.CharField(_("label (Swedish)"), max_length=200)
    label_en = models.CharField(_("label (English)"), max_length=200, blank=True)
    # LOU bilaga 2 / directive 2014/24/EU annex XIV: "social and other specific services" (welfare services).
    is_social_service = models.BooleanField(_("social or other specific service"), default=False)
    # db_default: the release still serving during a rolling upgrade inserts codes without these columns.
    is_shortcut = models.BooleanField(_("in the curated list for ASF"), default=False, db_default=False)
    search_text = models.CharField(
        _("search text"), max_length=400, blank=True, db_default="", editable=False
    )

    objects = CpvCodeQuerySet.as_manager()

    class Meta:
        verbose_name = _("CPV code")
        verbose_name_plural = _("CPV codes")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.display_label}"

    def save(self, *args, **kwargs):
        # The data migration also folds in the EU's label of a curated code (0008); a code saved here is found
        # by its own labels.
        self.search_text = search_text(self.code, self.label, self.label_en)
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "search_text"}
        super().save(*args, **kwargs)

    @property
    def prefix(self) -> str:
        """The code's place in the hierarchy, for "begins with" searches: its digits without the trailing zeros,
        at least the two of its division (90910000-9 is 9091, 90000000-7 is 90)."""
        return self.code[:8].rstrip("0").ljust(2, "0")

    @property
    def display_label(self) -> str:
        """The official label in the interface language (the EU's Swedish or English wording)."""
        return self.label_en if (get_language() or "sv").startswith("en") and self.label_en else self.label


class TenderQuerySet(models.QuerySet):
    def public(self) -> TenderQuerySet:
        """Everything the public may see: published tenders and what became of them."""
        return self.exclude(status=Tender.Status.DRAFT)

    def open(self) -> TenderQuerySet:
        return self.filter(status=Tender.Status.PUBLISHED, submission_deadline_at__gt=timezone.now())

    def visible_to(self, user) -> TenderQuerySet:
        """Officers also see their own organisation's drafts."""
        if capabilities.is_procurement_officer(user):
            return self.filter(Q(status__in=Tender.PUBLIC_STATUSES) | Q(buyer_id=user.organisation_id))
        return self.public()


class Tender(TenderLifecycle, BaseModel):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Open for answers")
        CLOSED = "closed", _("Closed for answers")
        AWARDED = "awarded", _("Awarded")
        CANCELLED = "cancelled", _("Cancelled")

    class LegalBasis(models.TextChoices):
        # Codes map to eForms BT-71 (reserved participation) / BT-736 (reserved execution), see exports.py.
        RESERVED_4_18_1 = (
            "lou_4_18_1",
            _("Reserved: suppliers whose main purpose is work integration (LOU 4 kap. 18 § first paragraph)"),
        )
        RESERVED_4_18_2 = (
            "lou_4_18_2",
            _(
                "Reserved: performed within a sheltered-employment programme (LOU 4 kap. 18 § second paragraph)"
            ),
        )
        RESERVED_19_6A = (
            "lou_19_6a",
            _("Reserved welfare services for non-profit organisations (LOU 19 kap. 6 a §)"),
        )
        EMPLOYMENT_REQUIREMENT = (
            "employment_requirement",
            _("Ordinary procurement with an employment requirement (sysselsättningskrav)"),
        )
        DIRECT_AWARD = "direct_award", _("Direct award to an ASF (direktupphandling)")
        IOP = "iop", _("Idéburet offentligt partnerskap (IOP): an agreement, not a procurement")  # fmt: skip

    RESERVED_BASES = (LegalBasis.RESERVED_4_18_1, LegalBasis.RESERVED_4_18_2, LegalBasis.RESERVED_19_6A)
    PUBLIC_STATUSES = (Status.PUBLISHED, Status.CLOSED, Status.AWARDED, Status.CANCELLED)
    # Advertised like any other procurement (UHM; Act 2019:668): everything but a direct award or an IOP.
    NOTICE_BASES = (*RESERVED_BASES, LegalBasis.EMPLOYMENT_REQUIREMENT)
    # LOU 19 kap. 6 a §: welfare services may be reserved for idéburna organisationer; we read that as these forms.
    NON_PROFIT_FORMS = (
        Company.LegalForm.IDEELL_FORENING,
        Company.LegalForm.STIFTELSE,
        Company.LegalForm.EKONOMISK_FORENING,
        Company.LegalForm.AKTIEBOLAG_SVB,
    )

    buyer = models.ForeignKey(
        Organisation, verbose_name=_("buyer"), on_delete=models.PROTECT, related_name="tenders"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("created by"), on_delete=models.PROTECT, related_name="+"
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), max_length=10000)
    legal_basis = models.CharField(_("legal basis"), max_length=30, choices=LegalBasis)
    status = models.CharField(_("status"), max_length=20, choices=Status, default=Status.DRAFT, db_index=True)
    procurement_id = models.CharField(
        _("procurement ID in the advertisement database"),
        max_length=100,
        blank=True,
        help_text=_(
            "The ID of the legal notice in a registered advertisement database; required before publishing."
        ),
    )
    notice_url = models.URLField(_("link to the legal notice"), blank=True, validators=[https_only])
    cpv_codes = models.ManyToManyField(CpvCode, verbose_name=_("CPV codes"), related_name="tenders")
    municipalities = models.ManyToManyField(
        Organisation,
        verbose_name=_("municipalities where the work is done"),
        related_name="tenders_here",
        limit_choices_to={"kind": "kommun"},
        blank=True,
    )
    estimated_value = models.DecimalField(
        _("estimated value (SEK, excluding VAT)"),
        max_digits=14,
        decimal_places=0,
        validators=[MinValueValidator(0)],
    )
    direct_award_reason = models.TextField(_("reasons for the direct award"), max_length=4000, blank=True)
    contract_start_on = models.DateField(_("contract start"), null=True, blank=True)
    contract_end_on = models.DateField(_("contract end"), null=True, blank=True)
    options = models.CharField(_("options to extend"), max_length=200, blank=True)
    question_deadline_at = models.DateTimeField(_("question deadline"), null=True, blank=True)
    answers_published_by_at = models.DateTimeField(
        _("answers to questions published by"), null=True, blank=True
    )
    submission_deadline_at = models.DateTimeField(_("submission deadline"))
    is_accelerated = models.BooleanField(_("accelerated procedure"), default=False)
    evaluation_criteria = models.TextField(_("evaluation criteria"), max_length=4000, blank=True)
    # Sysselsättningskrav: who is to be employed, how, how many, and who matches candidates.
    target_group = models.CharField(_("target group"), max_length=200, blank=True)
    employment_form = models.CharField(_("form of employment"), max_length=200, blank=True)
    places = models.PositiveIntegerField(_("number of places"), null=True, blank=True)
    matching_contact = models.CharField(
        _("matching contact (matchningsansvarig)"), max_length=200, blank=True
    )
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    cancel_reason = models.TextField(_("reason for cancelling"), max_length=2000, blank=True)

    objects = TenderQuerySet.as_manager()

    class Meta:
        verbose_name = _("tender")
        verbose_name_plural = _("tenders")
        ordering = ["submission_deadline_at", "pk"]
        indexes = [
            # The open tenders, soonest deadline first (Tender.objects.open()): a company's matching tenders on
            # its dashboard and the public list read them from this index alone, not the 3,000 wide rows of
            # every published tender at national scale (issue 18).
            models.Index(
                fields=["submission_deadline_at", "id"],
                condition=Q(status="published"),
                name="tender_open_deadline_idx",
            ),
            # Every tender whose deadline has not passed, as keys (an index-only scan): the audit trail hides
            # answers to those until the deadline (procurement/admin.py), and the administrator's dashboard
            # scanned all 20,000 tenders for it on every visit at national scale (36 of its 42 ms).
            models.Index(fields=["submission_deadline_at", "id"], name="tender_deadline_key_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(contract_end_on__isnull=True)
                | Q(contract_start_on__isnull=True)
                | Q(contract_end_on__gte=models.F("contract_start_on")),
                name="tender_contract_ends_after_start",
                violation_error_message=_("The contract cannot end before it starts."),
            ),
            models.UniqueConstraint(
                fields=["buyer", "procurement_id"],
                condition=~Q(procurement_id=""),
                name="one_tender_per_procurement_id",
                violation_error_message=_("Your organisation already has a tender with this procurement ID."),
            ),
        ]

    constraint_fields = {
        "tender_contract_ends_after_start": "contract_end_on",
        "one_tender_per_procurement_id": "procurement_id",
    }

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        super().clean()
        deadline = self.submission_deadline_at
        if self.contract_start_on and deadline and self.contract_start_on <= timezone.localdate(deadline):
            raise ValidationError(
                {
                    "contract_start_on": _(
                        "The contract must start after the submission deadline (%(deadline)s)."
                    )
                    % {"deadline": swedish_time(deadline)}
                }
            )

    @property
    def is_reserved(self) -> bool:
        return self.legal_basis in self.RESERVED_BASES

    @property
    def has_employment_requirement(self) -> bool:
        return self.legal_basis == self.LegalBasis.EMPLOYMENT_REQUIREMENT

    @property
    def is_agreement(self) -> bool:
        return self.legal_basis == self.LegalBasis.IOP

    def is_open_for_answers(self, now=None) -> bool:
        now = now or timezone.now()
        return self.status == self.Status.PUBLISHED and now < self.submission_deadline_at

    def is_sealed(self, now=None) -> bool:
        """Answers stay sealed until the submission deadline has passed, for everyone."""
        return (now or timezone.now()) < self.submission_deadline_at


class Lot(models.Model):
    tender = models.ForeignKey(
        Tender, verbose_name=_("tender"), on_delete=models.CASCADE, related_name="lots"
    )
    number = models.PositiveSmallIntegerField(_("number"))
    title = models.CharField(_("title"), max_length=200)
    is_reserved = models.BooleanField(_("reserved"), default=False)

    class Meta:
        verbose_name = _("lot")
        verbose_name_plural = _("lots")
        ordering = ["number"]
        constraints = [
            models.UniqueConstraint(
                fields=["tender", "number"],
                name="lot_number_unique_per_tender",
                violation_error_message=_("The tender already has a lot with this number."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.title}"


def document_path(instance, filename: str) -> str:
    import uuid

    return f"tenders/{instance.tender_id}/{uuid.uuid4().hex}/{filename}"


class TenderDocument(BaseModel):
    tender = models.ForeignKey(
        Tender, verbose_name=_("tender"), on_delete=models.CASCADE, related_name="documents"
    )
    title = models.CharField(_("title"), max_length=200)
    file = models.FileField(
        _("file"), upload_to=document_path, validators=[FileExtensionValidator(DOCUMENT_EXTENSIONS)]
    )

    class Meta:
        verbose_name = _("tender document")
        verbose_name_plural = _("tender documents")
        ordering = ["created_at"]

    def __str__(self) -> str:
        return self.title


class Amendment(BaseModel):
    """A change to a published tender: the reason and what changed, shown as a log on the tender."""

    tender = models.ForeignKey(
        Tender, verbose_name=_("tender"), on_delete=models.CASCADE, related_name="amendments"
    )
    made_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("made by"), on_delete=models.PROTECT, related_name="+"
    )
    reason = models.TextField(_("reason"), max_length=2000)
    changes = models.JSONField(_("changes"), default=dict)
    is_substantial = models.BooleanField(_("substantial change"), default=False)
    new_deadline_at = models.DateTimeField(_("new submission deadline"), null=True, blank=True)

    class Meta:
        verbose_name = _("amendment")
        verbose_name_plural = _("amendments")
        ordering = ["created_at"]

    def __str__(self) -> str:
        return f"{self.tender}: {self.reason[:50]}"

    def changed_labels(self) -> list[str]:
        """What the amendment changed, in words, for the change log ("submission deadline, lots")."""
        words = {"lots": _("lots"), "documents_added": _("documents added"),
                 "documents_removed": _("documents withdrawn")}  # fmt: skip
        # In the tender's field order: jsonb keeps no key order.
        labels = [str(f.verbose_name) for f in Tender._meta.fields if f.name in self.changes]
        labels += [str(word) for key, word in words.items() if key in self.changes]
        return labels
