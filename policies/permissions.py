"""Coordinators keep their own organisation's contacts, policies and plans; the public reads what is adopted."""

from django.http import HttpRequest
from django.shortcuts import get_object_or_404

from asfportal.accounts import capabilities
from asfportal.accounts.permissions import require_organisation_coordinator

from .models import ActionPlan, Activity, AnnualReport, ContactPerson, Policy

is_coordinator = capabilities.is_coordinator
require_coordinator = require_organisation_coordinator


def _own(request: HttpRequest, queryset, pk: int, **scope):
    require_coordinator(request)
    return get_object_or_404(queryset, pk=pk, **dict.fromkeys(scope, request.user.organisation_id))


def get_contact(request: HttpRequest, pk: int) -> ContactPerson:
    return _own(request, ContactPerson.objects.all(), pk, organisation_id=True)


def get_policy(request: HttpRequest, pk: int) -> Policy:
    return _own(request, Policy.objects.all(), pk, organisation_id=True)


def get_plan(request: HttpRequest, pk: int) -> ActionPlan:
    return _own(request, ActionPlan.objects.select_related("organisation"), pk, organisation_id=True)


def get_activity(request: HttpRequest, pk: int) -> Activity:
    return _own(
        request, Activity.objects.select_related("plan__organisation"), pk, plan__organisation_id=True
    )


def get_report(request: HttpRequest, pk: int) -> AnnualReport:
    """A report is read by its own organisation's coordinators until it is published by them elsewhere."""
    return _own(request, AnnualReport.objects.select_related("organisation"), pk, organisation_id=True)
