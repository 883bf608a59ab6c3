"""Work-training places at ASF and the placements of pseudonymised participants, with their outcomes."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from asfportal.accounts.models import Organisation
from asfportal.core.models import BaseModel
from companies.models import Company, ServiceCategory


class SupportMeasure(models.TextChoices):
    AF_WORK_TRAINING = "af_work_training", _("Work training through Arbetsförmedlingen")
    WAGE_SUBSIDY = "wage_subsidy", _("Wage subsidy (lönebidrag/lönestöd)")
    INTRODUCTION_JOB = "introduction_job", _("Introduction job (introduktionsjobb)")
    NEW_START_JOB = "new_start_job", _("New-start job (nystartsjobb)")
    LSS_DAILY_ACTIVITY = "lss_daily_activity", _("Daily activity under LSS")
    MUNICIPAL_MEASURE = "municipal_measure", _("Municipal labour-market measure")
    FORBUND_PROJECT = "forbund_project", _("Samordningsförbund project")
    OTHER = "other", _("Other")


class Adaptation(models.TextChoices):
    ACCESSIBLE = "accessible", _("Accessible premises")
    FLEXIBLE_HOURS = "flexible_hours", _("Flexible hours")
    QUIET = "quiet", _("Quiet workplace")
    LANGUAGE = "language", _("Support in Swedish")
    SHORT_DAYS = "short_days", _("Short days to start with")


# Income sources and occupation, coded like SCB's försörjningsmått and SUS (domain notes §3).
class IncomeSource(models.TextChoices):
    WAGE = "wage", _("Wages")
    SICKNESS = "sickness", _("Sickness or rehabilitation benefit")
    ACTIVITY_COMPENSATION = "activity_compensation", _("Sickness or activity compensation")
    UNEMPLOYMENT = "unemployment", _("Unemployment benefit")
    ACTIVITY_SUPPORT = "activity_support", _("Activity support or development allowance")
    ESTABLISHMENT = "establishment", _("Establishment benefit")
    SOCIAL_ASSISTANCE = "social_assistance", _("Social assistance (försörjningsstöd)")
    STUDY_SUPPORT = "study_support", _("Study support")
    NONE = "none", _("No income of one's own")
    OTHER = "other", _("Other")


class Occupation(models.TextChoices):
    WORK = "work", _("Work")
    STUDIES = "studies", _("Studies")
    SEEKING = "seeking", _("Actively seeking work")
    MEASURE = "measure", _("Labour-market measure")
    SICK = "sick", _("Sick leave or rehabilitation")
    NONE = "none", _("No occupation")


class TargetGroup(models.TextChoices):
    """Coded: some of these reveal health or origin (GDPR art. 9), so they are shown only to the case's coordinators."""

    LONG_TERM_UNEMPLOYED = "long_term_unemployed", _("Long-term unemployed")
    NEWLY_ARRIVED = "newly_arrived", _("Newly arrived")
    DISABILITY = "disability", _("Disability affecting work capacity")
    MENTAL_HEALTH = "mental_health", _("Mental ill health")
    ADDICTION = "addiction", _("Addiction, in recovery")
    YOUNG_ADULT = "young_adult", _("Young adult outside work and studies")
    OTHER = "other", _("Other")


class Outcome(models.TextChoices):
    WORK_AT_ASF = "work_at_asf", _("Paid work at the ASF, unsubsidised")
    WORK_AT_ASF_SUBSIDISED = "work_at_asf_subsidised", _("Paid work at the ASF, subsidised")
    WORK_ELSEWHERE = "work_elsewhere", _("Paid work elsewhere, unsubsidised")
    WORK_ELSEWHERE_SUBSIDISED = "work_elsewhere_subsidised", _("Paid work elsewhere, subsidised")
    STUDIES = "studies", _("Studies")
    OTHER_MEASURE = "other_measure", _("Another labour-market measure")
    SEEKING = "seeking", _("Actively seeking work")
    SICK = "sick", _("Sick leave or rehabilitation")
    OTHER = "other", _("Other")
    DROPPED_OUT = "dropped_out", _("Dropped out")


