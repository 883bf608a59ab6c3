"""Public "Vem kontaktar jag?", policies and plan progress; coordinators keep their organisation's steering."""

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from asfportal.accounts.models import Organisation
from asfportal.core import uploads
from asfportal.core.cache import cached_fragment
from asfportal.core.exceptions import DomainError

from . import permissions, selectors, services
from .forms import (
    ActivityForm,
    ContactForm,
    ContractTotalForm,
    IndicatorFormSet,
    MilestoneFormSet,
    PlanForm,
    PolicyForm,
    ProgressForm,
    ReportRequestForm,
)
from .models import ActionPlan, AnnualReport, Policy

# --- The public ------------------------------------------------------------------------------------------------


@login_not_required
@require_GET
def contact_index(request: HttpRequest) -> HttpResponse:
    """Choose a municipality (or another organisation) to see who to contact about ASF."""
    organisations = Organisation.objects.filter(asf_contacts__isnull=False).distinct().order_by("name")
    municipalities = Organisation.objects.municipalities().order_by("name")
    chosen = request.GET.get("organisation")
    if chosen and chosen.isdigit():
        return redirect("policies:organisation-page", pk=int(chosen))
    context = {"organisations": organisations, "municipalities": municipalities}
    return render(request, "policies/contact_index.html", context)


@login_not_required
@require_GET
def organisation_page(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = get_object_or_404(Organisation, pk=pk, is_active=True)
    return render(
        request, "policies/organisation_page.html", selectors.organisation_page(organisation=organisation)
    )


@login_not_required
@require_GET
def policy_public(request: HttpRequest, pk: int) -> HttpResponse:
    policy = get_object_or_404(
        Policy.objects.select_related("organisation"), pk=pk, status=Policy.Status.ADOPTED
    )
    if request.GET.get("pdf") and policy.document:
        return uploads.serve(policy.document)
    context = {"policy": policy, "html": selectors.render_markdown(policy.text)}
    return render(request, "policies/policy_public.html", context)


@login_not_required
@require_GET
def plan_public(request: HttpRequest, pk: int) -> HttpResponse:
    """An adopted plan's progress page, for auditors, politicians and anyone else."""
    plan = get_object_or_404(
        ActionPlan.objects.select_related("organisation", "policy"), pk=pk, adopted_on__isnull=False
    )
    context = selectors.plan_progress(plan=plan, today=timezone.localdate())
    return render(request, "policies/plan_public.html", context)


# --- Coordinators ----------------------------------------------------------------------------------------------


def steering(request: HttpRequest) -> HttpResponse:
    """The organisation's contacts, policies and plans, with a form to add a contact person."""
    permissions.require_coordinator(request)
    organisation = request.user.organisation
    form = ContactForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.contact_save(
                contact=None, organisation=organisation, fields=form.cleaned_data, actor=request.user
            )
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("The contact person is added."))
            return redirect("policies:steering")
    context = {**selectors.organisation_page(organisation=organisation), "form": form}
    context["policies"] = list(organisation.asf_policies.all())
    context["plans"] = list(organisation.action_plans.all())
    return render(request, "policies/steering.html", context)


@require_POST
def contact_delete(request: HttpRequest, pk: int) -> HttpResponse:
    contact = permissions.get_contact(request, pk)
    services.contact_delete(contact=contact, actor=request.user)
    messages.success(request, _("The contact person is removed."))
    return redirect("policies:steering")


def policy_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    policy = permissions.get_policy(request, pk) if pk else None
    permissions.require_coordinator(request)
    form = PolicyForm(request.POST or None, request.FILES or None, instance=policy)
    if request.method == "POST" and form.is_valid():
        try:
            services.policy_save(
                policy=policy,
                organisation=request.user.organisation,
                fields=form.cleaned_data,
                actor=request.user,
            )
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("The policy is saved."))
            return redirect("policies:steering")
    return render(request, "policies/policy_form.html", {"form": form, "policy": policy})


def plan_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    plan = permissions.get_plan(request, pk) if pk else None
    permissions.require_coordinator(request)
    organisation = request.user.organisation
    form = PlanForm(request.POST or None, instance=plan, organisation=organisation)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        goals = data.pop("goals")
        try:
            plan = services.plan_save(
                plan=plan, organisation=organisation, fields=data, goals=goals, actor=request.user
            )
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("The action plan is saved."))
            return redirect("policies:plan-manage", pk=plan.pk)
    return render(request, "policies/plan_form.html", {"form": form, "plan": plan})


def plan_manage(request: HttpRequest, pk: int) -> HttpResponse:
    plan = permissions.get_plan(request, pk)
    context = selectors.plan_progress(plan=plan, today=timezone.localdate())
    return render(request, "policies/plan_manage.html", context)


