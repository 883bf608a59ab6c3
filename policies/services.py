"""State changes of contact persons, policies and action plans: atomic, audited, DomainError on a broken rule."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from asfportal.accounts.models import Organisation, Role, User
from asfportal.accounts.selectors import people_with_role
from asfportal.core.audit import audit
from asfportal.core.exceptions import DomainError, clean_or_raise
from asfportal.core.notifications import notify
from asfportal.core.personal_data import normalise_swedish_phone_number

from .models import (
    ActionPlan,
    Activity,
    AnnualReport,
    BoardReport,
    ContactPerson,
    ContractTotal,
    Goal,
    Indicator,
    Milestone,
    Policy,
    ProgressNote,
)
from .models.plans import FORBUND_FORBIDDEN  # noqa: F401 - the seed commands choose categories with it


def _idempotent_create(instance, *, natural_key: dict[str, Any], fields: dict[str, Any]):
    """Save a new row, unless the same row is already there under its natural key (a double click, a resubmitted
    form, two tabs): then the one already saved is the result, as the person asked for it once. A row with the
    same key but other content is refused by full_clean with the constraint's message on its field."""
    model = type(instance)
    existing = model.objects.filter(**natural_key).first()
    if existing is not None and all(getattr(existing, name) == value for name, value in fields.items()):
        return existing, False
    clean_or_raise(instance)
    try:
        with transaction.atomic():  # a savepoint: a concurrent twin makes only this insert fail
            instance.save()
    except IntegrityError:
        existing = model.objects.filter(**natural_key).first()
        if existing is None:
            raise
        return existing, False
    return instance, True


def _assign(instance, fields: dict[str, Any]):
    for name, value in fields.items():
        setattr(instance, name, value)
    return instance


def _count_calendar_change(instance, shown: tuple) -> None:
    """One more iCalendar SEQUENCE when what the record's calendar entry shows has changed (RFC 5545 §3.8.7.4),
    so a calendar that holds the entry replaces it."""
    if instance.calendar_state() != shown:
        instance.calendar_sequence += 1


@transaction.atomic
def contact_save(
    *, contact: ContactPerson | None, organisation: Organisation, fields: dict, actor: User
) -> ContactPerson:
    """Add or change a contact person (public on the organisation's page); the phone is stored as people read it.
    Adding the same person twice gives the one already there."""
    fields = dict(fields)
    if fields.get("phone"):
        try:
            fields["phone"] = normalise_swedish_phone_number(fields["phone"])
        except ValidationError as error:
            raise DomainError(field_errors={"phone": error.messages}) from error
    if contact is None:
        contact = _assign(ContactPerson(organisation=organisation), fields)
        key = {"organisation": organisation, "name": contact.name, "responsibility": contact.responsibility}
        contact, created = _idempotent_create(contact, natural_key=key, fields=fields)
        if created:
            audit(actor, "policies.contact.saved", contact, created=True)
        return contact
    contact = _assign(ContactPerson.objects.select_for_update().get(pk=contact.pk), fields)
    clean_or_raise(contact)
    contact.save()
    audit(actor, "policies.contact.saved", contact, created=False)
    return contact


@transaction.atomic
def contact_delete(*, contact: ContactPerson, actor: User) -> None:
    """Remove a contact person (the page asked for confirmation); removing one already gone does nothing."""
    contact = ContactPerson.objects.select_for_update().filter(pk=contact.pk).first()
    if contact is None:
        return
    audit(actor, "policies.contact.deleted", contact, responsibility=contact.responsibility)
    contact.delete()


def _raise_on_status(reasons: list[str]) -> None:
    if reasons:
        raise DomainError(field_errors={"status": reasons})


@transaction.atomic
def policy_save(*, policy: Policy | None, organisation: Organisation, fields: dict, actor: User) -> Policy:
    """Save a policy; the model decides which status it may move to and what an adopted (public) policy needs.
    Saving the same new draft twice gives the one already there."""
    if fields.get("document") is False:  # the form's "clear" box
        fields = {**fields, "document": ""}
    if policy is None:
        policy = _assign(Policy(organisation=organisation), fields)
        _raise_on_status(Policy(status=Policy.Status.DRAFT).status_change_blockers(to=policy.status))
        key = {"organisation": organisation, "title": policy.title, "status": policy.status}
        policy, created = _idempotent_create(policy, natural_key=key, fields=fields)
        if created:
            audit(actor, "policies.policy.saved", policy, status=policy.status)
        return policy
    stored = Policy.objects.select_for_update().get(pk=policy.pk)
    _raise_on_status(stored.status_change_blockers(to=fields.get("status", stored.status)))
    shown = stored.calendar_state()
    policy = _assign(stored, fields)
    _count_calendar_change(policy, shown)
    clean_or_raise(policy)
    policy.save()
    audit(actor, "policies.policy.saved", policy, status=policy.status)
    return policy


