"""Who may see which dashboard: role predicates and the decorator the views use."""

from collections.abc import Callable
from functools import wraps

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse

from . import capabilities
from .models import JoinApplication, Membership, OrganisationInvitation, Role, User
from .selectors import organisation_person

DASHBOARD_URL_NAMES = {
    Role.COORDINATOR: "accounts:dashboard-coordinator",
    Role.PROCUREMENT_OFFICER: "accounts:dashboard-procurement",
    Role.COMPANY_REPRESENTATIVE: "accounts:dashboard-company",
    Role.ADMINISTRATOR: "accounts:dashboard-administrator",
    Role.ORGANISATION_ADMINISTRATOR: "accounts:dashboard-organisation-administrator",
}


def can_view_dashboard(user: User, role: str) -> bool:
    """A user sees the dashboard of their own role only; administrators see every dashboard."""
    return capabilities.is_signed_in(user) and (user.role == role or capabilities.is_administrator(user))


# An active coordinator acting for an organisation (whose participants, policies and plans they keep).
is_organisation_coordinator = capabilities.is_coordinator


def require_organisation_coordinator(request) -> None:
    if not is_organisation_coordinator(request.user):
        raise PermissionDenied


def dashboard_url_for(user: User) -> str | None:
    name = DASHBOARD_URL_NAMES.get(user.role)
    return reverse(name) if name else None


def role_required(role: str) -> Callable:
    """Views of one role's dashboard: 403 for a logged-in user in another role (login is the middleware's)."""

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not can_view_dashboard(request.user, role):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


def get_own_membership(request, pk) -> Membership:
    """One of the signed-in person's own current memberships; anyone else's, a revoked one or no id at all: 404."""
    if not capabilities.is_signed_in(request.user) or not _is_id(pk):
        raise Http404
    return get_object_or_404(
        Membership.objects.select_related("organisation", "company"),
        pk=int(pk),
        user=request.user,
        revoked_at__isnull=True,
    )


def _is_id(value) -> bool:
    # A typed or tampered id that is no number, or too long for the database's integer, is simply not found.
    text = str(value or "")
    return text.isascii() and text.isdigit() and len(text) <= 18


def require_organisation_administrator(request) -> None:
    """The organisation-administration pages: the active membership must be an organisation administrator's."""
    if not capabilities.is_organisation_administrator(request.user):
        raise PermissionDenied


def get_person_for_administrator(request, pk: int) -> User:
    """A person of the administrator's own organisation (one who holds or held a role there); anyone else: 404."""
    require_organisation_administrator(request)
    person = organisation_person(organisation_id=request.user.organisation_id, user_id=pk)
    if person is None:
        raise Http404
    return person


def get_membership_for_administrator(request, pk: int):
    require_organisation_administrator(request)
    return get_object_or_404(
        Membership.objects.select_related("user", "organisation"),
        pk=pk,
        organisation_id=request.user.organisation_id,
    )


def get_invitation_for_administrator(request, pk: int):
    require_organisation_administrator(request)
    return get_object_or_404(OrganisationInvitation, pk=pk, organisation_id=request.user.organisation_id)


def get_join_application_for_decision(request, pk: int):
    if not capabilities.is_administrator(request.user):
        raise PermissionDenied
    return get_object_or_404(JoinApplication.objects.select_related("organisation"), pk=pk)
