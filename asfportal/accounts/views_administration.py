"""Organisation administration (issue 16): the administrator's people pages, the invitation link, joining."""

from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from asfportal.core.exceptions import DomainError, add_to_form
from asfportal.core.handover import handover_counts
from asfportal.core.lists import page_of

from . import administration, permissions, selectors
from .forms import (
    AccessListFilterForm,
    ColleagueInviteForm,
    DeactivateForm,
    InvitationAcceptForm,
    JoinApplicationForm,
    JoinRefuseForm,
    RoleGrantForm,
)
from .models import Role, User
from .views import _role_dashboard

ACCESS_LIST_PAGE = 25


@permissions.role_required(Role.ORGANISATION_ADMINISTRATOR)
def dashboard_organisation_administrator(request: HttpRequest) -> HttpResponse:
    organisation_id = request.user.organisation_id
    return _role_dashboard(
        request,
        Role.ORGANISATION_ADMINISTRATOR,
        "accounts/dashboard_organisation_administrator.html",
        invitations=list(selectors.pending_invitations(organisation_id=organisation_id))
        if organisation_id
        else [],
        review=organisation_id
        and selectors.access_review_open(organisation_id=organisation_id, year=timezone.localdate().year),
    )


def organisation_people(request: HttpRequest) -> HttpResponse:
    """The access list: who has access, in which role, since when, last signed in; filtered and paginated."""
    permissions.require_organisation_administrator(request)
    organisation_id = request.user.organisation_id
    filters = AccessListFilterForm(request.GET or None)
    text = role = ""
    if filters.is_valid():
        text, role = filters.cleaned_data["text"], filters.cleaned_data["role"]
    page = page_of(
        selectors.access_list(organisation_id=organisation_id, text=text, role=role),
        request,
        ACCESS_LIST_PAGE,
    )
    context = {
        "filters": filters,
        "page_obj": page,
        "invitations": selectors.pending_invitations(organisation_id=organisation_id),
    }
    return render(request, "accounts/organisation/people.html", context)


@require_http_methods(["GET", "POST"])
def organisation_invite(request: HttpRequest) -> HttpResponse:
    permissions.require_organisation_administrator(request)
    form = ColleagueInviteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            administration.invitation_send(
                organisation=request.user.organisation, actor=request.user, **form.cleaned_data
            )
        except DomainError as error:
            add_to_form(form, error)
        else:
            messages.success(
                request, _("The invitation is sent to %(email)s.") % {"email": form.cleaned_data["email"]}
            )
            return redirect("accounts:organisation-people")
    return render(request, "accounts/organisation/invite.html", {"form": form})


@require_POST
def invitation_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    invitation = permissions.get_invitation_for_administrator(request, pk)
    try:
        administration.invitation_withdraw(invitation=invitation, actor=request.user)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The invitation is withdrawn; its link no longer works."))
    return redirect("accounts:organisation-people")


@require_http_methods(["GET", "POST"])
def organisation_person(request: HttpRequest, pk: int) -> HttpResponse:
    """One colleague: their roles here (current and past), adding a role, and the way to end their access."""
    person = permissions.get_person_for_administrator(request, pk)
    organisation = request.user.organisation
    form = RoleGrantForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            administration.colleague_role_grant(
                organisation=organisation, person=person, role=form.cleaned_data["role"], actor=request.user
            )
        except DomainError as error:
            add_to_form(form, error)
        else:
            messages.success(
                request, _("The role is added, and %(name)s is e-mailed.") % {"name": person.full_name}
            )
            return redirect("accounts:organisation-person", pk=person.pk)
    context = {
        "person": person,
        "memberships": selectors.person_memberships(organisation_id=organisation.pk, user=person),
        "form": form,
        "deactivate_blockers": administration.deactivate_blockers(
            person=person, organisation=organisation, actor=request.user
        ),
    }
    return render(request, "accounts/organisation/person.html", context)


@require_http_methods(["GET", "POST"])
def membership_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    """Remove one role of a colleague, after a confirmation page."""
    membership = permissions.get_membership_for_administrator(request, pk)
    blockers = administration.revoke_blockers(membership)
    if request.method == "POST" and not blockers:
        try:
            administration.colleague_role_revoke(membership=membership, actor=request.user)
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("The role is removed, and the person is e-mailed."))
        return redirect("accounts:organisation-person", pk=membership.user_id)
    return render(
        request, "accounts/organisation/revoke.html", {"membership": membership, "blockers": blockers}
    )


