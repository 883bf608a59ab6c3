"""Cached page parts never go stale: a change to the data they show is visible on the next request."""

import pytest
from django.urls import reverse

from companies import services as company_services
from tests.companies.factories import CompanyFactory, assessment_fields
from tests.placements.factories import OfferFactory
from tests.procurement.factories import TenderFactory

pytestmark = pytest.mark.django_db


def test_the_directory_shows_a_company_as_soon_as_it_is_verified(client, coordinator):
    company = CompanyFactory(name="Nyverifierade Caféet ekonomisk förening")
    company.municipalities.add(coordinator.organisation)
    url = reverse("companies:company-directory")
    assert "Nyverifierade Caféet" not in client.get(url).content.decode()
    assert "Nyverifierade Caféet" not in client.get(url).content.decode()  # now served from the cache
    company_services.assessment_record(company=company, fields=assessment_fields(), actor=coordinator)
    assert "Nyverifierade Caféet" in client.get(url).content.decode()
    company.refresh_from_db()
    company.name = "Omdöpta Caféet ekonomisk förening"
    company.save()
    assert "Omdöpta Caféet" in client.get(url).content.decode()


def test_the_tender_list_shows_a_published_tender_at_once(client, officer):
    url = reverse("procurement:tender-list")
    client.get(url)
    TenderFactory(buyer=officer.organisation, published=True, title="Snöröjning av skolgårdar")
    assert "Snöröjning av skolgårdar" in client.get(url).content.decode()


def test_the_capacity_search_follows_offers(client, coordinator):
    client.force_login(coordinator)
    url = reverse("placements:capacity-search")
    assert "Servering och disk" not in client.get(url).content.decode()
    OfferFactory(tasks="Servering och disk")
    offer_count = client.get(url).content.decode()
    assert "1 plats" in offer_count or "1 erbjudande" in offer_count


def _unread_badge(client) -> str:
    html = client.get(reverse("core:notification-list")).content.decode()
    start = html.find('class="badge text-bg-light">')
    return html[start:].split(">", 1)[1].split("<", 1)[0].strip() if start >= 0 else ""


def test_the_unread_count_in_the_header_is_cached_per_person_and_never_stale(client, coordinator, officer):
    """Issue 18: the per-person header is cached under the person's version; every change bumps it."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from asfportal.core.models import Notification
    from asfportal.core.notifications import build_notification, notify

    client.force_login(coordinator)
    assert _unread_badge(client) == ""
    notify(recipient=coordinator, kind="accounts.password_changed", key="first")
    assert _unread_badge(client).startswith("1 ")  # a new notification (post_save)

    with CaptureQueriesContext(connection) as queries:
        client.get(reverse("accounts:dashboard-coordinator"))
    assert not [
        q for q in queries.captured_queries if '"core_notification"' in q["sql"] and "COUNT" in q["sql"]
    ]

    # A bulk insert (the reminder sweep's path) sends no post_save and still renews the count.
    Notification.objects.bulk_create(
        [
            build_notification(recipient=coordinator, kind="accounts.password_changed", key=f"bulk-{n}")
            for n in (1, 2)
        ]
    )
    assert _unread_badge(client).startswith("3 ")
    # Someone else's notification leaves this person's count alone.
    notify(recipient=officer, kind="accounts.password_changed", key="officer")
    assert _unread_badge(client).startswith("3 ")

    client.post(reverse("core:notification-mark-all-read"))
    assert _unread_badge(client) == ""
    notify(recipient=coordinator, kind="accounts.password_changed", key="after")
    assert _unread_badge(client).startswith("1 ")
    (latest,) = Notification.objects.filter(key="after")
    client.get(reverse("core:notification-open", args=[latest.pk]))
    assert _unread_badge(client) == ""


def test_the_notification_settings_page_costs_the_same_few_queries_whatever_the_number_of_kinds(
    client, coordinator
):
    """Issue 18: one query for every kind's choice (it was one per kind, 20-27 queries)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from asfportal.core.models import Channel, NotificationPreference
    from asfportal.core.notifications import kinds_offered_to

    client.force_login(coordinator)
    url = reverse("core:notification-preferences")
    client.get(url)
    kinds = kinds_offered_to(coordinator)
    assert len(kinds) > 10
    with CaptureQueriesContext(connection) as queries:
        page = client.get(url)
    assert page.status_code == 200
    assert len(queries) <= 10, [q["sql"] for q in queries.captured_queries]

    chosen = {kind.code: Channel.DIGEST for kind in kinds}
    with CaptureQueriesContext(connection) as queries:
        client.post(url, chosen)
    saved = dict(NotificationPreference.objects.filter(user=coordinator).values_list("kind", "channel"))
    assert saved == chosen
    assert len(queries) <= 15, [q["sql"] for q in queries.captured_queries]
    chosen[kinds[0].code] = Channel.PORTAL
    client.post(url, {kinds[0].code: Channel.PORTAL})
    assert (
        dict(NotificationPreference.objects.filter(user=coordinator).values_list("kind", "channel")) == chosen
    )


def test_with_the_cache_unreachable_a_notification_is_still_recorded_and_the_header_still_counts(
    client, coordinator, monkeypatch
):
    """The outbox promises that a change that notifies succeeds with Redis down; the header cache must not
    break that, and the header falls back to counting in the database."""
    from django.core.cache import cache

    from asfportal.core.notifications import notify

    client.force_login(coordinator)

    def down(*args, **kwargs):
        raise ConnectionError("Redis is down")

    for method in ("incr", "set", "get", "get_many", "add"):
        monkeypatch.setattr(cache, method, down)
    assert notify(recipient=coordinator, kind="accounts.password_changed", key="redis-down") is not None
    from asfportal.core.context_processors import notifications as header

    request = type("Request", (), {"user": coordinator})()
    assert header(request)["unread_notifications"]() == 1


def test_a_request_reads_each_version_once_and_sees_its_own_bumps_at_once():
    """Issue 18: the header asked the cache for the person's version once per figure; within one request it is
    read once, a bump in the same request is seen at once, and outside a request (a worker) nothing is kept."""
    from django.core.cache import cache
    from django.core.signals import request_finished, request_started

    from asfportal.core.cache import bump, data_versions

    outside = data_versions("memo-test")
    cache.incr("data-version:memo-test")  # another process's change
    assert data_versions("memo-test") != outside  # no request: always asked

    request_started.send(sender=None)
    try:
        first = data_versions("memo-test")
        cache.incr("data-version:memo-test")  # another process's change: from the next request on
        assert data_versions("memo-test") == first
        bump("memo-test")  # this request's own change: at once
        assert data_versions("memo-test") != first
        assert data_versions("memo-test") == str(cache.get("data-version:memo-test"))
    finally:
        request_finished.send(sender=None)
    before = data_versions("memo-test")
    cache.incr("data-version:memo-test")
    assert data_versions("memo-test") != before  # the request is over: asked again
