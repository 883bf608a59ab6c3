"""Least access to participants: only the referring organisation's coordinators; companies see their placements."""

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.shortcuts import get_object_or_404

from asfportal.accounts import capabilities
from asfportal.accounts.permissions import require_organisation_coordinator
from companies.models import Company

from .models import FollowUp, Offer, Participant, Placement

is_coordinator = capabilities.is_coordinator
require_coordinator = require_organisation_coordinator
represented_company_id = capabilities.represented_company_id


def require_company(request: HttpRequest) -> int:
    company_id = represented_company_id(request.user)
    if company_id is None:
        raise PermissionDenied
    return company_id


def get_participant(request: HttpRequest, pk: int) -> Participant:
    """A participant of the user's own organisation; anyone else's is not found (404), never forbidden."""
    if not is_coordinator(request.user):
        raise PermissionDenied
    return get_object_or_404(
        Participant.objects.select_related("organisation"),
        pk=pk,
        organisation_id=request.user.organisation_id,
    )


def get_placement_for_coordinator(request: HttpRequest, pk: int) -> Placement:
    if not is_coordinator(request.user):
        raise PermissionDenied
    return get_object_or_404(
        Placement.objects.select_related("participant", "company", "offer", "referring_organisation"),
        pk=pk,
        referring_organisation_id=request.user.organisation_id,
    )


def get_follow_up_for_coordinator(request: HttpRequest, pk: int) -> FollowUp:
    if not is_coordinator(request.user):
        raise PermissionDenied
    return get_object_or_404(
        FollowUp.objects.select_related("placement__participant"),
        pk=pk,
        placement__referring_organisation_id=request.user.organisation_id,
    )


def get_offer_for_coordinator(request: HttpRequest, pk: int) -> Offer:
    """A published offer of a listed company, as the capacity search shows it; any other is not found."""
    if not is_coordinator(request.user):
        raise PermissionDenied
    return get_object_or_404(
        Offer.objects.select_related("company", "work_area", "municipality"),
        pk=pk,
        is_published=True,
        company__in=Company.objects.listed(),
    )


def get_offer_for_company(request: HttpRequest, pk: int) -> Offer:
    company_id = require_company(request)
    return get_object_or_404(Offer, pk=pk, company_id=company_id)


def get_follow_up_for_calendar(request: HttpRequest, pk: int) -> tuple[FollowUp, bool]:
    """A follow-up for its calendar file, and whether a company asks: the referring organisation's coordinators,
    or the representatives of the company where the meeting is (the 90-day follow-up is the coordinator's)."""
    follow_ups = FollowUp.objects.select_related("placement__participant", "placement__company")
    if is_coordinator(request.user):
        organisation_id = request.user.organisation_id
        return get_object_or_404(
            follow_ups, pk=pk, placement__referring_organisation_id=organisation_id
        ), False
    company_id = require_company(request)
    return get_object_or_404(
        follow_ups, pk=pk, placement__company_id=company_id, kind=FollowUp.Kind.REGULAR
    ), True
