"""State changes of contact persons, policies and action plans: atomic, audited, DomainError on a broken rule."""

from __future__ import annotations

from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from asfportal.accounts.models import Organisation, Role, User
from asfportal.core.audit import audit
from asfportal.core.exceptions import DomainError, clean_or_raise
from asfportal.core.notifications import notify

from .models import (
    ActionPlan,
    Activity,
    AnnualReport,
    ContactPerson,
    ContractTotal,
    Goal,
    Indicator,
    Milestone,
    Policy,
    ProgressNote,
)

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


@transaction.atomic
def contact_save(
    *, contact: ContactPerson | None, organisation: Organisation, fields: dict, actor: User
) -> ContactPerson:
    contact = contact or ContactPerson(organisation=organisation)
    for name, value in fields.items():
        setattr(contact, name, value)
    clean_or_raise(contact)
    contact.save()
    audit(actor, "policies.contact.saved", contact)
    return contact


@transaction.atomic
def contact_delete(*, contact: ContactPerson, actor: User) -> None:
    audit(actor, "policies.contact.deleted", contact)
    contact.delete()


@transaction.atomic
def policy_save(*, policy: Policy | None, organisation: Organisation, fields: dict, actor: User) -> Policy:
    """Save a policy; an adopted one needs the adopting body and date (and is then public)."""
    policy = policy or Policy(organisation=organisation)
    for name, value in fields.items():
        setattr(policy, name, value)
    if policy.status == Policy.Status.ADOPTED and not (policy.adopted_by and policy.adopted_on):
        raise DomainError(_("An adopted policy needs the body that adopted it and the date."))
    if policy.review_on and policy.adopted_on and policy.review_on <= policy.adopted_on:
        raise DomainError(_("The review date must come after the adoption date."))
    clean_or_raise(policy)
    policy.save()
    audit(actor, "policies.policy.saved", policy, status=policy.status)
    return policy


@transaction.atomic
def plan_save(
    *, plan: ActionPlan | None, organisation: Organisation, fields: dict, goals: list[str], actor: User
) -> ActionPlan:
    plan = plan or ActionPlan(organisation=organisation)
    for name, value in fields.items():
        setattr(plan, name, value)
    if plan.policy_id and plan.policy.organisation_id != organisation.pk:
        raise DomainError(_("Link the plan to one of your own organisation's policies."))
    clean_or_raise(plan)
    plan.save()
    existing = {goal.title for goal in plan.goals.all()}
    added = []
    for order, title in enumerate(goals, start=1):
        if title not in existing:
            Goal.objects.create(plan=plan, title=title, order=order)
            added.append(title)
    # Goals are made only here, so the plan's entry says which were added.
    audit(actor, "policies.plan.saved", plan, goals_added=added)
    return plan


def check_guardrails(*, organisation: Organisation, category: str) -> None:
    """Refuse what a samordningsförbund may not do; other kinds of organisation are not limited."""
    if organisation.kind == Organisation.Kind.SAMORDNINGSFORBUND and category in FORBUND_FORBIDDEN:
        raise DomainError(str(FORBUND_FORBIDDEN[category]))


@transaction.atomic
def activity_save(
    *, activity: Activity | None, plan: ActionPlan, fields: dict[str, Any], actor: User
) -> Activity:
    """Add or change an activity; the samordningsförbund guardrails apply, and a publicly employed supervisor needs
    a logged reason to go ahead (Skoopi reads it as a conflict with independence, criterion 4)."""
    check_guardrails(organisation=plan.organisation, category=fields.get("category", Activity.Category.OTHER))
    if fields.get("public_supervisor") and not (fields.get("override_reason") or "").strip():
        raise DomainError(
            _(
                "A supervisor employed by a public body may conflict with the ASF's independence. Give a reason to go ahead."
            )
        )
    if fields.get("goal") is not None and fields["goal"].plan_id != plan.pk:
        raise DomainError(_("Choose a goal of this plan."))
    activity = activity or Activity(plan=plan)
    for name, value in fields.items():
        setattr(activity, name, value)
    clean_or_raise(activity)
    activity.save()
    audit(actor, "policies.activity.saved", activity, override=activity.override_reason or None)
    return activity


@transaction.atomic
def progress_record(
    *, activity: Activity, text: str, status: str, progress: int | None, actor: User
) -> ProgressNote:
    """A dated progress note, optionally moving the activity's status and progress."""
    if not text.strip():
        raise DomainError(_("Write what has happened."))
    activity = Activity.objects.select_for_update().get(pk=activity.pk)
    activity.status = status or activity.status
    activity.progress = progress if progress is not None else activity.progress
    clean_or_raise(activity)
    activity.save(update_fields=["status", "progress", "updated_at"])
    note = ProgressNote.objects.create(
        activity=activity, noted_on=timezone.localdate(), text=text, author=actor
    )
    audit(actor, "policies.activity.progress", activity, status=activity.status)
    return note


@transaction.atomic
def activity_followup_save(
    *, activity: Activity, indicators: list[dict[str, Any]], milestones: list[dict[str, Any]], actor: User
) -> None:
    """Add, change and remove an activity's indicators and milestones in one go (all or nothing).

    Rows are cleaned form data: "id" is an existing row of this activity or None, "DELETE" removes it; empty new
    rows are skipped."""
    for model, rows in ((Indicator, indicators), (Milestone, milestones)):
        for row in rows:
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
            instance = instance or model(activity=activity)
            for name, value in row.items():
                setattr(instance, name, value)
            clean_or_raise(instance)
            instance.save()
    for milestone in activity.milestones.all():
        if milestone.done_on and milestone.done_on > timezone.localdate():
            raise DomainError(_("A milestone cannot be done on a future date."))
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
    people = User.objects.filter(
        role=Role.COORDINATOR, is_active=True, organisation_id=report.organisation_id
    )
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
