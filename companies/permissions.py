"""Who may do what in the ASF registry: predicates and fetch helpers (404 for what one may not see)."""

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404

from asfportal.accounts import capabilities
from asfportal.accounts.models import Membership, Role, User

from .models import Assessment, ChangeRequest, Company

# The registry's coordinator pages (every state, evidence, change requests) are read by coordinators and the
# national administrator; assessing is an act for an organisation, so coordinators only.
is_coordinator = capabilities.can_read_registry
can_assess = capabilities.is_coordinator


def represents(user: User, company: Company) -> bool:
    return capabilities.represented_company_id(user) == company.pk


def can_see_evidence(user: User, company: Company) -> bool:
    """Evidence files are for the coordinators and the company's own representatives."""
    return is_coordinator(user) or represents(user, company)


def get_company_for_view(request: HttpRequest, pk: int) -> Company:
    """The company page: the public sees listed companies; coordinators and representatives more."""
    return get_object_or_404(Company.objects.visible_to(request.user), pk=pk)


def get_company_for_representative(request: HttpRequest, pk: int) -> Company:
    """A representative's own company; any other company is not found (404), not forbidden."""
    if not capabilities.is_company_representative(request.user):
        raise PermissionDenied
    return get_object_or_404(Company.objects.filter(representatives__user=request.user), pk=pk)


def get_company_for_coordinator(request: HttpRequest, pk: int) -> Company:
    if not is_coordinator(request.user):
        raise PermissionDenied
    return get_object_or_404(Company, pk=pk)


def require_coordinator(request: HttpRequest) -> None:
    if not is_coordinator(request.user):
        raise PermissionDenied


def require_assessor(request: HttpRequest) -> None:
    if not can_assess(request.user):
        raise PermissionDenied


def get_change_request_for_decision(request: HttpRequest, pk: int) -> ChangeRequest:
    require_coordinator(request)
    return get_object_or_404(ChangeRequest.objects.select_related("company", "requested_by"), pk=pk)


def get_assessment_for_evidence(request: HttpRequest, pk: int) -> Assessment:
    assessment = get_object_or_404(Assessment.objects.select_related("company"), pk=pk)
    if not can_see_evidence(request.user, assessment.company):
        # Another company's evidence is not found for a representative, as that company's other pages are.
        if capabilities.is_company_representative(request.user):
            raise Http404
        raise PermissionDenied
    return assessment


def get_colleague_membership(request: HttpRequest, pk: int, membership_pk: int):
    """A current representative's membership of the visitor's own company; any other: 404."""
    company = get_company_for_representative(request, pk)
    membership = get_object_or_404(
        Membership.objects.current().select_related("user"),
        pk=membership_pk,
        company=company,
        role=Role.COMPANY_REPRESENTATIVE,
    )
    return company, membership