def activity_edit(request: HttpRequest, plan_pk: int, pk: int | None = None) -> HttpResponse:
    plan = permissions.get_plan(request, plan_pk)
    activity = permissions.get_activity(request, pk) if pk else None
    if activity is not None and activity.plan_id != plan.pk:
        raise Http404
    form = ActivityForm(request.POST or None, instance=activity, plan=plan)
    if request.method == "POST" and form.is_valid():
        try:
            services.activity_save(activity=activity, plan=plan, fields=form.cleaned_data, actor=request.user)
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("The activity is saved."))
            return redirect("policies:plan-manage", pk=plan.pk)
    return render(request, "policies/activity_form.html", {"form": form, "plan": plan, "activity": activity})


def activity_progress(request: HttpRequest, pk: int) -> HttpResponse:
    activity = permissions.get_activity(request, pk)
    form = ProgressForm(
        request.POST or None, initial={"status": activity.status, "progress": activity.progress}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.progress_record(activity=activity, actor=request.user, **form.cleaned_data)
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("The progress is recorded."))
            return redirect("policies:plan-manage", pk=activity.plan_id)
    notes = activity.notes.select_related("author")
    return render(
        request, "policies/activity_progress.html", {"form": form, "activity": activity, "notes": notes}
    )


def activity_followup(request: HttpRequest, pk: int) -> HttpResponse:
    """An activity's indicators (baseline, target, yearly actual values, Kolada id) and milestones."""
    activity = permissions.get_activity(request, pk)
    data = request.POST if request.method == "POST" else None
    indicators = IndicatorFormSet(data, queryset=activity.indicators.all(), prefix="indicators")
    milestones = MilestoneFormSet(data, queryset=activity.milestones.all(), prefix="milestones")
    errors = []
    if data is not None and indicators.is_valid() and milestones.is_valid():
        try:
            services.activity_followup_save(
                activity=activity,
                indicators=[row for row in indicators.cleaned_data if row],
                milestones=[row for row in milestones.cleaned_data if row],
                actor=request.user,
            )
        except DomainError as error:
            errors.append(error.message)
        else:
            messages.success(request, _("Indicators and milestones are saved."))
            return redirect("policies:plan-manage", pk=activity.plan_id)
    context = {"activity": activity, "indicators": indicators, "milestones": milestones, "errors": errors}
    return render(request, "policies/activity_followup.html", context)


# --- The annual report -----------------------------------------------------------------------------------------


def reports(request: HttpRequest) -> HttpResponse:
    """The organisation's annual reports (every version), a form to generate one, and the yearly contract value."""
    permissions.require_coordinator(request)
    organisation = request.user.organisation
    today = timezone.localdate()
    is_total = request.method == "POST" and "total_value" in request.POST
    request_form = ReportRequestForm(
        None if is_total else request.POST or None, initial={"year": today.year - 1}, prefix="report"
    )
    total_form = ContractTotalForm(request.POST if is_total else None, initial={"year": today.year - 1})
    if request.method == "POST":
        form = total_form if is_total else request_form
        if form.is_valid():
            try:
                if is_total:
                    services.contract_total_save(
                        organisation=organisation, actor=request.user, **form.cleaned_data
                    )
                else:
                    report = services.report_request(
                        organisation=organisation, year=form.cleaned_data["year"], actor=request.user
                    )
            except DomainError as error:
                form.add_error(None, error.message)
            else:
                if is_total:
                    messages.success(request, _("The contract value is saved."))
                    return redirect("policies:reports")
                messages.success(request, _("The report is being generated."))
                return redirect("policies:report-detail", pk=report.pk)
    context = {
        "request_form": request_form,
        "total_form": total_form,
        "reports": AnnualReport.objects.filter(organisation=organisation).select_related("requested_by"),
        "totals": organisation.contract_totals.all(),
    }
    return render(request, "policies/reports.html", context)


@require_GET
def report_detail(request: HttpRequest, pk: int) -> HttpResponse:
    from .reports import render_context

    report = permissions.get_report(request, pk)
    context = {"report": report}
    if report.status == AnnualReport.Status.DONE:
        # A generated report never changes, so its rendered body is kept for a day (a large plan renders slowly).
        context["body"] = cached_fragment(
            ("annual-report", report.pk, report.generated_at.isoformat()),
            lambda: render_to_string(
                "policies/includes/_report_body.html", render_context(report), request=request
            ),
            seconds=24 * 3600,
        )
    return render(request, "policies/report_detail.html", context)


@require_GET
def report_status(request: HttpRequest, pk: int) -> JsonResponse:
    """Polled by the report page while the worker generates the report."""
    report = permissions.get_report(request, pk)
    return JsonResponse(
        {
            "status": report.status,
            "status_label": report.get_status_display(),
            "progress": report.progress,
            "step": report.step,
            "finished": report.is_finished,
        }
    )


@require_GET
def report_download(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    report = permissions.get_report(request, pk)
    document = {"pdf": report.pdf, "xlsx": report.xlsx}.get(fmt)
    if not document:
        raise Http404
    return uploads.serve(document)
