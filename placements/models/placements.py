"""Placements of participants at offers, their follow-ups and the history of every follow-up note."""

from __future__ import annotations

from datetime import date, timedelta

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from asfportal.accounts.models import Organisation
from asfportal.core.models import BaseModel
from companies.models import Company

from ..choices import IncomeSource, Occupation, Outcome, SupportMeasure
from .offers import Offer, _day
from .participants import Participant

# The follow-up of the outcome is 90 days after the end (SUS's follow-up after the measure, domain notes §3).
OUTCOME_FOLLOW_UP_DAYS = 90


class Placement(BaseModel):
    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        ACTIVE = "active", _("Active")
        ENDED = "ended", _("Ended")
        INTERRUPTED = "interrupted", _("Interrupted")
        CANCELLED = "cancelled", _("Cancelled before the start")

    OPEN_STATUSES = (Status.PLANNED, Status.ACTIVE)
    FINISHED_STATUSES = (Status.ENDED, Status.INTERRUPTED)
    # A placement has started once it is active; an ended or interrupted one started before it ended.
    STARTED_STATUSES = (Status.ACTIVE, Status.ENDED, Status.INTERRUPTED)

    participant = models.ForeignKey(
        Participant, verbose_name=_("participant"), on_delete=models.CASCADE, related_name="placements"
    )
    offer = models.ForeignKey(
        Offer, verbose_name=_("place"), on_delete=models.PROTECT, related_name="placements"
    )
    company = models.ForeignKey(
        Company, verbose_name=_("company"), on_delete=models.PROTECT, related_name="placements"
    )
    referring_organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("referring organisation"),
        on_delete=models.PROTECT,
        related_name="placements",
    )
    support_measure = models.CharField(_("support measure"), max_length=30, choices=SupportMeasure)
    start_on = models.DateField(_("start"))
    planned_end_on = models.DateField(_("planned end"))
    hours_per_week = models.PositiveSmallIntegerField(
        _("hours per week"), validators=[MinValueValidator(1), MaxValueValidator(40)]
    )
    supervisor = models.CharField(_("supervisor"), max_length=200, blank=True)
    goals = models.TextField(_("goals"), max_length=2000, blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=Status, default=Status.PLANNED, db_index=True
    )
    ended_on = models.DateField(_("ended"), null=True, blank=True)
    # Finsam-funded efforts: the participant is registered in Försäkringskassan's follow-up system SUS at the
    # start and de-registered at the end (susam.se inregistrering/utregistrering). The portal never sends data to
    # SUS; it records that the coordinator did, so the work queue can remind until both are done.
    sus_registered_on = models.DateField(_("registered in SUS"), null=True, blank=True)
    sus_deregistered_on = models.DateField(_("de-registered from SUS"), null=True, blank=True)
    outcome = models.CharField(_("outcome"), max_length=30, choices=Outcome, blank=True)
    end_reason = models.CharField(_("reason for ending"), max_length=300, blank=True)
    income_after = models.CharField(_("income source after"), max_length=30, choices=IncomeSource, blank=True)
    occupation_after = models.CharField(_("occupation after"), max_length=20, choices=Occupation, blank=True)
    outcome_90 = models.CharField(_("outcome after 90 days"), max_length=30, choices=Outcome, blank=True)

    constraint_fields = {
        "placement_ends_after_start": "planned_end_on",
        "placement_ended_has_outcome": "outcome",
        "placement_ended_after_start": "ended_on",
        "placement_hours_positive": "hours_per_week",
        "placement_booked_once": "__all__",
    }

    class Meta:
        verbose_name = _("placement")
        verbose_name_plural = _("placements")
        ordering = ["-start_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(planned_end_on__gte=models.F("start_on")),
                name="placement_ends_after_start",
                violation_error_message=_("The planned end cannot come before the start."),
            ),
            # A placement cannot end without an outcome.
            models.CheckConstraint(
                condition=~Q(status__in=["ended", "interrupted"])
                | (~Q(outcome="") & Q(ended_on__isnull=False)),
                name="placement_ended_has_outcome",
                violation_error_message=_("A placement cannot end without its end date and outcome."),
            ),
            models.CheckConstraint(
                condition=~Q(status__in=["ended", "interrupted"]) | Q(ended_on__gte=models.F("start_on")),
                name="placement_ended_after_start",
                violation_error_message=_("A placement cannot end before it started."),
            ),
            models.CheckConstraint(
                condition=Q(hours_per_week__gt=0),
                name="placement_hours_positive",
                violation_error_message=_("Hours per week must be at least 1."),
            ),
            # The natural key of a booking: the same participant at the same place from the same day, once.
            models.UniqueConstraint(
                fields=["participant", "offer", "start_on"],
                condition=Q(status__in=["planned", "active"]),
                name="placement_booked_once",
                violation_error_message=_("The participant is already placed at this place from this day."),
            ),
        ]
        indexes = [
            # The capacity search counts each offer's open placements (placements/selectors.capacity_search).
            models.Index(fields=["offer", "status", "planned_end_on"], name="placement_offer_open_idx"),
            # The caseload lists filtered by status (placements/selectors.py): an organisation's placements in one
            # state, instead of a BitmapAnd of the organisation's and the nation's (22,000 active) placements.
            models.Index(fields=["referring_organisation", "status"], name="placement_caseload_status_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.participant.code} @ {self.company.name}"

    def audit_label(self) -> str:
        # The audit trail outlives the participant's erasure and anonymisation, so it never holds the code.
        return f"#{self.pk} @ {self.company.name}"

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES

    @property
    def is_finished(self) -> bool:
        return self.status in self.FINISHED_STATUSES

    @property
    def outcome_follow_up_on(self) -> date | None:
        """The first day the outcome after 90 days may be recorded."""
        return self.ended_on + timedelta(days=OUTCOME_FOLLOW_UP_DAYS) if self.is_finished else None

    # --- Lifecycle: the reasons an action is not allowed now (empty = allowed) --------------------------------

    def start_blockers(self, *, at: date) -> list[str]:
        if self.status != self.Status.PLANNED:
            return [gettext("Only a planned placement can start.")]
        reasons = self.participant.registration_blockers()
        # Started before the day it was planned for, it could never be ended: an end date may neither lie
        # ahead nor come before the start. Move the start date instead.
        if at < self.start_on:
            reasons.append(
                gettext("The placement is planned to start on %(date)s; it can be started from that day.")
                % {"date": _day(self.start_on)}
            )
        return reasons

    def end_blockers(self, *, ended_on: date | None, at: date) -> list[str]:
        if not self.is_open:
            return [gettext("The placement has already ended.")]
        reasons = []
        if self.status == self.Status.PLANNED and at < self.start_on:
            reasons.append(gettext("The placement has not started yet."))
        if ended_on is not None and ended_on < self.start_on:
            reasons.append(gettext("A placement cannot end before it started."))
        if ended_on is not None and ended_on > at:
            reasons.append(gettext("The end date cannot be in the future."))
        return reasons

    @property
    def needs_sus(self) -> bool:
        """Only a samordningsförbund's efforts are followed up in SUS (Finsam, 2003:1210)."""
        return self.referring_organisation.kind == self.referring_organisation.Kind.SAMORDNINGSFORBUND

    def sus_registration_blockers(self, *, on: date, at: date) -> list[str]:
        """Why the registration in SUS may not be recorded as made `on`; empty when it may."""
        if not self.needs_sus:
            return [gettext("Only a samordningsförbund's placements are registered in SUS.")]
        if self.sus_registered_on is not None:
            return [gettext("The registration in SUS is already recorded.")]
        if self.status not in self.STARTED_STATUSES:
            return [gettext("The participant is registered in SUS when the placement starts.")]
        if on > at:
            return [gettext("The date cannot be in the future.")]
        return []

    def sus_deregistration_blockers(self, *, on: date, at: date) -> list[str]:
        """Why the de-registration from SUS may not be recorded as made `on`; empty when it may."""
        if not self.needs_sus:
            return [gettext("Only a samordningsförbund's placements are registered in SUS.")]
        if self.sus_registered_on is None:
            return [gettext("Record the registration in SUS first.")]
        if self.sus_deregistered_on is not None:
            return [gettext("The de-registration from SUS is already recorded.")]
        if not self.is_finished:
            return [gettext("The participant is de-registered from SUS when the placement ends.")]
        if on > at:
            return [gettext("The date cannot be in the future.")]
        if on < self.sus_registered_on:
            return [gettext("The de-registration cannot be before the registration.")]
        return []

    def record_outcome_90_blockers(self, *, at: date) -> list[str]:
        """The outcome after 90 days is what the participant does on day 90 or later, so not before."""
        if not self.is_finished:
            return [gettext("The placement has not ended.")]
        if at < self.outcome_follow_up_on:
            return [
                gettext("The outcome after 90 days can be recorded from %(date)s.")
                % {"date": _day(self.outcome_follow_up_on)}
            ]
        return []


class FollowUp(BaseModel):
    class Kind(models.TextChoices):
        REGULAR = "regular", _("Follow-up meeting")
        AFTER_90_DAYS = "after_90_days", _("Follow-up 90 days after the end")

    placement = models.ForeignKey(Placement, on_delete=models.CASCADE, related_name="follow_ups")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind, default=Kind.REGULAR)
    due_on = models.DateField(_("due"))
    held_on = models.DateField(_("held"), null=True, blank=True)
    note = models.TextField(_("note"), max_length=2000, blank=True)
    cancelled_on = models.DateField(_("cancelled"), null=True, blank=True)

    constraint_fields = {
        "follow_up_held_or_cancelled": "held_on",
        "follow_up_booked_once": "due_on",
        "follow_up_90_once": "__all__",
    }

    class Meta:
        verbose_name = _("follow-up")
        verbose_name_plural = _("follow-ups")
        ordering = ["due_on", "pk"]
        indexes = [
            # The caseload lists' "next follow-up" per row, their sort by it and the follow-up state filters
            # (placements/selectors.py): a placement's open follow-ups by day.
            models.Index(
                fields=["placement", "due_on"],
                condition=Q(held_on__isnull=True, cancelled_on__isnull=True),
                name="follow_up_open_due_idx",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(held_on__isnull=True) | Q(cancelled_on__isnull=True),
                name="follow_up_held_or_cancelled",
                violation_error_message=_("A follow-up that was held cannot be cancelled."),
            ),
            models.UniqueConstraint(
                fields=["placement", "kind", "due_on"],
                name="follow_up_booked_once",
                violation_error_message=_("A follow-up is already booked on this day."),
            ),
            models.UniqueConstraint(
                fields=["placement"],
                condition=Q(kind="after_90_days"),
                name="follow_up_90_once",
                violation_error_message=_("The follow-up 90 days after the end is already booked."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.placement_id} {self.due_on}"

    @property
    def is_pending(self) -> bool:
        """Neither held nor cancelled."""
        return self.held_on is None and self.cancelled_on is None

    def is_overdue(self, *, at: date) -> bool:
        return self.is_pending and self.due_on < at

    def record_blockers(self, *, held_on: date, at: date) -> list[str]:
        if self.cancelled_on is not None:
            return [gettext("The follow-up was cancelled.")]
        reasons = self.placement.participant.registration_blockers()
        if held_on > at:
            reasons.append(gettext("A follow-up cannot be recorded as held in the future."))
        if self.kind == self.Kind.AFTER_90_DAYS:
            reasons += self.placement.record_outcome_90_blockers(at=held_on)
        return reasons


class FollowUpNote(BaseModel):
    """Every text a follow-up's note has had: recording or editing adds one, none is overwritten."""

    follow_up = models.ForeignKey(FollowUp, on_delete=models.CASCADE, related_name="notes")
    held_on = models.DateField(_("held"))
    text = models.TextField(_("note"), max_length=2000, blank=True)
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("written by"), on_delete=models.SET_NULL, null=True,
        related_name="+",
    )  # fmt: skip

    class Meta:
        verbose_name = _("follow-up note")
        verbose_name_plural = _("follow-up notes")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.follow_up_id} {self.created_at:%Y-%m-%d %H:%M}"
