"""Nothing twice: the one-time token that `{% csrf_token %}` writes into every POST form (core/form_tokens.py)."""

import re
import time
from datetime import timedelta

import pytest
from django.contrib.messages import get_messages
from django.template import Context, Template
from django.urls import reverse
from django.utils import timezone

from asfportal.core import form_tokens
from asfportal.core.models import AccessibilityReport, FormSubmission

pytestmark = pytest.mark.django_db

REPORT = {"page_url": "/", "description": "Knappen går inte att nå med tangentbordet.", "contact_email": ""}


def _token(client, url) -> str:
    return re.search(r'name="form_token" value="([^"]+)"', client.get(url).content.decode()).group(1)


def _messages(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def test_every_csrf_token_tag_also_writes_a_fresh_one_time_token(rf):
    request = rf.get("/")
    request.user = None
    html = Template("{% csrf_token %}{% csrf_token %}").render(
        Context({"request": request, "csrf_token": "x"})
    )
    assert html.count('name="csrfmiddlewaretoken"') == 2
    tokens = re.findall(r'name="form_token" value="([^"]+)"', html)
    assert len(tokens) == 2 and tokens[0] != tokens[1]


def test_crispy_forms_carry_the_token(client):
    assert 'name="form_token"' in client.get(reverse("core:accessibility")).content.decode()


def test_the_same_form_posted_twice_acts_once_and_shows_the_first_result(client):
    url = reverse("core:accessibility")
    data = {**REPORT, "form_token": _token(client, url)}
    first = client.post(url, data)
    second = client.post(url, data)
    assert AccessibilityReport.objects.count() == 1
    assert second.status_code == 302 and second["Location"] == first["Location"]
    assert "Det här är redan gjort: här är resultatet." in _messages(second)


def test_a_form_that_came_back_with_errors_can_be_sent_again_with_the_same_token(client):
    url = reverse("core:accessibility")
    token = _token(client, url)
    refused = client.post(url, {**REPORT, "description": "", "form_token": token})
    assert refused.status_code == 200
    assert not FormSubmission.objects.exists()
    assert client.post(url, {**REPORT, "form_token": token}).status_code == 302
    assert AccessibilityReport.objects.count() == 1


def test_a_token_is_bound_to_its_browser_or_user(client):
    from django.test import Client

    url = reverse("core:accessibility")
    token = _token(client, url)
    client.post(url, {**REPORT, "form_token": token})
    # Another browser posting the first one's token is not answered with the first one's result.
    other = Client().post(url, {**REPORT, "form_token": token})
    assert other.status_code == 302 and AccessibilityReport.objects.count() == 2


def test_a_forged_token_counts_as_none(client):
    url = reverse("core:accessibility")
    for _i in range(2):
        client.post(url, {**REPORT, "form_token": "abc.123.def"})
    assert AccessibilityReport.objects.count() == 2 and not FormSubmission.objects.exists()


def test_a_post_without_a_token_works_as_before(client):
    url = reverse("core:accessibility")
    client.post(url, REPORT)
    client.post(url, REPORT)
    assert AccessibilityReport.objects.count() == 2


def test_a_duplicate_waits_for_the_first_and_then_says_it_is_still_being_done(client, monkeypatch):
    monkeypatch.setattr(form_tokens, "WAIT_SECONDS", 0.3)
    url = reverse("core:accessibility")
    token = _token(client, url)
    FormSubmission.objects.create(
        token=token.split(".")[0], owner="x", path=url
    )  # the first is still running
    response = client.post(url, {**REPORT, "form_token": token})
    assert response.status_code == 302 and response["Location"] == url
    assert "Det här håller redan på att göras. Ladda om sidan om en stund." in _messages(response)
    assert not AccessibilityReport.objects.exists()


def test_a_duplicate_of_a_signed_in_users_form_is_bound_to_the_user(client, coordinator):
    client.force_login(coordinator)
    url = reverse("core:notification-preferences")
    data = {"form_token": _token(client, url)}
    assert client.post(url, data).status_code == 302
    assert "Det här är redan gjort: här är resultatet." in _messages(client.post(url, data))


def test_signing_in_is_never_answered_with_an_earlier_result(client, company_rep):
    from tests.accounts.factories import PASSWORD

    url = reverse("accounts:login")
    data = {"username": company_rep.email, "password": PASSWORD, "form_token": _token(client, url)}
    assert client.post(url, data).status_code == 302
    assert not FormSubmission.objects.exists()


def test_old_claims_are_purged():
    FormSubmission.objects.create(token="old", owner="x", path="/")
    FormSubmission.objects.create(token="new", owner="x", path="/")
    FormSubmission.objects.filter(token="old").update(created_at=timezone.now() - timedelta(hours=25))
    assert form_tokens.form_submissions_purge() == 1
    assert list(FormSubmission.objects.values_list("token", flat=True)) == ["new"]


def test_an_expired_token_counts_as_none(client, settings, monkeypatch):
    url = reverse("core:accessibility")
    token = _token(client, url)
    later = form_tokens.time.time() + 25 * 3600
    monkeypatch.setattr(form_tokens.time, "time", lambda: later)
    client.post(url, {**REPORT, "form_token": token})
    assert not FormSubmission.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_a_duplicate_waits_for_a_first_that_dies_before_its_commit_and_then_acts_once_itself(
    client, monkeypatch
):
    """Issue 18, found by the kill-under-load test in CI: a node killed while it served a form had committed the
    claim before the view ran, so the balancer's retry of the same POST on the other node was told "already being
    done" (a redirect the client took for success) and the report was never stored; every later resend met the
    orphaned claim. Now the claim lives in the first request's transaction: the process dies, PostgreSQL rolls
    the claim back with its writes, and the waiting duplicate does the work, once."""
    import threading

    from django.db import connection, connections
    from django.test import Client

    from asfportal.core import services

    monkeypatch.setattr(form_tokens, "WAIT_SECONDS", 4)
    url = reverse("core:accessibility")
    token = _token(client, url)
    data = {**REPORT, "form_token": token}
    create = services.accessibility_report_create
    in_view, backend = threading.Event(), {}

    def first_then_dies(**kwargs):
        if (
            not backend
        ):  # the first request: it has claimed the form and is inside the view when its node dies
            backend["pid"] = connection.connection.info.backend_pid
            in_view.set()
            time.sleep(3)
        return create(**kwargs)

    monkeypatch.setattr(services, "accessibility_report_create", first_then_dies)
    first_client = Client(raise_request_exception=False)
    first_client.cookies = client.cookies  # the same browser (the token is bound to it)
    answered = {}

    def post(name, browser):
        try:
            answered[name] = browser.post(url, data)
        finally:
            connections.close_all()

    first = threading.Thread(target=post, args=("first", first_client))
    first.start()
    assert in_view.wait(10)
    duplicate = threading.Thread(target=post, args=("duplicate", client))  # the balancer's retry
    duplicate.start()
    duplicate.join(0.5)
    assert duplicate.is_alive(), "the duplicate must wait while the first runs"
    with connection.cursor() as cursor:  # kill -9 of the first's node: its database connection ends
        cursor.execute("SELECT pg_terminate_backend(%s)", [backend["pid"]])
    duplicate.join(15)
    first.join(15)
    response = answered["duplicate"]
    assert response.status_code == 302
    assert _messages(response) == ["Tack! Vi har tagit emot din anmälan."]  # done, not "already being done"
    assert AccessibilityReport.objects.count() == 1
    assert FormSubmission.objects.get().result_url == response["Location"]
    # The same form sent again is answered with that result, not done twice.
    again = client.post(url, data)
    assert again["Location"] == response["Location"] and AccessibilityReport.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_a_constraint_broken_only_at_commit_is_the_409_page_and_the_form_may_be_sent_again(
    client, monkeypatch
):
    """The claim's transaction is the request's: a foreign key checked at commit (deferred, as Django creates
    them) breaks there, outside the view, and is answered with the same 409 page as before, nothing kept."""
    from asfportal.core import services
    from asfportal.core.models import AuditEntry

    def with_a_vanished_reference(**kwargs):
        # A row that refers to a person removed a moment ago by someone else: PostgreSQL notices at commit.
        AuditEntry.objects.create(actor_id=2_000_000_000, action="x", object_type="x", object_id="1")
        return create(**kwargs)

    create = services.accessibility_report_create
    monkeypatch.setattr(services, "accessibility_report_create", with_a_vanished_reference)
    url = reverse("core:accessibility")
    data = {**REPORT, "form_token": _token(client, url)}
    response = client.post(url, data)
    assert response.status_code == 409
    assert "Något som det här hänvisar till har nyss tagits bort" in response.content.decode()
    assert not AccessibilityReport.objects.exists() and not FormSubmission.objects.exists()
    monkeypatch.setattr(services, "accessibility_report_create", create)
    assert client.post(url, data).status_code == 302 and AccessibilityReport.objects.count() == 1
