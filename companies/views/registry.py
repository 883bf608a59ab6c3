"""The coordinators' registry: list and exports, registration, assessment, invitations, closing, change requests, import."""

import csv

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import formats
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from asfportal.core import uploads
from asfportal.core.cache import data_versions
from asfportal.core.exceptions import DomainError, add_to_form
from asfportal.core.lists import cached_filters, render_list, wants_results_only

from .. import exports, imports, permissions, selectors, services
from ..forms import (
    AssessmentForm,
    CloseForm,
    CompanyCreateForm,
    DecisionForm,
    ImportUploadForm,
    InviteForm,
    RegistryFilterForm,
)
from .common import split_relations

# --- Coordinators ----------------------------------------------------------------------------------------------


def registry_list(request: HttpRequest) -> HttpResponse:
    permissions.require_coordinator(request)
    form = RegistryFilterForm(request.GET)
    form.is_valid()  # a bad filter is shown on its field; the valid ones still apply
    filters = form.cleaned_data
    companies = selectors.registry_list(
        status=filters.get("status") or "",
        text=filters.get("q") or "",
        municipality=filters.get("municipality"),
        category=filters.get("category"),
        legal_form=filters.get("legal_form") or "",
        has_places=bool(filters.get("has_places")),
    )
    export = request.GET.get("format")
    if export == "xlsx":
        return exports.registry_xlsx(companies)
    if export in exports.CSV_DIALECTS:
        return exports.registry_csv(companies, dialect=export)
    page = Paginator(companies, 50).get_page(request.GET.get("page"))
    context = {"form": form, "page_obj": page}
    if not wants_results_only(request):
        # The filters' choices (kommuner, service categories) are the directory's, cached as its body is.
        context["filters_html"] = cached_filters(form, parts=("registry", data_versions("companies")))
    return render_list(request, "companies/registry_list.html", "companies/_registry_results.html", context)


def company_create(request: HttpRequest) -> HttpResponse:
    permissions.require_coordinator(request)
    form = CompanyCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data, municipalities, categories = split_relations(form.cleaned_data)
        try:
            company = services.company_register(
                fields=data, municipalities=municipalities, service_categories=categories, actor=request.user
            )
        except DomainError as error:
            add_to_form(form, error)
        else:
            messages.success(request, _("The company is registered. Invite a representative and assess it."))
            return redirect("companies:company-manage", pk=company.pk)
    return render(request, "companies/company_create.html", {"form": form})


def company_manage(request: HttpRequest, pk: int) -> HttpResponse:
    company = permissions.get_company_for_coordinator(request, pk)
    context = {
        "company": company,
        "can_assess": permissions.can_assess(request.user) and not company.assess_blockers(),
        "can_invite": not company.invite_blockers(),
        "can_close": not company.close_blockers(),
    }
    context.update(selectors.company_management(company=company))
    return render(request, "companies/company_manage.html", context)


def company_assess(request: HttpRequest, pk: int) -> HttpResponse:
    permissions.require_assessor(request)
    company = permissions.get_company_for_coordinator(request, pk)
    form = AssessmentForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            assessment = services.assessment_record(
                company=company, fields=form.cleaned_data, actor=request.user
            )
        except DomainError as error:
            add_to_form(form, error)
        else:
            company.refresh_from_db()
            if company.is_listed:
                messages.success(request, _("All four criteria are met: the company is verified."))
            elif assessment.is_verified:
                messages.warning(
                    request,
                    _(
                        "All four criteria were met, but the assessment was valid only until %(date)s: the company "
                        "is lapsed, not verified."
                    )
                    % {"date": formats.date_format(assessment.valid_until, "j F Y")},
                )
            else:
                messages.warning(request, _("Not all criteria are met: the company is not verified."))
            for warning in assessment.warnings():
                messages.warning(request, warning)
            return redirect("companies:company-manage", pk=company.pk)
    context = {"form": form, "company": company, "assess_blockers": company.assess_blockers()}
    return render(request, "companies/company_assess.html", context)


def company_invite(request: HttpRequest, pk: int) -> HttpResponse:
    company = permissions.get_company_for_coordinator(request, pk)
    form = InviteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.representative_invite(
                company=company,
                email=form.cleaned_data["email"],
                full_name=form.cleaned_data["full_name"],
                actor=request.user,
            )
        except DomainError as error:
            add_to_form(form, error)
        else:
            messages.success(request, _("The invitation is sent."))
            return redirect("companies:company-manage", pk=company.pk)
    return render(request, "companies/company_invite.html", {"form": form, "company": company})