def _activities_outside(plan: ActionPlan) -> list[str]:
    outside = plan.activities.exclude(start_on__year__gte=plan.start_year, end_on__year__lte=plan.end_year)
    return list(outside.values_list("title", flat=True)[:5])


@transaction.atomic
def plan_save(
    *, plan: ActionPlan | None, organisation: Organisation, fields: dict, goals: list[str], actor: User
) -> ActionPlan:
    """Add or change a plan and add the goals named that it lacks. Its years must still hold every activity.
    Saving the same new plan twice gives the one already there."""
    fields = {**fields}
    if fields.get("policy") is not None and fields["policy"].organisation_id != organisation.pk:
        raise DomainError(
            field_errors={"policy": [_("Link the plan to one of your own organisation's policies.")]}
        )
    if plan is None:
        plan = _assign(ActionPlan(organisation=organisation), fields)
        key = {"organisation": organisation, "title": plan.title, "start_year": plan.start_year}
        plan, changed = _idempotent_create(plan, natural_key=key, fields=fields)
    else:
        plan, changed = _assign(ActionPlan.objects.select_for_update().get(pk=plan.pk), fields), True
        clean_or_raise(plan)
        if titles := _activities_outside(plan):
            message = _("Activities lie outside these years: %(titles)s. Move them first.")
            raise DomainError(field_errors={"start_year": [message % {"titles": ", ".join(titles)}]})
        plan.save()
    existing = {goal.title for goal in plan.goals.all()}
    added = []
    for order, title in enumerate(dict.fromkeys(goals), start=len(existing) + 1):
        if title not in existing:
            goal = Goal(plan=plan, title=title, order=order)
            clean_or_raise(goal)
            goal.save()
            added.append(title)
    if changed or added:
        audit(actor, "policies.plan.saved", plan, goals_added=added)
    return plan


@transaction.atomic
def goal_save(*, goal: Goal, title: str, actor: User) -> Goal:
    """Rename a goal of a plan (names are unique within the plan)."""
    goal = Goal.objects.select_for_update().get(pk=goal.pk)
    before, goal.title = goal.title, title.strip()
    clean_or_raise(goal)
    goal.save(update_fields=["title", "updated_at"])
    audit(actor, "policies.goal.renamed", goal, plan=goal.plan_id, before=before)
    return goal


@transaction.atomic
def goal_delete(*, goal: Goal, actor: User) -> int:
    """Remove a goal (the page asked for confirmation); its activities stay in the plan without a goal. Returns
    how many activities lost their goal; removing one already gone does nothing."""
    goal = Goal.objects.select_for_update().filter(pk=goal.pk).first()
    if goal is None:
        return 0
    orphans = goal.activities.update(goal=None)
    audit(actor, "policies.goal.deleted", goal, plan=goal.plan_id, activities_without_goal=orphans)
    goal.delete()
    return orphans


@transaction.atomic
def activity_save(
    *, activity: Activity | None, plan: ActionPlan, fields: dict[str, Any], actor: User
) -> Activity:
    """Add or change an activity. The model's guardrails apply: what a samordningsförbund may not fund is
    refused, and an "Other" activity that names it, or a publicly employed supervisor, is held until a reason is
    given, which is logged. Saving the same new activity twice gives the one already there."""
    if fields.get("goal") is not None and fields["goal"].plan_id != plan.pk:
        raise DomainError(field_errors={"goal": [_("Choose a goal of this plan.")]})
    if activity is None:
        activity = _assign(Activity(plan=plan), fields)
    else:
        activity = Activity.objects.select_for_update().get(pk=activity.pk, plan=plan)
        shown = activity.calendar_state()
        _count_calendar_change(_assign(activity, fields), shown)
    activity.plan = plan
    if errors := activity.guardrail_errors(organisation_kind=plan.organisation.kind):
        raise DomainError(field_errors=errors)
    held = (
        activity.named_forbidden_kinds()
        if plan.organisation.kind == Organisation.Kind.SAMORDNINGSFORBUND
        else []
    )
    if activity.pk is None:
        key = {"plan": plan, "title": activity.title, "start_on": activity.start_on}
        activity, created = _idempotent_create(activity, natural_key=key, fields=fields)
        if not created:
            return activity
    else:
        clean_or_raise(activity)
        activity.save()
    audit(actor, "policies.activity.saved", activity, override=activity.override_reason or None,
          held_for=held or None)  # fmt: skip
    return activity


