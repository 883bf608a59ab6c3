"""Pages of the ASF registry: public directory and open data, self-service, and the coordinators' work."""

import csv
import json

from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.contrib.auth.decorators import login_not_required
from django.core.paginator import Paginator
from django.db import transaction
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from asfportal.core import uploads
from asfportal.core.cache import cached_fragment, cached_value, data_versions
from asfportal.core.exceptions import DomainError, add_to_form

from . import exports, imports, permissions, selectors, services
from .forms import (
    AssessmentForm,
    CloseForm,
    CompanyApplyForm,
    CompanyCreateForm,
    CompanyFactsForm,
    CompanyFilterForm,
    CompanyProfileForm,
    ContactFormSet,
    DecisionForm,
    ImportUploadForm,
    InvitationAcceptForm,
    InviteForm,
)
from .models import ChangeRequest, Company, Invitation

PAGE_SIZE = 20


def _split(data: dict) -> tuple[dict, list, list]:
    data = dict(data)
    return data, list(data.pop("municipalities", [])), list(data.pop("service_categories", []))


# --- The public ----------------------------------------------------------------------------------------------


@login_not_required
@require_GET
def company_directory(request: HttpRequest) -> HttpResponse:
    """Verified ASF, searchable and filtered, 20 a page. The filters and results are the same for everyone, so
    they are cached per query until a company changes (asfportal/core/cache.py)."""

    def render_body() -> str:
        form = CompanyFilterForm(request.GET or None)
        filters = form.cleaned_data if form.is_valid() else {}
        companies = selectors.directory_list(
            text=filters.get("q") or "",
            municipality=filters.get("municipality"),
            category=filters.get("category"),
            legal_form=filters.get("legal_form") or "",
            has_places=bool(filters.get("has_places")),
        )
        page = Paginator(companies, PAGE_SIZE).get_page(request.GET.get("page"))
        context = {"form": form, "page_obj": page}
        return render_to_string("companies/_directory_body.html", context, request=request)

    # The day is in the key: a company leaves the directory the day its assessment runs out.
    parts = ("directory", data_versions("companies"), timezone.localdate(), request.GET.urlencode())
    return render(request, "companies/company_directory.html", {"body": cached_fragment(parts, render_body)})


@login_not_required
def company_detail(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        company = permissions.get_company_for_view(request, pk)
    except Http404:
        # A company that was listed once says it no longer is, instead of a bare "not found".
        notice = selectors.company_unlisted_notice(pk=pk)
        if notice is None:
            raise
        return render(request, "companies/company_unlisted.html", {"company": notice})
    # What the page shows of the company is the same for everyone who may see it: kept until a company changes
    # (and at most until the day ends, as the status a reader sees depends on the day).
    parts = ("company-page", company.pk, data_versions("companies"), timezone.localdate())
    context = dict(cached_value(parts, lambda: selectors.company_page(company=company)))
    context["can_edit"] = permissions.represents(request.user, company)
    context["can_manage"] = permissions.is_coordinator(request.user)
    return render(request, "companies/company_detail.html", context)


@login_not_required
def company_apply(request: HttpRequest) -> HttpResponse:
    """A company applies to be listed; the applicant confirms the e-mail address through a link."""
    form = CompanyApplyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data, municipalities, categories = _split(form.cleaned_data)
        email, name = data.pop("applicant_email"), data.pop("applicant_name")
        try:
            services.company_apply(
                fields=data,
                municipalities=municipalities,
                service_categories=categories,
                applicant_email=email,
                applicant_name=name,
            )
        except DomainError as error:
            add_to_form(form, error)
        else:
            return render(request, "companies/company_apply_done.html", {"email": email})
    return render(request, "companies/company_apply.html", {"form": form})


@login_not_required
def invitation_accept(request: HttpRequest, token: str) -> HttpResponse:
    invitation = get_object_or_404(Invitation.objects.select_related("company", "user"), token=token)
    if not invitation.is_usable():
        return render(request, "companies/invitation_invalid.html", status=410)
    form = InvitationAcceptForm(request.POST or None, user=invitation.user)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.invitation_accept(invitation=invitation, password=form.cleaned_data["password1"])
        except DomainError as error:
            add_to_form(form, error)
        else:
            auth_login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, _("Welcome! Your account is active."))
            return redirect("companies:company-edit", pk=invitation.company_id)
    return render(request, "companies/invitation_accept.html", {"form": form, "invitation": invitation})


@login_not_required
@require_GET
def open_data_json(request: HttpRequest) -> HttpResponse:
    """Verified companies as open data; fields are documented on the directory page."""
    payload = {"license": "CC0-1.0", "companies": exports.open_data_rows()}
    return HttpResponse(
        json.dumps(payload, ensure_ascii=False, indent=1), content_type="application/json; charset=utf-8"
    )


class _Echo:
    def write(self, value):
        return value


