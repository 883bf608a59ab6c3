"""The beat-driven close on the real stack: a published tender closes at its deadline without any request."""

import time
from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone

from procurement import services
from procurement.models import Tender
from procurement.tasks import close_due_tenders_task
from tests.procurement.factories import TenderFactory

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def test_a_published_tender_closes_at_its_deadline_by_itself(start_worker, officer):
    start_worker()
    deadline = timezone.now() + timedelta(seconds=3)
    tender = TenderFactory(
        buyer=officer.organisation,
        submission_deadline_at=deadline,
        question_deadline_at=None,
        answers_published_by_at=None,
    )
    with transaction.atomic():
        services.tender_publish(tender=tender, actor=officer)  # schedules a close task due at the deadline

    begun = time.monotonic()
    while Tender.objects.get(pk=tender.pk).status != Tender.Status.CLOSED:
        assert time.monotonic() - begun < 30, "the tender was not closed"
        time.sleep(0.1)
    tender.refresh_from_db()
    assert tender.closed_at >= deadline
    assert tender.closed_at - deadline < timedelta(seconds=5)


def test_the_every_minute_sweep_closes_what_is_due(start_worker, officer):
    start_worker()
    tender = TenderFactory(buyer=officer.organisation, published=True)
    Tender.objects.filter(pk=tender.pk).update(submission_deadline_at=timezone.now() - timedelta(seconds=1))
    assert close_due_tenders_task.delay().get(timeout=30) == 1
    tender.refresh_from_db()
    assert tender.status == Tender.Status.CLOSED
