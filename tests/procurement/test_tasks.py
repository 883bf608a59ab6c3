"""The beat-driven close on the real stack: a published tender closes at its deadline without any request."""

from datetime import timedelta

import pytest
from django.utils import timezone

from procurement import services
from procurement.models import Tender
from procurement.tasks import close_due_tenders_task
from tests.procurement.factories import TenderFactory

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def test_publishing_queues_no_task_at_the_deadline_the_minute_sweep_closes_it(
    start_worker, officer, settings
):
    # A task due weeks ahead (apply_async with an eta) is redelivered by Redis every visibility timeout while it
    # waits, and each copy waits again: they multiply (issue 14 §7). Beat's every-minute sweep is the one closer.
    from asfportal.celery import app

    start_worker()
    assert "procurement.tasks.close_tender_task" not in app.tasks
    assert (
        settings.CELERY_BEAT_SCHEDULE["close-due-tenders"]["task"]
        == "procurement.tasks.close_due_tenders_task"
    )
    tender = TenderFactory(
        buyer=officer.organisation, question_deadline_at=None, answers_published_by_at=None
    )
    services.tender_publish(tender=tender, actor=officer)
    Tender.objects.filter(pk=tender.pk).update(submission_deadline_at=timezone.now() - timedelta(seconds=1))
    assert close_due_tenders_task.delay().get(timeout=30) == 1
    tender.refresh_from_db()
    assert tender.status == Tender.Status.CLOSED


def test_the_every_minute_sweep_closes_what_is_due(start_worker, officer):
    start_worker()
    tender = TenderFactory(buyer=officer.organisation, published=True)
    Tender.objects.filter(pk=tender.pk).update(submission_deadline_at=timezone.now() - timedelta(seconds=1))
    assert close_due_tenders_task.delay().get(timeout=30) == 1
    tender.refresh_from_db()
    assert tender.status == Tender.Status.CLOSED
