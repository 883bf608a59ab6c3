"""Work-training places a company offers, and the rules that protect the placements booked on them."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator, MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.formats import date_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from asfportal.accounts.models import Organisation
from asfportal.core.models import BaseModel
from asfportal.core.personal_data import validate_swedish_phone_number
from companies.models import Company, ServiceCategory

from ..choices import Adaptation, SupportMeasure


def _day(value: date) -> str:
    return date_format(value, "j F Y")


def _names(placements) -> str:
    return ", ".join(
        gettext("%(code)s (%(start)s to %(end)s)")
        % {"code": p.participant.code, "start": _day(p.start_on), "end": _day(p.planned_end_on)}
        for p in placements
    )


class Offer(BaseModel):
    """Work-training places a company offers."""

    company = models.ForeignKey(
        Company, verbose_name=_("company"), on_delete=models.CASCADE, related_name="offers"
    )
    work_area = models.ForeignKey(
        ServiceCategory, verbose_name=_("work area"), on_delete=models.PROTECT, related_name="+"
    )
    tasks = models.TextField(_("tasks"), max_length=2000)
    places = models.PositiveSmallIntegerField(
        _("places"), validators=[MinValueValidator(1), MaxValueValidator(200)]
    )
    hours_per_week = models.PositiveSmallIntegerField(
        _("hours per week"), validators=[MinValueValidator(1), MaxValueValidator(40)]
    )
    supervisor = models.CharField(_("supervisor (handledare)"), max_length=200)
    supervisor_contact = models.CharField(_("supervisor's phone or e-mail"), max_length=200, blank=True)
    adaptations = models.JSONField(_("adaptations"), default=list, blank=True)
    support_measures = models.JSONField(_("support measures accepted"), default=list, blank=True)
    municipality = models.ForeignKey(
        Organisation, verbose_name=_("municipality"), on_delete=models.PROTECT, related_name="+",
        limit_choices_to={"kind": "kommun"},
    )  # fmt: skip
    location = models.CharField(_("address"), max_length=200, blank=True)
    available_from = models.DateField(_("available from"))
    available_to = models.DateField(_("available until"), null=True, blank=True)
    is_published = models.BooleanField(_("published"), default=True)
    # The form's one-time key: the same submission sent twice (a double click, a resubmitted POST) finds the
    # offer it made instead of making a second one.
    submission_key = models.UUIDField(null=True, blank=True, editable=False)

    constraint_fields = {
        "offer_period_in_order": "available_to",
        "offer_hours_positive": "hours_per_week",
        "offer_submitted_once": "__all__",
    }

    class Meta:
        verbose_name = _("work-training offer")
        verbose_name_plural = _("work-training offers")
        ordering = ["company__name", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(available_to__isnull=True) | Q(available_to__gte=models.F("available_from")),
                name="offer_period_in_order",
                violation_error_message=_(
                    "The last day the places are offered cannot come before the first."
                ),
            ),
            models.CheckConstraint(
                condition=Q(hours_per_week__gt=0),
                name="offer_hours_positive",
                violation_error_message=_("Hours per week must be at least 1."),
            ),
            models.UniqueConstraint(
                fields=["submission_key"],
                name="offer_submitted_once",
                violation_error_message=_("These places are already saved."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.company.name}: {self.work_area}"

    def adaptation_labels(self) -> list[str]:
        labels = dict(Adaptation.choices)
        return [str(labels.get(code, code)) for code in self.adaptations]

    def support_measure_labels(self) -> list[str]:
        labels = dict(SupportMeasure.choices)
        return [str(labels.get(code, code)) for code in self.support_measures]

    def clean(self) -> None:
        contact = (self.supervisor_contact or "").strip()
        if contact:
            try:
                (EmailValidator() if "@" in contact else validate_swedish_phone_number)(contact)
            except ValidationError:
                raise ValidationError(
                    {
                        "supervisor_contact": _(
                            "Enter a telephone number (070-123 45 67) or an e-mail address."
                        )
                    }
                ) from None

    # --- Lifecycle: the reasons a change is not allowed now (empty = allowed) ---------------------------------

    def running_placements(self, *, at: date) -> list:
        """The placements booked on this offer that have not ended by `at` (planned or active)."""
        return list(
            self.placements.filter(status__in=("planned", "active"), planned_end_on__gte=at)
            .select_related("participant")
            .order_by("start_on", "pk")
        )

    def booked_places(self, *, at: date) -> tuple[int, list]:
        """The most places taken on one day from `at` on, and the placements taking them that day."""
        running = self.running_placements(at=at)
        peak, peak_set = 0, []
        for day in sorted({max(p.start_on, at) for p in running}):
            same_day = [p for p in running if p.start_on <= day <= p.planned_end_on]
            if len(same_day) > peak:
                peak, peak_set = len(same_day), same_day
        return peak, peak_set

    def reduce_places_blockers(self, new_places: int, *, at: date) -> list[str]:
        peak, placements = self.booked_places(at=at)
        if new_places >= peak:
            return []
        return [
            gettext(
                "%(booked)s places are booked at the same time, so the offer cannot have fewer: %(names)s."
            )
            % {"booked": peak, "names": _names(placements)}
        ]

    def period_blockers(self, available_from: date, available_to: date | None, *, at: date) -> list[str]:
        """Ending the offer (or moving its start) may not leave a running placement outside its period."""
        running = self.running_placements(at=at)
        outside = [
            p
            for p in running
            if p.start_on < available_from or (available_to is not None and p.planned_end_on > available_to)
        ]
        if not outside:
            return []
        return [
            gettext("Placements run on the offer outside that period; end or move them first: %(names)s.")
            % {"names": _names(outside)}
        ]

    def unpublish_blockers(self, *, at: date) -> list[str]:
        running = self.running_placements(at=at)
        if not running:
            return []
        return [
            gettext("Placements run on the offer, so it cannot be unpublished: %(names)s.")
            % {"names": _names(running)}
        ]

    def change_blockers(self, new: dict, *, at: date) -> list[str]:
        """Every reason the changed values in `new` may not be saved over this offer's bookings."""
        reasons = []
        if "places" in new and new["places"] is not None and new["places"] < self.places:
            reasons += self.reduce_places_blockers(new["places"], at=at)
        available_from = new.get("available_from", self.available_from)
        available_to = new.get("available_to", self.available_to)
        if (available_from, available_to) != (self.available_from, self.available_to):
            reasons += self.period_blockers(available_from, available_to, at=at)
        if self.is_published and new.get("is_published", True) is False:
            reasons += self.unpublish_blockers(at=at)
        return reasons
