"""Schemathesis against the schema the portal serves (issue 19): every operation, positive and negative cases,
with keys of the right scope and data of the key's own organisation to find; 0 server errors and 0 answers
that break the schema. Few examples per operation keep it within the suite's time."""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.generation import GenerationMode
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from policies.models import Indicator
from tests.api.conftest import make_key
from tests.companies.factories import CompanyFactory
from tests.procurement.factories import TenderFactory


@pytest.fixture
def _connection_kept():
    # A real WSGI call closes the database connection when the request ends; the test's transaction must
    # survive it, as Django's test client arranges for its own requests.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def api_schema(db, _connection_kept, settings, municipality, organisation_admin, activity):
    settings.API_RATE_LIMITS = {"anonymous": "100000/min", "token": "100000/min"}
    CompanyFactory(verified=True)
    TenderFactory(buyer=municipality, published=True)
    TenderFactory(buyer=municipality)
    Indicator.objects.create(activity=activity, name="Anställda", actuals={"2025": 1})
    schema = schemathesis.openapi.from_wsgi("/api/v1/schema/?format=json", get_wsgi_application())
    return schema


@pytest.fixture
def keys(municipality, organisation_admin):
    return {
        scope: make_key(municipality, scope, organisation_admin).secret
        for scope in ("read", "tenders", "steering")
    }


def _scope(case) -> str:
    if "/own/activities/" in case.path or "/own/indicators/" in case.path:
        return "steering"
    return "tenders" if case.method != "GET" else "read"


CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


def test_every_operation_answers_within_its_schema_and_never_with_a_server_error(api_schema, keys):
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert len(operations) >= 19  # every operation of the schema, none skipped
    for operation in operations:
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):

            @given(case=operation.as_strategy(generation_mode=mode))
            @settings(max_examples=4, deadline=None, derandomize=True, database=None,
                      suppress_health_check=list(HealthCheck))  # fmt: skip
            def run(case):
                case.call_and_validate(
                    headers={"Authorization": f"Bearer {keys[_scope(case)]}"}, checks=CHECKS
                )

            run()
