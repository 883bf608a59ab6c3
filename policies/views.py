"""Public "Vem kontaktar jag?", policies and plan progress; coordinators keep their organisation's steering."""

from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from asfportal.accounts.models import Organisation
from asfportal.core import uploads
from asfportal.core.cache import cached_fragment
from asfportal.core.exceptions import DomainError, add_to_form

from . import permissions, selectors, services
from .forms import (
    ActivityForm,
    BoardReportForm,
    ContactForm,
    ContractTotalForm,
    GoalForm,
    IndicatorFormSet,
    MilestoneFormSet,
    PlanForm,
    PolicyForm,
    ProgressForm,
    ReportRequestForm,
)
from .models import ActionPlan, Activity, AnnualReport, BoardReport, ContactPerson, Goal, Policy

# --- The public ------------------------------------------------------------------------------------------------


@login_not_required
@require_safe
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
@require_safe
def organisation_page(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = get_object_or_404(Organisation, pk=pk, is_active=True)
    return render(
        request, "policies/organisation_page.html", selectors.organisation_page(organisation=organisation)
    )


@login_not_required
@require_safe
def policy_public(request: HttpRequest, pk: int) -> HttpResponse:
    policy = get_object_or_404(
        Policy.objects.select_related("organisation"), pk=pk, status=Policy.Status.ADOPTED
    )
    if request.GET.get("pdf") and policy.document:
        return uploads.serve(policy.document)
    context = {"policy": policy, "html": selectors.render_markdown(policy.text)}
    return render(request, "policies/policy_public.html", context)


@login_not_required
@require_safe
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
            add_to_form(form, error)
        else:
            messages.success(request, _("The contact person is added."))
            return redirect("policies:steering")
    context = {**selectors.organisation_page(organisation=organisation), "form": form}
    today = timezone.localdate()
    context["policies"] = [(p, p.review_due(today=today)) for p in organisation.asf_policies.all()]
    context["plans"] = list(organisation.action_plans.all())
    return render(request, "policies/steering.html", context)


def _already_removed(request: HttpRequest, model, pk: int, text: str, to: str, *args) -> HttpResponse | None:
    """A second click on a remove button finds the row gone: say that it is removed instead of a 404. Only a row
    that no longer exists at all counts (anyone else's is still a 404 from the permission helper)."""
    if model.objects.filter(pk=pk).exists():
        return None
    messages.info(request, text)
    return redirect(to, *args)


def contact_delete(request: HttpRequest, pk: int) -> HttpResponse:
    """Asks first (GET), removes on the confirming POST."""
    permissions.require_coordinator(request)
    text = _("The contact person is already removed.")
    if gone := _already_removed(request, ContactPerson, pk, text, "policies:steering"):
        return gone
    contact = permissions.get_contact(request, pk)
    if request.method == "POST":
        services.contact_delete(contact=contact, actor=request.user)
        messages.success(request, _("The contact person is removed."))
        return redirect("policies:steering")
    return render(request, "policies/contact_delete.html", {"contact": contact})


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
            add_to_form(form, error)
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
            add_to_form(form, error)
        else:
            messages.success(request, _("The action plan is saved."))
            return redirect("policies:plan-manage", pk=plan.pk)
    return render(request, "policies/plan_form.html", {"form": form, "plan": plan})


def plan_manage(request: HttpRequest, pk: int) -> HttpResponse:
    plan = permissions.get_plan(request, pk)
    context = selectors.plan_progress(plan=plan, today=timezone.localdate())
    return render(request, "policies/plan_manage.html", {**context, "manage": True})


def goal_edit(request: HttpRequest, plan_pk: int, pk: int) -> HttpResponse:
    """Rename a goal; the page also offers to remove it."""
    plan = permissions.get_plan(request, plan_pk)
    goal = get_object_or_404(Goal, pk=pk, plan=plan)
    form = GoalForm(request.POST or None, instance=goal)
    if request.method == "POST" and form.is_valid():
        try:
            services.goal_save(goal=goal, title=form.cleaned_data["title"], actor=request.user)
        except DomainError as error:
            add_to_form(form, error)
        else:
            messages.success(request, _("The goal is renamed."))
            return redirect("policies:plan-manage", pk=plan.pk)
    return render(request, "policies/goal_form.html", {"form": form, "plan": plan, "goal": goal})


def goal_delete(request: HttpRequest, plan_pk: int, pk: int) -> HttpResponse:
    """Asks first (GET, saying how many activities lose the goal), removes on the confirming POST."""
    plan = permissions.get_plan(request, plan_pk)
    text = _("The goal is already removed.")
    if gone := _already_removed(request, Goal, pk, text, "policies:plan-manage", plan.pk):
        return gone
    goal = get_object_or_404(Goal, pk=pk, plan=plan)
    if request.method == "POST":
        services.goal_delete(goal=goal, actor=request.user)
        messages.success(request, _("The goal is removed; its activities remain in the plan."))
        return redirect("policies:plan-manage", pk=plan.pk)
    context = {"plan": plan, "goal": goal, "activities": goal.activities.count()}
    return render(request, "policies/goal_delete.html", context)


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
            add_to_form(form, error)
        else:
            messages.success(request, _("The activity is saved."))
            return redirect("policies:plan-manage", pk=plan.pk)
    guardrails = plan.organisation.kind == Organisation.Kind.SAMORDNINGSFORBUND
    context = {"form": form, "plan": plan, "activity": activity, "forbund_guardrails": guardrails}
    return render(request, "policies/activity_form.html", context)


def activity_delete(request: HttpRequest, plan_pk: int, pk: int) -> HttpResponse:
    """Asks first (GET), removes the activity with its follow-up on the confirming POST (audited)."""
    plan = permissions.get_plan(request, plan_pk)
    text = _("The activity is already removed.")
    if gone := _already_removed(request, Activity, pk, text, "policies:plan-manage", plan.pk):
        return gone
    activity = get_object_or_404(Activity, pk=pk, plan=plan)
    if request.method == "POST":
        services.activity_delete(activity=activity, actor=request.user)
        messages.success(request, _("The activity is removed."))
        return redirect("policies:plan-manage", pk=plan.pk)
    return render(request, "policies/activity_delete.html", {"plan": plan, "activity": activity})


def activity_progress(request: HttpRequest, pk: int) -> HttpResponse:
    activity = permissions.get_activity(request, pk)
    form = ProgressForm(
        request.POST or None, initial={"status": activity.status, "progress": activity.progress}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.progress_record(activity=activity, actor=request.user, **form.cleaned_data)
        except DomainError as error:
            add_to_form(form, error)
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
                indicators=indicators.cleaned_data,
                milestones=milestones.cleaned_data,
                actor=request.user,
            )
        except DomainError as error:
            errors = _rows_errors(error, {"indicators": indicators, "milestones": milestones})
        else:
            messages.success(request, _("Indicators and milestones are saved."))
            return redirect("policies:plan-manage", pk=activity.plan_id)
    context = {"activity": activity, "indicators": indicators, "milestones": milestones, "errors": errors}
    return render(request, "policies/activity_followup.html", context)


def _rows_errors(error: DomainError, formsets: dict) -> list[str]:
    """Put a row's error ("indicators-0-name") beside its field in the formset; return what belongs to none."""
    rest = list(error.reasons)
    for key, texts in error.field_errors.items():
        prefix, _dash, tail = key.partition("-")
        index, _dash, field = tail.partition("-")
        forms = formsets[prefix].forms if prefix in formsets else []
        if index.isdigit() and int(index) < len(forms) and field in forms[int(index)].fields:
            for text in texts:
                forms[int(index)].add_error(field, text)
        else:
            rest.extend(texts)
    return rest


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
                add_to_form(form, error)
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


@require_safe
def report_detail(request: HttpRequest, pk: int) -> HttpResponse:
    from .reports import render_context

    report = permissions.get_report(request, pk)
    context = {"report": report}
    if report.is_done:
        # A generated report never changes, so its rendered body is kept for a day (a large plan renders slowly).
        context["body"] = cached_fragment(
            ("annual-report", report.pk, report.generated_at.isoformat()),
            lambda: render_to_string(
                "policies/includes/_report_body.html", render_context(report), request=request
            ),
            seconds=24 * 3600,
        )
    return render(request, "policies/report_detail.html", context)


@require_safe
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


@require_safe
def report_download(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    report = permissions.get_report(request, pk)
    document = {"pdf": report.pdf, "xlsx": report.xlsx}.get(fmt)
    if not document:
        raise Http404
    return uploads.serve(document)


def board_report_record(request: HttpRequest, kind: str, period_end: str) -> HttpResponse:
    """Record that a förbund's interim or annual report went to its board (the work queue links here)."""
    permissions.require_coordinator(request)
    organisation = request.user.organisation
    try:
        end = date.fromisoformat(period_end)
    except ValueError:
        raise Http404 from None
    if kind not in BoardReport.Kind.values:
        raise Http404
    form = BoardReportForm(request.POST or None, initial={"submitted_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            services.board_report_record(organisation=organisation, kind=kind, period_end=end,
                                         actor=request.user, **form.cleaned_data)  # fmt: skip
        except DomainError as error:
            add_to_form(form, error)
        else:
            messages.success(request, _("The report to the board is recorded."))
            return redirect("accounts:dashboard")
    today = timezone.localdate()
    blockers = BoardReport.record_blockers(
        organisation=organisation, kind=kind, period_end=end, on=today, at=today
    )
    context = {"form": form, "kind_label": BoardReport.Kind(kind).label, "period_end": end,
               "due_on": BoardReport.due_on(kind, end), "blockers": blockers}  # fmt: skip
    return render(request, "policies/board_report_form.html", context)
