"""The public API lists are cached per address under the versions of the data they show: a repeated anonymous
request reads nothing from the database, answers the same body, ETag and 304 as before, and a change through a
service (an API write, here) shows in the next answer at once. A key holder's list is never served from it."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from policies import services as policy_services
from tests.procurement.factories import TenderFactory

pytestmark = pytest.mark.django_db


def _get(client, url, **headers):
    """The answer and how many statements read the database (the request's savepoint, ATOMIC_REQUESTS, aside)."""
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, **headers)
    reads = [q["sql"] for q in captured if "SAVEPOINT" not in q["sql"]]
    return response, len(reads)


def test_a_repeated_anonymous_list_is_the_same_answer_without_a_query_and_304_still_works(api):
    TenderFactory(published=True, title="Städning av skolor")
    TenderFactory(published=True, title="Fönsterputs")
    client = api()
    first, cold = _get(client, "/api/v1/tenders/")
    again, warm = _get(client, "/api/v1/tenders/")
    assert first.status_code == again.status_code == 200
    assert cold > 0 and warm == 0, (cold, warm)
    assert again.content == first.content and again["ETag"] == first["ETag"]
    assert again["Last-Modified"] == first["Last-Modified"]
    assert again["Content-Type"] == first["Content-Type"] == "application/json"
    not_modified, _count = _get(client, "/api/v1/tenders/", HTTP_IF_NONE_MATCH=first["ETag"])
    assert not_modified.status_code == 304 and not not_modified.content
    other_page, _count = _get(client, "/api/v1/tenders/?page_size=1")
    assert other_page.json()["results"] and other_page.content != first.content


def test_a_tender_published_through_the_api_is_in_the_next_anonymous_list(api, tenders_key, municipality):
    anonymous = api()
    assert anonymous.get("/api/v1/tenders/").json()["count"] == 0
    draft = TenderFactory(buyer=municipality, title="Städning av skolor")
    assert api(tenders_key).post(f"/api/v1/own/tenders/{draft.pk}/publish/").status_code == 200
    listed = anonymous.get("/api/v1/tenders/").json()
    assert [t["title"] for t in listed["results"]] == ["Städning av skolor"]


def test_progress_recorded_with_a_key_shows_in_the_next_anonymous_plan_list(api, steering_key, activity):
    anonymous = api()
    before = anonymous.get("/api/v1/action-plans/").json()["results"][0]["activities"][0]["percent"]
    url = f"/api/v1/own/activities/{activity.pk}/progress/"
    api(steering_key).post(url, {"text": "Tre skolor anmälda.", "progress": 80}, format="json")
    after = anonymous.get("/api/v1/action-plans/").json()["results"][0]["activities"][0]["percent"]
    assert (before, after) != (80, 80) and after == 80


def test_an_organisation_renamed_shows_in_the_next_anonymous_lists(api, municipality, coordinator):
    TenderFactory(published=True, buyer=municipality)
    anonymous = api()
    assert anonymous.get("/api/v1/tenders/").json()["results"][0]["buyer"]["name"] == municipality.name
    anonymous.get("/api/v1/organisations/")
    municipality.name = "Nya kommunen"
    municipality.save()
    assert anonymous.get("/api/v1/tenders/").json()["results"][0]["buyer"]["name"] == "Nya kommunen"
    names = [o["name"] for o in anonymous.get("/api/v1/organisations/?page_size=200").json()["results"]]
    assert "Nya kommunen" in names


def test_a_policy_adopted_shows_in_the_next_anonymous_policy_list(api, coordinator):
    anonymous = api()
    assert anonymous.get("/api/v1/policies/").json()["count"] == 0
    fields = {"title": "Policy för sociala företag", "status": "adopted", "adopted_by": "Kommunfullmäktige",
              "adopted_on": "2026-11-01", "review_on": "2028-11-01", "text": "Text."}  # fmt: skip
    policy_services.policy_save(
        policy=None, organisation=coordinator.organisation, fields=fields, actor=coordinator
    )
    assert anonymous.get("/api/v1/policies/").json()["count"] == 1


def test_a_key_holders_list_is_never_served_from_the_public_cache(api, read_key):
    TenderFactory(published=True)
    client = api(read_key)
    _first, cold = _get(client, "/api/v1/tenders/")
    _again, warm = _get(client, "/api/v1/tenders/")
    assert warm == cold > 0
