"""Action plans: goals, activities with indicators, milestones and dated progress notes."""

from __future__ import annotations

import re
from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from asfportal.accounts.models import Organisation
from asfportal.core.models import BaseModel


def _not_in_future(value: date | None, message) -> list:
    return [message] if value and value > timezone.localdate() else []


class ActionPlan(BaseModel):
    """A plan for one or more years; once adopted (a date and a body) it has a public progress page."""

    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisation"), on_delete=models.CASCADE, related_name="action_plans"
    )
    policy = models.ForeignKey(
        "policies.Policy",
        verbose_name=_("policy"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="plans",
    )
    title = models.CharField(_("title"), max_length=200)
    start_year = models.PositiveSmallIntegerField(
        _("first year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    end_year = models.PositiveSmallIntegerField(
        _("last year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    adopted_by = models.CharField(_("adopted by"), max_length=200, blank=True)
    adopted_on = models.DateField(_("adopted on"), null=True, blank=True)

    constraint_fields = {"plan_years_in_order": "end_year", "one_plan_per_title_and_start": "title"}

    class Meta:
        verbose_name = _("action plan")
        verbose_name_plural = _("action plans")
        ordering = ["-start_year", "title"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_year__gte=models.F("start_year")),
                name="plan_years_in_order",
                violation_error_message=_("The last year cannot come before the first year."),
            ),
            # The natural key: a double click on "Save" finds the plan already made.
            models.UniqueConstraint(
                fields=["organisation", "title", "start_year"],
                name="one_plan_per_title_and_start",
                violation_error_message=_(
                    "The organisation already has a plan with this title from that year."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} {self.start_year}-{self.end_year}"

    @property
    def is_adopted(self) -> bool:
        return self.adopted_on is not None

    def covers(self, day: date) -> bool:
        return self.start_year <= day.year <= self.end_year

    def clean(self) -> None:
        errors = {}
        if wrong := _not_in_future(self.adopted_on, _("The adoption date cannot lie in the future.")):
            errors["adopted_on"] = wrong
        if self.adopted_on and not self.adopted_by.strip():
            errors["adopted_by"] = [_("Name the body that adopted the plan.")]
        if errors:
            raise ValidationError(errors)


class Goal(BaseModel):
    plan = models.ForeignKey(ActionPlan, on_delete=models.CASCADE, related_name="goals")
    title = models.CharField(_("goal"), max_length=300)
    order = models.PositiveSmallIntegerField(default=0)

    constraint_fields = {"one_goal_per_title": "title"}

    class Meta:
        verbose_name = _("goal")
        verbose_name_plural = _("goals")
        ordering = ["order", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "title"],
                name="one_goal_per_title",
                violation_error_message=_("The plan already has a goal with this name."),
            )
        ]

    def __str__(self) -> str:
        return self.title


# Words in a samordningsförbund's activity of category "Other" that name what Nationella rådet rules out (Finsam
# 2003:1210 7 §; domain notes §3, S2). Such an activity is held until the coordinator gives a reason, which is
# logged, as for a publicly employed supervisor. Lower case; matched anywhere in the title and description.
FORBIDDEN_KIND_WORDS = {
    "cash_grant": r"kontant\w*|bidrag till (?:ett |en )?(?:enskil\w+ )?(?:företag|asf)",
    "start_or_develop_asf": r"\b(?:start\w*|grunda\w*|bilda\w*|utveckla\w*)\b[\w\s-]{0,30}\b(?:asf|sociala? företag\w*)",
    "membership": r"medlemskap\w*|medlemsavgift\w*|bli medlem",
    "staff_competence": r"(?:kompetens|affärs)utveckling\w*",
}


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
        """What the activity does; some are ruled out for samordningsförbund (see FORBUND_FORBIDDEN)."""

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
    # Statuses that are not running work: they get their own grey signal and no traffic light.
    PAUSED = (Status.POSTPONED, Status.CANCELLED)

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
    budget = models.DecimalField(
        _("budget (SEK)"),
        max_digits=12,
        decimal_places=0,
        null=True,
        blank=True,
    )
    status = models.CharField(_("status"), max_length=10, choices=Status, default=Status.PLANNED)
    progress = models.PositiveSmallIntegerField(
        _("progress (%)"), null=True, blank=True, validators=[MaxValueValidator(100)]
    )
    public_supervisor = models.BooleanField(_("a supervisor is employed by a public body"), default=False)
    override_reason = models.CharField(
        _("reason to go ahead despite the warning"), max_length=300, blank=True
    )
    # How often the end in people's calendars moved, or the activity was cancelled or taken up again: the
    # entry's iCalendar SEQUENCE (core/calendars), counted by activity_save and progress_record.
    calendar_sequence = models.PositiveIntegerField(
        _("calendar revision"), default=0, db_default=0, editable=False
    )

    constraint_fields = {
        "activity_ends_after_start": "end_on",
        "activity_budget_not_negative": "budget",
        "done_activity_is_complete": "progress",
        "planned_activity_has_not_started": "progress",
        "one_activity_per_title_and_start": "title",
    }

    class Meta:
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
        ordering = ["start_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_on__gte=models.F("start_on")),
                name="activity_ends_after_start",
                violation_error_message=_("The end cannot come before the start."),
            ),
            models.CheckConstraint(
                condition=Q(budget__isnull=True) | Q(budget__gte=0),
                name="activity_budget_not_negative",
                violation_error_message=_("The budget cannot be negative."),
            ),
            models.CheckConstraint(
                condition=~Q(status="done") | Q(progress__isnull=True) | Q(progress=100),
                name="done_activity_is_complete",
                violation_error_message=_(
                    "A done activity is complete (100 percent): write 100 or leave the field empty."
                ),
            ),
            models.CheckConstraint(
                condition=~Q(status="planned") | Q(progress__isnull=True) | Q(progress=0),
                name="planned_activity_has_not_started",
                violation_error_message=_(
                    "A planned activity has not started (0 percent): choose the status Ongoing or leave the field empty."
                ),
            ),
            # The natural key: a double click on "Save" finds the activity already made.
            models.UniqueConstraint(
                fields=["plan", "title", "start_on"],
                name="one_activity_per_title_and_start",
                violation_error_message=_(
                    "The plan already has an activity with this title starting that day."
                ),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def calendar_state(self) -> tuple:
        """What the end's calendar entry shows: when it changes, the entry's SEQUENCE grows."""
        return (self.end_on, self.status == self.Status.CANCELLED)

    def clean(self) -> None:
        """The activity's period lies within the years of its plan."""
        errors = {}
        plan = self.plan if self.plan_id else None
        if plan and self.start_on and not plan.covers(self.start_on):
            errors["start_on"] = [self._outside_message(plan)]
        if plan and self.end_on and not plan.covers(self.end_on):
            errors["end_on"] = [self._outside_message(plan)]
        if errors:
            raise ValidationError(errors)

    @staticmethod
    def _outside_message(plan: ActionPlan) -> str:
        return _("The plan runs from %(start)s to %(end)s: choose a date within those years.") % {
            "start": plan.start_year,
            "end": plan.end_year,
        }

    def guardrail_errors(self, *, organisation_kind: str) -> dict[str, list[str]]:
        """Why this activity may not be saved as it is for an organisation of `organisation_kind`, by the field the
        person should change (empty = it may)."""
        errors: dict[str, list[str]] = {}
        reason_given = bool(self.override_reason.strip())
        if organisation_kind == Organisation.Kind.SAMORDNINGSFORBUND:
            if self.category in FORBUND_FORBIDDEN:
                errors["category"] = [str(FORBUND_FORBIDDEN[self.category])]
            elif not reason_given and (kinds := self.named_forbidden_kinds()):
                errors["override_reason"] = [
                    _(
                        "The activity reads like something a samordningsförbund may not fund: %(kinds)s. Change it, "
                        "or give a reason to go ahead (it is logged)."
                    )
                    % {"kinds": ", ".join(str(self.Category(kind).label).lower() for kind in kinds)}
                ]
        # Skoopi reads a publicly employed supervisor as a conflict with independence (criterion 4).
        if self.public_supervisor and not reason_given:
            errors.setdefault("override_reason", []).append(
                _(
                    "A supervisor employed by a public body may conflict with the ASF's independence. Give a reason "
                    "to go ahead."
                )
            )
        return errors

    def named_forbidden_kinds(self) -> list[str]:
        """Forbidden kinds an activity of category "Other" names in its title or description."""
        if self.category != self.Category.OTHER:
            return []
        text = f"{self.title}\n{self.description}".lower()
        return [kind for kind, pattern in FORBIDDEN_KIND_WORDS.items() if re.search(pattern, text)]

    def effective_progress(self) -> int:
        return self.progress if self.progress is not None else self.DEFAULT_PROGRESS[self.status]

    def signal(self, today: date) -> str:
        """Traffic light: "late" once the end has passed unfinished, "at_risk" when progress lags time, else
        "on_track"; postponed and cancelled activities get their own (grey) signal, never a light."""
        if self.status in self.PAUSED:
            return self.status
        if self.status == self.Status.DONE:
            return "on_track"
        if today > self.end_on:
            return "late"
        span = max((self.end_on - self.start_on).days, 1)
        elapsed = min(max((today - self.start_on).days, 0), span)
        return "at_risk" if 100 * elapsed / span - self.effective_progress() > 25 else "on_track"


# What Nationella rådet's guidance rules out for a samordningsförbund (Finsam 2003:1210; domain notes §3, S2):
# no cash grants to individual businesses, no starting or developing ASF, no membership in an ASF or an interest
# organisation, no financing of competence development for ASF staff.
FORBUND_FORBIDDEN = {
    Activity.Category.CASH_GRANT: _(
        "A samordningsförbund may not give cash grants to individual businesses; fund an insats with at least two "
        "parties instead."
    ),
    Activity.Category.START_OR_DEVELOP_ASF: _(
        "A samordningsförbund may not start or develop ASF; route such work to Coompanion or the municipality's "
        "business development."
    ),
    Activity.Category.MEMBERSHIP: _(
        "A samordningsförbund may not be a member of an ASF or an interest organisation such as Skoopi."
    ),
    Activity.Category.STAFF_COMPETENCE: _(
        "A samordningsförbund may not finance competence or business development for ASF staff."
    ),
}

kolada_id_validator = RegexValidator(
    r"^[NU]\d{5}$", _("A Kolada key figure is N or U and five digits, for example N00945."), code="kolada_id"
)


class Indicator(BaseModel):
    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="indicators")
    name = models.CharField(_("indicator"), max_length=200)
    baseline = models.DecimalField(_("baseline"), max_digits=12, decimal_places=2, null=True, blank=True)
    target = models.DecimalField(_("target"), max_digits=12, decimal_places=2, null=True, blank=True)
    kolada_id = models.CharField(
        _("Kolada key figure"),
        max_length=20,
        blank=True,
        help_text=_("For example N00945."),
        validators=[kolada_id_validator],
    )
    actuals = models.JSONField(_("actual values per year"), default=dict, blank=True)

    class Meta:
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        """Actual values are {"2025": 7, ...}: a year from 2000 to 2100 once, and a number."""
        actuals = self.actuals if isinstance(self.actuals, dict) else None
        if actuals is None or any(
            not (str(year).isdigit() and 2000 <= int(year) <= 2100)
            or isinstance(value, bool)
            or not isinstance(value, int | float)
            for year, value in actuals.items()
        ):
            raise ValidationError({"actuals": [_("Write each value as year: value, for example 2025: 12.")]})

    def actuals_in_order(self) -> list[tuple[str, int | float]]:
        return sorted(self.actuals.items()) if isinstance(self.actuals, dict) else []


class Milestone(BaseModel):
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

    def clean(self) -> None:
        if wrong := _not_in_future(self.done_on, _("A milestone cannot be done on a future date.")):
            raise ValidationError({"done_on": wrong})


class ProgressNote(BaseModel):
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