EMPLOYMENT_OUTCOMES = (
    Outcome.WORK_AT_ASF,
    Outcome.WORK_AT_ASF_SUBSIDISED,
    Outcome.WORK_ELSEWHERE,
    Outcome.WORK_ELSEWHERE_SUBSIDISED,
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
    hours_per_week = models.PositiveSmallIntegerField(_("hours per week"), validators=[MaxValueValidator(40)])
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

    class Meta:
        verbose_name = _("work-training offer")
        verbose_name_plural = _("work-training offers")
        ordering = ["company__name", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(available_to__isnull=True) | Q(available_to__gte=models.F("available_from")),
                name="offer_period_in_order",
            )
        ]

    def __str__(self) -> str:
        return f"{self.company.name}: {self.work_area}"


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
        ]

    def __str__(self) -> str:
        return self.code


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

    class Meta:
        verbose_name = _("consent")
        verbose_name_plural = _("consents")
        ordering = ["-given_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.participant.code} {self.given_on}"


class Placement(BaseModel):
    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        ACTIVE = "active", _("Active")
        ENDED = "ended", _("Ended")
        INTERRUPTED = "interrupted", _("Interrupted")

    OPEN_STATUSES = (Status.PLANNED, Status.ACTIVE)

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
    hours_per_week = models.PositiveSmallIntegerField(_("hours per week"), validators=[MaxValueValidator(40)])
    supervisor = models.CharField(_("supervisor"), max_length=200, blank=True)
    goals = models.TextField(_("goals"), max_length=2000, blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=Status, default=Status.PLANNED, db_index=True
    )
    ended_on = models.DateField(_("ended"), null=True, blank=True)
    outcome = models.CharField(_("outcome"), max_length=30, choices=Outcome, blank=True)
    end_reason = models.CharField(_("reason for ending"), max_length=300, blank=True)
    income_after = models.CharField(_("income source after"), max_length=30, choices=IncomeSource, blank=True)
    occupation_after = models.CharField(_("occupation after"), max_length=20, choices=Occupation, blank=True)
    outcome_90 = models.CharField(_("outcome after 90 days"), max_length=30, choices=Outcome, blank=True)

    class Meta:
        verbose_name = _("placement")
        verbose_name_plural = _("placements")
        ordering = ["-start_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(planned_end_on__gte=models.F("start_on")), name="placement_ends_after_start"
            ),
            # A placement cannot end without an outcome.
            models.CheckConstraint(
                condition=~Q(status__in=["ended", "interrupted"])
                | (~Q(outcome="") & Q(ended_on__isnull=False)),
                name="placement_ended_has_outcome",
            ),
        ]
        indexes = [
            # The capacity search counts each offer's open placements (placements/selectors.capacity_search).
            models.Index(fields=["offer", "status", "planned_end_on"], name="placement_offer_open_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.participant.code} @ {self.company.name}"

    def audit_label(self) -> str:
        # The audit trail outlives the participant's erasure and anonymisation, so it never holds the code.
        return f"#{self.pk} @ {self.company.name}"


class FollowUp(BaseModel):
    class Kind(models.TextChoices):
        REGULAR = "regular", _("Follow-up meeting")
        AFTER_90_DAYS = "after_90_days", _("Follow-up 90 days after the end")

    placement = models.ForeignKey(Placement, on_delete=models.CASCADE, related_name="follow_ups")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind, default=Kind.REGULAR)
    due_on = models.DateField(_("due"))
    held_on = models.DateField(_("held"), null=True, blank=True)
    note = models.TextField(_("note"), max_length=2000, blank=True)

    class Meta:
        verbose_name = _("follow-up")
        verbose_name_plural = _("follow-ups")
        ordering = ["due_on", "pk"]

    def __str__(self) -> str:
        return f"{self.placement_id} {self.due_on}"


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