@transaction.atomic
def activity_delete(*, activity: Activity, actor: User) -> None:
    """Remove an activity with its indicators, milestones and notes (the page asked for confirmation); the audit
    entry keeps its title and plan. Removing one already gone does nothing."""
    activity = Activity.objects.select_for_update().filter(pk=activity.pk).first()
    if activity is None:
        return
    audit(actor, "policies.activity.deleted", activity, plan=activity.plan_id, status=activity.status,
          notes=activity.notes.count())  # fmt: skip
    activity.delete()


@transaction.atomic
def progress_record(
    *, activity: Activity, text: str, status: str, progress: int | None, actor: User
) -> ProgressNote:
    """A dated progress note, optionally moving the activity's status and progress. Without a new progress, a
    move to done or planned lets the status decide it (100 % or 0 %)."""
    activity = Activity.objects.select_for_update().get(pk=activity.pk)
    shown = activity.calendar_state()
    activity.status = status or activity.status
    _count_calendar_change(activity, shown)
    if progress is not None:
        activity.progress = progress
    elif activity.status in (Activity.Status.DONE, Activity.Status.PLANNED):
        activity.progress = None
    note = ProgressNote(activity=activity, noted_on=timezone.localdate(), text=text.strip(), author=actor)
    if not note.text:
        raise DomainError(field_errors={"text": [_("Write what has happened.")]})
    clean_or_raise(activity)
    clean_or_raise(note)
    activity.save(update_fields=["status", "progress", "calendar_sequence", "updated_at"])
    note.save()
    audit(actor, "policies.activity.progress", activity, status=activity.status)
    return note


@transaction.atomic
def activity_followup_save(
    *, activity: Activity, indicators: list[dict[str, Any]], milestones: list[dict[str, Any]], actor: User
) -> None:
    """Add, change and remove an activity's indicators and milestones in one go (all or nothing).

    Rows are cleaned form data: "id" is an existing row of this activity or None, "DELETE" removes it; empty new
    rows are skipped. A row's error is raised with its list and position, "indicators-0-name"."""
    for prefix, model, rows in (("indicators", Indicator, indicators), ("milestones", Milestone, milestones)):
        for index, row in enumerate(rows):
            row = dict(row)
            instance, delete = row.pop("id", None), row.pop("DELETE", False)
            if instance is not None and instance.activity_id != activity.pk:
                raise DomainError(_("That row belongs to another activity."))
            if delete:
                if instance is not None:
                    instance.delete()
                continue
            if instance is None and not any(value not in (None, "", {}) for value in row.values()):
                continue
            instance = _assign(instance or model(activity=activity), row)
            try:
                clean_or_raise(instance)
            except DomainError as error:
                errors = {f"{prefix}-{index}-{field}": texts for field, texts in error.field_errors.items()}
                raise DomainError(error.reasons, field_errors=errors) from error
            instance.save()
    audit(actor, "policies.activity.followup_saved", activity)


# --- The annual report ----------------------------------------------------------------------------------------

# Organisations that follow up ASF work in an annual report (kommuner, regioner and samordningsförbund).
REPORTING_KINDS = (Organisation.Kind.KOMMUN, Organisation.Kind.REGION, Organisation.Kind.SAMORDNINGSFORBUND)


@transaction.atomic
def contract_total_save(*, organisation: Organisation, year: int, total_value, actor: User) -> ContractTotal:
    """Record all contract value the organisation awarded in a year (from its finance system)."""
    total, _created = ContractTotal.objects.get_or_create(
        organisation=organisation, year=year, defaults={"total_value": total_value}
    )
    total.total_value = total_value
    clean_or_raise(total)
    total.save()
    audit(actor, "policies.contract_total.saved", total, year=year, total_value=str(total_value))
    return total


def _check_year(year: int, today) -> None:
    if year > today.year:
        raise DomainError(_("A report can only be made for this year or an earlier one."))
    if year < 2000:
        raise DomainError(_("Choose a year from 2000 on."))