def company_close(request: HttpRequest, pk: int) -> HttpResponse:
    """Closing asks for confirmation and a reason; the history is kept."""
    company = permissions.get_company_for_coordinator(request, pk)
    form = CloseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.company_close(company=company, reason=form.cleaned_data["reason"], actor=request.user)
        except DomainError as error:
            add_to_form(form, error)
        else:
            messages.success(request, _("The company is closed and no longer listed."))
            return redirect("companies:company-manage", pk=company.pk)
    return render(request, "companies/company_close.html", {"form": form, "company": company})


def change_request_list(request: HttpRequest) -> HttpResponse:
    permissions.require_coordinator(request)
    page = Paginator(selectors.change_request_queue(), 50).get_page(request.GET.get("page"))
    return render(request, "companies/change_request_list.html", {"page_obj": page})


def change_request_decide(request: HttpRequest, pk: int) -> HttpResponse:
    change_request = permissions.get_change_request_for_decision(request, pk)
    form = DecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        approve = request.POST.get("decision") == "approve"
        try:
            decided = services.change_request_decide(
                change_request=change_request,
                approve=approve,
                comment=form.cleaned_data["comment"],
                actor=request.user,
            )
        except DomainError as error:
            add_to_form(form, error)
        else:
            messages.success(
                request, _("The change is approved.") if approve else _("The change is rejected.")
            )
            for warning in decided.warnings:
                messages.warning(request, warning)
            return redirect("companies:change-request-list")
    context = {
        "form": form,
        "change_request": change_request,
        "can_decide": change_request.is_pending,
        # What approving would break, computed now (the facts may have changed since the request was sent).
        "approval_warnings": change_request.approval_warnings() if change_request.is_pending else [],
    }
    return render(request, "companies/change_request_decide.html", context)


@require_safe
def evidence_download(request: HttpRequest, pk: int, field: str) -> FileResponse:
    """Evidence files only through this permission-checked view, never from a public media URL."""
    assessment = permissions.get_assessment_for_evidence(request, pk)
    if field not in ("c2_document", "c3_articles", "c3_annual_report"):
        raise Http404
    file = getattr(assessment, field)
    if not file:
        raise Http404
    return uploads.serve(file)


IMPORT_SESSION_KEY = "companies_import_rows"


def company_import(request: HttpRequest) -> HttpResponse:
    """Upload a CSV or XLSX list; every row is checked and shown before anything is saved."""
    permissions.require_coordinator(request)
    form = ImportUploadForm(request.POST or None, request.FILES or None)
    rows = None
    if request.method == "POST" and form.is_valid():
        try:
            raw_rows = imports.read_table(form.cleaned_data["file"])
        except DomainError as error:
            form.add_error("file", error.message)
        else:
            rows = imports.validate_rows(raw_rows)
            request.session[IMPORT_SESSION_KEY] = raw_rows
    context = {
        "form": form,
        "rows": rows,
        "has_errors": rows is not None and any(row.errors for row in rows),
        "columns": list(imports.COLUMNS),
    }
    return render(request, "companies/company_import.html", context)


@require_POST
def company_import_confirm(request: HttpRequest) -> HttpResponse:
    permissions.require_coordinator(request)
    raw_rows = request.session.get(IMPORT_SESSION_KEY)
    if not raw_rows:
        messages.error(request, _("Upload the file again; the preview has expired."))
        return redirect("companies:company-import")
    try:
        count = imports.companies_import(raw_rows=raw_rows, actor=request.user)
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("companies:company-import")
    del request.session[IMPORT_SESSION_KEY]
    messages.success(request, _("%(count)s companies were imported.") % {"count": count})
    return redirect("companies:registry-list")


@require_safe
def company_import_template(request: HttpRequest) -> HttpResponse:
    """An empty CSV with the column headings the import understands."""
    permissions.require_coordinator(request)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="asf-import-mall.csv"'
    response.write("\ufeff")  # a BOM, so Excel opens the file as UTF-8
    csv.writer(response).writerow(imports.COLUMNS)
    return response