@login_not_required
@require_GET
def open_data_csv(request: HttpRequest) -> StreamingHttpResponse:
    """The open data as standard CSV (comma, UTF-8), or with ?dialect=excel-sv for Swedish Excel (semicolon,
    UTF-8 with a byte-order mark so Excel reads å, ä and ö)."""
    dialect = request.GET.get("dialect") if request.GET.get("dialect") in exports.CSV_DIALECTS else "csv"
    rows = exports.open_data_rows()
    columns = exports.OPEN_DATA_FIELDS
    delimiter, bom = exports.CSV_DIALECTS[dialect]
    writer = csv.writer(_Echo(), delimiter=delimiter)
    joiner = "," if delimiter == ";" else ";"
    lines = [bom + writer.writerow(columns)] + [
        writer.writerow([joiner.join(v) if isinstance(v := row[c], list) else v for c in columns])
        for row in rows
    ]
    response = StreamingHttpResponse(lines, content_type="text/csv; charset=utf-8")
    suffix = "-excel" if dialect != "csv" else ""
    response["Content-Disposition"] = f'attachment; filename="asf-foretag{suffix}.csv"'
    return response


# --- Representatives -------------------------------------------------------------------------------------------


def my_company(request: HttpRequest) -> HttpResponse:
    representation = getattr(request.user, "representation", None)
    if representation is None:
        raise Http404
    return redirect("companies:company-edit", pk=representation.company_id)


def company_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """A representative's own profile and contact persons: saved at once. Removing a contact person asks for
    confirmation first (the page comes back with the names and a button that confirms)."""
    company = permissions.get_company_for_representative(request, pk)
    form = CompanyProfileForm(request.POST or None, instance=company)
    initial = list(company.contacts.values("name", "title", "email", "phone"))
    contacts = ContactFormSet(request.POST or None, initial=initial, prefix="contacts")
    removals = []
    if request.method == "POST" and form.is_valid() and contacts.is_valid():
        removals = [
            f.initial["name"] for f in contacts if f.cleaned_data.get("DELETE") and f.initial.get("name")
        ]
        if not removals or request.POST.get("confirm_removal"):
            if _profile_save(request, company, form, contacts):
                messages.success(request, _("The profile is saved."))
                return redirect("companies:company-edit", pk=company.pk)
            removals = []
    context = {
        "form": form,
        "contacts": contacts,
        "company": company,
        "pending": _pending_change_request(company),
        "removals": removals,
        "edit_blockers": company.profile_edit_blockers(),
        "application": selectors.application_status(company_id=company.pk),
    }
    return render(request, "companies/company_edit.html", context)


def _profile_save(request, company, form, contacts) -> bool:
    data, municipalities, categories = _split(form.cleaned_data)
    kept = [f.cleaned_data for f in contacts if f.cleaned_data and not f.cleaned_data.get("DELETE")]
    try:
        with transaction.atomic():  # the profile and its contact persons together, or neither
            services.company_update_profile(
                company=company,
                fields=data,
                municipalities=municipalities,
                service_categories=categories,
                actor=request.user,
            )
            services.company_contacts_replace(
                company=company, contacts=[_without_delete(c) for c in kept], actor=request.user
            )
    except DomainError as error:
        add_to_form(form, error)
        return False
    return True


def _pending_change_request(company: Company) -> ChangeRequest | None:
    return company.change_requests.filter(status=ChangeRequest.Status.PENDING).first()


def _without_delete(cleaned: dict) -> dict:
    return {k: v for k, v in cleaned.items() if k != "DELETE"}


def company_facts(request: HttpRequest, pk: int) -> HttpResponse:
    """The facts the criteria rest on: a change request that a coordinator approves."""
    company = permissions.get_company_for_representative(request, pk)
    form = CompanyFactsForm(request.POST or None, instance=company)
    if request.method == "POST" and form.is_valid():
        try:
            services.change_request_submit(company=company, new_values=form.cleaned_data, actor=request.user)
        except DomainError as error:
            add_to_form(form, error)
        else:
            messages.success(request, _("Your change request is sent to a coordinator."))
            return redirect("companies:company-edit", pk=company.pk)
    company.refresh_from_db()
    pending = _pending_change_request(company)
    context = {
        "form": form,
        "company": company,
        "pending": pending,
        "request_blockers": [] if pending else company.change_request_blockers(),
    }
    return render(request, "companies/company_facts.html", context)


# --- Coordinators ----------------------------------------------------------------------------------------------


def registry_list(request: HttpRequest) -> HttpResponse:
    permissions.require_coordinator(request)
    status = request.GET.get("status", "")
    status = status if status in Company.Status.values else ""
    companies = selectors.registry_list(status=status, text=request.GET.get("q", "")[:200])
    export = request.GET.get("format")
    if export == "xlsx":
        return exports.registry_xlsx(companies)
    if export in exports.CSV_DIALECTS:
        return exports.registry_csv(companies, dialect=export)
    page = Paginator(companies, 50).get_page(request.GET.get("page"))
    context = {
        "page_obj": page,
        "status": status,
        "statuses": Company.Status.choices,
        "q": request.GET.get("q", ""),
    }
    return render(request, "companies/registry_list.html", context)


def company_create(request: HttpRequest) -> HttpResponse:
    permissions.require_coordinator(request)
    form = CompanyCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data, municipalities, categories = _split(form.cleaned_data)
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


@require_GET
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


@require_GET
def company_import_template(request: HttpRequest) -> HttpResponse:
    """An empty CSV with the column headings the import understands."""
    permissions.require_coordinator(request)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="asf-import-mall.csv"'
    response.write("\ufeff")  # a BOM, so Excel opens the file as UTF-8
    csv.writer(response).writerow(imports.COLUMNS)
    return response
