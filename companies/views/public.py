"""The public pages of the registry: the directory, a company's page, the application, open data."""

import csv
import json

from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.contrib.auth.decorators import login_not_required
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from asfportal.accounts.forms import InvitationAcceptForm
from asfportal.core.cache import cached_value, data_versions
from asfportal.core.exceptions import DomainError, add_to_form
from asfportal.core.lists import render_cached_list
from asfportal.core.open_data import open_data

from .. import exports, permissions, selectors, services
from ..forms import CompanyApplyForm, CompanyFilterForm
from ..models import Invitation
from .common import PAGE_SIZE, split_relations

# --- The public ----------------------------------------------------------------------------------------------


@login_not_required
@require_safe
def company_directory(request: HttpRequest) -> HttpResponse:
    """Verified ASF, searchable and filtered, 20 a page. The filters and results are the same for everyone, so
    they are cached per query until a company changes (asfportal/core/cache.py)."""

    def context() -> dict:
        form = CompanyFilterForm(request.GET or None)
        filters = form.cleaned_data if form.is_valid() else {}
        companies = selectors.directory_list(
            text=filters.get("q") or "",
            municipality=filters.get("municipality"),
            category=filters.get("category"),
            legal_form=filters.get("legal_form") or "",
            has_places=bool(filters.get("has_places")),
        )
        return {"form": form, "page_obj": Paginator(companies, PAGE_SIZE).get_page(request.GET.get("page"))}

    # The day is in the key: a company leaves the directory the day its assessment runs out.
    parts = ("directory", data_versions("companies"), timezone.localdate(), request.GET.urlencode())
    return render_cached_list(request, page="companies/company_directory.html", body="companies/_directory_body.html",
                              results="companies/_directory_results.html", parts=parts, context=context)  # fmt: skip


@login_not_required
@transaction.non_atomic_requests  # it only reads (any method): no BEGIN/COMMIT round trips on a busy public page
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
        data, municipalities, categories = split_relations(form.cleaned_data)
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


@open_data
def open_data_json(request: HttpRequest) -> HttpResponse:
    """Verified companies as open data; fields are documented on the directory page."""
    payload = {"license": "CC0-1.0", "companies": exports.open_data_rows()}
    return HttpResponse(
        json.dumps(payload, ensure_ascii=False, indent=1), content_type="application/json; charset=utf-8"
    )


class _Echo:
    def write(self, value):
        return value


@open_data
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