@transaction.atomic
def report_request(*, organisation: Organisation, year: int, actor: User | None) -> AnnualReport:
    """Queue a new version of the annual report; the worker builds it (see tasks.build_annual_report_task)."""
    from .tasks import build_annual_report_task

    _check_year(year, timezone.localdate())
    if organisation.kind not in REPORTING_KINDS:
        raise DomainError(_("Annual reports are made by municipalities, regions and samordningsförbund."))
    # Lock the organisation so two clicks at once cannot both take the next version number.
    Organisation.objects.select_for_update().filter(pk=organisation.pk).first()
    if AnnualReport.objects.filter(
        organisation=organisation, year=year, status__in=["queued", "running"]
    ).exists():
        raise DomainError(_("A report for %(year)s is already being generated.") % {"year": year})
    latest = AnnualReport.objects.filter(organisation=organisation, year=year).aggregate(v=Max("version"))[
        "v"
    ]
    report = AnnualReport.objects.create(
        organisation=organisation, year=year, version=(latest or 0) + 1, requested_by=actor
    )
    audit(actor, "policies.report.requested", report, year=year, version=report.version)
    transaction.on_commit(lambda: build_annual_report_task.delay(report.pk))
    return report


def _report_step(report: AnnualReport, percent: int, text: str) -> None:
    # Saved outside any transaction so the page polling the report sees each step as it happens.
    report.progress, report.step = percent, str(text)[:100]
    AnnualReport.objects.filter(pk=report.pk).update(progress=percent, step=report.step)


def report_build(*, report_id: int) -> AnnualReport:
    """Gather the figures, freeze them, and render the PDF and workbook from the frozen figures.

    Idempotent: a finished report is left as it is, so a redelivered task does nothing. The report is written in
    Swedish, the language of the public record.
    """
    from .reports import build_figures, render_pdf, render_xlsx

    claimed = AnnualReport.objects.filter(pk=report_id, status=AnnualReport.Status.QUEUED).update(
        status=AnnualReport.Status.RUNNING, progress=5, step=""
    )
    report = AnnualReport.objects.select_related("organisation", "requested_by").get(pk=report_id)
    if not claimed:
        return report
    try:
        with translation.override("sv"):
            figures = build_figures(
                organisation=report.organisation,
                year=report.year,
                today=timezone.localdate(),
                on_step=lambda percent, text: _report_step(report, percent, text),
            )
            report.figures = figures
            report.generated_at = timezone.now()
            _report_step(report, 70, _("Drawing the PDF"))
            name = f"arsrapport-{report.year}-v{report.version}"
            pdf = render_pdf(report)
            _report_step(report, 90, _("Writing the Excel workbook"))
            xlsx = render_xlsx(report)
        with transaction.atomic():
            report.pdf.save(f"{name}.pdf", ContentFile(pdf), save=False)
            report.xlsx.save(f"{name}.xlsx", ContentFile(xlsx), save=False)
            report.status, report.progress, report.step = AnnualReport.Status.DONE, 100, ""
            report.save()
            audit(report.requested_by, "policies.report.generated", report, version=report.version)
            _announce(report)
    except Exception as error:
        # Record the failure for the coordinator to see; the task logs the traceback.
        AnnualReport.objects.filter(pk=report.pk).update(
            status=AnnualReport.Status.FAILED, error=str(error)[:500] or error.__class__.__name__
        )
        raise
    return report


def _announce(report: AnnualReport) -> None:
    url = reverse("policies:report-detail", args=[report.pk])
    people = people_with_role(Role.COORDINATOR, organisation_ids=[report.organisation_id])
    for person in people:
        notify(recipient=person, kind="policies.report_ready", subject_object=report, url=url,
               context={"report": report})  # fmt: skip


def reports_january_run(*, year: int) -> int:
    """Queue the previous year's report for every reporting organisation that has none generated automatically
    yet; returns how many were queued. Safe to run again (beat, or by hand with manage.py annual_reports)."""
    done = AnnualReport.objects.filter(year=year, requested_by__isnull=True).values("organisation_id")
    organisations = Organisation.objects.filter(kind__in=REPORTING_KINDS, is_active=True).exclude(pk__in=done)
    queued = 0
    for organisation in organisations.iterator():
        try:
            report_request(organisation=organisation, year=year, actor=None)
        except DomainError:
            continue  # one is already being generated by hand; the coordinator gets that one
        queued += 1
    return queued


@transaction.atomic
def board_report_record(
    *, organisation: Organisation, kind: str, period_end, submitted_on, actor: User
) -> BoardReport:
    """Record that the förbund's interim or annual report for the period was put before its board; a second
    record of the same report is refused with the reason (the constraint guards a race)."""
    today = timezone.localdate()
    reasons = BoardReport.record_blockers(
        organisation=organisation, kind=kind, period_end=period_end, on=submitted_on, at=today
    )
    if reasons:
        raise DomainError(" ".join(str(reason) for reason in reasons))
    report = BoardReport(organisation=organisation, kind=kind, period_end=period_end, submitted_on=submitted_on,
                         submitted_by=actor)  # fmt: skip
    clean_or_raise(report)
    report.save()
    audit(actor, "policies.board_report.recorded", report)
    return report