@require_http_methods(["GET", "POST"])
def person_deactivate(request: HttpRequest, pk: int) -> HttpResponse:
    """End a leaver's access, handing their work to the colleague picked here; a confirmation page first."""
    person = permissions.get_person_for_administrator(request, pk)
    organisation = request.user.organisation
    colleagues = selectors.colleagues_for_handover(organisation_id=organisation.pk, exclude_id=person.pk)
    form = DeactivateForm(request.POST or None, colleagues=colleagues)
    blockers = administration.deactivate_blockers(
        person=person, organisation=organisation, actor=request.user
    )
    if request.method == "POST" and not blockers and form.is_valid():
        try:
            administration.colleague_deactivate(
                person=person,
                organisation=organisation,
                successor=form.cleaned_data["successor"],
                actor=request.user,
            )
        except DomainError as error:
            add_to_form(form, error)
        else:
            messages.success(
                request,
                _("%(name)s can no longer sign in; every session of theirs has ended.")
                % {"name": person.full_name},
            )
            return redirect("accounts:organisation-people")
    context = {
        "person": person,
        "form": form,
        "blockers": blockers,
        "held": handover_counts(person=person, organisation_id=organisation.pk),
    }
    return render(request, "accounts/organisation/deactivate.html", context)


@require_http_methods(["GET", "POST"])
def access_review(request: HttpRequest) -> HttpResponse:
    """This year's review: the whole list, and the button that confirms it."""
    permissions.require_organisation_administrator(request)
    organisation_id = request.user.organisation_id
    review = selectors.access_review_open(organisation_id=organisation_id, year=timezone.localdate().year)
    if request.method == "POST" and review is not None:
        try:
            administration.access_review_confirm(review=review, actor=request.user)
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(
                request, _("Thank you: the list is confirmed for %(year)s.") % {"year": review.year}
            )
        return redirect("accounts:dashboard")
    context = {"review": review, "rows": selectors.access_list(organisation_id=organisation_id)}
    return render(request, "accounts/organisation/review.html", context)


# --- The invitation's link (public) ----------------------------------------------------------------------------


@login_not_required
@never_cache
@require_http_methods(["GET", "POST"])
def invitation_accept(request: HttpRequest, token: str) -> HttpResponse:
    """The link from the e-mail: a new person chooses a password; one with an account signs in and accepts."""
    invitation = administration.invitation_for_token(token)
    if invitation is None or invitation.accept_blockers(at=timezone.now()):
        reasons = invitation.accept_blockers(at=timezone.now()) if invitation else []
        return render(
            request, "accounts/organisation/invitation_invalid.html", {"reasons": reasons}, status=410
        )
    if administration.invitation_needs_sign_in(invitation):
        if not request.user.is_authenticated:
            messages.info(
                request, _("Sign in with %(email)s to accept the invitation.") % {"email": invitation.email}
            )
            return redirect_to_login(request.get_full_path())
        if request.method == "POST":
            try:
                administration.invitation_accept_signed_in(invitation=invitation, user=request.user)
            except DomainError as error:
                messages.error(request, error.message)
            else:
                messages.success(
                    request, _("The role is added to your account and is now the one you act in.")
                )
                return redirect("accounts:dashboard")
        return render(request, "accounts/organisation/invitation_confirm.html", {"invitation": invitation})
    person = User.objects.get(email__iexact=invitation.email)
    form = InvitationAcceptForm(request.POST or None, user=person)
    if request.method == "POST" and form.is_valid():
        try:
            user = administration.invitation_accept_new(
                invitation=invitation, password=form.cleaned_data["password1"]
            )
        except DomainError as error:
            add_to_form(form, error)
        else:
            auth_login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, _("Welcome! Your account is active."))
            # The dashboard; the two-factor middleware first sends the roles that need it to set it up.
            return redirect("accounts:dashboard")
    return render(
        request, "accounts/organisation/invitation_accept.html", {"form": form, "invitation": invitation}
    )


# --- Joining (public) and the national administrator's decision ----------------------------------------------


@login_not_required
@require_http_methods(["GET", "POST"])
def join_apply(request: HttpRequest) -> HttpResponse:
    form = JoinApplicationForm(request.POST or None, organisations=administration.joinable_organisations())
    if request.method == "POST" and form.is_valid():
        try:
            administration.join_apply(**form.cleaned_data)
        except DomainError as error:
            add_to_form(form, error)
        else:
            return redirect("accounts:join-apply-done")
    return render(request, "accounts/join_apply.html", {"form": form})


@login_not_required
def join_apply_done(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/join_apply_done.html")


@require_http_methods(["GET", "POST"])
def join_application_decide(request: HttpRequest, pk: int) -> HttpResponse:
    application = permissions.get_join_application_for_decision(request, pk)
    form = JoinRefuseForm(request.POST if request.POST.get("decision") == "refuse" else None)
    if request.method == "POST":
        try:
            if request.POST.get("decision") == "approve":
                administration.join_approve(application=application, actor=request.user)
                messages.success(request, _("Approved: the first administrator is invited by e-mail."))
                return redirect("accounts:dashboard")
            if form.is_valid():
                administration.join_refuse(
                    application=application, reason=form.cleaned_data["reason"], actor=request.user
                )
                messages.success(request, _("Refused: the applicant is e-mailed the reason."))
                return redirect("accounts:dashboard")
        except DomainError as error:
            messages.error(request, error.message)
            return redirect("accounts:join-application-decide", pk=application.pk)
    context = {
        "application": application,
        "form": form,
        "domains": administration.organisation_domains(application.organisation),
        "blockers": application.decide_blockers(),
    }
    return render(request, "accounts/join_application_decide.html", context)
