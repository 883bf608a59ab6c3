"""A representative's own pages: the profile and contact persons, and the criteria facts."""

from django.contrib import messages
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from asfportal.core.cache import cached_fragment, data_versions
from asfportal.core.exceptions import DomainError, add_to_form

from .. import permissions, selectors, services
from ..forms import (
    ColleagueInviteForm,
    CompanyFactsForm,
    CompanyProfileForm,
    ContactFormSet,
)
from ..models import ChangeRequest, Company
from .common import split_relations

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
    form = contacts = None
    removals = []
    if request.method == "POST":
        form = CompanyProfileForm(request.POST, instance=company)
        contacts = ContactFormSet(request.POST, initial=_contact_initial(company), prefix="contacts")
    if form is not None and form.is_valid() and contacts.is_valid():
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
        "fields": _profile_fields(company, form, contacts),
        "company": company,
        "pending": _pending_change_request(company),
        "removals": removals,
        "edit_blockers": company.profile_edit_blockers(),
        "application": selectors.application_status(company_id=company.pk),
    }
    return render(request, "companies/company_edit.html", context)


def _contact_initial(company: Company) -> list[dict]:
    return list(company.contacts.values("name", "title", "email", "phone"))


def _profile_fields(company: Company, form, contacts) -> str:
    """The profile's fields and contact persons, rendered. A form that came back (errors, a removal to confirm)
    renders as posted; the empty form is the same for every visit until the company's data changes, so it is
    cached under the companies' version (every save of a company, its contact persons, municipalities or
    services bumps it): crispy's templates per field were most of the page's time (make bench, cProfile)."""

    def render_fields(form=form, contacts=contacts) -> str:
        if form is None:
            form = CompanyProfileForm(instance=company)
            contacts = ContactFormSet(initial=_contact_initial(company), prefix="contacts")
        return render_to_string(
            "companies/includes/_company_edit_fields.html", {"form": form, "contacts": contacts}
        )

    if form is not None:
        return render_fields()
    return cached_fragment(("company-edit-fields", company.pk, data_versions("companies")), render_fields)


def _profile_save(request, company, form, contacts) -> bool:
    data, municipalities, categories = split_relations(form.cleaned_data)
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


# --- Colleagues (issue 16): a company's representatives manage their own people ------------------------------


@require_http_methods(["GET", "POST"])
def company_people(request: HttpRequest, pk: int) -> HttpResponse:
    """The company's representatives, and the form that brings in a colleague."""
    company = permissions.get_company_for_representative(request, pk)
    form = ColleagueInviteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.colleague_invite(company=company, actor=request.user, **form.cleaned_data)
        except DomainError as error:
            add_to_form(form, error)
        else:
            messages.success(request, _("%(email)s is invited.") % {"email": form.cleaned_data["email"]})
            return redirect("companies:company-people", pk=company.pk)
    context = {"company": company, "form": form, "people": selectors.company_people(company_id=company.pk)}
    return render(request, "companies/company_people.html", context)


@require_http_methods(["GET", "POST"])
def colleague_remove(request: HttpRequest, pk: int, membership_pk: int) -> HttpResponse:
    """End a colleague's membership of the company, after a confirmation page."""
    company, membership = permissions.get_colleague_membership(request, pk, membership_pk)
    blockers = services.colleague_remove_blockers(membership=membership, actor=request.user)
    if request.method == "POST" and not blockers:
        try:
            services.colleague_remove(membership=membership, actor=request.user)
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(
                request, _("%(name)s no longer represents the company.") % {"name": membership.user}
            )
        if membership.user_id == request.user.pk:
            return redirect("accounts:dashboard")
        return redirect("companies:company-people", pk=company.pk)
    context = {"company": company, "membership": membership, "blockers": blockers}
    return render(request, "companies/colleague_remove.html", context)
