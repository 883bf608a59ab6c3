"""Fixtures of the API tests: an organisation administrator, keys of each scope, a client sending a key."""

from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from asfportal.accounts import api_tokens
from asfportal.accounts.models import Role
from policies import services as policy_services
from policies.models import ActionPlan
from tests.accounts.factories import UserFactory


@pytest.fixture
def organisation_admin(municipality):
    return UserFactory(role=Role.ORGANISATION_ADMINISTRATOR, organisation=municipality)


def make_key(organisation, scope, actor, name=None):
    return api_tokens.api_token_create(organisation=organisation, name=name or f"System {scope}", scope=scope,
                                       actor=actor)  # fmt: skip


@pytest.fixture
def tenders_key(municipality, organisation_admin):
    return make_key(municipality, "tenders", organisation_admin)


@pytest.fixture
def steering_key(municipality, organisation_admin):
    return make_key(municipality, "steering", organisation_admin)


@pytest.fixture
def read_key(municipality, organisation_admin):
    return make_key(municipality, "read", organisation_admin)


@pytest.fixture
def api():
    def client_for(key=None):
        client = APIClient()
        if key is not None:
            client.credentials(HTTP_AUTHORIZATION=f"Bearer {key.secret if hasattr(key, 'secret') else key}")
        return client

    return client_for


@pytest.fixture
def activity(coordinator):
    today = timezone.localdate()
    organisation = coordinator.organisation
    plan = ActionPlan.objects.create(organisation=organisation, title="Handlingsplan", start_year=today.year,
                                     end_year=today.year + 2, adopted_by="KF", adopted_on=today - timedelta(days=9))  # fmt: skip
    fields = {"title": "Inspirationsdag", "category": "awareness", "responsible_organisation": organisation,
              "start_on": today - timedelta(days=50), "end_on": today + timedelta(days=50), "status": "ongoing"}  # fmt: skip
    return policy_services.activity_save(activity=None, plan=plan, fields=fields, actor=coordinator)
