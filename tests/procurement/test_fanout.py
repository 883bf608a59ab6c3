"""Notifications about tenders go out through one bulk write (notify_many): a fixed number of queries whatever the
number of followers, the same outbox and idempotency as notify, and each person's chosen channel."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from asfportal.core.models import Channel, Notification, NotificationPreference
from asfportal.core.notifications import notify_many
from procurement import services
from procurement.models import Watch
from tests.companies.factories import RepresentativeFactory
from tests.procurement.factories import TenderFactory

pytestmark = pytest.mark.django_db


def _queries(tender, followers: int) -> list[str]:
    for _ in range(followers):
        Watch.objects.create(tender=tender, user=RepresentativeFactory().user)
    with CaptureQueriesContext(connection) as captured:
        services.fanout.notify_followers(
            tender, "procurement.tender_changed", about=tender, context={"reason": "x"}
        )
    return [q["sql"] for q in captured.captured_queries]


def test_notifying_followers_takes_the_same_queries_for_one_or_twenty_and_no_savepoint():
    one, twenty = _queries(TenderFactory(published=True), 1), _queries(TenderFactory(published=True), 20)
    assert len(one) == len(twenty)
    assert not any("SAVEPOINT" in sql for sql in twenty)
    assert Notification.objects.count() == 21


def test_notify_many_skips_existing_keys_and_honours_preferences():
    people = [RepresentativeFactory().user for _ in range(3)]
    NotificationPreference.objects.create(
        user=people[0], kind="procurement.tender_changed", channel=Channel.PORTAL
    )
    tender = TenderFactory(published=True)
    args = {
        "kind": "procurement.tender_changed",
        "subject_object": tender,
        "context": {"tender": tender, "reason": "x"},
    }
    first = notify_many(recipients=people[:2], **args)
    second = notify_many(recipients=people, **args)
    assert len(first) == 2 and [n.recipient for n in second] == [people[2]]
    states = dict(Notification.objects.values_list("recipient_id", "state"))
    assert states[people[0].pk] == Notification.State.PORTAL
    assert states[people[1].pk] == Notification.State.PENDING
